"""How often a quoted sentence answers its question, by how sure the answerer is: the labelled
sentences of an evaluation set, and the reliability table `counterpoint eval` prints.

Every candidate sentence the extractive answerer scores (its side's retrieved passages) is
labelled from the set's own labels: on a question file, a sentence answers when it holds or is
held by a labelled answer of its side (`answer_labels.quote_answers`); on a benchmark, when it
stands inside a gold evidence span (the benchmark's canonical matching). Gold spans are
incomplete, so a benchmark's precision is a lower bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counterpoint.answer.citations import Sentence
    from counterpoint.answer.extractive import ExtractiveAnswerer
    from counterpoint.retrieval import HybridRetriever

BANDS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


@dataclass(frozen=True)
class Labelled:
    """One candidate sentence: its question, side, relevance, rank in its side, and label."""

    question_id: str
    side: str
    relevance: float
    rank: int
    answers: bool
    text: str


Labeller = Callable[["Sentence", str], bool]  # (sentence, side) -> does it answer?


def labelled_sentences(
    retriever: HybridRetriever,
    answerer: ExtractiveAnswerer,
    asked: Iterable[tuple[str, str, Labeller]],
    k: int,
    sides: tuple[str, ...] = ("company", "critic"),
) -> list[Labelled]:
    """Every candidate sentence of each (question id, question, labeller), scored as the
    answerer scores it on the passages it reads (`k` per side)."""
    found: list[Labelled] = []
    for question_id, question, label in asked:
        passages = retriever.retrieve(question, k)
        passages = {side: found_ for side, found_ in passages.items() if side in sides}
        for ranked in answerer.rank_sentences(question, passages).values():
            for rank, item in enumerate(ranked):
                found.append(
                    Labelled(
                        question_id,
                        item.sentence.passage.side,
                        item.relevance,
                        rank,
                        label(item.sentence, item.sentence.passage.side),
                        item.sentence.text,
                    )
                )
    return found


@dataclass(frozen=True)
class Band:
    """Sentences whose relevance falls in [low, high), how many answer."""

    low: float
    high: float
    count: int
    answering: int

    @property
    def precision(self) -> float | None:
        """The share that answers (None for an empty band)."""
        return round(self.answering / self.count, 4) if self.count else None


def reliability(items: list[Labelled], edges: tuple[float, ...] = BANDS) -> list[Band]:
    """The reliability table: per relevance band, the sentences and the share that answer."""
    bands = []
    for low, high in zip(edges, edges[1:], strict=False):
        inside = [i for i in items if low <= i.relevance < high]
        bands.append(Band(low, min(high, 1.0), len(inside), sum(i.answers for i in inside)))
    return bands


def shown(items: list[Labelled], threshold: float, per_side: int = 2) -> list[Labelled]:
    """The sentences the answer tier shows at a threshold: of each question's side, the first
    `per_side` (in the side's order) whose relevance reaches it."""
    by_side: dict[tuple[str, str], list[Labelled]] = {}
    for item in sorted(items, key=lambda i: i.rank):
        if item.relevance >= threshold:
            by_side.setdefault((item.question_id, item.side), []).append(item)
    return [item for found in by_side.values() for item in found[:per_side]]


def curve(items: list[Labelled], thresholds: Iterable[float]) -> list[dict[str, Any]]:
    """Precision and coverage of the answer tier at each threshold (see `shown`)."""
    questions = {i.question_id for i in items}
    rows = []
    for threshold in thresholds:
        quoted = shown(items, threshold)
        answered = {i.question_id for i in quoted if i.answers}
        rows.append(
            {
                "threshold": round(threshold, 3),
                "shown": len(quoted),
                "precision": round(sum(i.answers for i in quoted) / len(quoted), 4)
                if quoted
                else None,
                "questions_answered": round(len(answered) / len(questions), 4)
                if questions
                else 0.0,
            }
        )
    return rows


def table_lines(bands: list[Band], title: str) -> list[str]:
    """The reliability table as text lines."""
    lines = [title, f"{'relevance':>12}  {'sentences':>9}  {'answer':>7}  {'precision':>9}"]
    for band in bands:
        precision = "" if band.precision is None else f"{band.precision:.2f}"
        span = f"{band.low:.1f}-{band.high:.2f}"
        lines.append(f"{span:>12}  {band.count:>9}  {band.answering:>7}  {precision:>9}")
    return lines


def reliability_report(items: list[Labelled], threshold: float) -> dict[str, Any]:
    """The reliability table, the threshold's curve, and where the answer tier's cut stands."""
    above = shown(items, threshold)
    return {
        "bands": [
            {"low": b.low, "high": b.high, "sentences": b.count, "precision": b.precision}
            for b in reliability(items)
        ],
        "curve": curve(items, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
        "threshold": threshold,
        "answer_tier_precision": round(sum(i.answers for i in above) / len(above), 4)
        if above
        else None,
        "answer_tier_sentences": len(above),
        "sentences": len(items),
    }


def reliability_lines(report: dict[str, Any]) -> list[str]:
    """The reliability table and the curve of the threshold, as text lines."""
    bands = [Band(b["low"], b["high"], b["sentences"], 0) for b in report["bands"]]
    lines = [
        f"relevance of the {report['sentences']} candidate sentences, and the share that answer",
        f"{'relevance':>12}  {'sentences':>9}  {'precision':>9}",
    ]
    for band, raw in zip(bands, report["bands"], strict=True):
        precision = "" if raw["precision"] is None else f"{raw['precision']:.2f}"
        lines.append(
            f"{band.low:.1f}-{band.high:.2f}".rjust(12) + f"  {band.count:>9}  {precision:>9}"
        )
    lines.append("threshold  sentences  precision  questions answered (the answer tier's curve)")
    for row in report["curve"]:
        precision = "" if row["precision"] is None else f"{row['precision']:.2f}"
        mark = "  <- the answer tier" if abs(row["threshold"] - report["threshold"]) < 1e-6 else ""
        lines.append(
            f"{row['threshold']:>9.2f}  {row['shown']:>9}  {precision:>9}  "
            f"{row['questions_answered']:>9.0%}{mark}"
        )
    return lines
