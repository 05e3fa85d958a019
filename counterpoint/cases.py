"""Cases: one company under review each, with its company-side and critic-side documents.

A case's chunks are one Chroma collection, `<collection>--<case id>`, whose metadata records
the case's id, display name and source folder; so the store itself is the list of cases, and
every replica of a deployment sees the same ones. Queries never filter on the case: a case is
searched in its own collection. Its BM25 copies, matrix caches and uploads live under
`<data dir>/cases/<id>/` (`Settings.case_dir`). Deleting a case drops both, nothing else.

The case's folder also records the case (`case.json`: id, name, source folder), so that when the
store is lost or too damaged to list its cases the doctor still knows every case to rebuild, and
a deleted `chroma.sqlite3` is not mistaken for a data folder that never had an index.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counterpoint.chroma import REPAIR, store_errors
from counterpoint.config import CASE_ID, CASE_SEPARATOR, Settings
from counterpoint.errors import CaseError, IndexMissingError, StoreError

RECORD = "case.json"  # in the case's folder: what the store says of the case, kept beside it


@dataclass(frozen=True)
class Case:
    """One company under review."""

    id: str
    name: str
    root: Path | None = None  # the folder its manifest or documents are in; None: uploads only


def check_case_id(value: str) -> str:
    """A valid case id, or a `CaseError` saying what one looks like."""
    if not CASE_ID.match(value):
        raise CaseError(
            f"'{value}' is not a case id: use lowercase letters, digits, '_' or '-' "
            "(at most 64), starting and ending with a letter or digit"
        )
    return value


def case_id_from(name: str) -> str:
    """A case id made from a display name or a folder name ("Acme Corp." -> "acme-corp")."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", folded.lower()).strip("-_")[:64].strip("-_")
    return slug or "case"


def list_cases(client: Any, settings: Settings) -> list[Case]:
    """Every case the store holds, by id."""
    with store_errors("listing the cases", settings):
        collections = client.list_collections()
    prefix = settings.collection + CASE_SEPARATOR
    found = []
    for collection in collections:
        meta = collection.metadata or {}
        if collection.name == prefix + str(meta.get("case_id")):
            found.append(_case_of(meta))
    return sorted(found, key=lambda case: case.id)


def find_case(client: Any, settings: Settings, case_id: str) -> Case | None:
    """The stored case of that id, or None. One lookup, however many cases there are."""
    name = settings.collection + CASE_SEPARATOR + check_case_id(case_id)
    collection = collection_or_none(client, settings, name, "looking up the case")
    return None if collection is None else _case_of(collection.metadata or {"case_id": case_id})


def collection_or_none(client: Any, settings: Settings, name: str, action: str) -> Any:
    """The collection of that name, or None when the store has none."""
    from chromadb.errors import NotFoundError

    with store_errors(action, settings):
        try:
            return client.get_collection(name)
        except (NotFoundError, ValueError):  # chromadb raises either, by version and client
            return None


def _case_of(meta: dict) -> Case:
    case_id = str(meta["case_id"])
    root = str(meta.get("case_root") or "")
    return Case(case_id, str(meta.get("case_name") or case_id), Path(root) if root else None)


def resolve_case(
    client: Any,
    settings: Settings,
    requested: str | None,
    fallback: Callable[[], Case | None],
) -> Case:
    """The case a command works on: `requested` if it exists (or is `fallback()`, the case of
    the configured corpus, built on first use); else the only stored case; else, with none
    stored, `fallback()`. Several cases and none requested is a `CaseError` listing them."""
    if requested:
        found = find_case(client, settings, requested)
        if found is not None:
            return found
        default = fallback()
        if default is not None and default.id == requested:
            return default
        if (settings.data_dir / "cases" / requested / RECORD).is_file():
            raise StoreError(
                f"the index of the case '{requested}' is missing from the store, though its "
                f"folder says it had one; {REPAIR}"
            )
        stored = [case.id for case in list_cases(client, settings)]
        listed = f"the cases are: {', '.join(stored)}" if stored else "there are no cases yet"
        raise CaseError(f"no case '{requested}'; {listed}")
    stored = list_cases(client, settings)
    if len(stored) == 1:
        return stored[0]
    if stored:
        names = ", ".join(f"{case.id} ({case.name})" for case in stored)
        raise CaseError(f"{len(stored)} cases: choose one with --case ID: {names}")
    default = fallback()
    if default is None:
        raise IndexMissingError(
            f"no index yet, and no corpus to build it from at {settings.corpus_dir}"
        )
    return default


def bind(settings: Settings, case: Case) -> Settings:
    """The settings of one case: its collection, its folder, and its source folder as the
    corpus folder (where a cited document's file is found)."""
    check_case_id(case.id)
    bound = settings.model_copy(update={"case": case.id, "case_name": case.name})
    root = case.root if case.root and case.root.is_dir() else bound.case_dir
    return bound.model_copy(update={"corpus_dir": root})


def modifiable(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """A collection's metadata as `modify()` takes it back: it replaces the metadata, and
    refuses `hnsw:*` keys once the collection exists."""
    return {key: value for key, value in (metadata or {}).items() if not key.startswith("hnsw:")}


def case_metadata(settings: Settings) -> dict[str, str]:
    """What a case's collection records about it: id, display name, source folder."""
    if not settings.case:
        return {}
    return {
        "case_id": settings.case,
        "case_name": settings.case_name or settings.case,
        "case_root": str(settings.corpus_dir),
    }


@dataclass(frozen=True)
class CaseSummary:
    """A case with what it holds, as `counterpoint cases` lists it."""

    case: Case
    passages: int
    documents: dict[str, int]  # side -> documents of that side

    def as_json(self) -> dict[str, Any]:
        """The `counterpoint cases --json` shape of one case."""
        return {
            "id": self.case.id,
            "name": self.case.name,
            "documents": sum(self.documents.values()),
            "company_documents": self.documents.get("company", 0),
            "critic_documents": self.documents.get("critic", 0),
            "passages": self.passages,
            "source": str(self.case.root) if self.case.root else None,
        }


def summarise(client: Any, settings: Settings, case: Case) -> CaseSummary:
    """Documents per side and passages of a stored case (reads its chunks' metadata)."""
    bound = settings.model_copy(update={"case": case.id})
    sides: dict[str, set[str]] = {}
    with store_errors(f"counting the case {case.id}", settings):
        collection = client.get_collection(bound.collection_name)
        offset = 0  # paged, like the store's reads: a large case never loads in one response
        while (batch := collection.get(include=["metadatas"], limit=5000, offset=offset))["ids"]:
            for meta in batch["metadatas"]:
                sides.setdefault(str(meta.get("side")), set()).add(str(meta.get("doc_id")))
            offset += len(batch["ids"])
        passages = collection.count()
    return CaseSummary(case, passages, {side: len(docs) for side, docs in sides.items()})


def delete_case(client: Any, settings: Settings, case_id: str) -> CaseSummary:
    """Remove a case: its collection (every chunk) and its folder (BM25, caches, uploads,
    kept sources); returns what it held."""
    bound = settings.model_copy(update={"case": check_case_id(case_id)})
    case = find_case(client, settings, case_id)
    if case is None:
        raise CaseError(f"no case '{case_id}'")
    removed = summarise(client, settings, case)
    with store_errors(f"deleting the case {case_id}", settings):
        client.delete_collection(bound.collection_name)
    shutil.rmtree(bound.case_dir, ignore_errors=True)
    return removed


def record_case(settings: Settings) -> None:
    """Write the bound case's record (id, name, source folder) in its folder, if it changed."""
    wanted = {"id": settings.case, "name": settings.case_name, "root": str(settings.corpus_dir)}
    path = settings.case_dir / RECORD
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")) == wanted:
            return
    settings.case_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{RECORD}.part")
    partial.write_text(json.dumps(wanted, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def recorded_cases(settings: Settings) -> list[Case]:
    """The cases the data folder's case folders record, by id: what the store held, read
    without it. A folder without a record (made before records) gives its id alone."""
    found = []
    for folder in sorted((settings.data_dir / "cases").glob("*")):
        if not folder.is_dir() or not CASE_ID.match(folder.name):
            continue
        try:
            raw = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            root = str(raw.get("root") or "")
            name = str(raw.get("name") or folder.name)
            found.append(Case(folder.name, name, Path(root) if root else None))
        except (OSError, ValueError, AttributeError):
            found.append(Case(folder.name, folder.name))
    return found


def had_an_index(settings: Settings) -> bool:
    """The bound case's folder says it had an index: its record, or kept sources."""
    return any((settings.case_dir / name).is_file() for name in (RECORD, "sources.json"))
