"""Where the hand-labelled contested claims land on the Claims tab, and whether the machine's
confidences say what its labels are worth (`bench/claims_eval.py`).

- placement: for every `[[claim]]` labelled contested, what the tab does with it: a contested
  row, a claim to confirm (with its rank among them, in the tab's order), a routine claim, or
  not extracted at all; `ceiling` counts those a rule labels or a lead puts before the analyst.
- calibration: per label the machine gives, over the matched labelled rows, its mean
  confidence against its precision: an honest confidence is near the share it gets right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from counterpoint.evaluation.matrix_labels import load_labels
from counterpoint.matrix.models import Matrix
from counterpoint.matrix.triage import triage
from counterpoint.text import normalise


@dataclass
class Placement:
    """One labelled contested claim and where the tab puts it."""

    text: str
    where: str  # "contested", "to confirm", "corroborated", "routine" or "not extracted"
    rank: int | None = None  # among the claims to confirm, 1 = first


@dataclass
class Calibration:
    """One machine label: how many labelled rows got it, its mean confidence, its precision."""

    label: str
    rows: int
    mean_confidence: float
    precision: float


@dataclass
class TriageScore:
    """The placement of the contested labels and the calibration of every label."""

    placements: list[Placement]
    calibration: list[Calibration]

    def count(self, where: str) -> int:
        """How many labelled contested claims the tab puts there."""
        return sum(p.where == where for p in self.placements)

    @property
    def ceiling(self) -> int:
        """Labelled contested claims shown as contested or as a claim to confirm."""
        return self.count("contested") + self.count("to confirm")


def score_triage(matrix: Matrix, labels_path: Path | str) -> TriageScore:
    """Score the tab's order and the confidences of `matrix` against the hand labels."""
    labels = load_labels(Path(labels_path))
    found = triage(matrix)
    confirm = [normalise(row.claim.text) for row in found.to_confirm]
    places = {normalise(row.claim.text): row.relation for row in matrix.claims}
    for rows in found.routine.values():
        places.update({normalise(row.claim.text): "routine" for row in rows})
    placements = []
    for label in (lab for lab in labels.claims if lab.label == "contested"):
        needle = normalise(label.text)
        rank = next((i + 1 for i, text in enumerate(confirm) if needle in text), None)
        where = next((w for text, w in places.items() if needle in text), "not extracted")
        if rank is not None:
            where = "to confirm"
        placements.append(Placement(label.text, where, rank))
    return TriageScore(placements, _calibration(matrix, labels.claims + labels.allegations))


def _calibration(matrix: Matrix, labels: list) -> list[Calibration]:  # noqa: ANN001 - Label
    said: dict[str, list[tuple[float, bool]]] = {}
    rows = [(r.claim.text, r.relation, r.confidence) for r in matrix.claims] + [
        (r.allegation.text, r.coverage, r.confidence) for r in matrix.allegations
    ]
    texts = [(normalise(text), label, sure) for text, label, sure in rows]
    for label in labels:
        needle = normalise(label.text)
        row = next(((lab, sure) for text, lab, sure in texts if needle in text), None)
        if row is not None:
            said.setdefault(row[0], []).append((row[1], row[0] == label.label))
    return [
        Calibration(
            name,
            len(found),
            sum(sure for sure, _ in found) / len(found),
            sum(right for _, right in found) / len(found),
        )
        for name, found in said.items()
    ]


def render_triage(score: TriageScore) -> str:
    """The placements and the calibration as plain text."""
    lines = [f"labelled contested claims on the Claims tab ({len(score.placements)}):"]
    for where in ("contested", "to confirm", "corroborated", "not_addressed", "routine"):
        if n := score.count(where):
            lines.append(f"  {where:<22}{n:>4}")
    if n := score.count("not extracted"):
        lines.append(f"  {'not extracted':<22}{n:>4}")
    lines.append(f"  shown to the analyst   {score.ceiling:>3} of {len(score.placements)}")
    for p in score.placements:
        rank = f" #{p.rank}" if p.rank else ""
        lines.append(f"    {p.where}{rank}: {p.text[:70]}")
    lines += ["", f"{'label':<26}{'rows':>6}{'mean conf.':>12}{'precision':>11}"]
    for c in sorted(score.calibration, key=lambda c: c.label):
        lines.append(f"  {c.label:<24}{c.rows:>6}{c.mean_confidence:>12.2f}{c.precision:>11.2f}")
    return "\n".join(lines)
