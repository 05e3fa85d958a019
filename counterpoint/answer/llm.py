"""The generative answerer: the LLM writes the three-part answer from numbered passages, kept in
separate company and critic blocks, and every sentence's citations are verified afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from counterpoint.answer.budget import count_tokens, fit_passages, passages_to_fetch
from counterpoint.answer.prompts import load_prompt, render
from counterpoint.answer.stated_meeting import StatedMeeting, stated_meeting
from counterpoint.answer.verification import verify
from counterpoint.attribution import names_in, voice_spans
from counterpoint.llm import ChatModel
from counterpoint.models import Answer, Passage, SideFindings

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

    def stream(self, question: str, passages: dict[str, list[Passage]]) -> Iterator[str | Answer]:
        """Yield text pieces as the model writes them, then the verified `Answer`."""
        names = names_in(passages)
        render = partial(_render_one, names=names)
        fitted = fit_passages(passages, self._passage_budget(question), render)
        numbered = _number(fitted)
        messages = [
            {"role": "system", "content": load_prompt("system")},
            {"role": "user", "content": build_prompt(question, fitted, numbered, names)},
        ]
        pieces = []
        for piece in self.model.stream(messages):
            pieces.append(piece)
            yield piece
        yield self._finish(question, "".join(pieces), numbered)

    def fetch(self, top_k: int) -> int:
        """How many passages per side to retrieve: the window's worth, not a fixed `top_k`."""
        return passages_to_fetch(self.context_window, top_k)

    def condense(self, question: str, history: list[tuple[str, str]]) -> str:
        """The follow-up rewritten as a standalone question, using the recent conversation."""
        turns = history[-_HISTORY_TURNS:]
        lines = [f"Analyst: {q}\nAssistant: {a[:600]}" for q, a in turns]
        prompt = render("condense", history="\n".join(lines), question=question)
        rewritten = self.model.complete([{"role": "user", "content": prompt}], _CONDENSE_TOKENS)
        rewritten = rewritten.strip().strip('"').splitlines()[0] if rewritten.strip() else ""
        return rewritten or question

    def _passage_budget(self, question: str) -> int:
        frame = load_prompt("system") + render(
            "answer", question=question, company_passages="", critic_passages=""
        )
        return self.context_window - self.model.max_tokens - count_tokens(frame) - 64

    def _finish(self, question: str, text: str, numbered: dict[int, Passage]) -> Answer:
        verdict = verify(text, numbered, self.embedder)
        sides = {
            side: SideFindings(
                found=any(c.side == side for c in verdict.citations),
                citations=[c.n for c in verdict.citations if c.side == side],
            )
            for side in ("company", "critic")
        }
        insufficient = NO_EVIDENCE_MARK in text or not verdict.citations
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
        )


def build_prompt(
    question: str,
    fitted: dict[str, list[Passage]],
    numbered: dict[int, Passage],
    names: set[str] | None = None,
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
        "answer",
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
