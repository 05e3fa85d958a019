"""Citations: sentence spans of a passage, numbering, and the check that a quote is verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from counterpoint.config import offline_environment
from counterpoint.models import Citation, Passage

MAX_QUOTE_WORDS = 60


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage: `text` is `passage.text[start:end]`, exactly."""

    passage: Passage
    start: int
    end: int

    @property
    def text(self) -> str:
        """The sentence as it stands in the passage."""
        return self.passage.text[self.start : self.end]


@lru_cache(maxsize=1)
def _punkt():  # noqa: ANN202 - nltk's tokenizer
    offline_environment()
    from nltk.tokenize import PunktTokenizer

    return PunktTokenizer("english")


def sentences(passage: Passage) -> list[Sentence]:
    """Split a passage into sentences (never across line breaks), keeping exact offsets."""
    found = []
    for line in re.finditer(r"[^\n]+", passage.text):
        for start, end in _punkt().span_tokenize(line.group()):
            span = _trim(passage.text, line.start() + start, line.start() + end)
            if span:
                found.append(Sentence(passage, *span))
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    # Cap very long "sentences" (collapsed table cells) at a readable length, still verbatim.
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) < 4:
        return None
    if len(words) > MAX_QUOTE_WORDS:
        end = start + words[MAX_QUOTE_WORDS - 1].end()
    return start, end


def is_verbatim(quote: str, passage_text: str) -> bool:
    """True when the quote occurs in the passage character for character."""
    return bool(quote) and quote in passage_text


def citation_for(n: int, sentence: Sentence, supported: bool = True) -> Citation:
    """Citation `n` quoting `sentence`; supported only if also verbatim in its passage."""
    passage = sentence.passage
    chunk_id, text, page = _chunk_holding(sentence)
    return Citation(
        n=n,
        side=passage.side,
        doc_id=passage.doc_id,
        title=passage.title,
        page=page,
        chunk_id=chunk_id,
        quote=sentence.text,
        supported=supported and is_verbatim(sentence.text, text),
        passage=text,
    )


def _chunk_holding(sentence: Sentence) -> tuple[str, str, int | None]:
    """(id, text, page) of the chunk that holds the sentence: a passage may join neighbouring chunks
    (counterpoint/retrieval.py), and a citation points to the stored chunk its quote is in."""
    passage = sentence.passage
    parts = zip(passage.chunk_ids, passage.chunk_spans, passage.chunk_pages, strict=False)
    for chunk_id, (start, end), page in parts:
        if start <= sentence.start and sentence.end <= end:
            return chunk_id, passage.text[start:end], page
    return passage.chunk_id, passage.text, passage.page


class CitationList:
    """Numbers citations in order of first use; citing the same sentence twice reuses its number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, sentence: Sentence) -> int:
        """The citation number for a sentence, adding it on first use."""
        key = (sentence.passage.chunk_id, sentence.start, sentence.end)
        if key not in self._numbers:
            n = len(self.items) + 1
            self._numbers[key] = n
            self.items.append(citation_for(n, sentence))
        return self._numbers[key]

    def number_of(self, sentence: Sentence) -> int | None:
        """The sentence's citation number if it is already cited, else None."""
        return self._numbers.get((sentence.passage.chunk_id, sentence.start, sentence.end))

    def numbers_for(self, side: str) -> list[int]:
        """The citation numbers drawn from one side."""
        return [c.n for c in self.items if c.side == side]
