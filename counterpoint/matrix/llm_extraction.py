"""The claims matrix's statements with an LLM: the model proposes, the rules' checks decide.

`LLMExtractor` asks which sentences of a side's chunks are claims (company) or allegations
(critic), copied verbatim. A proposal is kept only when it maps onto a real sentence of a chunk
it was shown; the statement is then that sentence as the chunk has it, never the model's copy.

Chunks are data, fenced as in `counterpoint.answer.llm`. `LLMError` is left to propagate:
`build_matrix` falls back to the rules with a notice. Calls are counted, and the chunks over
`max_calls` go to the rules (or a given `fallback`), so a large corpus costs a bounded number
of calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.answer.budget import count_tokens
from counterpoint.answer.citations import Sentence, is_verbatim, sentences
from counterpoint.answer.prompts import render
from counterpoint.llm import ChatModel
from counterpoint.matrix.claims import RuleExtractor, statement_id
from counterpoint.matrix.models import ClaimExtractor, Statement
from counterpoint.models import Passage
from counterpoint.text import normalise

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from counterpoint.matrix.inputs import MatrixInputs

CLAIM_KINDS = ("commitment", "policy", "figure", "achievement")
MIN_FRAGMENT_WORDS = 5  # a shorter "quote" could map onto many sentences
OUTPUT_TOKENS_PER_CHUNK = 120  # what listing one chunk's claims verbatim costs, roughly
# Bound on model calls per build; what is over goes to the rules. The seed corpus needs 26
# extraction calls at the default 600 reply tokens (5 chunks a call).
MAX_EXTRACT_CALLS = 40

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
    """The statements with their theme from `counterpoint.matrix.themes` (one embedding batch)."""
    from counterpoint.matrix.themes import theme_of

    if not statements:
        return statements
    vectors = embedder.get_text_embedding_batch([s.text for s in statements])
    for statement, vector in zip(statements, vectors, strict=True):
        statement.theme = theme_of(statement.text, np.asarray(vector), embedder)
    return statements


@dataclass
class LLMExtractor:
    """`ClaimExtractor` backed by the configured chat model."""

    inputs: MatrixInputs
    fallback: ClaimExtractor | None = None  # default: the rules (RuleExtractor)
    max_calls: int | None = MAX_EXTRACT_CALLS
    calls: int = field(default=0, init=False)

    @cached_property
    def model(self) -> ChatModel:
        """The chat model of the settings."""
        return ChatModel.from_settings(self.inputs.settings)

    # The rules' sentence filter (no headings, table rows, reader comments, navigation); given
    # the build's own, the chunks are read and the sentences embedded once for the whole build.
    rules: RuleExtractor | None = None

    def __post_init__(self) -> None:
        if self.rules is None:
            self.rules = RuleExtractor(self.inputs.store, self.inputs.embedder)

    def extract(self, side: str) -> list[Statement]:
        """Claims (company) or allegations (critic) of `side`, verbatim, in document order."""
        chunks = [passage for passage, _ in self.rules.passages(side)]
        batches = list(self._batches(chunks, side))
        limit = len(batches) if self.max_calls is None else self.max_calls
        found: dict[tuple[str, str], Statement] = {}
        for batch in batches[:limit]:
            for statement in self._extract_batch(batch, side):
                found.setdefault((statement.doc_id, normalise(statement.text)), statement)
        with_themes(list(found.values()), self.inputs.embedder)
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
        return self.inputs.settings.llm_max_tokens

    def _batches(self, chunks: list[Passage], side: str) -> Iterator[list[Passage]]:
        """Consecutive chunks per call, as many as the context window and the reply allow."""
        settings = self.inputs.settings
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
