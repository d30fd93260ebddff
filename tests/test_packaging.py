"""`pip install .` builds the project: the four apps of the brief with their migrations,
and nothing of the tests or benchmarks."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_project_builds_as_a_wheel_of_its_four_apps_and_reports(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("cad-")}
    assert tops == {"cad", "dispatch", "schemes", "intelligence", "reports"}
    for app in ("cad", "dispatch", "schemes", "intelligence"):
        assert f"{app}/migrations/0001_initial.py" in names
    assert (
        "cad/calls/risk_language.py" in names
        and "cad/kernel/events.py" in names
        and "cad/settings.py" in names
    )
