"""Chroma: an embedded `PersistentClient` by default, an `HttpClient` when `CHROMA_HOST` is set.

Chunks are written through llama-index's `ChromaVectorStore`, so retrievers read them back as
`TextNode`s. The collection records which embedder made its vectors; opening it with another
embedder is refused rather than mixing two kinds of vector in one index.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from counterpoint.config import Settings, offline_environment
from counterpoint.errors import StoreError

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

_PAGE_SIZE = 5000  # Chroma's get() is paged so large collections never load in one response


@contextmanager
def store_errors(action: str) -> Iterator[None]:
    """Turn any client failure into a `StoreError` that says what was being done."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - chromadb raises many unrelated types
        raise StoreError(f"Chroma failed while {action}: {type(exc).__name__}: {exc}") from None


class ChunkStore:
    """The chunks of every document, with their vectors, in one Chroma collection."""

    def __init__(
        self, client: Any, settings: Settings, embedder_id: str, rebuild: bool = False
    ) -> None:
        self.settings = settings
        self.embedder_id = embedder_id
        if rebuild and settings.collection in _collection_names(client):
            with store_errors("dropping the old index"):
                client.delete_collection(settings.collection)
        with store_errors("opening the collection"):
            self.collection = client.get_or_create_collection(
                settings.collection,
                metadata={"embedder": embedder_id, "hnsw:space": "cosine"},
            )
        stored = (self.collection.metadata or {}).get("embedder")
        if stored and stored != embedder_id:
            raise StoreError(
                f"the index was built with {stored}, but {embedder_id} is configured; "
                "run `counterpoint ingest --rebuild` to re-embed the corpus"
            )

    @property
    def vector_store(self) -> ChromaVectorStore:
        """llama-index's view of the collection, for retrievers."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def count(self) -> int:
        """Number of chunks in the index."""
        with store_errors("counting chunks"):
            return self.collection.count()

    def document_hashes(self) -> dict[str, set[str]]:
        """doc_id -> the content hashes its stored chunks were made from (normally one)."""
        hashes: dict[str, set[str]] = {}
        for meta in self._metadatas():
            hashes.setdefault(str(meta["doc_id"]), set()).add(str(meta["doc_hash"]))
        return hashes

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> the metadata of its first chunk plus a `chunks` count."""
        docs: dict[str, dict[str, Any]] = {}
        for meta in self._metadatas():
            entry = docs.setdefault(str(meta["doc_id"]), {**meta, "chunks": 0})
            entry["chunks"] += 1
        return docs

    def add(self, nodes: list[TextNode]) -> None:
        """Write embedded nodes; ids are deterministic, so writing twice is an upsert."""
        with store_errors("writing chunks"):
            self.vector_store.add(nodes)

    def delete_document(self, doc_id: str, keep_hash: str | None = None) -> None:
        """Remove a document's chunks, or only those not made from `keep_hash`."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash:
            where = {"$and": [where, {"doc_hash": {"$ne": keep_hash}}]}
        with store_errors(f"deleting chunks of {doc_id}"):
            self.collection.delete(where=where)

    def nodes(self, side: str | None = None) -> list[TextNode]:
        """Every chunk (of one side), rebuilt as llama-index nodes: the corpus BM25 ranks."""
        from llama_index.core.vector_stores.utils import metadata_dict_to_node

        where = {"side": side} if side else None
        nodes = []
        for batch in self._pages(where, ["documents", "metadatas"]):
            for text, meta in zip(batch["documents"], batch["metadatas"], strict=True):
                node = metadata_dict_to_node(meta, text)
                nodes.append(node)
        return nodes

    def _metadatas(self) -> Iterator[dict[str, Any]]:
        for batch in self._pages(None, ["metadatas"]):
            yield from batch["metadatas"]

    def _pages(self, where: dict | None, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            with store_errors("reading chunks"):
                batch = self.collection.get(
                    where=where, include=include, limit=_PAGE_SIZE, offset=offset
                )
            if not batch["ids"]:
                return
            yield batch
            offset += len(batch["ids"])


def _collection_names(client: Any) -> list[str]:
    with store_errors("listing collections"):
        return [getattr(c, "name", c) for c in client.list_collections()]


def open_client(settings: Settings) -> Any:
    """A Chroma client for the configured deployment: embedded by default, else a server."""
    offline_environment()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_host:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        with store_errors(f"opening {settings.chroma_path}"):
            return chromadb.PersistentClient(str(settings.chroma_path), settings=chroma_settings)
    headers = {}
    if settings.chroma_auth_token:
        headers["Authorization"] = f"Bearer {settings.chroma_auth_token.get_secret_value()}"
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    with store_errors(f"connecting to the Chroma server at {where}"):
        client = chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            headers=headers,
            settings=chroma_settings,
        )
        client.heartbeat()
    return client
