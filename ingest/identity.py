"""Which document a loose file or an upload is: its identity is where it came from and its side.

A loose file (`counterpoint ingest FILE --side ...`) is the file at its absolute path; an upload
is the name the browser sent. Its id is taken from the file name, so two files of the same base
name (`c1/report.txt`, `c2/report.txt`) ask for the same id: the second is refused, naming both,
unless the user asks for the replacement. So is the same file under the other side, and an upload
whose name is taken by a different file. A manifest document is never replaced: a loose file
whose name slugs like its id gets an id of its own. Nor is a loose file or an upload replaced by
a manifest entry of its id, unless the user asks (`check_takeovers`): whichever came first holds
the id.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterpoint.errors import IngestError

if TYPE_CHECKING:
    from ingest.manifest import DocumentEntry, Manifest

UPLOAD_PREFIX = "upload:"
# Bump when cleaning, chunking or chunk metadata change, so every document is re-chunked once.
# 2: chunks carry `content_hash` (duplicate detection) and `doc_chunks` (completeness).
# 3: page furniture set apart (`set_apart`, `furniture`, `voice`), chunks end at pages and
# sections, tables split by rows with a `context`.
# 4: page numbers are the number-only lines that count up with the pages (a table's figures at
# a page's edge stay text).
PIPELINE_VERSION = "4"
REPLACE_HINT = "ask for the replacement (`--replace`; on the Corpus tab, tick Replace)"


def file_doc_id(path: Path) -> str:
    """A manifest-style id for a loose file, from its name (accents folded, odd characters out)."""
    name = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]
    return slug or "document"


def origin(meta: dict) -> str:
    """`manifest` or `file` (a loose file or an upload), as the chunks record it."""
    return str(meta.get("origin", "manifest"))


def upload_key(name: str) -> str:
    """The identity of an upload: the (safe) name the browser sent."""
    return f"{UPLOAD_PREFIX}{name}"


def describe_source(meta: dict[str, Any]) -> str:
    """Where an indexed document came from, for a message."""
    key = str(meta.get("source") or "")
    if key.startswith(UPLOAD_PREFIX):
        return f"the upload {key.removeprefix(UPLOAD_PREFIX)}"
    if key:
        return key
    if origin(meta) == "manifest":
        return f"corpus.toml ({meta.get('file', '')})"
    return f"a file named {meta.get('file', '')}"


def loose_id(
    path: Path, key: str, side: str, content: str, documents: dict[str, dict], replace: bool
) -> str:
    """The id for a loose file or upload (`key` its identity, `content` its bytes' hash).

    The same file again, on the same side, is the same document (an update); an upload whose
    name is held by different bytes, the same file on the other side, or another file whose
    name gives the same id, is refused unless `replace`.
    """
    named = _holder_of(key, documents)
    if named is not None:
        _check_same_source(path, key, side, content, documents[named], named, replace)
        return named
    doc_id = file_doc_id(path)
    holder = documents.get(doc_id)
    if holder is not None and origin(holder) == "manifest":
        doc_id = f"{doc_id}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        holder = documents.get(doc_id)
    if holder is not None and not replace:
        raise IngestError(
            f"{_described(key)} ({side}) would replace the {holder.get('side')} document "
            f"'{holder.get('title', doc_id)}' (id {doc_id}) from {describe_source(holder)}; "
            f"nothing was added. To replace it, {REPLACE_HINT}; to keep both, rename the file"
        )
    return doc_id


def check_takeovers(
    manifest: Manifest, documents: dict[str, dict], replace: bool
) -> dict[str, dict]:
    """The loose files and uploads whose ids entries of `manifest` ask for: an `IngestError`
    naming both unless `replace` (then they are returned, to be replaced)."""
    taken = {
        entry.id: (entry, documents[entry.id])
        for entry in manifest.documents
        if entry.id in documents and origin(documents[entry.id]) == "file"
    }
    if taken and not replace:
        entry, meta = next(iter(taken.values()))
        raise IngestError(
            f"{manifest.root / 'corpus.toml'}: the {entry.side} document '{entry.id}' "
            f"({entry.path}) would replace the {meta.get('side')} document "
            f"'{meta.get('title', entry.id)}' (id {entry.id}) added from "
            f"{describe_source(meta)}; nothing was changed. Give the entry another id, or to "
            "replace it, run `counterpoint ingest --replace`"
        )
    return {doc_id: meta for doc_id, (_, meta) in taken.items()}


def _holder_of(key: str, documents: dict[str, dict]) -> str | None:
    return next((d for d, meta in documents.items() if meta.get("source") == key), None)


def _check_same_source(
    path: Path, key: str, side: str, content: str, meta: dict, doc_id: str, replace: bool
) -> None:
    if replace:
        return
    title, old_side = meta.get("title", doc_id), meta.get("side")
    if old_side != side:
        raise IngestError(
            f"{_described(key)} is already indexed as a {old_side} document '{title}' "
            f"(id {doc_id}); nothing was added. To index it as {side} instead, {REPLACE_HINT}"
        )
    if key.startswith(UPLOAD_PREFIX) and meta.get("content_hash") != content:
        raise IngestError(
            f"a different file named {path.name} is already uploaded as the {old_side} document "
            f"'{title}' (id {doc_id}); nothing was added. To replace it with this one, "
            f"{REPLACE_HINT}; to keep both, rename the file"
        )


def _described(key: str) -> str:
    return f"the upload {key.removeprefix(UPLOAD_PREFIX)}" if key.startswith(UPLOAD_PREFIX) else key


def is_complete(versions: dict[str, tuple[int, int]], digest: str) -> bool:
    """True when the index holds exactly one version of a document, `digest`, in full."""
    if set(versions) != {digest}:
        return False
    stored, expected = versions[digest]
    return stored == expected


def read_file(path: Path) -> bytes:
    """The file's bytes, or an `IngestError` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def document_hash(entry: DocumentEntry, data: bytes, chunk_tokens: int, overlap: int) -> str:
    """Hash of everything a document's chunks depend on: bytes, manifest entry, settings."""
    described = entry.model_dump(mode="json", exclude={"path"})
    settings = f"{PIPELINE_VERSION}/{chunk_tokens}/{overlap}"
    header = json.dumps([described, settings], sort_keys=True).encode()
    return hashlib.sha256(header + b"\0" + data).hexdigest()
