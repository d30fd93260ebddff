"""The grading engine on labelled call narratives.

    python bench/risk_corpus.py [--corpus FILE ...] [--rules-only] [--cross]

For each corpus: the domestic-abuse prompt's recall and false-prompt rate, IMMEDIATE on
danger now, calm calls raised, the confusion table, the time per assessment and every
miss; for the sets in bench/risk_unseen/, which neither the rules nor the models have
seen (the figure that counts), the figures only: they stay sealed. By default the two
corpora the tests hold to their targets, the other files the models learn from
(cad/calls/risk_examples/) and the unseen sets. Exits 1 when a tested corpus misses a
target. Needs only the virtual environment (no database).

--rules-only  the rules without the models (CAD_RISK_MODEL=0): the figures before them.
--cross       each example file left out of training in turn, the models alone on it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
UNSEEN = ROOT / "bench" / "risk_unseen"


def cross() -> int:
    """Each example file left out in turn: the models learnt from the rest, alone on it."""
    from cad.calls import risk_model
    from tests.cad import risk_corpus

    files = {p.name: risk_model.load_examples(p) for p in risk_model.example_paths("")}
    every = risk_corpus.Figures()
    print("models alone, each file left out of training (DA / false / danger / calm):")
    for name, rows in files.items():
        model = risk_model.Model([e for other, es in files.items() if other != name for e in es])
        figures = risk_corpus.models_alone(model, rows)
        every.add(figures)
        print(f"  {name:<16}{_rates(figures)}")
    print(f"  {'all':<16}{_rates(every)}")
    return 0


def _rates(figures) -> str:
    rates = (
        figures.da_recall,
        figures.other_prompt_rate,
        figures.danger_recall,
        figures.calm_raised_rate,
    )
    return " / ".join(f"{rate:.1%}" for rate in rates)


def main() -> int:
    from cad.calls import risk_model
    from tests.cad import risk_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a JSON Lines corpus (default: all)"
    )
    parser.add_argument("--rules-only", action="store_true", help="without the models")
    parser.add_argument("--cross", action="store_true", help="leave each example file out")
    args = parser.parse_args()
    if args.rules_only:
        os.environ["CAD_RISK_MODEL"] = "0"
    if args.cross:
        return cross()
    tested = [risk_corpus.CORPUS, risk_corpus.HOLDOUT]
    learnt = [p for p in sorted(risk_model.EXAMPLES_DIR.glob("*.jsonl")) if p not in tested]
    unseen = sorted(UNSEEN.glob("*.jsonl"))
    paths = [path.resolve() for path in args.corpus] if args.corpus else [*tested, *learnt, *unseen]
    failed = False
    for path in paths:
        if not path.exists():
            continue
        figures = risk_corpus.evaluate(risk_corpus.load(path))
        held = path in tested
        kind = (
            "held to the targets"
            if held
            else "learnt from, reported"
            if path.parent == risk_model.EXAMPLES_DIR
            else "unseen by rules and models, reported"
        )
        print(f"== {path.name} ({kind})")
        # The unseen sets stay sealed: their figures are printed, never their narratives.
        print(risk_corpus.report(figures, misses=path.parent != UNSEEN))
        print()
        failed |= held and not figures.meets_targets()
    sealed = [path for path in paths if path.parent == UNSEEN and path.exists()]
    if len(sealed) > 1:
        # The figure that counts: every unseen narrative together.
        rows = [row for path in sealed for row in risk_corpus.load(path)]
        print(f"== all unseen sets together ({', '.join(path.stem for path in sealed)})")
        print(risk_corpus.report(risk_corpus.evaluate(rows), misses=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
