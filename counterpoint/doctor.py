"""`counterpoint doctor [--repair]`: check what a data folder holds, and rebuild what is damaged.

Checked: the store (it opens, its chunks read back, a search runs), the embedder that made the
collection's vectors, the saved BM25 indexes, and the kept sources of uploads and loose files
against the index. `--repair` sets a damaged embedded index aside (it is moved, never deleted)
and builds it again from corpus.toml and the kept sources, so uploads and loose files come back
with their ids; it removes damaged BM25 copies (rebuilt on the next question) and kept copies
nothing refers to.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from counterpoint.config import Settings


@dataclass
class Check:
    """One thing looked at: `ok`, or what is wrong and whether --repair can rebuild it."""

    name: str
    ok: bool
    detail: str
    repairable: bool = True


@dataclass
class Diagnosis:
    """Every check of one data folder, and what the index holds (when it could be read)."""

    checks: list[Check] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] | None = None

    def failed(self, name: str) -> bool:
        return any(c.name == name and not c.ok for c in self.checks)

    @property
    def healthy(self) -> bool:
        return all(c.ok for c in self.checks)


def diagnose(settings: Settings) -> Diagnosis:
    """Look at the store, the embedder, the saved BM25 and the kept sources; change nothing."""
    found = Diagnosis()
    collection = _check_store(settings, found)
    if collection is not None:
        _check_embedder(settings, collection, found)
    _check_bm25(settings, found)
    _check_sources(settings, found)
    return found


def _check_store(settings: Settings, found: Diagnosis) -> Any:
    """The raw collection when it opens, reads back and answers a search; else None."""
    from counterpoint.chroma import collection_names, describe_failure, open_client

    action = "opening the index"
    try:
        client = open_client(settings)
        if settings.collection_name not in collection_names(client, settings):
            found.checks.append(Check("store", False, "there is no index yet"))
            return None
        action = "reading the index"
        collection = client.get_collection(settings.collection_name)
        found.documents = _documents(collection.get(include=["metadatas"])["metadatas"])
        sample = collection.get(limit=1, include=["embeddings"])
        if sample["ids"]:
            action = "searching the index"
            collection.query(query_embeddings=[list(sample["embeddings"][0])], n_results=1)
    except Exception as exc:  # noqa: BLE001 - any failure here is what the doctor reports
        detail = str(exc) if type(exc).__name__ == "StoreError" else describe_failure(exc, action)
        found.checks.append(Check("store", False, detail.split("; run `counterpoint doctor")[0]))
        return None
    chunks = sum(d["chunks"] for d in found.documents.values())
    found.checks.append(Check("store", True, f"{len(found.documents)} documents, {chunks} chunks"))
    return collection


def _documents(metadatas: list[dict]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for meta in metadatas:
        entry = docs.setdefault(str(meta["doc_id"]), {**meta, "chunks": 0})
        entry["chunks"] += 1
    return docs


def _check_embedder(settings: Settings, collection: Any, found: Diagnosis) -> None:
    from counterpoint.embedding import embedder_identity

    stored = (collection.metadata or {}).get("embedder")
    configured = embedder_identity(settings)
    ok = not stored or stored == configured
    detail = configured if ok else (
        f"the index was built with {stored}, {configured} is set: re-embed the corpus with "
        "`counterpoint ingest --rebuild` (or set COUNTERPOINT_EMBED_MODEL back)"
    )
    found.checks.append(Check("embedder", ok, detail))


def _check_bm25(settings: Settings, found: Diagnosis) -> None:
    from llama_index.retrievers.bm25 import BM25Retriever

    folders = sorted(p for p in (settings.case_dir / "bm25").glob("*") if p.is_dir())
    damaged = []
    for folder in folders:
        try:
            BM25Retriever.from_persist_dir(str(folder), show_progress=False)
        except Exception:  # noqa: BLE001 - any unreadable copy is damaged
            damaged.append(folder.name)
    detail = f"damaged: {', '.join(damaged)}" if damaged else f"{len(folders)} saved, readable"
    found.checks.append(Check("bm25", not damaged, detail))


def _check_sources(settings: Settings, found: Diagnosis) -> None:
    """Kept sources against the index: each kept copy there and indexed, nothing left over."""
    from counterpoint.errors import IngestError
    from ingest.sources import kept_files, load_sources

    try:
        sources = load_sources(settings.case_dir)
    except IngestError as exc:
        found.checks.append(Check("sources", False, str(exc).split("; run")[0], False))
        return
    gone = [d for d, s in sources.items() if not s.path(settings.case_dir).is_file()]
    problems = [f"{d}: its kept copy is gone" for d in gone]
    if found.documents is not None:
        problems += [f"{d}: kept but not in the index" for d in sources if d not in found.documents]
        loose = {d for d, m in found.documents.items() if m.get("origin") == "file"}
        problems += [f"{d}: added outside corpus.toml, no kept copy" for d in loose - set(sources)]
    kept = {s.path(settings.case_dir).resolve() for s in sources.values()}
    left = [p for p in kept_files(settings.case_dir) if p.resolve() not in kept]
    problems += [f"{p.relative_to(settings.case_dir)}: a copy nothing refers to" for p in left]
    detail = "; ".join(problems) or f"{len(sources)} kept, all indexed"
    found.checks.append(Check("sources", not problems, detail))


def repair(settings: Settings, found: Diagnosis, notify: Any = print) -> list[str]:
    """Rebuild what `found` says is damaged; returns one line per thing done."""
    from counterpoint.locking import writer_lock

    with writer_lock(settings.data_dir, settings.lock_wait):
        return _repair(settings, found, notify)


def _repair(settings: Settings, found: Diagnosis, notify: Any) -> list[str]:
    done: list[str] = []
    if found.failed("bm25"):
        shutil.rmtree(settings.case_dir / "bm25", ignore_errors=True)
        done.append("removed the saved BM25 indexes (rebuilt on the next question)")
    if found.failed("store") or found.failed("embedder"):
        done += [_set_aside(settings), _rebuild(settings, notify)]
    elif found.failed("sources"):
        done.append(_restore(settings, notify))
    if _discard_leftovers(settings):
        done.append("removed kept copies nothing refers to")
    return done


def _rebuild(settings: Settings, notify: Any) -> str:
    """The corpus and every kept source indexed again into an empty index."""
    from counterpoint.assistant import Assistant

    report = Assistant(settings, notify=notify).ingest(rebuild=True, progress=False)
    return f"rebuilt the index from corpus.toml and the kept sources: {report.summary()}"


def _restore(settings: Settings, notify: Any) -> str:
    """Index again the kept sources missing from a sound index."""
    from counterpoint.assistant import Assistant
    from ingest.library import restore
    from ingest.pipeline import IngestReport

    assistant = Assistant(settings, notify=notify)
    report = IngestReport()
    missing = restore(assistant.ingestor(progress=False), settings.case_dir, report)
    assistant.retriever.refresh()
    lost = f"; no copy left of {', '.join(missing)}" if missing else ""
    return f"indexed the kept sources again: {report.summary()}{lost}"


def _set_aside(settings: Settings) -> str:
    """Move the embedded index out of the way (kept for inspection); drop a server's collection."""
    if settings.chroma_host:
        from counterpoint.chroma import open_client

        client = open_client(settings)
        client.delete_collection(settings.collection_name)
        return f"dropped the collection {settings.collection_name} on the server"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = settings.data_dir / f"chroma.damaged-{stamp}"
    shutil.move(settings.chroma_path, aside)
    # chromadb keeps one system per path for the process, the failed one too: forget it.
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return f"moved the damaged index to {aside}"


def _discard_leftovers(settings: Settings) -> int:
    from ingest.sources import discard, kept_files, load_sources

    kept = {s.path(settings.case_dir).resolve() for s in load_sources(settings.case_dir).values()}
    left = [path for path in kept_files(settings.case_dir) if path.resolve() not in kept]
    for path in left:
        discard(path)
    return len(left)


def report_lines(found: Diagnosis) -> list[str]:
    """One line per check, as the CLI prints them."""
    return [f"{'ok' if c.ok else 'DAMAGED':8} {c.name:9} {c.detail}" for c in found.checks]
