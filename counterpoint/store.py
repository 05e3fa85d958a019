"""The chunk store: every chunk of one case's documents, with its vector, in one Chroma
collection (`Settings.collection_name`; `counterpoint.cases` lists and deletes them).

Chunks are written through llama-index's `ChromaVectorStore`, so retrievers read them back as
`TextNode`s. The collection records which embedder made its vectors; opening it with another
embedder is refused rather than mixing two kinds of vector in one index. A rebuild writes a
second collection beside the live one and swaps it in at the end (`counterpoint.swap`).

Against a server, every failure becomes a `StoreError` that says what to check (is it running,
is the token right; `counterpoint.chroma`), and the store keeps working once the server is
back: the client reconnects on its own and the collection is looked up again after a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from counterpoint.cases import case_metadata, had_an_index, modifiable, record_case
from counterpoint.chroma import REPAIR, guarded_vector_store, store_errors
from counterpoint.config import Settings
from counterpoint.errors import StoreError
from counterpoint.swap import drop_staging, get_or_none, recover, staging_name

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

T = TypeVar("T")
_PAGE_SIZE = 5000  # Chroma's get() is paged so large collections never load in one response
# Chunks of the documents' own text: page furniture is written with `set_apart: True`, and
# chunks written before it have no such key, which `$ne` lets through.
TEXT_ONLY: dict[str, Any] = {"set_apart": {"$ne": True}}


class ChunkStore:
    """The chunks of one case's documents, with their vectors, in one Chroma collection."""

    def __init__(
        self, client: Any, settings: Settings, embedder_id: str, staging: bool = False
    ) -> None:
        self.client = client
        self.settings = settings
        self.embedder_id = embedder_id
        # A rebuild writes beside the live collection, then swaps it in (`counterpoint.swap`).
        self.name = staging_name(settings) if staging else settings.collection_name
        if staging:
            with self._errors("dropping an unfinished rebuild"):
                drop_staging(client, settings)
        self._collection: Any = None
        self.collection  # noqa: B018 - open now, so a wrong embedder is refused at once

    @property
    def collection(self) -> Any:
        """The Chroma collection; looked up again after a failure (a restarted server)."""
        if self._collection is None:
            with self._errors("opening the collection"):
                collection = self._open()
            stored = (collection.metadata or {}).get("embedder")
            if stored and stored != self.embedder_id:
                raise StoreError(
                    f"the index was built with {stored}, but {self.embedder_id} is configured; "
                    "run `counterpoint doctor --repair` to re-embed the corpus"
                )
            self._collection = collection
        return self._collection

    def _open(self) -> Any:
        """The collection, made when the case never had one. A live collection that is gone
        while the case's folder says it had one is a lost index, never silently made anew."""
        if self.name == self.settings.collection_name:
            found = get_or_none(self.client, self.name) or recover(self.client, self.settings)
            if found is not None:
                return found
            if self.settings.case and had_an_index(self.settings):
                raise StoreError(
                    f"the index of the case '{self.settings.case}' is missing from the store, "
                    f"though {self.settings.case_dir} says it had one (was chroma.sqlite3 "
                    f"deleted or emptied?); {REPAIR}"
                )
        return self.client.get_or_create_collection(
            self.name,
            metadata={
                "embedder": self.embedder_id,
                "hnsw:space": "cosine",
                **case_metadata(self.settings),
            },
        )

    def describe_case(self) -> None:
        """Record the case's display name and source folder on its collection when they
        changed (a renamed case, a corpus moved): what `counterpoint cases` lists."""
        wanted = case_metadata(self.settings)
        if wanted:
            record_case(self.settings)  # the doctor's list of cases when the store cannot say
        stored = dict(self.collection.metadata or {})
        if not wanted or all(stored.get(key) == value for key, value in wanted.items()):
            return
        kept = modifiable(stored)
        self._run("naming the case", lambda c: c.modify(metadata={**kept, **wanted}))
        self._collection = None

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            with store_errors(action, self.settings):
                yield
        except StoreError:
            self._collection = None
            raise

    def _run(self, action: str, operation: Callable[[Any], T]) -> T:
        """`operation(collection)`, retried once on the collection that replaced it meanwhile
        (a rebuild swapped in, here or by another process); other failures: `StoreError`."""
        with self._errors(action):
            try:
                return operation(self.collection)
            except Exception:
                if not self._replaced():
                    raise
                self._collection = None
                return operation(self.collection)

    def _replaced(self) -> bool:
        """The collection held was dropped or swapped for another since it was opened: chromadb
        then says it is not found, or that its files are not found, by version and client."""
        held = self._collection
        if held is None:
            return False
        try:
            current = get_or_none(self.client, self.name)
        except Exception:  # noqa: BLE001 - the store itself fails: the first error stands
            return False
        return current is None or current.id != held.id

    @property
    def vector_store(self) -> ChromaVectorStore:
        """llama-index's view of the collection, for retrievers; failures are `StoreError`s."""
        return guarded_vector_store(self)

    def nearest(
        self, vector: list[float], count: int, where: dict | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the `count` chunks nearest to `vector`, nearest first.

        Ids only: fetching 200 chunks' metadata costs Chroma ten times the search itself.
        """
        found = self._run(
            "searching",
            lambda c: c.query(
                query_embeddings=[vector], n_results=count, where=where, include=["distances"]
            ),
        )
        return list(zip(found["ids"][0], found["distances"][0], strict=True))

    def count(self) -> int:
        """Number of chunks in the index."""
        return self._run("counting chunks", lambda collection: collection.count())

    def versions(self) -> dict[str, dict[str, tuple[int, int]]]:
        """doc_id -> {doc_hash: (chunks stored, chunks the version has)} for every version.

        A document written completely has one version whose two counts are equal; anything
        else is the trace of an interrupted ingest, which the next ingest repairs.
        """
        versions: dict[str, dict[str, tuple[int, int]]] = {}
        for meta in self._metadatas():
            doc = versions.setdefault(str(meta["doc_id"]), {})
            stored, expected = doc.get(str(meta["doc_hash"]), (0, 0))
            doc[str(meta["doc_hash"])] = (stored + 1, int(meta.get("doc_chunks") or expected))
        return versions

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> the metadata of its first chunk plus counts: `chunks` (all), `set_apart`
        (page furniture among them), `comments` (readers' comments among them)."""
        return _by_document(self._metadatas())

    def add(self, nodes: list[TextNode]) -> None:
        """Write embedded nodes of one document, all in one request when Chroma allows it.

        One request is one transaction in Chroma, so a killed ingest leaves the document
        wholly written or not at all. Ids are deterministic: writing a chunk again is a no-op.
        """
        with self._errors("writing chunks"):
            batch = max(1, int(self.client.get_max_batch_size()))
            for start in range(0, len(nodes), batch):
                self.vector_store.add(nodes[start : start + batch])

    def delete_document(self, doc_id: str, keep_hash: str | None = None) -> None:
        """Remove a document's chunks, or only those not made from `keep_hash`."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash:
            where = {"$and": [where, {"doc_hash": {"$ne": keep_hash}}]}
        self._run(f"deleting chunks of {doc_id}", lambda collection: collection.delete(where=where))

    def ids(self, side: str | None = None) -> list[str]:
        """Every chunk id (of one side): what names an index state in the caches built on it.

        One unpaged read, unlike the chunks: ids alone are small (80k of them in 1.9 s at 100k
        chunks, against 2.3 s in pages of _PAGE_SIZE).
        """
        where = {"side": side} if side else None
        return self._run("listing chunk ids", lambda c: c.get(where=where, include=[])["ids"])

    def nodes(
        self, side: str | None = None, furniture: bool = False, doc_id: str | None = None
    ) -> list[TextNode]:
        """Every chunk of the documents' own text (of one side): what BM25 ranks and the matrix
        and timeline read; with `furniture`, the page furniture ingest set apart instead (of
        one document): never retrieved, listed by `counterpoint inspect`."""
        clauses = [{"set_apart": True} if furniture else TEXT_ONLY]
        clauses += [{"side": side}] if side else []
        clauses += [{"doc_id": doc_id}] if doc_id else []
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        pages = self._pages(where, ["documents", "metadatas"])
        return [node for batch in pages for node in _as_nodes(batch)]

    def nodes_by_id(self, ids: list[str]) -> list[TextNode]:
        """The chunks of these ids that are stored, as llama-index nodes."""
        if not ids:
            return []
        include = ["documents", "metadatas"]
        return _as_nodes(self._run("reading chunks", lambda c: c.get(ids=ids, include=include)))

    def _metadatas(self) -> Iterator[dict[str, Any]]:
        for batch in self._pages(None, ["metadatas"]):
            yield from batch["metadatas"]

    def _pages(self, where: dict | None, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            batch = self._run(
                "reading chunks",
                lambda c, at=offset: c.get(
                    where=where, include=include, limit=_PAGE_SIZE, offset=at
                ),
            )
            if not batch["ids"]:
                return
            yield batch
            offset += len(batch["ids"])


def documents_of(collection: Any) -> dict[str, dict[str, Any]]:
    """`ChunkStore.documents` of a raw collection, whatever embedder made it (the doctor's,
    a rebuild's look at the index it replaces)."""
    metadatas, offset = [], 0
    while (batch := collection.get(include=["metadatas"], limit=_PAGE_SIZE, offset=offset))["ids"]:
        metadatas += batch["metadatas"]
        offset += len(batch["ids"])
    return _by_document(metadatas)


def _by_document(metadatas: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for meta in metadatas:
        entry = docs.setdefault(str(meta["doc_id"]), {**meta, "chunks": 0, "set_apart": 0})
        entry.setdefault("comments", 0)
        entry["chunks"] += 1
        entry["set_apart"] += bool(meta.get("set_apart"))
        entry["comments"] += meta.get("voice") == "reader"
    return docs


def _as_nodes(batch: dict[str, Any]) -> list[TextNode]:
    """A Chroma `get` result as llama-index nodes."""
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    pairs = zip(batch["documents"], batch["metadatas"], strict=True)
    return [metadata_dict_to_node(meta, text) for text, meta in pairs]
