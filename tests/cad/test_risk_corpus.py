"""The grading engine meets its targets on labelled call narratives it was not written
around (risk_corpus.jsonl and the held-out risk_corpus_holdout.jsonl): bench/risk_corpus.py
prints the same figures with every miss."""

import pytest

from tests.cad import risk_corpus


def corpora():
    return [path for path in (risk_corpus.CORPUS, risk_corpus.HOLDOUT) if path.exists()]


@pytest.fixture(scope="module", params=corpora(), ids=lambda path: path.stem)
def figures(request):
    return risk_corpus.evaluate(risk_corpus.load(request.param))


def test_the_corpora_are_large_and_balanced():
    rows = [row for path in corpora() for row in risk_corpus.load(path)]
    assert len(rows) >= 250
    domestic = sum(row.da for row in rows)
    assert 0.4 <= domestic / len(rows) <= 0.6
    assert len({row.text for row in rows}) == len(rows), "a narrative is there twice"


def test_the_domestic_abuse_prompt_is_raised_on_domestic_abuse_and_rarely_otherwise(figures):
    assert figures.da_recall >= 0.98, risk_corpus.report(figures)
    assert figures.other_prompt_rate <= 0.05, risk_corpus.report(figures)


def test_danger_now_is_immediate_and_calm_calls_stay_calm(figures):
    assert figures.danger_recall >= 0.95, risk_corpus.report(figures)
    assert figures.calm_raised_rate <= 0.05, risk_corpus.report(figures)


def test_the_seed_call_is_in_the_corpus_and_graded_immediate():
    seed = [row for row in risk_corpus.load() if "I think it's my ex-husband" in row.text]
    assert seed and seed[0].grade == "IMMEDIATE" and seed[0].da
    result = risk_corpus.assess_words(seed[0].text)
    assert result.recommended_grade == "IMMEDIATE" and result.da_prompt


def test_the_evaluation_counts_a_miss_as_a_miss():
    """The measure itself: a narrative labelled against what the engine says is counted."""
    wrong = [risk_corpus.Narrative("my wife locked her keys in the car", True, "IMMEDIATE")]
    figures = risk_corpus.evaluate(wrong)
    assert figures.da_recall == 0.0 and figures.danger_recall == 0.0
    assert len(figures.misses["domestic abuse not prompted"]) == 1


def test_a_sealed_set_is_reported_by_its_figures_never_its_narratives():
    from cad.calls.risk_model import Example

    calm_but_raised = Example(
        "he's outside with a knife, it's only the gardener", False, "SCHEDULED"
    )
    figures = risk_corpus.evaluate([calm_but_raised])
    assert figures.calm_raised == 1
    assert calm_but_raised.text in risk_corpus.report(figures)
    sealed = risk_corpus.report(figures, misses=False)
    assert "calm raised to IMM/PRI:    1/1" in sealed
    assert calm_but_raised.text not in sealed
