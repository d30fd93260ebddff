"""The grading engine measured on the labelled narratives in risk_corpus.jsonl.

Each line holds a narrative as a caller says it or a handler types it, whether it is
domestic abuse (`da`) and the least urgent grade a careful handler would accept (`grade`).
A narrative is assessed on its own words: an opening code with no starting grade of its
own, no intelligence, no scheme, so that only what the words say moves the grade.
Used by tests/cad/test_risk_corpus.py (the targets) and bench/risk_corpus.py (figures).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cad.calls import grading, risk_model

CORPUS = risk_model.EXAMPLES_DIR / "corpus.jsonl"
# Written apart from the rules and from the first corpus, by someone who had read neither;
# its figures before any rule was changed for it are in bench/RESULTS.md ("Risk").
HOLDOUT = risk_model.EXAMPLES_DIR / "holdout.jsonl"
NOW = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
CALM = (grading.SCHEDULED, grading.RESOLVED)


# One labelled narrative, read by the same loader the model learns through.
Narrative = risk_model.Example


@dataclass
class Figures:
    # The counters below, which `add` sums (a class attribute, not a field).
    COUNTS = (
        "narratives", "da_total", "da_prompted", "other_total", "other_prompted",
        "danger_total", "danger_immediate", "calm_total", "calm_raised",
    )  # fmt: skip
    narratives: int = 0
    da_total: int = 0
    da_prompted: int = 0
    other_total: int = 0
    other_prompted: int = 0
    danger_total: int = 0
    danger_immediate: int = 0
    calm_total: int = 0
    calm_raised: int = 0
    # label → recommended → count
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: dict[str, list[tuple[Narrative, grading.Assessment]]] = field(default_factory=dict)
    milliseconds: list[float] = field(default_factory=list)

    def tally(self, row: Narrative, *, prompted: bool, immediate: bool, raised: bool) -> None:
        """Count one narrative: the prompt against its DA label; IMMEDIATE against a
        danger-now label; IMMEDIATE or PRIORITY (`raised`) against a calm one."""
        if row.da:
            self.da_total += 1
            self.da_prompted += prompted
        else:
            self.other_total += 1
            self.other_prompted += prompted
        if row.grade == grading.IMMEDIATE:
            self.danger_total += 1
            self.danger_immediate += immediate
        elif row.grade in CALM:
            self.calm_total += 1
            self.calm_raised += raised

    def add(self, other: Figures) -> None:
        """Another set's counts added to these: the total over several sets."""
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def miss(self, kind: str, row: Narrative, result: grading.Assessment) -> None:
        self.misses.setdefault(kind, []).append((row, result))

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def da_recall(self) -> float:
        return self.share(self.da_prompted, self.da_total)

    @property
    def other_prompt_rate(self) -> float:
        return self.share(self.other_prompted, self.other_total)

    @property
    def danger_recall(self) -> float:
        return self.share(self.danger_immediate, self.danger_total)

    @property
    def calm_raised_rate(self) -> float:
        return self.share(self.calm_raised, self.calm_total)

    def meets_targets(self) -> bool:
        return (
            self.da_recall >= 0.98
            and self.other_prompt_rate <= 0.05
            and self.danger_recall >= 0.95
            and self.calm_raised_rate <= 0.05
            and self.p95_ms() <= 5.0
        )

    def p95_ms(self) -> float:
        ordered = sorted(self.milliseconds)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0

    def median_ms(self) -> float:
        return statistics.median(self.milliseconds) if self.milliseconds else 0.0


def load(path: Path = CORPUS) -> list[Narrative]:
    return risk_model.load_examples(path)


def assess_words(text: str) -> grading.Assessment:
    facts = grading.CallFacts(
        opening_code="", opening_grade=grading.RESOLVED, narrative=text, now=NOW
    )
    return grading.assess(facts)


def evaluate(narratives: list[Narrative]) -> Figures:
    figures = Figures(narratives=len(narratives))
    assess_words("warm the pipeline up")
    for row in narratives:
        started = time.perf_counter()
        result = assess_words(row.text)
        figures.milliseconds.append((time.perf_counter() - started) * 1000)
        got = result.recommended_grade
        figures.confusion.setdefault(row.grade, {}).setdefault(got, 0)
        figures.confusion[row.grade][got] += 1
        immediate = got == grading.IMMEDIATE
        raised = got in (grading.IMMEDIATE, grading.PRIORITY)
        figures.tally(row, prompted=result.da_prompt, immediate=immediate, raised=raised)
        if row.da != result.da_prompt:
            figures.miss(
                "domestic abuse not prompted" if row.da else "prompted, not domestic abuse",
                row,
                result,
            )
        if row.grade == grading.IMMEDIATE and not immediate:
            figures.miss("danger now, not IMMEDIATE", row, result)
        elif row.grade in CALM and raised:
            figures.miss("calm, raised to IMMEDIATE/PRIORITY", row, result)
        elif row.grade == grading.PRIORITY and not raised:
            figures.miss("PRIORITY call, recommended lower", row, result)
    return figures


def models_alone(model: risk_model.Model, narratives: list[Narrative]) -> Figures:
    """The learnt models without the rules, at the thresholds they raise at: danger now
    read as both IMMEDIATE and raised."""
    figures = Figures(narratives=len(narratives))
    chances = model.probabilities([row.text for row in narratives])
    for row, da, danger in zip(narratives, chances["domestic"], chances["danger"], strict=True):
        raised = danger >= risk_model.THRESHOLDS["danger"]
        prompted = da >= risk_model.THRESHOLDS["domestic"]
        figures.tally(row, prompted=prompted, immediate=raised, raised=raised)
    return figures


def report(figures: Figures, *, misses: bool = True) -> str:
    """The figures and the confusion table; then every miss, unless the set is kept sealed."""
    pct = "{:.1%}".format
    lines = [
        f"narratives: {figures.narratives} ({figures.da_total} domestic abuse)",
        f"DA prompt on DA calls:     {figures.da_prompted}/{figures.da_total} "
        f"= {pct(figures.da_recall)} (target >= 98%)",
        f"DA prompt on other calls:  {figures.other_prompted}/{figures.other_total} "
        f"= {pct(figures.other_prompt_rate)} (target <= 5%)",
        f"IMMEDIATE on danger now:   {figures.danger_immediate}/{figures.danger_total} "
        f"= {pct(figures.danger_recall)} (target >= 95%)",
        f"calm raised to IMM/PRI:    {figures.calm_raised}/{figures.calm_total} "
        f"= {pct(figures.calm_raised_rate)} (target <= 5%)",
        f"assessment: median {figures.median_ms():.2f} ms, p95 {figures.p95_ms():.2f} ms "
        "(target p95 <= 5 ms)",
        "",
        "confusion (rows: label, columns: recommended)",
    ]
    short = {g: g[:9] for g in grading.GRADES}
    lines.append(" " * 12 + "".join(f"{short[g]:>11}" for g in grading.GRADES))
    for label in grading.GRADES:
        counts = figures.confusion.get(label, {})
        lines.append(
            f"{short[label]:<12}" + "".join(f"{counts.get(g, 0):>11}" for g in grading.GRADES)
        )
    for kind, rows in figures.misses.items() if misses else ():
        lines.append("")
        lines.append(f"{kind}: {len(rows)}")
        for row, result in rows:
            flags = ", ".join(flag.code for flag in result.flags) or "no flags"
            lines.append(
                f"  - [{row.grade}{' DA' if row.da else ''} -> {result.recommended_grade}] "
                f"{row.text}"
            )
            lines.append(f"      {flags}")
    return "\n".join(lines)
