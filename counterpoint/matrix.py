"""The claims matrix: each company claim against the critics' sentences (contested, corroborated,
not addressed), and the reverse view, each critic allegation against the company's sentences
(addressed or not). `counterpoint claims` / `counterpoint allegations` and the app show it.

Build: extract statements (rules, or an LLM when configured), give each a theme, retrieve the
other side's best passages for it, score their sentences against it, and let a judge label the
pair. The finished `Matrix` is cached as JSON under the data folder, named by the index state,
so a second build of an unchanged index is a file read.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from counterpoint.citations import Sentence, is_verbatim, sentences
from counterpoint.claim_cues import attributes_to, contrast_cues, is_strong
from counterpoint.claims import RuleExtractor, SentenceVectors, side_passages
from counterpoint.errors import InputError, LLMError
from counterpoint.evaluation import normalise
from counterpoint.matrix_judge import RESTATED, TOPIC, RuleJudge
from counterpoint.matrix_models import (
    ClaimExtractor,
    EvidenceQuote,
    Matrix,
    RelationJudge,
    Statement,
)
from counterpoint.models import Passage
from counterpoint.store import store_errors
from counterpoint.text import terms
from counterpoint.themes import theme_of

if TYPE_CHECKING:
    from counterpoint.assistant import Assistant

MATRIX_VERSION = "3"  # bump when extraction, scoring or judging changes: old caches are ignored
MODES = ("rules", "llm")
PASSAGES = 4  # of the other side, retrieved per statement
CANDIDATES = 6  # sentences handed to the judge, best first (plus the extras below)
CRITICISM = 2  # extra: the closest sentences of plain criticism on the topic (TOPIC)
FOLLOW = 3  # extra: sentences read after a restatement of the claim (RESTATED)
OVERLAP_WEIGHT = 0.25  # ranking only: shared content terms, as the extractive answerer does


def default_mode(assistant: Assistant) -> str:
    """`llm` when an LLM is configured (as for answers), else `rules`."""
    return "llm" if assistant.settings.llm_configured else "rules"


def build_matrix(assistant: Assistant, mode: str | None = None, rebuild: bool = False) -> Matrix:
    """The matrix of the current index, from the cache when the index has not changed."""
    mode = mode or default_mode(assistant)
    if mode not in MODES:
        raise InputError(f"unknown matrix mode '{mode}': use rules or llm")
    assistant.ensure_index()
    key = index_key(assistant, mode)
    saved = None if rebuild else _load(_path(assistant, key))
    if saved is not None:
        return saved
    matrix = _build(assistant, mode)
    matrix.index_key = key
    _save(_path(assistant, key), matrix)
    return matrix


def saved_matrix(assistant: Assistant, mode: str | None = None) -> Matrix | None:
    """The matrix of the current index if one was built before (by the CLI or the app), else
    None: never builds, so callers that must not wait minutes (the brief's export) can use it."""
    mode = mode or default_mode(assistant)
    return _load(_path(assistant, index_key(assistant, mode)))


def _path(assistant: Assistant, key: str) -> Path:
    return Path(assistant.settings.data_dir) / "matrix" / f"{key}.json"


def _load(path: Path) -> Matrix | None:
    try:
        return Matrix.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, or a damaged copy: the caller builds a fresh one


def index_key(assistant: Assistant, mode: str) -> str:
    """Names one index state and build: every chunk id (content hashes), versions, mode."""
    from ingest.pipeline import PIPELINE_VERSION

    with store_errors("listing chunk ids", assistant.settings):
        ids = assistant.store.collection.get(include=[])["ids"]
    model = assistant.settings.llm_model or "" if mode == "llm" else ""
    head = f"{MATRIX_VERSION}/{PIPELINE_VERSION}/{mode}/{model}"
    return hashlib.sha256("\n".join([head, *sorted(ids)]).encode()).hexdigest()[:24]


def _save(path: Path, matrix: Matrix) -> None:
    # Write aside, then rename: a reader (another process) never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text(matrix.model_dump_json(), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only data folder: no cache, still a matrix


def _build(assistant: Assistant, mode: str) -> Matrix:
    rules = RuleExtractor(assistant.store, assistant.embedder)
    if mode == "llm":
        try:
            from counterpoint.matrix_llm import LLMExtractor, LLMJudge

            return _run(assistant, rules, LLMExtractor(assistant), LLMJudge(assistant), "llm")
        except (ImportError, LLMError) as exc:
            notice = f"the LLM matrix failed ({exc}); showing the rules matrix instead."
            assistant.notify(notice)
            matrix = _run(assistant, rules, rules, RuleJudge(), "rules")
            matrix.notice = notice
            return matrix
    return _run(assistant, rules, rules, RuleJudge(), "rules")


def _run(
    assistant: Assistant,
    rules: RuleExtractor,
    extractor: ClaimExtractor,
    judge: RelationJudge,
    mode: str,
) -> Matrix:
    started = time.perf_counter()
    claims, allegations = extractor.extract("company"), extractor.extract("critic")
    for side in ("company", "critic"):
        rules.learn_layout(side)  # page furniture of both sides, for the evidence too
    extracted = time.perf_counter()
    finder = CandidateFinder(assistant, rules)
    finder.prepare([*claims, *allegations])
    for statement in [*claims, *allegations]:
        statement.theme = theme_of(statement.text, finder.vectors[statement.text], rules.embedder)
    claim_rows = [judge.judge_claim(c, finder.candidates(c, "critic")) for c in claims]
    allegation_rows = [
        judge.judge_allegation(a, finder.candidates(a, "company")) for a in allegations
    ]
    done = time.perf_counter()
    return Matrix(
        mode=mode,
        claims=claim_rows,
        allegations=allegation_rows,
        timings_ms={
            "extract": round((extracted - started) * 1000, 1),
            "judge": round((done - extracted) * 1000, 1),
            "total": round((done - started) * 1000, 1),
        },
    )


class CandidateFinder:
    """For a statement, the other side's sentences about the same subject, best first; for a
    claim, also the critic's plain criticism on its topic and what the critic says right after
    restating it."""

    def __init__(self, assistant: Assistant, rules: RuleExtractor) -> None:
        self.rules = rules
        self.vectors: SentenceVectors = rules.vectors
        # The assistant's retriever, but reading query vectors from the batch embedded here:
        # one query at a time through the model costs more than the rest of the build.
        self.retriever = replace(assistant.retriever, embedder=_known(self.vectors))
        self._found: dict[tuple[str, str], list[Item]] = {}
        self._documents: dict[str, DocumentSentences] = {}
        self._company = ""  # the company's text, normalised: critics quoting it restate it

    def prepare(self, statements: list[Statement]) -> None:
        """Retrieve for every statement first, then embed every sentence in one batch."""
        self.vectors.add([s.text for s in statements])
        texts = []
        for statement in statements:
            other = "critic" if statement.side == "company" else "company"
            passages = self.retriever.retrieve(statement.text, PASSAGES, side=other)[other]
            # Each sentence as stored in its own chunk (a retrieved passage may span more).
            where = self._document(other).where
            found = [
                where[k]
                for p in passages
                for s in sentences(p)
                if (k := (p.doc_id, s.text)) in where
            ]
            self._found[(statement.id, other)] = found
            texts.extend(s.text for _, s in found)
            if other == "critic":
                texts.extend(s.text for _, s in self._sequels(found))
        self.vectors.add(texts)

    def candidates(self, statement: Statement, other: str) -> list[EvidenceQuote]:
        """The CANDIDATES quotes of the other side ranked best by closeness and shared terms;
        for a claim, then up to CRITICISM more of plain criticism at TOPIC closeness, and after
        each restatement of it (at RESTATED) the FOLLOW sentences that come next."""
        if (statement.id, other) not in self._found:
            self.prepare([statement])
        ranked = self._ranked(statement, self._found[(statement.id, other)])
        chosen = [quote for _, quote in ranked[:CANDIDATES]]
        if other != "critic":
            return chosen
        criticism = [q for _, q in ranked[CANDIDATES:] if _criticism(q)]
        chosen += criticism[:CRITICISM]
        query = self.vectors[statement.text]
        for quote in [q for q in chosen if q.restates and q.similarity >= RESTATED]:
            for passage, sentence in self._context(quote.doc_id, quote.quote):
                if sentence.text not in {q.quote for q in chosen}:
                    cosine = float(np.clip(self.vectors[sentence.text] @ query, 0.0, 1.0))
                    chosen.append(self._quote(passage, sentence.text, cosine, quote.quote))
        return chosen

    def _ranked(self, statement: Statement, found: list[Item]) -> list[tuple[float, EvidenceQuote]]:
        query = self.vectors[statement.text]
        wanted = terms(statement.text)
        scored, seen = [], set()
        for passage, sentence in found:
            if sentence.text in seen:
                continue  # overlapping chunks repeat sentences
            seen.add(sentence.text)
            cosine = float(np.clip(self.vectors[sentence.text] @ query, 0.0, 1.0))
            shared = len(wanted & terms(sentence.text)) / (len(wanted) or 1)
            rank = (1 - OVERLAP_WEIGHT) * cosine + OVERLAP_WEIGHT * shared
            scored.append((rank, self._quote(passage, sentence.text, cosine)))
        scored.sort(key=lambda item: item[0], reverse=True)
        return scored

    def _quote(
        self, passage: Passage, text: str, similarity: float, follows: str = ""
    ) -> EvidenceQuote:
        quote = _quote(passage, text, similarity)
        if passage.side == "critic":
            quote.restates = self.restates(text)
            quote.follows = follows
        return quote

    def restates(self, text: str) -> bool:
        """A critic sentence that reports the company saying something, or quotes it."""
        if attributes_to(text, self.rules.subject) or text in self._document("critic").quoted:
            return True
        if not self._company:
            chunks = side_passages(self.rules.store, "company")
            self._company = "\n".join(normalise(passage.text) for passage, _ in chunks)
        return len(text.split()) >= 8 and normalise(text) in self._company

    def _context(self, doc_id: str, text: str) -> list[Item]:
        """What a critic says around a restatement, within its section: the FOLLOW sentences
        after it, and the FOLLOW before it (or the section heading) that carry criticism words
        (a finding often comes first, then "the report states ..."); restatements skipped."""
        before, after = self._document("critic").section(doc_id, text, FOLLOW + 2)
        after = [(p, s) for p, s in after if not self.restates(s.text)][:FOLLOW]
        before = [(p, s) for p, s in before if not self.restates(s.text)][:FOLLOW]
        return after + [(p, s) for p, s in before if is_strong(contrast_cues(s.text))]

    def _sequels(self, found: list[Item]) -> list[Item]:
        return [
            item
            for passage, sentence in found
            if self.restates(sentence.text)
            for item in self._context(passage.doc_id, sentence.text)
        ]

    def _document(self, side: str) -> DocumentSentences:
        if side not in self._documents:
            chunks = side_passages(self.rules.store, side)
            attributes = partial(attributes_to, subject=self.rules.subject)
            self._documents[side] = DocumentSentences(chunks, self.rules.quotable, attributes)
        return self._documents[side]


def _criticism(quote: EvidenceQuote) -> bool:
    return quote.similarity >= TOPIC and not quote.restates and is_strong(quote.contrast)


class DocumentSentences:
    """The quotable sentences and headings of one side's documents in reading order, across
    chunks, and which sentences quote the company: the paragraph after a line that attributes
    to it and ends in a colon ("Its report states that it respects human rights law:")."""

    def __init__(
        self,
        chunks: list[tuple[Passage, int]],
        quotable: Callable[[Sentence], bool],
        attributes: Callable[[str], bool],
    ) -> None:
        from ingest.chunking import is_heading

        self.where: dict[tuple[str, str], Item] = {}  # (doc_id, text) -> a quotable sentence
        self._order: dict[str, list[tuple[int, Passage, Sentence, bool]]] = {}
        seen: set[tuple[str, int]] = set()
        for passage, start in chunks:
            for sentence in sentences(passage):
                at, prose = start + sentence.start, quotable(sentence)
                if prose:
                    self.where.setdefault((passage.doc_id, sentence.text), (passage, sentence))
                heading = not prose and _whole_line(sentence) and is_heading(sentence.text.strip())
                if (passage.doc_id, at) not in seen and (heading or prose):
                    seen.add((passage.doc_id, at))
                    self._order.setdefault(passage.doc_id, []).append(
                        (at, passage, sentence, heading)
                    )
        self.quoted: set[str] = set()
        for found in self._order.values():
            found.sort(key=lambda item: item[0])
            self.quoted.update(_quoted([e[:3] for e in found if not e[3]], attributes))

    def section(self, doc_id: str, text: str, count: int) -> tuple[list[Item], list[Item]]:
        """Around the sentence `text` of that document, within its section: up to `count`
        sentences before it (nearest first, then the section's heading) and `count` after."""
        order = self._order.get(doc_id, [])
        index = next((i for i, e in enumerate(order) if e[2].text == text), None)
        if index is None:
            return [], []
        before: list[Item] = []
        for _, passage, sentence, heading in reversed(order[max(index - count - 1, 0) : index]):
            before.append((passage, sentence))
            if heading:
                break
        after: list[Item] = []
        for _, passage, sentence, heading in order[index + 1 : index + 1 + count]:
            if heading:
                break
            after.append((passage, sentence))
        return before, after


Item = tuple[Passage, Sentence]


def _whole_line(sentence: Sentence) -> bool:
    text = sentence.passage.text
    starts = sentence.start == 0 or text[sentence.start - 1] == "\n"
    return starts and (sentence.end >= len(text) or text[sentence.end :].startswith("\n"))


def _quoted(
    order: list[tuple[int, Passage, Sentence]], attributes: Callable[[str], bool]
) -> list[str]:
    """The sentences of the line after each attributing line that ends in a colon."""
    found, open_at = [], None
    for _, passage, sentence in order:
        new_line = sentence.start == 0 or passage.text[sentence.start - 1] == "\n"
        if open_at == "pending" and new_line:
            open_at = "open"
        elif open_at == "open" and new_line:
            open_at = None
        if open_at == "open":
            found.append(sentence.text)
        if sentence.text.rstrip().endswith(":") and attributes(sentence.text):
            open_at = "pending"
    return found


def _known(vectors: SentenceVectors):  # noqa: ANN202 - a llama-index BaseEmbedding
    known = _known_class()(model_name="counterpoint-sentence-vectors")
    known._vectors = vectors
    return known


@lru_cache(maxsize=1)
def _known_class() -> type:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class KnownVectors(BaseEmbedding):
        """Embeddings served from a SentenceVectors (embedding, in a batch, what is missing)."""

        _vectors: Any = PrivateAttr(default=None)

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._vectors[query].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._vectors[text].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return KnownVectors


def _quote(passage, text: str, similarity: float) -> EvidenceQuote:  # noqa: ANN001 - Passage
    return EvidenceQuote(
        side=passage.side,
        doc_id=passage.doc_id,
        title=passage.title,
        page=passage.page,
        chunk_id=passage.chunk_id,
        quote=text,
        similarity=round(similarity, 4),
        contrast=contrast_cues(text),
        supported=is_verbatim(text, passage.text),
    )


def select(
    matrix: Matrix,
    theme: str | None = None,
    relation: str | None = None,
    coverage: str | None = None,
) -> Matrix:
    """A copy of the matrix keeping only rows of that theme / relation / coverage; unaddressed
    allegations first (the list an analyst reads first)."""
    claims = [
        row
        for row in matrix.claims
        if (not theme or row.claim.theme == theme) and (not relation or row.relation == relation)
    ]
    allegations = [
        row
        for row in matrix.allegations
        if (not theme or row.allegation.theme == theme)
        and (not coverage or row.coverage == coverage)
    ]
    allegations.sort(key=lambda row: row.coverage != "unaddressed")
    return matrix.model_copy(update={"claims": claims, "allegations": allegations})
