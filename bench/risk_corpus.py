"""The grading engine on labelled call narratives.

    python bench/risk_corpus.py [--corpus FILE ...]

For each corpus: the domestic-abuse prompt's recall and false-prompt rate, IMMEDIATE on
danger now, calm calls raised, the confusion table, the time per assessment and every
miss. By default the two corpora the tests hold to their targets (tests/cad/) and the
narratives in bench/risk_unseen/, which were written apart from the rules and are only
reported: the figure for calls the rules were not written around. Exits 1 when a tested
corpus misses a target. Needs only the virtual environment (no database).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")


def main() -> int:
    from tests.cad import risk_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a JSON Lines corpus (default: both)"
    )
    args = parser.parse_args()
    tested = [risk_corpus.CORPUS, risk_corpus.HOLDOUT]
    paths = args.corpus or [*tested, *sorted((ROOT / "bench" / "risk_unseen").glob("*.jsonl"))]
    failed = False
    for path in paths:
        if not path.exists():
            continue
        figures = risk_corpus.evaluate(risk_corpus.load(path))
        held = path in tested
        print(f"== {path.name} ({'held to the targets' if held else 'reported only'})")
        print(risk_corpus.report(figures))
        print()
        failed |= held and not figures.meets_targets()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
