"""The corpus manifest, `corpus/corpus.toml`: the case it describes and one `[[document]]` entry
per file. One manifest is one case (one company under review):

    [case]
    id = "hikvision"      # lowercase letters, digits, '_' or '-'
    name = "Hikvision"    # shown in the app and by `counterpoint cases`

A manifest without `[case]` (written before cases) is the case named after its folder. A case
folder may also have no manifest at all, only `company/` and `critic/` subfolders: every file
in them is a document of that side, titled from its text (`load_case_folder`).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError, field_validator

from counterpoint.cases import Case, case_id_from, check_case_id
from counterpoint.config import SIDES, Side
from counterpoint.errors import CaseError, ManifestError

MANIFEST_NAME = "corpus.toml"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class DocumentEntry(BaseModel):
    """One document of the corpus, as the manifest describes it."""

    id: str
    title: str
    side: Side
    path: Path
    publisher: str = ""
    date: str = ""
    url: str = ""
    notes: str = ""
    page_breaks: Literal["leading-space"] | None = None
    # Page furniture to keep as the document's text: a kind ("related list") or the first
    # words of a block that `counterpoint inspect` lists as set apart.
    keep: list[str] = []

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not _ID_PATTERN.match(value):
            raise ValueError("must be lowercase letters, digits, '.', '_' or '-'")
        return value


class Manifest(BaseModel):
    """All entries of one manifest; `root` is the folder the entries' paths are relative to."""

    root: Path
    documents: list[DocumentEntry]
    case: Case

    def resolve(self, entry: DocumentEntry) -> Path:
        """The file an entry names, as an absolute path."""
        return (self.root / entry.path).resolve()


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; every problem is a `ManifestError` naming the entry."""
    if not path.is_file():
        raise ManifestError(f"no corpus manifest at {path}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML ({exc})") from None
    except PermissionError:
        raise ManifestError(f"permission denied: {path}") from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read it ({exc.strerror})") from None
    _check_tables(path, raw)
    entries = [_parse_entry(path, n, item) for n, item in enumerate(raw.get("document", []), 1)]
    root = path.parent.resolve()
    manifest = Manifest(root=root, documents=entries, case=_parse_case(path, raw.get("case"), root))
    _check_unique_ids(path, entries)
    for entry in entries:
        # `..` and absolute paths are refused; a symlink the user put in the folder is followed.
        if not Path(os.path.normpath(manifest.root / entry.path)).is_relative_to(manifest.root):
            raise ManifestError(
                f"{path}: document '{entry.id}': {entry.path} is outside the corpus folder "
                f"{manifest.root}"
            )
        if not manifest.resolve(entry).is_file():
            raise ManifestError(f"{path}: document '{entry.id}': file not found: {entry.path}")
    return manifest


def _check_tables(path: Path, raw: dict) -> None:
    # A misspelt table name (`[[documents]]`) would read as an empty corpus.
    for key in raw:
        if key != "document" and difflib.get_close_matches(key.lower(), ["document"], cutoff=0.7):
            raise ManifestError(f"{path}: unknown table [[{key}]]; entries are [[document]]")


def _parse_case(path: Path, table: object, root: Path) -> Case:
    """The `[case]` table, or the case named after the manifest's folder."""
    if table is None:
        return Case(case_id_from(root.name), root.name, root)
    if not isinstance(table, dict) or not isinstance(table.get("id"), str):
        raise ManifestError(f'{path}: [case] needs an id, e.g. id = "acme"')
    try:
        case_id = check_case_id(table["id"])
    except CaseError as exc:
        raise ManifestError(f"{path}: [case] id: {exc}") from None
    name = table.get("name") or case_id
    if not isinstance(name, str):
        raise ManifestError(f"{path}: [case] name must be text")
    return Case(case_id, name.strip() or case_id, root)


def _parse_entry(path: Path, number: int, item: object) -> DocumentEntry:
    try:
        return DocumentEntry.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "entry"
        name = item.get("id", f"#{number}") if isinstance(item, dict) else f"#{number}"
        raise ManifestError(f"{path}: document '{name}': {field}: {first['msg']}") from None


def _check_unique_ids(path: Path, entries: list[DocumentEntry]) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ManifestError(f"{path}: document id '{entry.id}' appears twice")
        seen.add(entry.id)


def is_case_folder(folder: Path) -> bool:
    """A folder holding a manifest, or `company/` or `critic/` subfolders."""
    return (folder / MANIFEST_NAME).is_file() or any((folder / side).is_dir() for side in SIDES)


def load_case_folder(folder: Path) -> Manifest:
    """The manifest of a case folder: its `corpus.toml`, else one entry per file of its
    `company/` and `critic/` subfolders (ids from the file names, titles from the text)."""
    if (folder / MANIFEST_NAME).is_file():
        return load_manifest(folder / MANIFEST_NAME)
    root = folder.resolve()
    entries: list[DocumentEntry] = []
    taken: set[str] = set()
    for side in SIDES:
        for file in sorted(p for p in (root / side).rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in file.relative_to(root).parts):
                continue  # editors' and systems' hidden files are no documents
            doc_id = _free_id(case_id_from(file.stem), side, taken)
            path = file.relative_to(root)
            entries.append(DocumentEntry(id=doc_id, title="", side=side, path=path))
    case = Case(case_id_from(root.name), root.name, root)
    return Manifest(root=root, documents=entries, case=case)


def _free_id(slug: str, side: str, taken: set[str]) -> str:
    # A file of the same name on the other side gets the side in its id.
    for candidate in (slug, f"{side}-{slug}", *(f"{side}-{slug}-{n}" for n in range(2, 1000))):
        if candidate not in taken and _ID_PATTERN.match(candidate):
            taken.add(candidate)
            return candidate
    raise ManifestError(f"too many files named like {slug}")
