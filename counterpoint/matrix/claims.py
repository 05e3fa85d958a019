"""Claims (company side) and allegations (critic side): the sentences that assert something.

Offline, in two steps. Cue rules read each sentence of a side's chunks and say what kind of
statement it might be (a commitment, a policy, a figure, an achievement; or, for critics, an
allegation: a wrong, a harm, a finding or a legal step, made specific by a name, a date, a figure
or the company, whether or not the company is named, since critic documents are about it).
Critics quoting the company's reply ("X said it ...") are not allegations. The bundled embedder
then compares the candidate with a few generic prototype sentences: cue words alone let through
boilerplate ("we will faithfully reflect ...") that reads nothing like a claim. Page furniture
(headings, table rows, link lists, reader comments, navigation) is dropped before either step.

Nothing here knows which company the corpus is about: prototypes and cues are written generically.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from counterpoint.answer.citations import Sentence, sentences
from counterpoint.fusion import node_passage
from counterpoint.matrix.cues import (
    ACTOR,
    ALLEGATION_PROTOTYPES,
    CLAIM_PROTOTYPES,
    NOT_ALLEGATION_PROTOTYPES,
    NOT_CLAIM_PROTOTYPES,
    TOKEN,
    allegation_cues,
    attributes_to,
    claim_cues,
    is_reply,
    possessive,
)
from counterpoint.matrix.furniture import is_prose
from counterpoint.matrix.models import Statement
from counterpoint.matrix.reading import DocumentReading
from counterpoint.matrix.vectors import SentenceVectors
from counterpoint.models import Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from counterpoint.store import ChunkStore

# A candidate is kept when its best prototype similarity, plus a bonus per cue that fired,
# reaches this. Chosen by reading the seed corpus and the second (fictional) corpus.
KEEP = {"company": 0.24, "critic": 0.45}
CUE_BONUS = 0.06
DUPLICATE = 0.93  # cosine above which two sentences of one side say the same thing
# A company sentence much closer to background prose than to any claim prototype loses this
# share of the difference.
NEG_WEIGHT = 0.5


def statement_id(doc_id: str, text: str) -> str:
    """A short stable id: the same sentence of the same document always gets the same id."""
    return hashlib.sha256(f"{doc_id}\n{text}".encode()).hexdigest()[:12]


def side_passages(store: ChunkStore, side: str) -> list[tuple[Passage, int]]:
    """The side's chunks as passages with the document offset of their first character, in
    document order."""
    found = []
    for node in store.nodes(side):
        meta, passage = node.metadata, node_passage(node)
        found.append((int(meta.get("position") or 0), int(meta.get("start_char") or 0), passage))
    found.sort(key=lambda item: (item[2].doc_id, item[0]))
    return [(passage, start) for _, start, passage in found]


# Cue kinds that say what was done (a wrong, a harm, a finding); the others only make it
# specific (a name, a date, a figure, the company).
CREDIT = re.compile(r"\b(to (?:its|their) credit|(?:does|do|did) credit)\b", re.IGNORECASE)
SUBSTANCE = {"legal", "harm", "reported", "finding"}


def allegation_kinds(cues: list[str]) -> list[str]:
    """`cues` if they make an allegation, else []. A name, date or figure alone is description:
    an allegation says what was done (a substance cue) and to or by whom, where, when or how
    much (any second kind). A shortfall ("only", "none of") counts as substance only beside a
    figure or the company: alone it is any contrast in prose."""
    kinds = {cue.split(":")[0] for cue in cues}
    substance = kinds & SUBSTANCE
    if "shortfall" in kinds and kinds & {"figure", "target"}:
        substance.add("shortfall")
    return cues if substance and len(kinds) >= 2 else []


def subject_names(documents: dict[str, dict[str, Any]]) -> set[str]:
    """The company's name(s), found in the corpus: capitalised words of the company side's
    titles and publishers that the critics' titles repeat (critics name whom they write about).
    `documents` as from ChunkStore.documents()."""
    words: dict[str, set[str]] = {"company": set(), "critic": set()}
    for meta in documents.values():
        text = f"{meta.get('title', '')} {meta.get('publisher', '')}"
        words.setdefault(str(meta.get("side")), set()).update(
            possessive(w) for w in TOKEN.findall(text)
        )
    return words["company"] & words["critic"]


@dataclass
class _Candidate:
    sentence: Sentence
    cues: list[str]
    score: float = 0.0


class RuleExtractor:
    """Claims and allegations from cue rules and embedding similarity (`ClaimExtractor`)."""

    def __init__(self, store: ChunkStore, embedder: BaseEmbedding, vectors: Any = None) -> None:
        self.store = store
        self.embedder = embedder
        self.vectors: SentenceVectors = vectors or SentenceVectors(embedder)
        self.vectors.rewrite = self.neutral
        self._subject: set[str] | None = None
        self._passages: dict[str, list[tuple[Passage, int]]] = {}
        self._readings: dict[str, DocumentReading] = {}

    @property
    def subject(self) -> set[str]:
        """The company's name(s) as the corpus spells them (see subject_names)."""
        if self._subject is None:
            self._subject = subject_names(self.store.documents())
        return self._subject

    def neutral(self, text: str) -> str:
        """`text` with the company's name replaced by "the company" (for embedding only)."""
        if not self.subject:
            return text
        names = "|".join(re.escape(name) for name in sorted(self.subject))
        return re.sub(rf"\b(?:{names})(?:[’']s)?\b", "the company", text)

    def passages(self, side: str) -> list[tuple[Passage, int]]:
        """The side's chunks (see side_passages), read from the store once per extractor: a
        build extracts, learns the layout and gathers evidence from the same chunks."""
        if side not in self._passages:
            self._passages[side] = side_passages(self.store, side)
        return self._passages[side]

    def reading(self, side: str) -> DocumentReading:
        """The side's documents read line by line, with whose voice each sentence is (reader
        comments included, marked as such)."""
        if side not in self._readings:
            quotable = partial(self.quotable, comments=True)
            attributes = partial(attributes_to, subject=self.subject)
            self._readings[side] = DocumentReading(
                self.passages(side), quotable, attributes, self.region
            )
        return self._readings[side]

    def extract(self, side: str) -> list[Statement]:
        """Statements of that side, in document order."""
        candidates = self._candidates(self.passages(side), side)
        if not candidates:
            return []
        texts = [c.sentence.text for c in candidates]
        kept = []
        for candidate, score in zip(candidates, self._scores(texts, side), strict=True):
            candidate.score = score + CUE_BONUS * len(candidate.cues)
            if candidate.score >= KEEP.get(side, KEEP["critic"]):
                kept.append(candidate)
        return [_statement(c, side) for c in self._distinct(kept)]

    def _scores(self, texts: list[str], side: str) -> np.ndarray:
        """How much each text reads like a claim (or allegation): its closeness to the nearest
        prototype, less a penalty when it is closer still to background prose."""
        vectors = self.vectors.matrix(texts)
        like, unlike = (
            (CLAIM_PROTOTYPES, NOT_CLAIM_PROTOTYPES)
            if side == "company"
            else (ALLEGATION_PROTOTYPES, NOT_ALLEGATION_PROTOTYPES)
        )
        closeness = (vectors @ self.vectors.matrix(like).T).max(axis=1)
        background = (vectors @ self.vectors.matrix(unlike).T).max(axis=1)
        return closeness - NEG_WEIGHT * np.maximum(background - closeness, 0.0)

    def cues(self, text: str, side: str) -> list[str]:
        """What makes `text` a candidate claim (company) or allegation (critic); [] if nothing."""
        if side != "company":
            if is_reply(text, self.subject) or CREDIT.search(text):
                return []  # the company's side of the story, or the critic granting a point
            return allegation_kinds(allegation_cues(text, self.subject))
        cues = claim_cues(text)
        actor = ACTOR.search(text) or next(
            (m for m in TOKEN.finditer(text) if possessive(m.group()) in self.subject), None
        )
        # The company speaking of itself ("we protect ...") is a claim without any cue word.
        return cues + [f"actor:{actor.group().lower()}"] if actor else cues

    def _candidates(self, chunks: list[tuple[Passage, int]], side: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        seen: set[tuple[str, str]] = set()
        for passage, _ in chunks:
            for sentence in sentences(passage):
                key = (passage.doc_id, sentence.text)
                if key in seen or not self.quotable(sentence):
                    continue
                seen.add(key)  # overlapping chunks repeat sentences: keep the first
                if side != "company" and self._quoted(passage.doc_id, sentence.text):
                    continue  # the company's words, or another party's, as a critic quotes them
                if cues := self.cues(sentence.text, side):
                    found.append(_Candidate(sentence, cues))
        return found

    def _quoted(self, doc_id: str, text: str) -> bool:
        unit = self.reading("critic").where.get((doc_id, text))
        return unit is not None and unit.voice in ("company", "other")

    def quotable(self, sentence: Sentence, comments: bool = False) -> bool:
        """A prose sentence, and (unless `comments`) none of a reader's comments. Page
        furniture (navigation, related-report lists) never reaches here: ingest sets it apart."""
        return (comments or not self.region(sentence)) and is_prose(sentence.text)

    @staticmethod
    def region(sentence: Sentence) -> str:
        """ "comments" for a sentence of a reader's comment (ingest marks their chunks), else
        ""."""
        return "comments" if sentence.passage.voice == "reader" else ""

    def _distinct(self, kept: list[_Candidate]) -> list[_Candidate]:
        """Drop near-identical sentences (a figure repeated in a caption), keeping the first."""
        if not kept:
            return kept
        vectors = self.vectors.matrix([c.sentence.text for c in kept])
        chosen: list[int] = []
        for i in range(len(kept)):
            if not chosen or float((vectors[chosen] @ vectors[i]).max()) < DUPLICATE:
                chosen.append(i)
        return [kept[i] for i in chosen]


def _statement(candidate: _Candidate, side: str) -> Statement:
    sentence = candidate.sentence
    passage = sentence.passage
    kind = "allegation" if side != "company" else _claim_kind(candidate)
    return Statement(
        id=statement_id(passage.doc_id, sentence.text),
        text=sentence.text,
        side=side,
        doc_id=passage.doc_id,
        title=passage.title,
        page=passage.page,
        chunk_id=passage.chunk_id,
        kind=kind,
        cues=candidate.cues,
        date=passage.date,
    )


def _claim_kind(candidate: _Candidate) -> str:
    kind = candidate.cues[0].split(":")[0]
    if kind != "actor":
        return kind
    # Only the actor fired: a report of what was done, or a statement of what is done.
    return "achievement" if re.search(r"\b[a-z]{3,}ed\b", candidate.sentence.text) else "commitment"
