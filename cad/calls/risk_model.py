"""Calls that read like the force's labelled ones: linear models learnt from examples.

The rules in `grading` and `risk_language` catch what they were written for; a call
phrased another way slips past them. Measured on narratives written apart from the rules,
they missed about one domestic abuse call in eight and a quarter of the calls with danger
now (bench/RESULTS.md, "Risk"). This module learns two questions from labelled
narratives: does a call read like domestic abuse, and does it read like danger now.

- It only raises: a domestic abuse prompt, or IMMEDIATE. It never lowers a grade or
  silences a rule.
- Each answer cites the caller's words that weighed most, with how closely the call
  resembles the labelled ones.
- The examples are the rule a force reads and changes: the JSON Lines files in
  `risk_examples/` (one narrative a line: `text`, `da`, `grade`, `why`), and any in the
  directory `CAD_RISK_EXAMPLES` names. `python manage.py risk_model` shows what weighs.
- Word and character n-grams (scikit-learn's TF-IDF) feed a logistic regression for each
  question. Training is deterministic and takes about a second, once per process.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).with_name("risk_examples")
GRADES = ("IMMEDIATE", "PRIORITY", "SCHEDULED", "RESOLVED_WITHOUT_DEPLOYMENT")
DANGER_GRADE = "IMMEDIATE"
# How closely a call must resemble the labelled ones before it raises anything. Chosen by
# leaving each example file out in turn: at these, on the file left out, calls that are
# not domestic abuse were prompted 3.3 % of the time and calm calls raised 2.9 %.
DOMESTIC_THRESHOLD = 0.70
DANGER_THRESHOLD = 0.60
THRESHOLDS = {"domestic": DOMESTIC_THRESHOLD, "danger": DANGER_THRESHOLD}
# The words a reason cites, and the n-grams looked at to find them (a 10,000-word
# narrative has thousands; the heaviest carry the answer).
CITED_WORDS = 3
WEIGHTIEST_FEATURES = 40
# Typed without their apostrophe: they weigh ("hes" speaks of now) but tell a handler
# nothing when cited.
CONTRACTIONS = frozenset({
    "hes", "shes", "ive", "im", "id", "ill", "youre", "theyre", "weve", "dont", "didnt",
    "doesnt", "cant", "wont", "isnt", "wasnt", "arent", "its", "thats", "theres", "whats",
})  # fmt: skip


@dataclass(frozen=True)
class Example:
    text: str
    da: bool
    grade: str
    why: str = ""

    @property
    def danger(self) -> bool:
        return self.grade == DANGER_GRADE


@dataclass(frozen=True)
class Resemblance:
    """How closely a call reads like the labelled ones, and the words that weighed most."""

    probability: float
    words: tuple[str, ...]

    def evidence(self) -> str:
        quoted = ", ".join(f"“{word}”" for word in self.words)
        return f"{quoted} ({self.probability:.0%} alike)"


@dataclass(frozen=True)
class Reading:
    domestic: Resemblance | None = None
    danger: Resemblance | None = None


NOTHING = Reading()


def load_examples(path: Path) -> list[Example]:
    """One labelled file; a line that is not a labelled narrative is an error naming it."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            text, da, grade = data["text"], data["da"], data["grade"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path.name} line {number}: not a labelled narrative") from error
        if grade not in GRADES or not isinstance(da, bool) or not isinstance(text, str):
            raise ValueError(f"{path.name} line {number}: `da` true/false and a known grade")
        examples.append(Example(text, da, grade, str(data.get("why", ""))))
    return examples


def example_paths(extra: str | None = None) -> list[Path]:
    """The shipped examples, then the force's own (CAD_RISK_EXAMPLES)."""
    paths = sorted(EXAMPLES_DIR.glob("*.jsonl"))
    extra = (os.environ.get("CAD_RISK_EXAMPLES", "") if extra is None else extra).strip()
    if extra:
        paths += sorted(Path(extra).glob("*.jsonl"))
    return paths


class Model:
    """Both questions over one vocabulary, learnt from `examples`."""

    def __init__(self, examples: Sequence[Example]):
        # scikit-learn is imported where it is used: a process that never assesses a call
        # (a migration, beat) does not pay for it.
        import numpy
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if not any(e.da for e in examples) or all(e.da for e in examples):
            raise ValueError("the examples need calls with and without domestic abuse")
        if not any(e.danger for e in examples) or all(e.danger for e in examples):
            raise ValueError("the examples need calls with and without danger now")
        self._words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self._letters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True
        )
        texts = [e.text for e in examples]
        matrix = hstack([self._words.fit_transform(texts), self._letters.fit_transform(texts)])
        self._names = [
            *self._words.get_feature_names_out(),
            *self._letters.get_feature_names_out(),
        ]
        self._word_features = len(self._words.vocabulary_)
        self._terms = self._words.build_analyzer()
        self._stop_words = ENGLISH_STOP_WORDS | CONTRACTIONS
        self._questions = {}
        for question, labels in (
            ("domestic", [e.da for e in examples]),
            ("danger", [e.danger for e in examples]),
        ):
            # Balanced: a force's file with few domestic calls still teaches both sides.
            fitted = LogisticRegression(C=10, class_weight="balanced", max_iter=3000)
            self._questions[question] = fitted.fit(matrix.tocsr(), labels)
        # Both questions' weights side by side: one product scores a call for both.
        self._coef = numpy.column_stack([f.coef_[0] for f in self._questions.values()])
        self._intercept = numpy.array([f.intercept_[0] for f in self._questions.values()])
        self.examples = len(examples)

    def _rows(self, texts: list[str]):
        from scipy.sparse import hstack
        from sklearn import config_context

        # The texts are strings and the vectorizers our own: scikit-learn's input checks
        # (half the time of one short call) have nothing to find.
        with config_context(assume_finite=True, skip_parameter_validation=True):
            words, letters = self._words.transform(texts), self._letters.transform(texts)
        return hstack([words, letters], format="csr")

    def _chances(self, rows):
        """Each row's probability for each question: the logistic of its score."""
        import numpy

        return 1 / (1 + numpy.exp(-(rows @ self._coef + self._intercept)))

    def probabilities(self, texts: Iterable[str]) -> dict[str, list[float]]:
        chances = self._chances(self._rows(list(texts)))
        return {q: [float(p) for p in chances[:, i]] for i, q in enumerate(self._questions)}

    def read(self, text: str) -> Reading:
        if not text or not text.strip():
            return NOTHING
        row = self._rows([text])
        chances = self._chances(row)[0]
        found = {}
        for column, (question, fitted) in enumerate(self._questions.items()):
            probability = float(chances[column])
            if probability >= THRESHOLDS[question]:
                words = self._weightiest_words(row, fitted.coef_[0], text)
                found[question] = Resemblance(probability, words)
        return Reading(**found)

    def weights(self, question: str, top: int = 30) -> list[tuple[str, float]]:
        """The n-grams that push hardest towards `question`, then away from it."""
        coef = self._questions[question].coef_[0]
        order = sorted(range(len(coef)), key=lambda i: coef[i])
        pick = order[-top:][::-1] + order[:top]
        return [(self._shown(i), float(coef[i])) for i in pick]

    def _shown(self, index: int) -> str:
        name = self._names[index]
        return name if index < self._word_features else f"…{name.strip()}…"

    def _weightiest_words(self, row, coef, text: str) -> tuple[str, ...]:
        """The caller's words behind the answer: each n-gram's pull shared among the words
        it came from (a word pair between its two words, a run of letters among the words
        holding it)."""
        contributions = row.data * coef[row.indices]
        heaviest = contributions.argsort()[::-1][:WEIGHTIEST_FEATURES]
        pulls = [(float(contributions[i]), int(row.indices[i])) for i in heaviest]
        words = {term for term in self._terms(text) if " " not in term}  # not the pairs
        score: dict[str, float] = defaultdict(float)
        for pull, index in pulls:
            if pull <= 0:
                break
            name = self._names[index]
            if index < self._word_features:
                holders = name.split(" ")
            else:
                holders = [w for w in words if name in f" {w} "]
            for word in holders:
                score[word] += pull / len(holders)
        ranked = sorted(score.items(), key=lambda item: (-item[1], item[0]))
        # "is", "he", "me" weigh but tell a call handler nothing; cite them only when
        # nothing else weighed.
        telling = [word for word, _ in ranked if word not in self._stop_words]
        return tuple((telling or [word for word, _ in ranked])[:CITED_WORDS])


_TRAINING = threading.Lock()


def enabled() -> bool:
    return os.environ.get("CAD_RISK_MODEL", "1") != "0"


def model() -> Model | None:
    """The process's model, learnt once from `example_paths()`; None when switched off."""
    if not enabled():
        return None
    with _TRAINING:
        return _trained(os.environ.get("CAD_RISK_EXAMPLES", ""))


@cache
def _trained(extra: str) -> Model:
    paths = example_paths(extra)
    return Model([example for path in paths for example in load_examples(path)])


def read(text: str) -> Reading:
    """What the models say of one narrative (nothing when switched off or empty)."""
    learnt = model()
    return learnt.read(text) if learnt else NOTHING
