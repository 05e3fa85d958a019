"""The figures of a benchmark run, from ranked passage lists and from answers.

Retrieval, for every system alike, by the benchmark's matching rule (`benchmark.hits`):
- recall@k and recall@10: the evidence is in one of the first k (10) passages;
- recall within 300 / 1,000 / 3,000 words: the ranked passages are joined in order and cut at
  the budget, and the evidence must be in that text (fair across chunk sizes);
- MRR@10 per question: 1 / rank of the first passage holding any of the question's evidence;
- page recall: a passage whose pages include the evidence's page counts as a hit (FinanceBench's
  evidence is often a whole table or page: the fair second figure there).
Answers: the gold answer's figures that the evidence holds, quoted; answers quoting gold
evidence; abstention (`insufficient_evidence`) with the unanswerable questions as positives.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterpoint.evaluation.benchmark import (
    BenchQuestion,
    Evidence,
    canonical,
    canonical_words,
    hits,
    numbers,
)
from counterpoint.evaluation.figures import within_budget

if TYPE_CHECKING:
    from counterpoint.models import Answer

BUDGETS = (300, 1000, 3000)
DEPTH = 10  # recall@10 and MRR@10 read the first 10 passages


@dataclass(frozen=True)
class Ranked:
    """One retrieved passage: its text and the pages it spans."""

    text: str
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Trial:
    """One evidence string looked for in a system's ranked passages for its question."""

    question_id: str
    doc: str
    kind: str  # the evidence's: table or prose
    rank: int | None  # first passage (1-based) holding it, None: not in the list
    page_rank: int | None  # first passage spanning its page
    in_budget: tuple[bool, ...]  # within each of BUDGETS words
    page_in_budget: tuple[bool, ...]  # a passage starting within each budget spans its page
    words: tuple[int, ...]  # words per passage, in rank order


def evidence_trials(question: BenchQuestion, ranked: list[Ranked]) -> list[Trial]:
    """Each evidence of the question looked for in the ranked passages."""
    words = [canonical_words(p.text) for p in ranked]
    cuts = [within_budget([p.text for p in ranked], budget) for budget in BUDGETS]
    starts = _word_starts(ranked)
    return [
        Trial(
            question.id,
            question.doc,
            evidence.kind,
            _first(ranked, lambda i, e=evidence: hits(ranked[i].text, e, words[i])),
            _first(ranked, lambda i, e=evidence: e.page in ranked[i].pages),
            tuple(hits(cut, evidence) for cut in cuts),
            tuple(
                any(evidence.page in p.pages for p, s in zip(ranked, starts, strict=True) if s < b)
                for b in BUDGETS
            ),
            tuple(len(p.text.split()) for p in ranked),
        )
        for evidence in question.evidence
    ]


def question_rank(question: BenchQuestion, ranked: list[Ranked]) -> int | None:
    """1-based rank of the first passage holding any evidence of the question."""
    return _first(ranked, lambda i: any(hits(ranked[i].text, e) for e in question.evidence))


def _first(ranked: list[Ranked], holds) -> int | None:  # noqa: ANN001 - index -> bool
    return next((i + 1 for i in range(len(ranked)) if holds(i)), None)


def _word_starts(ranked: list[Ranked]) -> list[int]:
    """The number of words before each passage in the joined ranked text."""
    starts, total = [], 0
    for passage in ranked:
        starts.append(total)
        total += len(passage.text.split())
    return starts


def retrieval_figures(trials: list[Trial], ranks: list[int | None], k: int) -> dict[str, float]:
    """Recall at k, at 10 and within each budget (by evidence and by page), MRR@10 (by
    question) and the mean words in the first k passages."""
    n = len(trials)

    def rate(values: list[bool]) -> float:
        return round(sum(values) / n, 4) if n else 0.0

    figures = {
        f"recall_at_{k}": rate([t.rank is not None and t.rank <= k for t in trials]),
        "recall_at_10": rate([t.rank is not None and t.rank <= DEPTH for t in trials]),
    }
    for at, budget in enumerate(BUDGETS):
        figures[f"recall_{budget}w"] = rate([t.in_budget[at] for t in trials])
    figures[f"page_recall_at_{k}"] = rate(
        [t.page_rank is not None and t.page_rank <= k for t in trials]
    )
    for at, budget in enumerate(BUDGETS):
        figures[f"page_recall_{budget}w"] = rate([t.page_in_budget[at] for t in trials])
    reciprocal = [1 / r if r is not None and r <= DEPTH else 0.0 for r in ranks]
    figures["mrr_at_10"] = round(statistics.mean(reciprocal), 4) if ranks else 0.0
    figures[f"words_at_{k}"] = (
        round(statistics.mean(sum(t.words[:k]) for t in trials), 1) if n else 0.0
    )
    figures["evidence"] = n
    figures["questions"] = len(ranks)
    return figures


def lead_in_points(ours: dict[str, float], theirs: dict[str, float]) -> dict[str, float]:
    """Our figure minus the baseline's, in percentage points (MRR in hundredths)."""
    return {
        name: round(100 * (value - theirs[name]), 1)
        for name, value in ours.items()
        if name in theirs and not name.startswith(("words", "evidence", "questions"))
    }


# --- answers -------------------------------------------------------------------------------------


TIERS = {"answer_tier": ("answer",), "both_tiers": ("answer", "closest")}


def quoted(answer: Answer, tiers: tuple[str, ...] = ("answer", "closest")) -> str:
    """Everything the answer quotes from the company side, in those tiers."""
    return " ".join(c.quote for c in answer.citations if c.side == "company" and c.tier in tiers)


def facts_quoted(
    question: BenchQuestion, answer: Answer, tiers: tuple[str, ...] = ("answer", "closest")
) -> list[bool]:
    """For each figure of the gold answer that the evidence holds: is it in the quotes?"""
    found = numbers(quoted(answer, tiers))
    return [fact in found for fact in question.facts]


def quotes_evidence(
    question: BenchQuestion, answer: Answer, tiers: tuple[str, ...] = ("answer", "closest")
) -> bool:
    """Whether one of the answer's quotes lies within gold evidence, or holds a whole one."""
    quotes = [
        canonical(c.quote) for c in answer.citations if c.side == "company" and c.tier in tiers
    ]
    return any(
        len(quote) >= 20 and (quote in evidence.canon or evidence.canon in quote)
        for quote in quotes
        for evidence in question.evidence
    )


def answer_figures(questions: list[BenchQuestion], answers: list[Answer]) -> dict[str, dict]:
    """Facts quoted and gold evidence quoted, by the answer tier alone and by both tiers (what
    the answer shows); abstention precision and recall."""
    pairs = list(zip(questions, answers, strict=True))
    answerable = [(q, a) for q, a in pairs if q.kind == "answerable"]
    figures: dict[str, dict] = {}
    for name, tiers in TIERS.items():
        facts = [ok for q, a in answerable for ok in facts_quoted(q, a, tiers)]
        figures[f"facts_quoted_{name}"] = _share(facts)
        figures[f"evidence_quoted_{name}"] = _share(
            [quotes_evidence(q, a, tiers) for q, a in answerable]
        )
    figures["facts_quoted"] = figures["facts_quoted_both_tiers"]
    figures["evidence_quoted"] = figures["evidence_quoted_both_tiers"]
    abstained = [a.insufficient_evidence for _, a in pairs]
    unanswerable = [q.kind == "unanswerable" for q, _ in pairs]
    right = sum(a and u for a, u in zip(abstained, unanswerable, strict=True))
    figures["abstention"] = {
        "precision": round(right / sum(abstained), 4) if any(abstained) else 0.0,
        "recall": round(right / sum(unanswerable), 4) if any(unanswerable) else 0.0,
        "abstained": sum(abstained),
        "unanswerable": sum(unanswerable),
        "answerable_abstained": sum(
            a and not u for a, u in zip(abstained, unanswerable, strict=True)
        ),
    }
    return figures


def _share(checks: list[bool]) -> dict[str, float]:
    return {"share": round(sum(checks) / len(checks), 4) if checks else 0.0, "n": len(checks)}


def evidence_of(questions: list[BenchQuestion]) -> list[Evidence]:
    """Every evidence string of the questions, in order."""
    return [e for q in questions for e in q.evidence]
