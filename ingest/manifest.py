"""The corpus manifest, `corpus/corpus.toml`: one `[[document]]` entry per file."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError, field_validator

from counterpoint.config import Side
from counterpoint.errors import ManifestError

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
    _check_tables(path, raw)
    entries = [_parse_entry(path, n, item) for n, item in enumerate(raw.get("document", []), 1)]
    manifest = Manifest(root=path.parent.resolve(), documents=entries)
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
