"""The claims matrix with an LLM: the model proposes, the same checks as the rules decide.

`LLMExtractor` asks which sentences of a side's chunks are claims (company) or allegations
(critic), copied verbatim. A proposal is kept only when it maps onto a real sentence of a chunk
it was shown; the statement is then that sentence as the chunk has it, never the model's copy.
`LLMJudge` asks how a statement relates to numbered sentences of the other side. A label whose
cited sentences do not exist, or are not about the statement's subject, is downgraded.

Chunks and candidates are data, fenced as in `llm_answering`. `LLMError` is left to propagate:
`build_matrix` falls back to the rules with a notice. Both classes count their calls and hand
what is over `max_calls` to the rules (or a given `fallback`), so a large corpus costs a bounded
number of calls; the judge does not ask at all when no candidate is on the statement's subject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from counterpoint.budget import count_tokens
from counterpoint.citations import Sentence, is_verbatim, sentences
from counterpoint.claims import RuleExtractor, side_passages, statement_id
from counterpoint.evaluation import normalise
from counterpoint.llm import ChatModel
from counterpoint.matrix_models import (
    AllegationRow,
    ClaimExtractor,
    ClaimRow,
    EvidenceQuote,
    RelationJudge,
    Statement,
)
from counterpoint.models import Passage
from counterpoint.prompts import render
from counterpoint.text import terms

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from counterpoint.assistant import Assistant

CLAIM_KINDS = ("commitment", "policy", "figure", "achievement")
MIN_FRAGMENT_WORDS = 5  # a shorter "quote" could map onto many sentences
OUTPUT_TOKENS_PER_CHUNK = 120  # what listing one chunk's claims verbatim costs, roughly
JUDGE_REPLY_TOKENS = 96  # a one-line JSON object
# Bounds on model calls per build; what is over goes to the rules. The seed corpus needs 26
# extraction calls at the default 600 reply tokens (5 chunks a call).
MAX_EXTRACT_CALLS = 40
MAX_JUDGE_CALLS = 150
# A cited sentence must be about the statement's subject: a share of the statement's content
# words, or embedding closeness. Looser than verification.py's thresholds, which check that a
# sentence *says the same*; a contesting sentence says otherwise about the same thing. Measured
# on the seed corpus (40 claims x 10 random critic sentences): 0.5% of random pairs pass.
SUBJECT_LEXICAL = 0.25
SUBJECT_COSINE = 0.4
BASE_CONFIDENCE = 0.85  # the most a model's label is trusted
DOWNGRADED_CONFIDENCE = 0.2
UNREADABLE_CONFIDENCE = 0.05

_SIDE_TASK = {
    "company": {
        "source": "the company's own documents",
        "what": "claims: the company asserts a commitment, a policy, a figure or an achievement",
        "kinds": ", ".join(CLAIM_KINDS),
    },
    "critic": {
        "source": "critics' documents about the company",
        "what": "allegations: the author accuses or reports wrongdoing, risk or a sanction "
        "concerning the company (named regions, programmes, events, sanctions, figures)",
        "kinds": "allegation",
    },
}
_LINE = re.compile(
    r"^\W*\[?\s*(?P<n>\d+)?\s*\]?\s*[.):|\-–]*\s*"
    r"(?:\(?(?P<kind>[a-z]+)\)?\s*[:|\-–]\s*)?(?P<text>.+)$",
    re.I,
)
_LABEL_WORD = re.compile(r"\b(not[ _-]addressed|unaddressed|addressed|contested|corroborated)\b")


# --- extraction ---------------------------------------------------------------------------


@dataclass
class Proposal:
    """One line of the model's reply: which passage, what kind, the sentence as it copied it."""

    n: int | None
    kind: str
    text: str


def parse_claims(reply: str) -> list[Proposal]:
    """The `[n] kind: sentence` lines of an extraction reply; anything else is ignored.

    A line must name a kind: a small model that echoes the passages back would otherwise have
    every sentence it echoed taken for a claim.
    """
    proposals = []
    for line in reply.splitlines():
        match = _LINE.match(line.strip().replace("**", ""))  # markdown bold around the kind
        kind = (match["kind"] or "").lower() if match else ""
        if kind not in (*CLAIM_KINDS, "allegation"):
            continue
        text = match["text"].strip().strip("\"'“”`*").strip()
        if len(text.split()) >= MIN_FRAGMENT_WORDS:
            proposals.append(Proposal(int(match["n"]) if match["n"] else None, kind, text))
    return proposals


def match_sentence(fragment: str, passage: Passage) -> Sentence | None:
    """The sentence of `passage` that the model's copy stands for: the one containing it (the
    model may copy only part), or the first one it contains whole (it may run on into the next).
    Compared on letters and digits only, so curly quotes or spacing do not matter."""
    wanted = normalise(fragment.rstrip(".…").removesuffix("..."))
    if len(fragment.split()) < MIN_FRAGMENT_WORDS or not wanted:
        return None
    found = sentences(passage)
    for sentence in found:
        if wanted in normalise(sentence.text):
            return sentence
    for sentence in found:
        whole = normalise(sentence.text)
        if len(whole) >= 20 and wanted.startswith(whole):
            return sentence
    return None


def with_themes(statements: list[Statement], embedder: BaseEmbedding) -> list[Statement]:
    """The statements with their theme from `counterpoint.themes` (one embedding batch)."""
    from counterpoint.themes import theme_of

    if not statements:
        return statements
    vectors = embedder.get_text_embedding_batch([s.text for s in statements])
    for statement, vector in zip(statements, vectors, strict=True):
        statement.theme = theme_of(statement.text, np.asarray(vector), embedder)
    return statements


@dataclass
class LLMExtractor:
    """`ClaimExtractor` backed by the configured chat model."""

    assistant: Assistant
    fallback: ClaimExtractor | None = None  # default: the rules (RuleExtractor)
    max_calls: int | None = MAX_EXTRACT_CALLS
    calls: int = field(default=0, init=False)

    @cached_property
    def model(self) -> ChatModel:
        """The chat model of the assistant's settings."""
        return ChatModel.from_settings(self.assistant.settings)

    @cached_property
    def rules(self) -> RuleExtractor:
        """The rules' sentence filter: no headings, table rows, reader comments, navigation."""
        return RuleExtractor(self.assistant.store, self.assistant.embedder)

    def extract(self, side: str) -> list[Statement]:
        """Claims (company) or allegations (critic) of `side`, verbatim, in document order."""
        located = side_passages(self.assistant.store, side)
        chunks = [passage for passage, _ in located]
        self.rules.learn_layout(side, located)
        batches = list(self._batches(chunks, side))
        limit = len(batches) if self.max_calls is None else self.max_calls
        found: dict[tuple[str, str], Statement] = {}
        for batch in batches[:limit]:
            for statement in self._extract_batch(batch, side):
                found.setdefault((statement.doc_id, normalise(statement.text)), statement)
        with_themes(list(found.values()), self.assistant.embedder)
        leftover = {p.chunk_id for batch in batches[limit:] for p in batch}
        if leftover:
            for statement in (self.fallback or self.rules).extract(side):
                if statement.chunk_id in leftover:
                    found.setdefault((statement.doc_id, normalise(statement.text)), statement)
        where = {p.chunk_id: (i, p.text) for i, p in enumerate(chunks)}
        return sorted(found.values(), key=lambda s: _place(s, where))

    def _extract_batch(self, batch: list[Passage], side: str) -> Iterator[Statement]:
        prompt = render("claims", **_SIDE_TASK[side], passages=_fence_chunks(batch))
        reply = self.model.complete([{"role": "user", "content": prompt}], self._reply_tokens)
        self.calls += 1
        for proposal in parse_claims(reply):
            statement = self.check(proposal, batch, side)
            if statement is not None:
                yield statement

    def check(self, proposal: Proposal, batch: list[Passage], side: str) -> Statement | None:
        """The statement a proposal stands for, or None when it is in none of the chunks shown
        or is a sentence the rules would never quote (page furniture, reader comments).

        The passage number is only a hint: models miscount, so every chunk is tried after it.
        """
        hinted = (
            batch[proposal.n - 1 : proposal.n] if proposal.n and proposal.n <= len(batch) else []
        )
        for passage in [*hinted, *batch]:
            sentence = match_sentence(proposal.text, passage)
            if sentence is None or not is_verbatim(sentence.text, passage.text):
                continue
            if not self.rules.quotable(sentence):
                return None  # a heading, a table row, a reader comment: never a statement
            return self._statement(sentence, proposal.kind, side)
        return None

    def _statement(self, sentence: Sentence, kind: str, side: str) -> Statement:
        passage, text = sentence.passage, sentence.text
        return Statement(
            id=statement_id(passage.doc_id, text),
            text=text,
            side=side,
            doc_id=passage.doc_id,
            title=passage.title,
            page=passage.page,
            chunk_id=passage.chunk_id,
            kind=_kind(kind, text, side),
            cues=[f"llm:{kind}"],
            date=passage.date,
        )

    @property
    def _reply_tokens(self) -> int:
        return self.assistant.settings.llm_max_tokens

    def _batches(self, chunks: list[Passage], side: str) -> Iterator[list[Passage]]:
        """Consecutive chunks per call, as many as the context window and the reply allow."""
        settings = self.assistant.settings
        frame = count_tokens(render("claims", **_SIDE_TASK[side], passages=""))
        budget = int((settings.llm_context_window - self._reply_tokens - frame - 64) * 0.9)
        per_call = max(1, self._reply_tokens // OUTPUT_TOKENS_PER_CHUNK)
        batch: list[Passage] = []
        used = 0
        for chunk in chunks:
            cost = count_tokens(_fence_one(chunk, 1))
            if batch and (used + cost > budget or len(batch) >= per_call):
                yield batch
                batch, used = [], 0
            batch.append(chunk)
            used += cost
        if batch:
            yield batch


def _place(statement: Statement, where: dict[str, tuple[int, str]]) -> tuple[int, int]:
    """(chunk number, offset in the chunk): document order."""
    number, text = where.get(statement.chunk_id, (0, ""))
    return number, text.find(statement.text)


def _kind(kind: str, text: str, side: str) -> str:
    if side == "critic":
        return "allegation"
    if kind in CLAIM_KINDS:
        return kind
    return "figure" if re.search(r"\d", text) else "commitment"


def _fence_one(passage: Passage, n: int) -> str:
    # Fence marks inside a document are removed so it cannot close its own fence.
    text = passage.text.replace("<<<", "").replace(">>>", "").strip()
    page = f", p. {passage.page}" if passage.page else ""
    return f"[{n}] {passage.title}{page}\n<<<\n{text}\n>>>"


def _fence_chunks(batch: list[Passage]) -> str:
    return "\n\n".join(_fence_one(p, n) for n, p in enumerate(batch, 1))


# --- relations ----------------------------------------------------------------------------


@dataclass
class Reading:
    """What a judge reply says: a label (None when unreadable), cited numbers, a reason."""

    label: str | None
    cited: list[int]
    reason: str


def parse_relation(reply: str, labels: tuple[str, ...]) -> Reading:
    """Read a judge reply: the first JSON object in it, else label words and [n] markers.

    Labels are mapped to `labels` ("not addressed" and "unaddressed" are the same answer).
    """
    found = _json_object(reply)
    if found is not None:
        label = _label(str(found.get("label", "")), labels)
        cited = _numbers(found.get("evidence", []))
        reason = " ".join(str(found.get("reason", "")).split())[:200]
        if label is not None:
            return Reading(label, cited, reason)
    match = _LABEL_WORD.search(reply.lower())
    label = _label(match.group(1), labels) if match else None
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", reply)]
    return Reading(label, cited, "")


def _json_object(reply: str) -> dict[str, Any] | None:
    for match in re.finditer(r"\{[^{}]*\}", reply):
        raw = match.group()
        for attempt in (raw, raw.replace("'", '"')):
            try:
                value = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _label(word: str, labels: tuple[str, ...]) -> str | None:
    word = re.sub(r"[\s-]+", "_", word.strip().lower())
    negative = labels[-1]
    if word in ("not_addressed", "unaddressed", "none"):
        return negative
    return word if word in labels else None


def _numbers(value: Any) -> list[int]:
    items = value if isinstance(value, list) else re.findall(r"\d+", str(value))
    numbers = []
    for item in items:
        try:
            numbers.append(int(item))
        except (TypeError, ValueError):
            continue
    return numbers


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

    assistant: Assistant
    fallback: RelationJudge | None = None  # default: the rules (RuleJudge)
    max_calls: int | None = MAX_JUDGE_CALLS
    reply_tokens: int = JUDGE_REPLY_TOKENS
    calls: int = field(default=0, init=False)

    @cached_property
    def model(self) -> ChatModel:
        """The chat model of the assistant's settings."""
        return ChatModel.from_settings(self.assistant.settings)

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
        from counterpoint.matrix import RuleJudge  # matrix imports this module lazily too

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
        vectors = np.asarray(self.assistant.embedder.get_text_embedding_batch([text, *quotes]))
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
        settings = self.assistant.settings
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
