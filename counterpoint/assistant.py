"""The one object the CLI and the page talk to: index, search, ask.

Heavy parts (embedder, Chroma client, BM25) are built on first use and kept, so a long-lived
process (the Streamlit app) pays for them once.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path

from counterpoint.config import Settings, Side
from counterpoint.errors import ConfigError, IndexMissingError, InputError
from counterpoint.models import Answer, SearchResult

Notify = Callable[[str], None]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def check_question(question: str, limit: int) -> str:
    """The question, stripped; empty, wordless or over-long questions are refused."""
    question = question.strip()
    if not question:
        raise InputError("the question is empty")
    if len(question) > limit:
        raise InputError(
            f"the question is {len(question):,} characters long; the limit is {limit:,}"
        )
    if not re.search(r"\w", question):
        raise InputError("the question has no words in it")
    return question


class Assistant:
    """Counterpoint over one configured store and embedder."""

    def __init__(self, settings: Settings, notify: Notify = _to_stderr) -> None:
        self.settings = settings
        self.notify = notify

    @cached_property
    def embedder(self):  # noqa: ANN201 - a llama-index BaseEmbedding
        from counterpoint.embedding import get_embedder

        return get_embedder(self.settings)

    @cached_property
    def store(self):  # noqa: ANN201 - counterpoint.store.ChunkStore
        return self._open_store(rebuild=False)

    def _open_store(self, rebuild: bool):  # noqa: ANN202
        from counterpoint.embedding import embedder_identity
        from counterpoint.store import ChunkStore, open_client

        client = open_client(self.settings)
        return ChunkStore(client, self.settings, embedder_identity(self.settings), rebuild)

    @cached_property
    def retriever(self):  # noqa: ANN201 - counterpoint.retrieval.HybridRetriever
        from counterpoint.retrieval import HybridRetriever

        return HybridRetriever(self.store, self.embedder)

    def ingestor(self, progress: bool = True):  # noqa: ANN201 - ingest.pipeline.Ingestor
        """An ingestor writing into this assistant's store."""
        from ingest.pipeline import Ingestor

        return Ingestor(
            self.store,
            self.embedder,
            self.settings.chunk_tokens,
            self.settings.chunk_overlap,
            progress=progress,
        )

    def ingest(self, rebuild: bool = False, progress: bool = True):  # noqa: ANN201
        """Bring the index in line with the corpus manifest; returns the `IngestReport`."""
        from ingest.manifest import MANIFEST_NAME, load_manifest

        if rebuild:
            self.__dict__["store"] = self._open_store(rebuild=True)
        manifest = load_manifest(self.settings.corpus_dir / MANIFEST_NAME)
        report = self.ingestor(progress).ingest_manifest(manifest)
        self.retriever.refresh()
        return report

    def ingest_file(self, path: Path, side: Side, title: str | None = None):  # noqa: ANN201
        """Add one file outside the manifest; returns the `IngestReport`."""
        report = self.ingestor().ingest_file(path, side, title)
        self.retriever.refresh()
        return report

    def ensure_index(self) -> None:
        """Build the index from the bundled corpus when there is none yet."""
        if self.store.count():
            return
        from ingest.manifest import MANIFEST_NAME

        if not (self.settings.corpus_dir / MANIFEST_NAME).is_file():
            raise IndexMissingError(
                f"no index yet, and no corpus to build it from at {self.settings.corpus_dir}"
            )
        self.notify("No index yet: building it from the bundled corpus (about a minute)...")
        report = self.ingest(progress=False)
        self.notify(f"Index built: {report.summary()}")

    def search(self, question: str, k: int | None = None, side: str | None = None) -> SearchResult:
        """Passages for a question, balanced across sides unless `side` is given."""
        from counterpoint.retrieval import check_side

        question = check_question(question, self.settings.max_question_chars)
        if side:
            check_side(side)
        self.ensure_index()
        results = self.retriever.search(question, k or self.settings.top_k, side)
        return SearchResult(query=question, results=results)

    def ask(self, question: str, mode: str = "extractive") -> Answer:
        """A three-part cited answer; `timings_ms` says where the time went."""
        question = check_question(question, self.settings.max_question_chars)
        answerer = self._answerer(mode)
        self.ensure_index()
        started = time.perf_counter()
        passages = self.retriever.retrieve(question, self.settings.top_k)
        retrieved = time.perf_counter()
        answer = answerer.answer(question, passages)
        answered = time.perf_counter()
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 1),
            "answer": round((answered - retrieved) * 1000, 1),
        }
        return answer

    def ask_stream(
        self, question: str, history: list[tuple[str, str]] | None = None, mode: str | None = None
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the finished `Answer` last.

        `history` is the conversation so far as (question, answer) pairs, for follow-ups.
        """
        answer = self.ask(question, mode or "extractive")
        yield answer.answer
        yield answer

    @cached_property
    def _extractive(self):  # noqa: ANN202
        from counterpoint.answering import ExtractiveAnswerer

        return ExtractiveAnswerer(self.embedder)

    def _answerer(self, mode: str):  # noqa: ANN202
        if mode == "extractive":
            return self._extractive
        if mode == "llm":
            raise ConfigError(
                "LLM answers are not available yet in this version; use --mode extractive"
            )
        raise InputError(f"unknown answer mode '{mode}': use extractive or llm")
