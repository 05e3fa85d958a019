"""The documents added outside the manifest, and the copies of their files kept to rebuild them.

`corpus.toml` lists the manifest's documents; nothing listed the loose files (`ingest FILE`) and
uploads, so a rebuild lost them. Each is recorded in `<data>/sources.json` (id, side, the title
the user gave, its identity, the kept copy, the hash of its bytes) and its file is kept under the
data folder: an upload where the page saved it (`uploads/<hash>/<name>`), a loose file copied to
`files/<hash>/<name>`. A rebuild, and `counterpoint doctor --repair`, index them again from there
with the same ids, titles and sides, so their chunk ids are what they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from pathlib import Path

from pydantic import BaseModel, ValidationError

from counterpoint.config import Side
from counterpoint.errors import IngestError

REGISTRY = "sources.json"
FILES = "files"
UPLOADS = "uploads"


class KeptSource(BaseModel):
    """One document added outside the manifest, as it must be indexed again."""

    doc_id: str
    side: Side
    title: str = ""  # as the user gave it; empty: taken from the text
    key: str  # its identity (`ingest.identity`): a loose file's path or `upload:<name>`
    kept: str  # the kept copy, relative to the data folder
    content_hash: str

    def path(self, data_dir: Path) -> Path:
        """The kept copy."""
        return data_dir / self.kept


def load_sources(data_dir: Path) -> dict[str, KeptSource]:
    """doc_id -> its record; an unreadable registry is an `IngestError` naming the doctor."""
    path = data_dir / REGISTRY
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {doc_id: KeptSource.model_validate(item) for doc_id, item in raw.items()}
    except PermissionError:  # unreadable is not damaged: nothing is to be repaired
        raise IngestError(f"permission denied: {path}") from None
    except (OSError, ValueError, ValidationError, AttributeError) as exc:
        raise IngestError(
            f"{path} is damaged ({type(exc).__name__}); run `counterpoint doctor --repair`"
        ) from None


def save_sources(data_dir: Path, sources: dict[str, KeptSource]) -> None:
    """Write the registry aside, then rename it into place: never half written."""
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = data_dir / f".{REGISTRY}.{uuid.uuid4().hex}"
    body = {doc_id: source.model_dump() for doc_id, source in sorted(sources.items())}
    partial.write_text(json.dumps(body, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, data_dir / REGISTRY)


def keep(data_dir: Path, source: KeptSource, path: Path, previous: dict | None = None) -> None:
    """Record `source`, copying `path` under the data folder unless it is there already; the
    copy of the version it replaces (`previous`: its first chunk's metadata) is deleted."""
    sources = load_sources(data_dir)
    inside = _inside(path, data_dir)
    if inside is None:
        inside = Path(FILES) / source.content_hash[:16] / path.name
        _copy(path, data_dir / inside)
    source.kept = inside.as_posix()
    old = sources.get(source.doc_id)
    sources[source.doc_id] = source
    save_sources(data_dir, sources)
    for stale in _copies(data_dir, old, previous):
        if stale != data_dir / source.kept and stale not in _kept(data_dir, sources):
            discard(stale)


def forget(data_dir: Path, doc_id: str, meta: dict | None = None) -> None:
    """Drop a removed document's record and its kept copy."""
    sources = load_sources(data_dir)
    old = sources.pop(doc_id, None)
    save_sources(data_dir, sources)
    for stale in _copies(data_dir, old, meta):
        if stale not in _kept(data_dir, sources):
            discard(stale)


def kept_files(data_dir: Path) -> set[Path]:
    """Every file under the folders of kept copies (uploads/, files/)."""
    found = set()
    for folder in (UPLOADS, FILES):
        found |= {p for p in (data_dir / folder).rglob("*") if p.is_file()}
    return found


def discard(path: Path) -> None:
    """Remove a kept copy, and its folder when that is left empty."""
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def _kept(data_dir: Path, sources: dict[str, KeptSource]) -> set[Path]:
    return {source.path(data_dir) for source in sources.values()}


def _copies(data_dir: Path, old: KeptSource | None, meta: dict | None) -> list[Path]:
    """Where an older version's copy is: its record, else (made before the registry) where the
    page saved uploads."""
    found = [old.path(data_dir)] if old else []
    if meta and meta.get("origin") == "file" and meta.get("file"):
        folder = str(meta.get("content_hash", ""))[:16]
        found += [data_dir / part / folder / str(meta["file"]) for part in (UPLOADS, FILES)]
    return [path for path in found if _inside(path, data_dir) is not None]


def _inside(path: Path, data_dir: Path) -> Path | None:
    try:
        return path.resolve().relative_to(data_dir.resolve())
    except ValueError:
        return None


def _copy(path: Path, target: Path) -> None:
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{uuid.uuid4().hex}.part")
    try:
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
