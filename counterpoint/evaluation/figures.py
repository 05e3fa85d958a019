"""The figures of an evaluation on a question set with gold evidence: retrieval and answers.

Retrieval is scored per side on ranked passage lists: recall@k (the evidence is in one of the
first k passages), recall within a budget of 300 words (the evidence is in the first 300 words of
text the retriever returns for that side — fair across chunk sizes, where a retriever with huge
chunks would otherwise "find" everything at k=1) and MRR (1/rank of the first passage holding the
evidence). Answers are scored on what a reader sees: the expected facts quoted from the right
side, quotes verbatim in the stored chunk they cite, both sides on contested questions, and
abstention (`insufficient_evidence`) on questions the corpus cannot answer.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from counterpoint.config import SIDES
from counterpoint.text import normalise

if TYPE_CHECKING:
    from counterpoint.models import Answer

WORD_BUDGET = 300
SideRetriever = Callable[[str, str], list[str]]  # (question, side) -> passage texts, ranked


def within_budget(passages: list[str], budget: int = WORD_BUDGET) -> str:
    """The first `budget` words of the passages, in rank order."""
    words: list[str] = []
    for passage in passages:
        words.extend(passage.split())
        if len(words) >= budget:
            break
    return " ".join(words[:budget])


@dataclass
class Recall:
    """Hits over questions, per side."""

    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    misses: list[str] = field(default_factory=list)

    def rate(self, side: str | None = None) -> float:
        """Share of evidence found, for one side or overall."""
        sides = [side] if side else list(SIDES)
        total = sum(self.total[s] for s in sides)
        return sum(self.hits[s] for s in sides) / total if total else 0.0

    def line(self, name: str) -> str:
        """One printable line of figures."""
        per_side = "  ".join(
            f"{s} {self.rate(s):.1%} ({self.hits[s]}/{self.total[s]})" for s in SIDES
        )
        return f"{name:<12} overall {self.rate():.1%}  {per_side}"


def evaluate(questions: list[dict], retrieve: SideRetriever, budget: int = WORD_BUDGET) -> Recall:
    """Recall within `budget` words per side: each evidence is one trial on its side."""
    recall = Recall()
    for question in questions:
        for evidence in question.get("evidence", []):
            side = evidence["side"]
            window = normalise(within_budget(retrieve(question["question"], side), budget))
            recall.total[side] += 1
            if normalise(evidence["text"]) in window:
                recall.hits[side] += 1
            else:
                recall.misses.append(f"{question['id']}/{side}")
    return recall


# --- figures from ranked lists -----------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """One evidence excerpt looked for in a pipeline's ranked passages of its side."""

    question_id: str
    side: str
    rank: int | None  # 1-based rank of the first passage holding the evidence; None: not found
    in_budget: bool  # the evidence is within the first WORD_BUDGET words returned
    words: tuple[int, ...] = ()  # words in each returned passage, in rank order


def first_hit(passages: list[str], evidence: str) -> int | None:
    """1-based rank of the first passage that holds the evidence, or None."""
    wanted = normalise(evidence)
    return next((i for i, text in enumerate(passages, 1) if wanted in normalise(text)), None)


def recall_at_k(ranks: list[int | None], k: int) -> float:
    """Share of trials whose evidence is within the first `k` passages."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mean_reciprocal_rank(ranks: list[int | None]) -> float:
    """Mean of 1/rank over trials, a miss counting 0."""
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def spread(values: list[float]) -> dict[str, float]:
    """Median and p95 of timings in milliseconds."""
    median = statistics.median(values) if values else 0.0
    return {"median": round(median, 1), "p95": round(percentile(values, 0.95), 1), "n": len(values)}


def retrieval_trials(
    questions: list[dict], retrieve: SideRetriever, budget: int = WORD_BUDGET
) -> tuple[list[Trial], list[float]]:
    """Every evidence of every question looked for in its side's ranked passages, and the
    milliseconds each retrieval took."""
    trials, timings = [], []
    for question in questions:
        for evidence in question.get("evidence", []):
            started = time.perf_counter()
            passages = retrieve(question["question"], evidence["side"])
            timings.append((time.perf_counter() - started) * 1000)
            window = normalise(within_budget(passages, budget))
            trials.append(
                Trial(
                    question["id"],
                    evidence["side"],
                    first_hit(passages, evidence["text"]),
                    normalise(evidence["text"]) in window,
                    tuple(len(text.split()) for text in passages),
                )
            )
    return trials, timings


def retrieval_figures(trials: list[Trial], k: int) -> dict[str, dict[str, float]]:
    """recall@k, recall within the budget and MRR, per side and overall; `words_at_k` (the
    mean words in the first k passages) says how much text recall@k let the reader see."""
    figures = {}
    for name in [*SIDES, "overall"]:
        chosen = [t for t in trials if name in (t.side, "overall")]
        ranks = [t.rank for t in chosen]
        figures[name] = {
            "recall_at_k": round(recall_at_k(ranks, k), 4),
            "recall_in_budget": round(sum(t.in_budget for t in chosen) / len(chosen), 4)
            if chosen
            else 0.0,
            "mrr": round(mean_reciprocal_rank(ranks), 4),
            "words_at_k": round(statistics.mean(sum(t.words[:k]) for t in chosen), 1)
            if chosen
            else 0.0,
            "n": len(chosen),
        }
    return figures


def lead_in_points(ours: dict, theirs: dict) -> dict[str, dict[str, float]]:
    """Our figure minus the baseline's, in percentage points, per side and figure."""
    return {
        side: {
            name: round(100 * (value - theirs[side][name]), 1)
            for name, value in figures.items()
            if name not in ("n", "words_at_k")
        }
        for side, figures in ours.items()
    }


# --- figures from answers ----------------------------------------------------------------------


def side_quotes(answer: Answer, side: str) -> str:
    """Everything the answer quotes from one side, normalised."""
    return normalise(" ".join(c.quote for c in answer.citations if c.side == side))


def fact_checks(question: dict, answer: Answer) -> list[tuple[str, bool]]:
    """(side, found) for each expected fact: is it in the answer's quotes from that side?"""
    return [
        (evidence["side"], normalise(fact) in side_quotes(answer, evidence["side"]))
        for evidence in question.get("evidence", [])
        for fact in evidence.get("facts", [])
    ]


def quote_checks(answer: Answer, chunk_texts: dict[str, str]) -> list[tuple[str, bool]]:
    """(side, verbatim) for each citation: is its quote in the stored text of its chunk?"""
    return [
        (c.side, bool(c.quote) and c.quote in chunk_texts.get(c.chunk_id, ""))
        for c in answer.citations
    ]


def share(checks: list[tuple[str, bool]]) -> dict[str, dict[str, float]]:
    """Share of true checks per side and overall, with counts."""
    result = {}
    for name in [*SIDES, "overall"]:
        chosen = [ok for side, ok in checks if name in (side, "overall")]
        rate = sum(chosen) / len(chosen) if chosen else 0.0
        result[name] = {"share": round(rate, 4), "n": len(chosen)}
    return result


def abstention(kinds: list[str], abstained: list[bool]) -> dict[str, float]:
    """Precision and recall of abstaining, unanswerable questions being the positives."""
    true = sum(1 for kind, a in zip(kinds, abstained, strict=True) if a and kind == "unanswerable")
    said, should = sum(abstained), kinds.count("unanswerable")
    return {
        "precision": round(true / said, 4) if said else 0.0,
        "recall": round(true / should, 4) if should else 0.0,
        "abstained": said,
        "unanswerable": should,
    }


def answer_figures(
    questions: list[dict], answers: list[Answer], chunk_texts: dict[str, str]
) -> dict[str, Any]:
    """Facts, verbatim quotes, both sides on contested questions, abstention."""
    pairs = list(zip(questions, answers, strict=True))
    contested = [a for q, a in pairs if q["kind"] == "contested"]
    both = [all(s in a.sides and a.sides[s].found for s in SIDES) for a in contested]
    return {
        "facts_present": share([c for q, a in pairs for c in fact_checks(q, a)]),
        "quotes_verbatim": share([c for _, a in pairs for c in quote_checks(a, chunk_texts)]),
        "contested_both_sides": {
            "share": round(sum(both) / len(both), 4) if both else 0.0,
            "n": len(both),
        },
        "abstention": abstention(
            [q["kind"] for q in questions], [a.insufficient_evidence for a in answers]
        ),
    }
