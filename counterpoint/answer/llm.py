"""The generative answerer: the LLM writes the three-part answer from numbered passages, kept in
separate company and critic blocks, and every sentence is checked against what it cites.

The answer is asked for as JSON to a schema where the endpoint takes one (each statement with
its passage number and a verbatim quote: `counterpoint/answer/structured.py`), else as free text
with `[n]` markers (`counterpoint/answer/verification.py`). Only what verifies counts as
evidence; an answer in which nothing does is not shown as one (`UnverifiedAnswerError`: the
turn falls back to the extractive answer, the model's text kept aside), and one cut off at the
token limit says so."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from counterpoint.answer.budget import count_tokens, fit_passages, passages_to_fetch
from counterpoint.answer.prompts import load_prompt, render
from counterpoint.answer.stated_meeting import StatedMeeting, stated_meeting
from counterpoint.answer.structured import SCHEMA, check_reply, preview, read_reply
from counterpoint.answer.verification import Verdict, verify
from counterpoint.attribution import names_in, voice_spans
from counterpoint.errors import UnverifiedAnswerError
from counterpoint.llm import ChatModel, Completion, SchemaRefused
from counterpoint.models import Answer, Citation, Passage, SideFindings
from counterpoint.questions import Clock

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

NO_EVIDENCE_MARK = "Neither the company's documents nor the critics' address"
QUOTE_OPEN, QUOTE_CLOSE = "[company's words: ", "]"  # what a critic quotes of the company
_CONDENSE_TOKENS = 96
_HISTORY_TURNS = 4


@dataclass
class LLMAnswerer:
    """Answers with a chat model; passages are data in delimited, numbered blocks."""

    model: ChatModel
    embedder: BaseEmbedding
    context_window: int
    name: str = "llm"

    def answer(self, question: str, passages: dict[str, list[Passage]]) -> Answer:
        """The finished answer (the last item of `stream`)."""
        *_, final = self.stream(question, passages)
        return final

    def stream(
        self, question: str, passages: dict[str, list[Passage]], deadline: float | None = None
    ) -> Iterator[str | Answer]:
        """Yield text pieces as the model writes them, then the verified `Answer`: as JSON to
        a schema where the endpoint takes one, else as free text. `UnverifiedAnswerError` when
        nothing in it holds against the passages; `LLMError` past `deadline` (monotonic)."""
        names = names_in(passages)
        if self.model.formats:
            try:
                yield from self._structured(question, passages, names, deadline)
                return
            except SchemaRefused:
                pass  # asked before any text came: the same question again, in free text
        yield from self._free_text(question, passages, names, deadline)

    def _free_text(
        self, question: str, passages: dict, names: set[str], deadline: float | None
    ) -> Iterator[str | Answer]:
        messages, numbered = self._messages(question, passages, names, "")
        reply = self.model.stream(messages, deadline=deadline)
        pieces = []
        for piece in reply:
            pieces.append(piece)
            yield piece
        text = "".join(pieces)
        verdict = verify(text, numbered, self.embedder)
        yield self._finish(question, verdict, numbered, reply, NO_EVIDENCE_MARK in text, text)

    def _structured(
        self, question: str, passages: dict, names: set[str], deadline: float | None
    ) -> Iterator[str | Answer]:
        messages, numbered = self._messages(question, passages, names, "_json")
        reply = self.model.stream(messages, deadline=deadline, schema=SCHEMA)
        raw, shown = "", ""
        for piece in reply:
            raw += piece
            text = preview(read_reply(raw))
            if text.startswith(shown) and len(text) > len(shown):  # statement by statement
                yield text[len(shown) :]
                shown = text
        read = read_reply(raw)
        if not read.is_json:  # the endpoint took the schema, the model wrote free text
            verdict = verify(raw, numbered, self.embedder)
            yield self._finish(question, verdict, numbered, reply, NO_EVIDENCE_MARK in raw, raw)
            return
        complete = reply.finish_reason != "length"
        verdict, cited = check_reply(read, numbered, self.embedder, names, complete)
        silent = not any(s.part != "meeting" for s in read.statements)
        yield self._finish(question, verdict, cited, reply, silent, raw)

    def turn(
        self,
        question: str,
        history: list[tuple[str, str]],
        retrieve: Callable[[str, int], dict[str, list[Passage]]],
        top_k: int,
        clock: Clock,
    ) -> Iterator[str | Answer]:
        """A whole turn, within the model's timeout (COUNTERPOINT_LLM_TIMEOUT): a follow-up
        condensed, the passages retrieved (`retrieve(question, k)`), the answer streamed."""
        deadline = time.monotonic() + self.model.timeout
        standalone = self.condense(question, history, deadline) if history else question
        clock.lap("condense")
        passages = retrieve(standalone, self.fetch(top_k))
        clock.lap("retrieve")
        for item in self.stream(question, passages, deadline):
            if isinstance(item, Answer):
                item.standalone_question = standalone
                item.timings_ms = clock.lap("answer")
            yield item

    def fetch(self, top_k: int) -> int:
        """How many passages per side to retrieve: the window's worth, not a fixed `top_k`."""
        return passages_to_fetch(self.context_window, top_k)

    def condense(
        self, question: str, history: list[tuple[str, str]], deadline: float | None = None
    ) -> str:
        """The follow-up rewritten as a standalone question, using the recent conversation."""
        turns = history[-_HISTORY_TURNS:]
        lines = [f"Analyst: {q}\nAssistant: {a[:600]}" for q, a in turns]
        prompt = render("condense", history="\n".join(lines), question=question)
        message = [{"role": "user", "content": prompt}]
        rewritten = self.model.complete(message, _CONDENSE_TOKENS, deadline)
        rewritten = rewritten.strip().strip('"').splitlines()[0] if rewritten.strip() else ""
        return rewritten or question

    def _messages(
        self, question: str, passages: dict, names: set[str], kind: str
    ) -> tuple[list[dict[str, str]], dict[int, Passage]]:
        """The system and user messages (`kind` "": free text, "_json": structured) and the
        passages by the number they are shown under."""
        system, template = load_prompt(f"system{kind}"), f"answer{kind}"
        empty = {"company_passages": "", "critic_passages": ""}
        frame = system + render(template, question=question, **empty)
        budget = self.context_window - self.model.max_tokens - count_tokens(frame) - 64
        fitted = fit_passages(passages, budget, partial(_render_one, names=names))
        numbered = _number(fitted)
        user = build_prompt(question, fitted, numbered, names, template)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}], numbered

    def _finish(
        self,
        question: str,
        verdict: Verdict,
        numbered: dict[int, Passage],
        reply: Completion,
        silent: bool,
        raw: str,
    ) -> Answer:
        """The answer from checked sentences; only citations that hold count as evidence.
        `silent`: the model said neither side has anything (not so of a reply cut off)."""
        silent = silent and reply.finish_reason != "length"
        if not any(s.supported for s in verdict.sentences) and (verdict.sentences or not silent):
            kept = verdict.text if verdict.sentences else raw  # the model's text, marked up
            raise UnverifiedAnswerError(self._unverified(verdict, reply), kept)
        held = _tiered(verdict.citations)
        sides = {side: _findings(held, side) for side in ("company", "critic")}
        insufficient = silent or not held
        # No evidence, no verdict: the meeting part is read only when there is an answer.
        stated = (
            StatedMeeting(None, verdict.text)
            if insufficient
            else stated_meeting(verdict.text, verdict.sentences, numbered)
        )
        return Answer(
            question=question,
            mode=self.name,
            answer=stated.text.strip(),
            sides=sides,
            citations=verdict.citations,
            insufficient_evidence=insufficient,
            timings_ms={},
            sentences=verdict.sentences,
            meeting=stated.meeting,
            notice=self._cut_off(reply),
        )

    def _cut_off(self, reply: Completion) -> str:
        if reply.finish_reason != "length":
            return ""
        return (
            f"The model stopped at its limit of {self.model.max_tokens} tokens "
            "(COUNTERPOINT_LLM_MAX_TOKENS): its answer is cut off."
        )

    def _unverified(self, verdict: Verdict, reply: Completion) -> str:
        said = len(verdict.sentences)
        what = "the model's answer held no statement that checks against the passages"
        what += f" (0 of {said} verified)" if said else ""
        if reply.finish_reason == "length":
            what += "; it was cut off at the token limit"
        return what


def _tiered(citations: list[Citation]) -> list[Citation]:
    """The citations that hold, each in the answer tier; one that does not hold is a closest
    passage (it may not answer). The relevance model scores the extractive answerer's sentences,
    not the model's quotes: their relevance is None ("not scored"), never a false 0."""
    for c in citations:
        c.tier = "answer" if c.supported else "closest"
        c.relevance = None
    return [c for c in citations if c.supported]


def _findings(held: list[Citation], side: str) -> SideFindings:
    numbers = [c.n for c in held if c.side == side]
    return SideFindings(found=bool(numbers), citations=numbers)


def build_prompt(
    question: str,
    fitted: dict[str, list[Passage]],
    numbered: dict[int, Passage],
    names: set[str] | None = None,
    template: str = "answer",
) -> str:
    """The user message: the question and each side's passages in its own numbered block; in
    critic passages the company's own words (`names`: the company's) are marked as such."""
    number_of = {p.chunk_id: n for n, p in numbered.items()}
    blocks = {
        side: "\n\n".join(_render_one(p, number_of[p.chunk_id], names) for p in found)
        or "(none found)"
        for side, found in fitted.items()
    }
    return render(
        template,
        question=question,
        company_passages=blocks.get("company", "(none found)"),
        critic_passages=blocks.get("critic", "(none found)"),
    )


def _number(fitted: dict[str, list[Passage]]) -> dict[int, Passage]:
    ordered = [p for side in ("company", "critic") for p in fitted.get(side, [])]
    return {n: passage for n, passage in enumerate(ordered, 1)}


def _render_one(passage: Passage, n: int = 0, names: set[str] | None = None) -> str:
    # The text is fenced; fence marks inside a document are removed so it cannot break out.
    text = passage.text.replace("<<<", "").replace(">>>", "")
    if passage.side == "critic" and names:
        text = mark_company_words(text, names)
    page = f", p. {passage.page}" if passage.page else ""
    by = f" · {passage.publisher}" if passage.publisher else ""
    return f"[{n}] {passage.side}{by} · {passage.title}{page}\n<<<\n{text.strip()}\n>>>"


def mark_company_words(text: str, names: set[str]) -> str:
    """The critic's text with the company's words it quotes (counterpoint/attribution.py) set
    between markers, so the model can report them as the company's statement, not the critic's."""
    for start, end in reversed(voice_spans(text, names)):
        text = f"{text[:start]}{QUOTE_OPEN}{text[start:end]}{QUOTE_CLOSE}{text[end:]}"
    return text
