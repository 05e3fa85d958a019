"""The writes of an `Assistant`, each under the data folder's writer lock: the manifest, a loose
file, an upload, a removal, and a rebuild built beside the live index and swapped in at the end
(`counterpoint.swap`), so readers keep answering from the old index until the new one is whole.
`Assistant` is an `Indexing`; nothing else is."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from counterpoint.chroma import store_errors
from counterpoint.config import Settings, Side
from counterpoint.errors import StoreError
from counterpoint.locking import writes

if TYPE_CHECKING:
    from ingest.manifest import Manifest
    from ingest.pipeline import Ingestor, IngestReport, Step


class Indexing:
    """The writing half of the `Assistant` (its store, embedder and case are the assistant's)."""

    base_settings: Settings
    settings: Settings
    client: Any
    store: Any  # the case's counterpoint.store.ChunkStore
    embedder: Any
    retriever: Any
    notify: Callable[[str], None]
    use_case: Callable[[Any], None]

    def _open_store(self, staging: bool = False) -> Any:
        """The case's live `ChunkStore`, or (`staging`) the empty one a rebuild writes into."""
        from counterpoint.embedding import embedder_identity
        from counterpoint.store import ChunkStore

        identity = embedder_identity(self.base_settings)
        return ChunkStore(self.client, self.settings, identity, staging)

    def ingestor(
        self, progress: bool = True, on_step: Step | None = None, store: Any = None
    ) -> Ingestor:
        """An ingestor writing into this assistant's store (or `store`); `on_step(doing,
        fraction)` hears how far each document has got (the page's progress bar)."""
        from ingest.pipeline import Ingestor

        return Ingestor(
            store or self.store,
            self.embedder,
            self.base_settings.chunk_tokens,
            self.base_settings.chunk_overlap,
            progress=progress,
            on_step=on_step,
        )

    @writes
    def ingest(
        self,
        rebuild: bool = False,
        progress: bool = True,
        prune: bool = False,
        replace: bool = False,
    ) -> IngestReport:
        """Bring the index in line with the corpus manifest; returns the `IngestReport`.

        A manifest entry may not take the id of a loose file or an upload unless `replace`;
        with `rebuild`, the whole case is built again beside the live index (`Indexing.rebuild`).
        """
        from counterpoint.swap import drop_staging
        from ingest.manifest import MANIFEST_NAME, load_manifest

        manifest = load_manifest(self.base_settings.corpus_dir / MANIFEST_NAME)
        self.use_case(manifest.case)
        if rebuild:
            return self.rebuild(manifest, progress, prune, replace)
        self.store.describe_case()
        with store_errors("dropping an unfinished rebuild", self.settings):
            drop_staging(self.client, self.settings)  # killed before its swap: the live is whole
        report = self.ingestor(progress).ingest_manifest(manifest, prune, replace=replace)
        self._forget(report.replaced)
        self.retriever.refresh()
        return report

    @writes
    def rebuild(
        self,
        manifest: Manifest | None,
        progress: bool = True,
        prune: bool = False,
        replace: bool = False,
    ) -> IngestReport:
        """Index the case again, from `manifest` (None: a case of loose files and uploads only)
        and its kept sources, into a new collection beside the live one; swap it in when it is
        whole. What the live index holds is checked first: nothing it holds may be dropped
        unless `prune`. A failed or killed rebuild leaves the live index as it was."""
        from ingest.library import check_rebuild, restore
        from ingest.pipeline import IngestReport
        from ingest.removals import check_removals

        started, folder = time.perf_counter(), self.settings.case_dir
        documents = self._live_documents()
        if manifest is not None:
            check_removals(manifest, documents, prune)
        check_rebuild(documents, folder, prune)
        staging = self._open_store(staging=True)
        ingestor, report = self.ingestor(progress, store=staging), IngestReport()
        try:
            # Kept sources first: a manifest entry cannot then take one's id unnoticed.
            restore(ingestor, folder, report)
            if manifest is not None:
                report.merge(ingestor.ingest_manifest(manifest, prune, replace=replace))
            self._swap_in()
        except BaseException:
            self._drop_staging()
            raise
        self._forget(report.replaced)
        report.chunks_total, report.seconds = self.store.count(), time.perf_counter() - started
        return report

    def _live_documents(self) -> dict[str, dict]:
        """What the live index holds, read whatever embedder made it; nothing when it is lost
        (the rebuild is then its repair)."""
        from counterpoint.store import documents_of
        from counterpoint.swap import get_or_none, recover

        with store_errors("reading the index", self.settings):
            name = self.settings.collection_name
            live = get_or_none(self.client, name) or recover(self.client, self.settings)
            return {} if live is None else documents_of(live)

    def _swap_in(self) -> None:
        from counterpoint.swap import swap_in

        with store_errors("swapping the rebuilt index in", self.settings):
            swap_in(self.client, self.settings)
        for name in ("store", "retriever"):  # both held the old collection
            self.__dict__.pop(name, None)
        self.store.describe_case()

    def _drop_staging(self) -> None:
        from counterpoint.swap import drop_staging

        try:
            with store_errors("dropping the unfinished rebuild", self.settings):
                drop_staging(self.client, self.settings)
        except StoreError:
            pass  # the next writer drops it; the first error is the one to show

    def _forget(self, replaced: dict[str, dict]) -> None:
        """Drop the kept sources of loose files and uploads a manifest entry replaced."""
        from ingest.sources import forget

        for doc_id, meta in replaced.items():
            forget(self.settings.case_dir, doc_id, meta)

    @writes
    def ingest_file(
        self, path: Path, side: Side, title: str | None = None, replace: bool = False
    ) -> IngestReport:
        """Add one file outside the manifest, keeping a copy to rebuild from; returns the
        `IngestReport`. A file that would take the place of another document (same name,
        other side or path) is refused unless `replace`."""
        from ingest.library import add_file

        self.store.describe_case()
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
        on_step: Step | None = None,
    ) -> IngestReport:
        """Save an upload (file name as the browser sent it) under the case's folder and ingest
        it like `ingest_file`, telling `on_step` how far it has got; a refused upload leaves
        nothing behind."""
        from counterpoint.evidence import uploads_dir
        from ingest.identity import upload_key
        from ingest.library import add_file
        from ingest.loaders import discard_upload, save_upload

        self.store.describe_case()
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
