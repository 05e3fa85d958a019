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

    @classmethod
    def build(cls, corpus_dir: Path, settings: Settings | None = None) -> BaselinePipeline:
        """Read, split and embed the files of `corpus_dir/corpus.toml` into a fresh collection."""
        offline_environment()
        import chromadb
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from counterpoint.embedding import get_embedder
        from ingest.manifest import MANIFEST_NAME, load_manifest

        manifest = load_manifest(corpus_dir / MANIFEST_NAME)
        sides = {str(manifest.resolve(e)): e.side for e in manifest.documents}
        reader = SimpleDirectoryReader(
            input_files=list(sides),
            file_metadata=lambda path: {"side": sides[str(Path(path).resolve())]},
        )
        client = chromadb.EphemeralClient(
            settings=chromadb.config.Settings(anonymized_telemetry=False)
        )
        # Ephemeral clients share one in-memory system per process: a fresh name per build.
        collection = client.create_collection(f"baseline-{uuid.uuid4().hex[:12]}")
        index = VectorStoreIndex.from_documents(
            reader.load_data(),
            storage_context=StorageContext.from_defaults(
                vector_store=ChromaVectorStore(chroma_collection=collection)
            ),
            embed_model=get_embedder(settings or Settings(_env_file=None)),
        )
        return cls(index)

    def retrieve(self, question: str, side: str, k: int = BASELINE_TOP_K) -> list[str]:
        """The texts of the `k` chunks of `side` nearest to the question, best first."""
        from llama_index.core.vector_stores import MetadataFilter, MetadataFilters

        filters = MetadataFilters(filters=[MetadataFilter(key="side", value=side)])
        hits = self.index.as_retriever(similarity_top_k=k, filters=filters).retrieve(question)
        return [hit.node.get_content() for hit in hits]


def baseline(
    questions: list[dict], top_k: int = BASELINE_TOP_K, corpus_dir: Path | None = None
) -> Recall:
    """Recall within the word budget of the baseline built over the bundled (or given) corpus."""
    pipeline = BaselinePipeline.build(corpus_dir or PROJECT_ROOT / "corpus")
    return evaluate(questions, lambda question, side: pipeline.retrieve(question, side, top_k))
