"""The models learnt from labelled calls: they generalise to a file they never saw, only
raise, cite the caller's words, take a force's own examples and refuse bad ones."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cad.calls import grading, risk_model
from tests.cad import risk_corpus


def test_a_file_left_out_of_training_is_still_read():
    """Written by someone who saw neither the rules nor the other files: the model learnt
    without it still prompts nine domestic abuse calls in ten and finds most danger."""
    files = {path.name: risk_model.load_examples(path) for path in risk_model.example_paths("")}
    unseen = files.pop("set_k.jsonl")
    model = risk_model.Model([example for rows in files.values() for example in rows])
    figures = risk_corpus.models_alone(model, unseen)
    # Measured: 95.7 %, 0.0 %, 93.3 %, 1.5 % (bench/RESULTS.md, "Risk").
    assert figures.da_recall >= 0.90
    assert figures.other_prompt_rate <= 0.05
    assert figures.danger_recall >= 0.85
    assert figures.calm_raised_rate <= 0.05


def test_a_call_no_rule_reads_is_raised_with_the_words_that_weighed():
    text = "hes got that look again, ive locked myself in the bathroom with the kids"
    result = risk_corpus.assess_words(text)
    assert result.da_prompt and result.recommended_grade == grading.IMMEDIATE
    for code in ("words.reads_like_domestic_abuse", "words.reads_like_danger_now"):
        flag = result.flag(code)
        assert flag is not None, code
        cited = [part.split("”")[0] for part in flag.reason.split("“")[1:]]
        assert cited and all(word in text.lower() for word in cited), flag.reason
        assert "alike" in flag.reason
    # No rule recommends IMMEDIATE here: the one line on screen gives the model's reason.
    assert [f.code for f in result.flags if f.recommend == grading.IMMEDIATE] == [
        "words.reads_like_danger_now"
    ]
    line = grading.why(result.recommended_grade, [f.as_dict() for f in result.flags])
    assert line.startswith("IMMEDIATE: The call reads like those labelled danger now: “")


def test_a_rule_leads_the_reason_where_both_recommend_immediate():
    result = risk_corpus.assess_words("my ex is outside with a knife")
    reasons = grading.why(result.recommended_grade, [f.as_dict() for f in result.flags])
    assert reasons.startswith("IMMEDIATE: ") and "reads like" not in reasons


def test_calm_calls_are_left_alone():
    for text in (
        "my husband's car was broken into last night, just need a crime number",
        "my wife locked her keys in the car at Tesco",
        "my ex-employer hasn't paid my wages",
    ):
        reading = risk_model.read(text)
        assert reading.domestic is None and reading.danger is None, text


def test_the_model_only_raises(monkeypatch):
    text = "hes got that look again, ive locked myself in the bathroom with the kids"
    with_model = risk_corpus.assess_words(text)
    monkeypatch.setenv("CAD_RISK_MODEL", "0")
    without = risk_corpus.assess_words(text)
    assert not any(f.code.startswith("words.") for f in without.flags)
    assert grading.more_urgent(with_model.recommended_grade, without.recommended_grade) == (
        with_model.recommended_grade
    )
    assert with_model.da_prompt >= without.da_prompt
    # A rule's IMMEDIATE is never lowered by the model.
    rule_only = risk_corpus.assess_words("my ex is outside with a knife")
    monkeypatch.delenv("CAD_RISK_MODEL")
    assert risk_corpus.assess_words("my ex is outside with a knife").recommended_grade == (
        rule_only.recommended_grade
    )


def test_a_forces_own_examples_change_what_is_read(tmp_path, monkeypatch):
    phrase = "the heron code on flat nine"
    assert risk_model.read(f"reporting {phrase}") == risk_model.NOTHING
    lines = [
        {"text": f"{phrase} {n}, he is here now", "da": True, "grade": "IMMEDIATE"}
        for n in ("again", "tonight", "right now", "called in", "please")
    ] * 4
    (tmp_path / "force.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    monkeypatch.setenv("CAD_RISK_EXAMPLES", str(tmp_path))
    reading = risk_model.read(f"reporting {phrase}")
    assert reading.danger is not None and reading.domestic is not None
    assert {"heron", "flat", "code", "nine"} & set(reading.danger.words)


@pytest.mark.parametrize(
    "line, complaint",
    [
        ('{"text": "he hit me", "da": "yes", "grade": "IMMEDIATE"}', "true/false"),
        ('{"text": "he hit me", "da": true, "grade": "URGENT"}', "known grade"),
        ('{"text": "he hit me", "grade": "IMMEDIATE"}', "not a labelled narrative"),
        ("not json at all", "not a labelled narrative"),
    ],
)
def test_a_bad_example_is_refused_naming_its_line(tmp_path, line, complaint):
    path = tmp_path / "force.jsonl"
    path.write_text('{"text": "fine", "da": false, "grade": "SCHEDULED"}\n' + line + "\n")
    with pytest.raises(ValueError, match=f"force.jsonl line 2: .*{complaint}"):
        risk_model.load_examples(path)


def test_examples_that_teach_one_side_only_are_refused():
    only_domestic = [risk_model.Example("he hit me", True, "IMMEDIATE")] * 3
    with pytest.raises(ValueError, match="with and without domestic abuse"):
        risk_model.Model(only_domestic)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🔥", "Il m'a frappée et il est toujours là", "word " * 10_000],
)
def test_odd_narratives_are_read_without_error(text):
    reading = risk_model.read(text)
    assert isinstance(reading, risk_model.Reading)
    if not text.strip():
        assert reading == risk_model.NOTHING


def test_the_heaviest_words_are_shown_for_a_force_to_read():
    weights = risk_model.model().weights("domestic", top=10)
    assert len(weights) == 20
    towards, away = weights[:10], weights[10:]
    assert all(w > 0 for _, w in towards) and all(w < 0 for _, w in away)


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("risk_model", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_the_examples_and_the_heaviest_ngrams():
    out = run_command("--top", "5")
    assert f"learnt from {risk_model.model().examples} labelled narratives" in out
    assert "corpus.jsonl" in out and "domestic (raised at 70% alike)" in out
    assert out.count("towards:") == 2 and out.count("away:") == 2


def test_the_command_explains_a_narrative():
    out = run_command("--explain", "my ex is outside shouting he will kill me")
    assert "domestic: " in out and "danger: " in out
    assert "raised: “" in out
    calm = run_command("--explain", "my wife locked her keys in the car")
    assert calm.count("not raised") == 2


def test_the_command_refuses_bad_options(monkeypatch):
    with pytest.raises(CommandError, match="at least 1"):
        run_command("--top", "0")
    monkeypatch.setenv("CAD_RISK_MODEL", "0")
    with pytest.raises(CommandError, match="switched off"):
        run_command()
