"""The grading engine on the labelled narratives of tests/cad/risk_corpus.jsonl.

    python bench/risk_corpus.py [--corpus FILE]

Prints the domestic-abuse prompt's recall and false-prompt rate, IMMEDIATE on danger
now, calm calls raised, the confusion table, the time per assessment and every miss.
Needs only the virtual environment (no database).
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
    paths = args.corpus or [risk_corpus.CORPUS, risk_corpus.HOLDOUT]
    failed = False
    for path in paths:
        if not path.exists():
            continue
        figures = risk_corpus.evaluate(risk_corpus.load(path))
        print(f"== {path.name}")
        print(risk_corpus.report(figures))
        print()
        failed |= not figures.meets_targets()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
