"""The claims matrix's labels with an LLM: the model proposes, checked citations decide.

`LLMJudge` asks how a statement relates to numbered sentences of the other side. A label whose
cited sentences do not exist, or are not about the statement's subject, is downgraded.

Candidates are data, fenced as in `counterpoint.answer.llm`. `LLMError` is left to propagate:
`build_matrix` falls back to the rules with a notice. Calls are counted, and what is over
`max_calls` goes to the rules (or a given `fallback`); the judge does not ask at all when no
candidate is on the statement's subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from counterpoint.answer.budget import count_tokens
from counterpoint.answer.prompts import render
from counterpoint.llm import ChatModel
from counterpoint.matrix.judge_reply import Reading, parse_relation
from counterpoint.matrix.models import (
    AllegationRow,
    ClaimRow,
    EvidenceQuote,
    RelationJudge,
    Statement,
)
from counterpoint.text import terms

if TYPE_CHECKING:
    from counterpoint.matrix.inputs import MatrixInputs

JUDGE_REPLY_TOKENS = 96  # a one-line JSON object
# Bound on model calls per build; what is over goes to the rules.
MAX_JUDGE_CALLS = 150
# A cited sentence must be about the statement's subject: a share of the statement's content
# words, or embedding closeness. Looser than answer/verification.py's thresholds, which check that a
# sentence *says the same*; a contesting sentence says otherwise about the same thing. Measured
# on the seed corpus (40 claims x 10 random critic sentences): 0.5% of random pairs pass.
SUBJECT_LEXICAL = 0.25
SUBJECT_COSINE = 0.4
BASE_CONFIDENCE = 0.85  # the most a model's label is trusted
DOWNGRADED_CONFIDENCE = 0.2
UNREADABLE_CONFIDENCE = 0.05


@dataclass
class Judgement:
    """A checked label: what a row is made of."""

    label: str
    evidence: list[EvidenceQuote]
    confidence: float
    reason: str
    method: str = "llm"


_CLAIM = {
    "labels": ("contested", "corroborated", "not_addressed"),
    "statement_side": "the company's own documents (a claim)",
    "other_side": "critics' documents",
    "question": "what the critics' sentences do with the company's claim:",
    "meanings": (
        '"contested": they say otherwise or cast doubt on it',
        '"corroborated": they confirm it',
        '"not_addressed": none of them is about it',
    ),
}
_ALLEGATION = {
    "labels": ("addressed", "unaddressed"),
    "statement_side": "critics' documents (an allegation)",
    "other_side": "the company's own documents",
    "question": "whether the company's sentences respond to the critics' allegation:",
    "meanings": (
        '"addressed": they speak to the same subject, confirming, denying or explaining it',
        '"unaddressed": none of them is about it',
    ),
}


@dataclass
class LLMJudge:
    """`RelationJudge` backed by the configured chat model."""

    inputs: MatrixInputs
    fallback: RelationJudge | None = None  # default: the rules (RuleJudge)
    max_calls: int | None = MAX_JUDGE_CALLS
    reply_tokens: int = JUDGE_REPLY_TOKENS
    calls: int = field(default=0, init=False)

    @cached_property
    def model(self) -> ChatModel:
        """The chat model of the settings."""
        return ChatModel.from_settings(self.inputs.settings)

    def judge_claim(self, claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
        """contested / corroborated / not_addressed, checked against the candidates."""
        if self._spent():
            return self.backup.judge_claim(claim, candidates)
        found = self._judge(claim, candidates, _CLAIM)
        return ClaimRow(
            claim=claim,
            relation=found.label,
            confidence=found.confidence,
            evidence=found.evidence,
            method=found.method,
            reason=found.reason,
        )

    def judge_allegation(
        self, allegation: Statement, candidates: list[EvidenceQuote]
    ) -> AllegationRow:
        """addressed / unaddressed, checked against the candidates."""
        if self._spent():
            return self.backup.judge_allegation(allegation, candidates)
        found = self._judge(allegation, candidates, _ALLEGATION)
        return AllegationRow(
            allegation=allegation,
            coverage=found.label,
            confidence=found.confidence,
            evidence=found.evidence,
            method=found.method,
            reason=found.reason,
        )

    @cached_property
    def backup(self) -> RelationJudge:
        """Who judges once the call budget is spent."""
        if self.fallback is not None:
            return self.fallback
        from counterpoint.matrix.judge import RuleJudge

        return RuleJudge()

    def _spent(self) -> bool:
        return self.max_calls is not None and self.calls >= self.max_calls

    def _judge(
        self, statement: Statement, candidates: list[EvidenceQuote], task: dict[str, Any]
    ) -> Judgement:
        negative = task["labels"][-1]
        shown = self._fit(statement, candidates, task)
        closeness = self.subject_support(statement.text, [c.quote for c in shown])
        if not any(closeness):
            # No label but the negative one could pass the checks below: save the call.
            best = max((c.similarity for c in shown), default=0.0)
            reason = f"no sentence of {task['other_side']} is on its subject (model not asked)"
            confidence = min(BASE_CONFIDENCE, max(DOWNGRADED_CONFIDENCE, 1 - best))
            return Judgement(negative, [], round(confidence, 3), reason, method="rules")
        prompt = _relation_prompt(statement, shown, task)
        reply = self.model.complete([{"role": "user", "content": prompt}], self.reply_tokens)
        self.calls += 1
        return self.check(statement, shown, parse_relation(reply, task["labels"]), closeness)

    def check(
        self,
        statement: Statement,
        candidates: list[EvidenceQuote],
        reading: Reading,
        closeness: list[float] | None = None,
    ) -> Judgement:
        """The label the reading earns once its citations are checked (see module docstring).
        `closeness`: subject_support of the candidates, when already known."""
        labels: tuple[str, ...] = (
            _CLAIM["labels"] if statement.side == "company" else _ALLEGATION["labels"]
        )
        negative = labels[-1]
        if reading.label is None:
            return Judgement(negative, [], UNREADABLE_CONFIDENCE, "the model's reply had no label")
        if closeness is None:
            closeness = self.subject_support(statement.text, [c.quote for c in candidates])
        if reading.label == negative:
            rules_closeness = max([c.similarity for c in candidates] + closeness, default=0.0)
            confidence = min(BASE_CONFIDENCE, max(DOWNGRADED_CONFIDENCE, 1 - rules_closeness))
            return Judgement(negative, [], round(confidence, 3), reading.reason)
        kept, problems = _checked_citations(reading.cited, candidates, closeness)
        if not kept:
            why = "; ".join(problems) or "it cited no sentence"
            reason = f"the model said {reading.label}, but {why}"
            return Judgement(negative, [], DOWNGRADED_CONFIDENCE, reason)
        evidence = [candidates[n - 1] for n in kept]
        confidence = min(BASE_CONFIDENCE, max(closeness[n - 1] for n in kept))
        reason = reading.reason + (f" (dropped: {'; '.join(problems)})" if problems else "")
        return Judgement(reading.label, evidence, round(confidence, 3), reason.strip())

    def subject_support(self, text: str, quotes: list[str]) -> list[float]:
        """For each quote, how far it is about the subject of `text`: 0 when below both the
        lexical and the cosine threshold, else the larger of the two scores."""
        if not quotes:
            return []
        words = terms(text)
        vectors = np.asarray(self.inputs.embedder.get_text_embedding_batch([text, *quotes]))
        cosines = vectors[1:] @ vectors[0]
        scores = []
        for quote, cosine in zip(quotes, cosines, strict=True):
            shared = words & terms(quote)
            lexical = len(shared) / len(words) if len(shared) >= 2 else 0.0
            ok = lexical >= SUBJECT_LEXICAL or cosine >= SUBJECT_COSINE
            scores.append(round(float(max(lexical, cosine)), 3) if ok else 0.0)
        return scores

    def _fit(
        self, statement: Statement, candidates: list[EvidenceQuote], task: dict[str, Any]
    ) -> list[EvidenceQuote]:
        """The rank-order prefix of the candidates that fits the context window."""
        settings = self.inputs.settings
        frame = count_tokens(_relation_prompt(statement, [], task))
        budget = int((settings.llm_context_window - self.reply_tokens - frame - 64) * 0.9)
        shown: list[EvidenceQuote] = []
        for n, candidate in enumerate(candidates, 1):
            budget -= count_tokens(_fence_quote(candidate, n))
            if budget < 0 and shown:
                break
            shown.append(candidate)
        return shown


def _checked_citations(
    cited: list[int], candidates: list[EvidenceQuote], closeness: list[float]
) -> tuple[list[int], list[str]]:
    """The cited numbers that hold, and what is wrong with the others."""
    kept, problems = [], []
    for n in dict.fromkeys(cited):
        if not 1 <= n <= len(candidates):
            problems.append(f"it cited [{n}], which is not a sentence it was given")
        elif not candidates[n - 1].supported:
            problems.append(f"sentence [{n}] is not verbatim in its document")
        elif closeness[n - 1] <= 0:
            problems.append(f"sentence [{n}] is not about the same subject")
        else:
            kept.append(n)
    return kept, problems


def _relation_prompt(
    statement: Statement, candidates: list[EvidenceQuote], task: dict[str, Any]
) -> str:
    labels = task["labels"]
    return render(
        "relation",
        statement_side=task["statement_side"],
        other_side=task["other_side"],
        question=task["question"],
        labels="\n".join(f"- {meaning}" for meaning in task["meanings"]),
        negative=labels[-1],
        example=labels[0],
        statement=_unfence(statement.text),
        candidates="\n\n".join(_fence_quote(c, n) for n, c in enumerate(candidates, 1)) or "(none)",
    )


def _unfence(text: str) -> str:
    return text.replace("<<<", "").replace(">>>", "").strip()


def _fence_quote(quote: EvidenceQuote, n: int) -> str:
    page = f", p. {quote.page}" if quote.page else ""
    return f"[{n}] {quote.title}{page}\n<<<\n{_unfence(quote.quote)}\n>>>"
