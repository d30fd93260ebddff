"""The risk pipeline loads once per process, beside a server's start, and is then out of
the garbage collector's reach; CAD_PRELOAD_RISK_LANGUAGE=0 leaves it to the first call."""

import gc
import subprocess
import sys

from cad.calls import risk_language

PROBE = """
import gc, os, sys
sys.path.insert(0, {root!r})
from cad.calls import risk_language
thread = risk_language.load_in_background()
if thread is None:
    print("not loaded", risk_language._pipeline.cache_info().currsize)
else:
    thread.join()
    print("loaded", risk_language._pipeline.cache_info().currsize, gc.get_freeze_count() > 50000)
"""


def run_probe(preload: str) -> str:
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    env = {"CAD_PRELOAD_RISK_LANGUAGE": preload, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=root)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout.strip()


def test_a_server_process_loads_the_pipeline_and_freezes_it():
    assert run_probe("1") == "loaded 1 True"


def test_preloading_can_be_left_to_the_first_call():
    assert run_probe("0") == "not loaded 0"


def test_the_pipeline_is_made_once_per_process():
    first = risk_language.pipeline()
    assert risk_language.pipeline() is first
    assert gc.isenabled()
