"""The one object the CLI and the page talk to: index, search, ask, over one case.

Heavy parts (embedder, Chroma client, BM25) are built on first use and kept, so a long-lived
process (the Streamlit app) pays for them once. An assistant works on one case (one company
under review: `counterpoint.cases`): the one asked for, else the only one there is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from counterpoint.casework import CaseWork
from counterpoint.config import Settings, Side
from counterpoint.errors import IndexMissingError, InputError, LLMError
from counterpoint.locking import writes
from counterpoint.models import Answer, SearchResult
from counterpoint.questions import Clock, follow_up_query
from counterpoint.text import check_question, script_hint

Notify = Callable[[str], None]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Assistant(CaseWork):
    """Counterpoint over one case of the configured store, with the configured embedder."""

    def __init__(
        self, settings: Settings, notify: Notify = _to_stderr, case: str | None = None
    ) -> None:
        self.base_settings = settings  # the configuration; `settings` is the case's
        self.notify = notify
        self.requested_case = case or settings.case

    @cached_property
    def embedder(self):  # noqa: ANN201 - a llama-index BaseEmbedding
        from counterpoint.embedding import get_embedder

        return get_embedder(self.base_settings)

    @cached_property
    def store(self):  # noqa: ANN201 - counterpoint.store.ChunkStore
        return self._open_store(rebuild=False)

    def _open_store(self, rebuild: bool):  # noqa: ANN202
        from counterpoint.embedding import embedder_identity
        from counterpoint.store import ChunkStore

        identity = embedder_identity(self.base_settings)
        return ChunkStore(self.client, self.settings, identity, rebuild)

    @cached_property
    def retriever(self):  # noqa: ANN201 - counterpoint.retrieval.HybridRetriever
        from counterpoint.rerank import get_reranker
        from counterpoint.retrieval import HybridRetriever

        return HybridRetriever(self.store, self.embedder, reranker=get_reranker(self.base_settings))

    def ingestor(self, progress: bool = True, on_step=None):  # noqa: ANN001, ANN201 - an Ingestor
        """An ingestor writing into this assistant's store; `on_step(doing, fraction)` hears
        how far each document has got (the page's progress bar)."""
        from ingest.pipeline import Ingestor

        return Ingestor(
            self.store,
            self.embedder,
            self.base_settings.chunk_tokens,
            self.base_settings.chunk_overlap,
            progress=progress,
            on_step=on_step,
        )

    @writes
    def ingest(self, rebuild: bool = False, progress: bool = True, prune: bool = False):  # noqa: ANN201
        """Bring the index in line with the corpus manifest; returns the `IngestReport`.

        The manifest is read, and what it would remove checked, before a rebuild drops anything;
        a rebuild indexes the loose files and uploads again from their kept copies.
        """
        from ingest.library import check_rebuild, restore
        from ingest.manifest import MANIFEST_NAME, load_manifest
        from ingest.removals import check_removals

        manifest = load_manifest(self.base_settings.corpus_dir / MANIFEST_NAME)
        self.use_case(manifest.case)
        folder = self.settings.case_dir  # the case's kept sources, BM25 and caches
        if rebuild:
            documents = self.store_as_built().documents()
            check_removals(manifest, documents, prune)
            check_rebuild(documents, folder, prune)
            self.__dict__["store"] = self._open_store(rebuild=True)
        self.store.describe_case()
        ingestor = self.ingestor(progress)
        report = ingestor.ingest_manifest(manifest, prune)
        if rebuild:
            restore(ingestor, folder, report)
        self.retriever.refresh()
        return report

    @writes
    def ingest_file(
        self, path: Path, side: Side, title: str | None = None, replace: bool = False
    ):  # noqa: ANN201
        """Add one file outside the manifest, keeping a copy to rebuild from; returns the
        `IngestReport`. A file that would take the place of another document (same name,
        other side or path) is refused unless `replace`."""
        from ingest.library import add_file

        report = add_file(self.ingestor(), self.settings.case_dir, path, side, title, None, replace)
        self.retriever.refresh()
        return report

    @writes
    def ingest_upload(  # noqa: PLR0913 - the upload form's fields, and its progress bar
        self,
        name: str,
        data: BinaryIO,
        side: Side,
        title: str | None = None,
        replace: bool = False,
        on_step=None,  # noqa: ANN001 - ingest.pipeline.Step
    ):  # noqa: ANN201
        """Save an upload (file name as the browser sent it) under the case's folder and ingest
        it like `ingest_file`, telling `on_step` how far it has got; a refused upload leaves
        nothing behind."""
        from counterpoint.evidence import uploads_dir
        from ingest.identity import upload_key
        from ingest.library import add_file
        from ingest.loaders import discard_upload, save_upload

        path, new = save_upload(name, data, uploads_dir(self.settings))
        try:
            ingestor, key = self.ingestor(on_step=on_step), upload_key(path.name)
            report = add_file(ingestor, self.settings.case_dir, path, side, title, key, replace)
        except Exception:
            if new:
                discard_upload(path)
            raise
        self.retriever.refresh()
        return report

    @writes
    def remove_document(self, doc_id: str) -> None:
        """Remove a document from the index, and the kept copy of a loose file or upload."""
        from ingest.library import remove_document

        remove_document(self.store, self.settings.case_dir, doc_id)
        self.retriever.refresh()

    def ensure_index(self) -> None:
        """Build the case's index from the bundled corpus when it is that corpus's case and
        has no index yet; an empty case of another kind is an `IndexMissingError`."""
        if self.store.count():
            return
        corpus = self.corpus_case()
        if corpus is None or corpus.id != self.case.id:
            raise IndexMissingError(
                f"the case '{self.case.id}' has no documents yet: add some with "
                f"`counterpoint ingest FILE --side SIDE --case {self.case.id}` or the Corpus tab"
            )
        self.notify("No index yet: building it from the bundled corpus (about a minute)...")
        report = self.ingest(progress=False)
        self.notify(f"Index built: {report.summary()}")

    def search(self, question: str, k: int | None = None, side: str | None = None) -> SearchResult:
        """Passages for a question, balanced across sides unless `side` is given."""
        from counterpoint.retrieval import check_side

        question = check_question(question, self.base_settings.max_question_chars)
        if side:
            check_side(side)
        self.ensure_index()
        results = self.retriever.search(question, k or self.base_settings.top_k, side)
        return SearchResult(query=question, results=results)

    def ask(
        self, question: str, mode: str | None = None, history: list[tuple[str, str]] | None = None
    ) -> Answer:
        """A three-part cited answer (the last item of `ask_stream`)."""
        *_, final = self.ask_stream(question, history, mode)
        return final

    def ask_stream(
        self, question: str, history: list[tuple[str, str]] | None = None, mode: str | None = None
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the finished `Answer` last.

        `history` is the conversation so far as (question, answer) pairs, for follow-ups. An LLM
        failure ends the turn with the extractive answer and a `notice` saying why; a question
        the embedder cannot read gets a `notice` saying so.
        """
        hint = script_hint(question, self.settings.embed_model)
        for item in self._answer_stream(question, history, mode):
            if hint and isinstance(item, Answer):
                item.notice = " ".join(part for part in (item.notice, hint) if part)
            yield item

    def _answer_stream(
        self, question: str, history: list[tuple[str, str]] | None, mode: str | None
    ) -> Iterator[str | Answer]:
        question = check_question(question, self.base_settings.max_question_chars)
        mode = mode or self.base_settings.default_mode
        if mode not in ("extractive", "llm"):
            raise InputError(f"unknown answer mode '{mode}': use extractive or llm")
        llm = self._llm if mode == "llm" else None
        self.ensure_index()
        clock = Clock()
        if llm is None:
            yield from self._extractive_turn(question, history or [], clock)
            return
        streamed: list[str] = []  # the model's text so far, kept when the turn falls back
        try:
            retrieve, top_k = self.retriever.retrieve, self.base_settings.top_k
            for item in llm.turn(question, history or [], retrieve, top_k, clock):
                if not isinstance(item, Answer):
                    streamed.append(item)
                yield item
        except LLMError as exc:
            notice = f"{exc}; showing the extractive answer instead."
            self.notify(notice)
            for item in self._extractive_turn(question, history or [], clock):
                if isinstance(item, Answer):
                    item.notice = notice
                    item.unverified_text = getattr(exc, "text", "") or "".join(streamed)
                yield item

    def _extractive_turn(
        self, question: str, history: list[tuple[str, str]], clock: Clock
    ) -> Iterator[str | Answer]:
        query = follow_up_query(question, history)
        passages = self.retriever.retrieve(query, self.base_settings.top_k)
        clock.lap("retrieve")
        answer = self._extractive.answer(question, passages)
        answer.standalone_question = query
        answer.timings_ms = clock.lap("answer")
        yield answer.answer
        yield answer

    def timeline(self, side: str | None = None):  # noqa: ANN201 - matrix.models.Timeline
        """Every dated point of the corpus (manifest dates and dated sentences), oldest first."""
        from counterpoint.matrix.timeline import build_timeline
        from counterpoint.retrieval import check_side

        if side:
            check_side(side)
        self.ensure_index()
        return build_timeline(self.store, side)

    def matrix(self, mode: str | None = None, rebuild: bool = False):  # noqa: ANN201
        """The claims matrix and allegations view (`matrix.models.Matrix`), cached per index
        state; `mode` rules or llm (default: llm when one is configured)."""
        from counterpoint.matrix.build import build_matrix, check_mode

        mode = check_mode(mode, self.base_settings)
        self.ensure_index()
        return build_matrix(self.matrix_inputs(), mode, rebuild)

    def saved_matrix(self, mode: str | None = None):  # noqa: ANN201 - a Matrix or None
        """The matrix of the current index if one was built before, else None (never builds)."""
        from counterpoint.matrix.build import saved_matrix

        return saved_matrix(self.matrix_inputs(), mode)

    def matrix_inputs(self):  # noqa: ANN201 - counterpoint.matrix.inputs.MatrixInputs
        """What a matrix build reads: this assistant's settings, store, embedder and retriever
        (the last two made only when a build needs them)."""
        from counterpoint.matrix.inputs import MatrixInputs

        return MatrixInputs(
            self.settings, self.store, lambda: self.embedder, lambda: self.retriever, self.notify
        )

    @cached_property
    def _extractive(self):  # noqa: ANN202
        from counterpoint.answer.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(self.embedder)

    @cached_property
    def _llm(self):  # noqa: ANN202
        from counterpoint.answer.llm import LLMAnswerer
        from counterpoint.llm import ChatModel

        model = ChatModel.from_settings(self.base_settings)
        return LLMAnswerer(model, self.embedder, self.base_settings.llm_context_window)
