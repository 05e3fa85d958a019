"""The peer baseline we measure ourselves against: LlamaIndex's starter pipeline.

`SimpleDirectoryReader` on the raw corpus files (no cleaning), the default `SentenceSplitter`,
a `VectorStoreIndex` over an ephemeral Chroma collection, and top-k dense retrieval with a
metadata filter on the side. It uses our embedder, so the comparison measures the pipeline
around the model, not the model.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.config import PROJECT_ROOT, Settings, offline_environment
from counterpoint.evaluation.figures import Recall, evaluate

if TYPE_CHECKING:
    from llama_index.core import VectorStoreIndex

BASELINE_TOP_K = 5


@dataclass
class BaselinePipeline:
    """The starter pipeline's index over one corpus; `retrieve` ranks one side's chunks."""

    index: VectorStoreIndex
    built: bool = True  # False: an index kept from an earlier run was reused

    @classmethod
    def build(cls, corpus_dir: Path, settings: Settings | None = None) -> BaselinePipeline:
        """Read, split and embed the files of `corpus_dir/corpus.toml` into a fresh collection."""
        from ingest.manifest import MANIFEST_NAME, load_manifest

        manifest = load_manifest(corpus_dir / MANIFEST_NAME)
        return cls.from_files({manifest.resolve(e): e.side for e in manifest.documents}, settings)

    @classmethod
    def from_files(
        cls, sides: dict[Path, str], settings: Settings | None = None, folder: Path | None = None
    ) -> BaselinePipeline:
        """The pipeline over these files (file -> side): in a fresh in-memory collection, or,
        with `folder`, in a Chroma kept there and reused while the files are unchanged."""
        offline_environment()
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from counterpoint.embedding import get_embedder

        embedder = get_embedder(settings or Settings(_env_file=None))
        client, name = _client(folder), _collection_name(sides)
        if name in [c.name for c in client.list_collections()]:
            store = ChromaVectorStore(chroma_collection=client.get_collection(name))
            return cls(VectorStoreIndex.from_vector_store(store, embed_model=embedder), False)
        by_path = {str(Path(path).resolve()): side for path, side in sides.items()}
        reader = SimpleDirectoryReader(
            input_files=list(by_path),
            file_metadata=lambda path: {"side": by_path[str(Path(path).resolve())]},
        )
        # Built under a name of its own, renamed when complete: an interrupted build is no index.
        collection = client.create_collection(f"partial-{uuid.uuid4().hex[:12]}")
        index = VectorStoreIndex.from_documents(
            reader.load_data(),
            storage_context=StorageContext.from_defaults(
                vector_store=ChromaVectorStore(chroma_collection=collection)
            ),
            embed_model=embedder,
        )
        if folder is not None:
            collection.modify(name=name)
        return cls(index)

    def retrieve(self, question: str, side: str, k: int = BASELINE_TOP_K) -> list[str]:
        """The texts of the `k` chunks of `side` nearest to the question, best first."""
        return [hit.node.get_content() for hit in self.retrieve_nodes(question, side, k)]

    def retrieve_nodes(self, question: str, side: str, k: int = BASELINE_TOP_K) -> list:
        """The `k` chunks of `side` nearest to the question (`NodeWithScore`s), best first."""
        from llama_index.core.vector_stores import MetadataFilter, MetadataFilters

        filters = MetadataFilters(filters=[MetadataFilter(key="side", value=side)])
        return self.index.as_retriever(similarity_top_k=k, filters=filters).retrieve(question)


def _client(folder: Path | None):  # noqa: ANN202 - a chromadb client
    import chromadb

    settings = chromadb.config.Settings(anonymized_telemetry=False)
    if folder is None:
        # Ephemeral clients share one in-memory system per process: a fresh name per build.
        return chromadb.EphemeralClient(settings=settings)
    return chromadb.PersistentClient(path=str(folder), settings=settings)


def _collection_name(sides: dict[Path, str]) -> str:
    """A name that changes with the files' bytes and sides, so a kept index is never stale."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(sides, key=str):
        digest.update(f"{Path(path).name}\0{sides[path]}\0".encode())
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return f"baseline-{digest.hexdigest()[:24]}"


def baseline(
    questions: list[dict], top_k: int = BASELINE_TOP_K, corpus_dir: Path | None = None
) -> Recall:
    """Recall within the word budget of the baseline built over the bundled (or given) corpus."""
    pipeline = BaselinePipeline.build(corpus_dir or PROJECT_ROOT / "corpus")
    return evaluate(questions, lambda question, side: pipeline.retrieve(question, side, top_k))
