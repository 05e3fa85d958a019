"""The one object the CLI and the page talk to: index, search, ask, over one case.

Heavy parts (embedder, Chroma client, BM25) are built on first use and kept, so a long-lived
process (the Streamlit app) pays for them once. An assistant works on one case (one company
under review: `counterpoint.cases`): the one asked for, else the only one there is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import cached_property

from counterpoint.casework import CaseWork
from counterpoint.config import Settings
from counterpoint.errors import IndexMissingError, InputError, LLMError
from counterpoint.indexing import Indexing
from counterpoint.models import Answer, SearchResult
from counterpoint.questions import Clock, follow_up_query
from counterpoint.text import check_question, script_hint

Notify = Callable[[str], None]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Assistant(CaseWork, Indexing):
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
        return self._open_store()

    @cached_property
    def retriever(self):  # noqa: ANN201 - counterpoint.retrieval.HybridRetriever
        from counterpoint.rerank import get_reranker
        from counterpoint.retrieval import HybridRetriever

        return HybridRetriever(self.store, self.embedder, reranker=get_reranker(self.base_settings))

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
        question = check_question(question, self.base_settings.max_question_chars)
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
        # The answerer reads the question as retrieval did: "about that" means the last subject.
        answer = self._extractive.answer(query, passages)
        answer.question, answer.standalone_question = question, query
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
