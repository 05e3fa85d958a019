"""Cases: one company under review each, with its company-side and critic-side documents.

A case's chunks are one Chroma collection, `<collection>--<case id>`, whose metadata records
the case's id, display name and source folder; so the store itself is the list of cases, and
every replica of a deployment sees the same ones. Queries never filter on the case: a case is
searched in its own collection. Its BM25 copies, matrix caches and uploads live under
`<data dir>/cases/<id>/` (`Settings.case_dir`). Deleting a case drops both, nothing else.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counterpoint.chroma import store_errors
from counterpoint.config import CASE_ID, CASE_SEPARATOR, Settings
from counterpoint.errors import CaseError, IndexMissingError


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
