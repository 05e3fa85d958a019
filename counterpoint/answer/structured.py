"""Answers as JSON to a schema, which small local models follow where free text failed them:
per part, a list of statements, each resting on one numbered passage and a quote copied from it.

Under llama.cpp's grammar (or OpenAI's structured output) the model cannot leave out a
passage number or a quote. The reply is then written out in the free-text answer's form (bold
part headings, a `[n]` marker after each statement), so the page and the brief render it as any
answer. A statement holds when its quote stands verbatim in its passage (spacing and curly
quotes aside), its passage is of the part's side, and the quote bears the statement out (the
same check as a free-text sentence against its passage). The reply is read as it streams (jiter
parses the unfinished JSON), so the text still appears statement by statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterpoint.answer.citations import Sentence, citation_for
from counterpoint.answer.verification import Verdict, support
from counterpoint.attribution import voice_spans
from counterpoint.models import CheckedSentence, Citation, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

PARTS = {
    "company": "What the company says",
    "critics": "What critics say",
    "meeting": "Where they meet",
}
SILENT = {
    "company": "The company's documents do not address this.",
    "critics": "The critics' documents do not address this.",
}
APART = "the passages cited here do not take each other up."
NOTHING = "Neither the company's documents nor the critics' address this question."
OUTCOMES = ("disputed", "consistent", "no direct engagement")
MAX_STATEMENTS = 4  # per part: a small model under a grammar otherwise repeats itself to the cap

_STATEMENT = {
    "type": "object",
    "properties": {
        "passage": {"type": "integer"},
        "quote": {"type": "string"},
        "statement": {"type": "string"},
    },
    "required": ["passage", "quote", "statement"],
    "additionalProperties": False,
}
_LIST = {"type": "array", "items": _STATEMENT, "maxItems": MAX_STATEMENTS}
SCHEMA = {
    "type": "object",
    "properties": {
        "company": _LIST,
        "critics": _LIST,
        "outcome": {"type": "string", "enum": list(OUTCOMES)},
        "meeting": _LIST,
    },
    "required": ["company", "critics", "outcome", "meeting"],
    "additionalProperties": False,
}
_PLAIN = str.maketrans("‘’“”", "''\"\"")  # one character for one: offsets stay the passage's
_EDGES = " \t\n\"'“”‘’.,;:…"


@dataclass(frozen=True)
class Statement:
    """One statement of the reply: its part, the passage number, the quote and its words."""

    part: str
    passage: int
    quote: str
    statement: str


@dataclass(frozen=True)
class Reply:
    """What the reply holds so far: its finished statements, its outcome if written, and how
    many parts it has begun (in the schema's order; 0: not JSON at all)."""

    statements: list[Statement]
    outcome: str | None
    begun: int

    @property
    def is_json(self) -> bool:
        """The reply is a JSON object with at least one part."""
        return self.begun > 0


def read_reply(raw: str) -> Reply:
    """The finished statements of a reply that may still be streaming or be cut off (a
    statement counts once its three fields are written), without repeats."""
    import jiter

    start = raw.find("{")
    try:
        data = jiter.from_json(raw[start:].encode(), partial_mode="on") if start >= 0 else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Reply([], None, 0)
    found: list[Statement] = []
    for part in PARTS:
        items = data.get(part)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and {"passage", "quote", "statement"} <= item.keys():
                statement = _statement(part, item)
                if statement is not None and statement not in found:
                    found.append(statement)
    outcome = str(data.get("outcome", "")).lower().replace("_", " ")
    begun = max((at + 1 for at, part in enumerate(PARTS) if part in data), default=0)
    return Reply(found, outcome if outcome in OUTCOMES else None, begun)


def _statement(part: str, item: dict) -> Statement | None:
    try:
        passage = int(item["passage"])
    except (TypeError, ValueError):
        return None
    quote, said = str(item["quote"]).strip(), str(item["statement"]).strip()
    if not said:
        said = f"“{quote.strip(_EDGES)}”"  # the quote alone, shown as one
    return Statement(part, passage, quote, said)


def render(reply: Reply, marks: list[str], done: bool) -> str:
    """The reply in the free-text answer's form: a bold heading per part and each statement
    followed by its mark (`marks[i]` for `reply.statements[i]`). While the reply streams
    (`done` false) only the parts begun so far are written, so the text only ever grows."""
    if done and not any(s.part != "meeting" for s in reply.statements):
        return NOTHING
    begun = len(PARTS) if done else reply.begun
    blocks = []
    for index, (part, heading) in enumerate(list(PARTS.items())[:begun]):
        finished = done or index < begun - 1
        said = [
            f"{s.statement} {mark}".strip()
            for s, mark in zip(reply.statements, marks, strict=True)
            if s.part == part
        ]
        if part == "meeting" and (reply.outcome or done):
            outcome = reply.outcome or "no direct engagement"
            if done and not said and outcome == "no direct engagement":
                said = [APART]
            said.insert(0, f"{outcome.capitalize()}:")
        elif not said and finished and part in SILENT:
            said = [SILENT[part]]
        blocks.append(f"**{heading}**\n" + " ".join(said))
    return "\n\n".join(blocks).strip()


def preview(reply: Reply) -> str:
    """The reply so far, while it streams: its quotes numbered in order of first use, as the
    check numbers them once they hold."""
    numbers: dict[tuple[int, str], int] = {}
    marks = [
        f"[{numbers.setdefault((s.passage, s.quote), len(numbers) + 1)}]" for s in reply.statements
    ]
    return render(reply, marks, done=False)


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, word for word: spacing, curly or straight quotes and the
    punctuation at its ends may differ; the span is the passage's own text."""
    quote = quote.translate(_PLAIN)
    words = quote.strip(_EDGES).split()
    if not words:
        return None
    # A sentence quoted whole keeps its full stop, as the passage has it.
    stop = r"[.!?]?" if quote.rstrip(" \t\n\"'").endswith((".", "!", "?")) else ""
    found = re.search(r"\s+".join(map(re.escape, words)) + stop, text.translate(_PLAIN))
    return (found.start(), found.end()) if found else None


# --- the check ---------------------------------------------------------------------------------

MIN_QUOTE_WORDS = 4  # a shorter "quote" is verbatim almost anywhere and shows nothing


def check_reply(
    reply: Reply,
    numbered: dict[int, Passage],
    embedder: BaseEmbedding,
    names: set[str],
    complete: bool = True,
) -> tuple[Verdict, dict[int, Passage]]:
    """Each statement checked against its passage; the quotes numbered as citations in order
    of first use (a quote used by a statement that holds and by one that does not gets two
    numbers, so a marker's colour is its statement's). Also: citation number -> passage. A
    reply cut off (not `complete`) says nothing of the parts it did not reach."""
    numbers: dict[tuple[str, int, int, bool], int] = {}
    cited: dict[int, Passage] = {}
    citations: dict[int, Citation] = {}
    checked, marks = [], []
    for statement in reply.statements:
        held, reason, quote = check_statement(statement, numbered, embedder, names)
        mark = ""
        if quote is not None:
            key = (quote.passage.chunk_id, quote.start, quote.end, held)
            n = numbers.setdefault(key, len(numbers) + 1)
            cited[n] = quote.passage
            citations.setdefault(n, citation_for(n, quote, held))
            mark = f"[{n}]"
        text = f"{statement.statement} {mark}".strip()
        markers = [int(mark[1:-1])] if mark else []
        checked.append(CheckedSentence(text=text, citations=markers, supported=held, reason=reason))
        marks.append(mark if held else f"{mark} ⚠️ *unverified: {reason}*".strip())
    return Verdict(checked, list(citations.values()), render(reply, marks, complete)), cited


def check_statement(
    statement: Statement, numbered: dict[int, Passage], embedder: BaseEmbedding, names: set[str]
) -> tuple[bool, str, Sentence | None]:
    """Whether the statement holds, why not, and what it cites: its quote as it stands in the
    passage, else the passage's sentence closest to the statement (None: no such passage)."""
    passage = numbered.get(statement.passage)
    if passage is None:
        return False, f"cites passage {statement.passage}, which was not given", None
    span = find_quote(statement.quote, passage.text)
    if span is None:
        closest, _ = support(statement.statement, passage, embedder)
        return False, "its quote is not in the passage it cites", closest
    quote = Sentence(passage, *span)
    if len(quote.text.split()) < MIN_QUOTE_WORDS:
        return False, "its quote is too short to show anything", quote
    wrong = _wrong_voice(statement.part, quote, names)
    if wrong:
        return False, wrong, quote
    _, held = support(statement.statement, passage, embedder, extra=(quote,))
    return held, "" if held else "its quote does not say this", quote


def _wrong_voice(part: str, quote: Sentence, names: set[str]) -> str:
    """Why the quote cannot stand under `part`: a company passage for what critics say, a
    critic's own words for what the company says, or the reverse in a critic's passage."""
    side = quote.passage.side
    if part == "meeting":
        return ""
    if part == "critics" and side != "critic":
        return "a company passage cited for what critics say"
    company_words = side == "critic" and any(
        start < quote.end and quote.start < end
        for start, end in voice_spans(quote.passage.text, names)
    )
    if part == "company" and side != "company" and not company_words:
        return "a critic's own words cited for what the company says"
    if part == "critics" and company_words:
        return "the company's words, as a critic quotes them, cited for what critics say"
    return ""
