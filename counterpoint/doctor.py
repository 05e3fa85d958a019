"""`counterpoint doctor`: check every case a data folder holds; `counterpoint.repair` mends it.

Checked first, access: a folder or file of the data folder this user may not read or write says
"permission denied: PATH" and nothing more, for it is no damage, and the repair changes nothing.
Then the store (it opens and lists its cases), and for every case (those the store lists, those
the case folders record, else the configured corpus's): its collection (there, read back, a
search runs; not an interrupted rebuild), the embedder that made its vectors, its saved BM25,
and its kept sources of uploads and loose files against its index. Nothing is changed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counterpoint.cases import Case, bind, had_an_index, list_cases, recorded_cases
from counterpoint.chroma import access_denied, describe_failure, open_client
from counterpoint.config import Settings
from counterpoint.errors import CounterpointError, StoreError
from counterpoint.swap import get_or_none, retired_name, staging_name

DENIED = "permission denied"


@dataclass
class Check:
    """One thing looked at: `ok`, or what is wrong and whether --repair can mend it."""

    name: str
    ok: bool
    detail: str
    repairable: bool = True
    case: str = ""  # the case it is about; empty: the whole data folder


@dataclass
class Diagnosis:
    """Every check of one data folder, its cases, and what each case's index holds (when it
    could be read)."""

    checks: list[Check] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def failed(self, name: str, case: str = "") -> bool:
        """The check `name` (of `case`) found something wrong."""
        return any(c.name == name and c.case == case and not c.ok for c in self.checks)

    def detail(self, name: str, case: str = "") -> str:
        """What the check `name` (of `case`) said."""
        return next((c.detail for c in self.checks if c.name == name and c.case == case), "")

    @property
    def healthy(self) -> bool:
        """Every check passed."""
        return all(c.ok for c in self.checks)

    @property
    def blocked(self) -> Check | None:
        """The first failed check no repair may act on (a permission problem)."""
        return next((c for c in self.checks if not c.ok and not c.repairable), None)


def diagnose(settings: Settings, corpus: Case | None, unread: str = "") -> Diagnosis:
    """Look at access, the store, then every case; `corpus` is the configured corpus's case,
    `unread` why its manifest could not be read (when it could not)."""
    found = Diagnosis()
    if unread.startswith(DENIED):  # a repair could not rebuild the corpus's case
        found.checks.append(Check("corpus", False, unread, repairable=False))
    if denied := _denied(settings):
        found.checks.append(Check("access", False, f"{DENIED}: {denied}", repairable=False))
        return found
    client = _check_store(settings, found)
    stored = _stored_cases(client, settings, found) if client is not None else []
    found.cases = _known_cases(settings, stored, corpus)
    for case in found.cases:
        bound = bind(settings, case)
        if client is not None:
            _check_collection(bound, client, found)
        _check_bm25(bound, found)
        _check_sources(bound, found)
    return found


def _denied(settings: Settings) -> Path | None:
    """The first path of the data folder this user may not read and write, if any."""
    import os

    if denied := access_denied(settings, writing=True):
        return denied
    for folder in sorted((settings.data_dir / "cases").glob("*")):
        for path in (folder, folder / "sources.json", folder / "bm25"):
            wanted = os.R_OK | os.W_OK | (os.X_OK if path.is_dir() else 0)
            if path.exists() and not os.access(path, wanted):
                return path
    return None


def _check_store(settings: Settings, found: Diagnosis) -> Any:
    """The client when the store opens; else None and what failed."""
    try:
        return open_client(settings)
    except StoreError as exc:
        detail = str(exc).split("; run `counterpoint doctor")[0]
        found.checks.append(Check("store", False, detail, not detail.startswith(DENIED)))
        return None


def _stored_cases(client: Any, settings: Settings, found: Diagnosis) -> list[Case]:
    try:
        return list_cases(client, settings)
    except StoreError as exc:
        found.checks.append(Check("store", False, str(exc).split("; run `counterpoint")[0]))
        return []


def _known_cases(settings: Settings, stored: list[Case], corpus: Case | None) -> list[Case]:
    """The stored cases, then those only their folders record (a lost or unreadable store);
    with neither, the corpus's case (a data folder with no index yet)."""
    known = {case.id: case for case in stored}
    for case in recorded_cases(settings):
        if case.id not in known:
            default = corpus if corpus is not None and corpus.id == case.id else case
            known[case.id] = case if case.root else default
    if not known and corpus is not None:
        known[corpus.id] = corpus
    return [known[case_id] for case_id in sorted(known)]


def _check_collection(settings: Settings, client: Any, found: Diagnosis) -> None:
    """The case's collection: there, read back, searched; the embedder that made it."""
    from counterpoint.embedding import embedder_identity
    from counterpoint.store import documents_of

    case = str(settings.case)
    if (detail := _missing(settings, client)) is not None:
        found.checks.append(Check("store", False, detail, case=case))
        return
    action = "reading the index"
    try:
        collection = client.get_collection(settings.collection_name)
        documents = found.documents[case] = documents_of(collection)
        sample = collection.get(limit=1, include=["embeddings"])
        if sample["ids"]:
            action = "searching the index"
            collection.query(query_embeddings=[list(sample["embeddings"][0])], n_results=1)
    except Exception as exc:  # noqa: BLE001 - any failure here is what the doctor reports
        found.checks.append(Check("store", False, describe_failure(exc, action), case=case))
        found.documents.pop(case, None)
        return
    chunks = sum(d["chunks"] for d in documents.values())
    found.checks.append(
        Check("store", True, f"{len(documents)} documents, {chunks} chunks", case=case)
    )
    stored, configured = (collection.metadata or {}).get("embedder"), embedder_identity(settings)
    ok = not stored or stored == configured
    detail = configured
    if not ok:
        detail = f"the index was built with {stored}, {configured} is set: re-embed it "
        detail += "(`counterpoint doctor --repair`) or set COUNTERPOINT_EMBED_MODEL back"
    found.checks.append(Check("embedder", ok, detail, case=case))
    if get_or_none(client, staging_name(settings)) is not None:
        detail = f"an interrupted rebuild left {staging_name(settings)}; the index is whole"
        found.checks.append(Check("rebuild", False, detail, case=case))


def _missing(settings: Settings, client: Any) -> str | None:
    """Why the case's live collection is not there, or None when it is."""
    if get_or_none(client, settings.collection_name) is not None:
        return None
    if get_or_none(client, retired_name(settings)) is not None:
        return f"a rebuild was killed while swapping: the index waits as {retired_name(settings)}"
    if had_an_index(settings):
        return f"the index is missing from the store, though {settings.case_dir} says it had one"
    return "there is no index yet"


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
    found.checks.append(Check("bm25", not damaged, detail, case=str(settings.case)))


def _check_sources(settings: Settings, found: Diagnosis) -> None:
    """Kept sources against the index: each kept copy there and indexed under its own id,
    nothing left over; a damaged registry is rebuilt by the repair from the index."""
    from ingest.sources import kept_files, load_sources

    case, folder = str(settings.case), settings.case_dir
    try:
        sources = load_sources(folder)
    except CounterpointError as exc:
        found.checks.append(Check("sources", False, str(exc).split("; run")[0], case=case))
        return
    problems = [
        f"{d}: its kept copy is gone" for d, s in sources.items() if not s.path(folder).is_file()
    ]
    documents = found.documents.get(case)
    if documents is not None:
        for doc_id in sources:
            meta = documents.get(doc_id)
            if meta is None:
                problems.append(f"{doc_id}: kept but not in the index")
            elif meta.get("origin", "manifest") != "file":
                problems.append(f"{doc_id}: kept, but a corpus.toml entry holds its id")
        loose = {d for d, m in documents.items() if m.get("origin") == "file"}
        problems += [f"{d}: added outside corpus.toml, no kept copy" for d in loose - set(sources)]
    kept = {s.path(folder).resolve() for s in sources.values()}
    left = [p for p in kept_files(folder) if p.resolve() not in kept]
    problems += [f"{p.relative_to(folder)}: a copy nothing refers to" for p in left]
    detail = "; ".join(problems) or f"{len(sources)} kept, all indexed"
    found.checks.append(Check("sources", not problems, detail, case=case))


def report_lines(found: Diagnosis) -> list[str]:
    """One line per check, as the CLI prints them."""
    lines = []
    for c in found.checks:
        status = "ok" if c.ok else "DAMAGED" if c.repairable else "DENIED"
        lines.append(f"{status:8} {c.name:9} {c.case + ': ' if c.case else ''}{c.detail}")
    return lines
