"""Precision and recall of a claims matrix against hand labels (`bench/claims_eval.py`).

The labels (e.g. tests/data/claims/hikvision_labels.toml) hold verbatim fragments of sentences:
`[[claim]]` with a `relation`, `[[allegation]]` with a `coverage`, `[[not_claim]]`, and a
`theme` for claims and allegations; an allegation marked `set_apart` (another report's
teaser, which ingest sets apart) is left out of the score. A label matches a row when its
normalised text (letters and digits only, lowercase) is inside the row's normalised statement
text; the first matching row counts. What is scored:

- extraction: the share of labelled claims (allegations) found as rows (recall), and on the
  labelled sample the share of found sentences that are real claims, i.e. labelled claims found
  against labelled not_claims found (precision);
- relations and coverage, per label: precision over the matched rows the machine gave that label,
  recall over ALL labelled items with that label (a claim never extracted is a claim the analyst
  never sees), and accuracy over the matched rows;
- themes: accuracy over the matched claims and allegations.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.matrix.models import THEMES, AllegationRow, ClaimRow, Matrix, Statement
from counterpoint.text import normalise

RELATIONS = ("contested", "corroborated", "not_addressed")
COVERAGES = ("addressed", "unaddressed")


@dataclass(frozen=True)
class Label:
    """One hand label: a verbatim fragment, its relation/coverage (empty for not_claim), theme."""

    text: str
    label: str = ""
    theme: str = ""


@dataclass
class Labels:
    """The hand labels of one corpus."""

    claims: list[Label]
    allegations: list[Label]
    not_claims: list[Label]


@dataclass
class ClassScore:
    """Precision, recall and support of one relation or coverage label."""

    label: str
    support: int  # labelled items with this label
    predicted: int  # matched rows the machine gave this label
    correct: int
    precision: float | None
    recall: float | None


@dataclass
class MatrixScore:
    """Every figure of one matrix against one label file."""

    claims_labelled: int
    claims_found: int
    not_claims_labelled: int
    not_claims_found: int
    allegations_labelled: int
    allegations_found: int
    relations: list[ClassScore]
    relation_accuracy: float | None
    coverages: list[ClassScore]
    coverage_accuracy: float | None
    theme_matched: int
    theme_accuracy: float | None
    missed_claims: list[str] = field(default_factory=list)
    missed_allegations: list[str] = field(default_factory=list)

    @property
    def claim_recall(self) -> float | None:
        """Share of labelled claims found as claim rows."""
        return _ratio(self.claims_found, self.claims_labelled)

    @property
    def claim_precision(self) -> float | None:
        """On the labelled sample: found claims against found claims plus found not_claims."""
        return _ratio(self.claims_found, self.claims_found + self.not_claims_found)

    @property
    def allegation_recall(self) -> float | None:
        """Share of labelled allegations found as allegation rows."""
        return _ratio(self.allegations_found, self.allegations_labelled)

    def relation(self, label: str) -> ClassScore:
        """The score of one relation label ("contested", ...)."""
        return next(score for score in self.relations if score.label == label)

    def coverage(self, label: str) -> ClassScore:
        """The score of one coverage label ("addressed" or "unaddressed")."""
        return next(score for score in self.coverages if score.label == label)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def load_labels(path: Path) -> Labels:
    """Read a hand-label file; a malformed one is an `InputError` naming the bad entry."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the label file {path}: {exc}") from None
    return Labels(
        claims=[
            _label(path, "claim", item, "relation", RELATIONS) for item in raw.get("claim", [])
        ],
        allegations=[
            _label(path, "allegation", item, "coverage", COVERAGES)
            for item in raw.get("allegation", [])
            if not item.get("set_apart")  # another report's teaser, which ingest sets apart
        ],
        not_claims=[_label(path, "not_claim", item, "", ()) for item in raw.get("not_claim", [])],
    )


def _label(path: Path, kind: str, item: dict, key: str, allowed: Sequence[str]) -> Label:
    text = str(item.get("text", "")).strip()
    if len(text.split()) < 8:
        raise InputError(f"{path}: [[{kind}]] '{text[:60]}': text needs at least 8 words")
    value = str(item.get(key, "")) if key else ""
    if key and value not in allowed:
        raise InputError(f"{path}: [[{kind}]] '{text[:60]}': {key} must be one of {allowed}")
    theme = str(item.get("theme", "")) if key else ""
    if key and theme not in THEMES:
        raise InputError(f"{path}: [[{kind}]] '{text[:60]}': theme must be one of {THEMES}")
    return Label(text=text, label=value, theme=theme)


def _find(label: Label, texts: list[str]) -> int | None:
    """Index of the first row whose normalised statement holds the label's fragment."""
    needle = normalise(label.text)
    return next((i for i, text in enumerate(texts) if needle in text), None)


def _class_scores(
    labels: list[Label], predicted: list[str | None], classes: Sequence[str]
) -> list[ClassScore]:
    """Per-class precision (over matched rows) and recall (over all labels)."""
    scores = []
    for name in classes:
        support = sum(label.label == name for label in labels)
        said = sum(pred == name for pred in predicted)
        correct = sum(
            label.label == name and pred == name
            for label, pred in zip(labels, predicted, strict=True)
        )
        scores.append(
            ClassScore(
                name, support, said, correct, _ratio(correct, said), _ratio(correct, support)
            )
        )
    return scores


def _match(
    labels: list[Label], rows: Sequence[ClaimRow | AllegationRow]
) -> tuple[list[str | None], list[tuple[Label, str]]]:
    """Per label: the machine's relation/coverage of its row (None if not found), and the
    (label, machine theme) pairs of the matched ones."""
    texts = [normalise(_statement(row).text) for row in rows]
    predicted: list[str | None] = []
    themes: list[tuple[Label, str]] = []
    for label in labels:
        index = _find(label, texts)
        if index is None:
            predicted.append(None)
            continue
        row = rows[index]
        predicted.append(row.relation if isinstance(row, ClaimRow) else row.coverage)
        themes.append((label, _statement(row).theme))
    return predicted, themes


def _statement(row: ClaimRow | AllegationRow) -> Statement:
    return row.claim if isinstance(row, ClaimRow) else row.allegation


def _accuracy(labels: list[Label], predicted: list[str | None]) -> float | None:
    pairs = [(label.label, pred) for label, pred in zip(labels, predicted, strict=True) if pred]
    return _ratio(sum(gold == pred for gold, pred in pairs), len(pairs))


def score_matrix(matrix: Matrix, labels_path: Path | str) -> MatrixScore:
    """Score a matrix against the hand labels in `labels_path` (see the module docstring)."""
    labels = load_labels(Path(labels_path))
    relations, claim_themes = _match(labels.claims, matrix.claims)
    coverages, allegation_themes = _match(labels.allegations, matrix.allegations)
    claim_texts = [normalise(row.claim.text) for row in matrix.claims]
    not_claims_found = sum(_find(label, claim_texts) is not None for label in labels.not_claims)
    themed = claim_themes + allegation_themes
    return MatrixScore(
        claims_labelled=len(labels.claims),
        claims_found=sum(pred is not None for pred in relations),
        not_claims_labelled=len(labels.not_claims),
        not_claims_found=not_claims_found,
        allegations_labelled=len(labels.allegations),
        allegations_found=sum(pred is not None for pred in coverages),
        relations=_class_scores(labels.claims, relations, RELATIONS),
        relation_accuracy=_accuracy(labels.claims, relations),
        coverages=_class_scores(labels.allegations, coverages, COVERAGES),
        coverage_accuracy=_accuracy(labels.allegations, coverages),
        theme_matched=len(themed),
        theme_accuracy=_ratio(sum(label.theme == theme for label, theme in themed), len(themed)),
        missed_claims=[
            lab.text for lab, pred in zip(labels.claims, relations, strict=True) if not pred
        ],
        missed_allegations=[
            lab.text for lab, pred in zip(labels.allegations, coverages, strict=True) if not pred
        ],
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _row(*cells: object) -> str:
    """A table line: the first cell left-aligned in 26 columns, the others right-aligned in 10."""
    first, *rest = (str(cell) for cell in cells)
    return f"{first:<26}" + "".join(f"{cell:>10}" for cell in rest)


def render(score: MatrixScore) -> str:
    """The score as a plain-text table (what `bench/claims_eval.py` prints)."""
    lines = [
        _row("extraction", "found", "labelled", "recall", "precision"),
        _row(
            "  claims",
            score.claims_found,
            score.claims_labelled,
            _fmt(score.claim_recall),
            _fmt(score.claim_precision),
        ),
        _row("  not_claims (false +)", score.not_claims_found, score.not_claims_labelled),
        _row(
            "  allegations",
            score.allegations_found,
            score.allegations_labelled,
            _fmt(score.allegation_recall),
        ),
        "",
        _row("label", "support", "said", "right", "precision", "recall"),
    ]
    for item in [*score.relations, *score.coverages]:
        cells = (item.support, item.predicted, item.correct, _fmt(item.precision))
        lines.append(_row(f"  {item.label}", *cells, _fmt(item.recall)))
    lines += [
        "",
        _row("relation accuracy", _fmt(score.relation_accuracy)),
        _row("coverage accuracy", _fmt(score.coverage_accuracy)),
        _row(f"theme accuracy ({score.theme_matched})", _fmt(score.theme_accuracy)),
    ]
    return "\n".join(lines)
