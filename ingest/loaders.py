"""Read .txt / .md / .html / .pdf / .docx files into pages of raw text.

Each loader returns the text as the file holds it, split into pages where the format has pages;
repairing extraction damage is `ingest.cleaning`'s job, so a loader never edits words.

Files are checked before they are read (missing, empty, over the size limit), and an upload is
copied in under a safe name, refused as soon as it passes the limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

from counterpoint.errors import IngestError
from ingest.webpage import MainContent, main_content, visible_text

MAX_FILE_BYTES = 50 * 1024 * 1024
# A .docx's XML unpacked: a text of the size limit takes about four times its size as XML; a
# few hundred kB of zip can unpack to gigabytes, which the XML parser would hold in memory.
MAX_DOCX_XML_BYTES = 4 * MAX_FILE_BYTES
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
# A line opening with exactly one space, then text: how the ESG report's extraction marks pages.
_LEADING_SPACE_PAGE = re.compile(r"^ (?=\S)", re.MULTILINE)
# Control characters other than tab, newline, carriage return and form feed: text has none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()-]+")
_COPY_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class RawPage:
    """The text of one page; `number` is 1-based, or None for formats without pages. A web
    page also carries what its main-content extractor read as the article (`main`)."""

    number: int | None
    text: str
    main: MainContent | None = None


def load_pages(path: Path, page_breaks: str | None = None) -> list[RawPage]:
    """Load a file into raw pages, or raise `IngestError` saying exactly what is wrong."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise IngestError(f"{path.name}: unsupported file type '{path.suffix}' (use {kinds})")
    check_file(path)
    try:
        pages = loader(path, page_breaks)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - parsers of damaged files raise anything at all
        raise IngestError(f"{path.name}: {_damaged(path, exc)}") from None
    if not any(page.text.strip() for page in pages):
        raise IngestError(f"{path.name}: the file holds no text")
    return pages


def _damaged(path: Path, exc: BaseException) -> str:
    """One line saying the file is unreadable, with the parser's reason cut short."""
    kind = {".pdf": "PDF", ".docx": ".docx file", ".html": "HTML file", ".htm": "HTML file"}
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return f"not a readable {kind.get(path.suffix.lower(), 'file')} ({reason})"


def check_file(path: Path) -> None:
    """Refuse a missing, empty or over-large file from its size alone, before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise IngestError(f"{path.name}: {size / 2**20:.0f} MB is over the {limit} MB limit")


def safe_file_name(name: str) -> str:
    """A file name that stays inside the folder it is saved to, whatever the browser sent.

    Folders (`../`, `C:\\`) are dropped, odd characters become `_`, and the name keeps its
    suffix so the right loader still reads it.
    """
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip(" ._")[:100] or "upload"
    return f"{stem}.{suffix.lower()[:10]}" if suffix else stem


def save_upload(name: str, stream: BinaryIO, folder: Path) -> tuple[Path, bool]:
    """Copy an upload to `folder/<content hash>/<safe name>`; refuse it past the size limit.

    Returns the path and whether it is new (False: these very bytes, under this name, were
    uploaded before). The size is read from the stream's end when it can seek, so an
    over-large upload is refused before any of it is read; otherwise the copy stops at the
    first block past the limit. Nothing is left behind when it is refused.
    """
    safe = safe_file_name(name)
    limit_mb = MAX_FILE_BYTES // (1024 * 1024)
    if stream.seekable():
        start = stream.tell()
        size = stream.seek(0, 2) - start
        stream.seek(start)
        if size > MAX_FILE_BYTES:
            raise IngestError(f"{safe}: {size / 2**20:.0f} MB is over the {limit_mb} MB limit")
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            while block := stream.read(_COPY_BLOCK):
                digest.update(block)
                if out.tell() + len(block) > MAX_FILE_BYTES:
                    raise IngestError(f"{safe}: over the {limit_mb} MB limit")
                out.write(block)
        target = folder / digest.hexdigest()[:16] / safe
        if target.is_file():
            return target, False
        target.parent.mkdir(exist_ok=True)
        partial.replace(target)
        return target, True
    finally:
        partial.unlink(missing_ok=True)


def discard_upload(path: Path) -> None:
    """Remove a saved upload that was refused, and its folder when that is left empty."""
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def decode_text(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 first, else the encoding charset-normalizer detects."""
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = _detect_and_decode(data)
        if decoded is None:
            raise IngestError(f"{name}: not readable as text in any known encoding") from None
        text = decoded
    if len(_CONTROL.findall(text[:8192])) > len(text[:8192]) // 100:
        raise IngestError(f"{name}: looks like a binary file, not text")
    return text


def _detect_and_decode(data: bytes) -> str | None:
    # charset-normalizer's pick, except that Windows-1252 wins a tie: on short texts the
    # detector often prefers a rarer code page (mac_latin2, big5) that decodes without errors
    # but wrongly ("sociťtť"), and Windows-1252 is the commonest legacy encoding of documents.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos):
        return str(western)
    return str(best) if best is not None else None


def split_leading_space_pages(text: str) -> list[RawPage]:
    """Split text at lines that open with a single space (one page each)."""
    starts = [m.start() for m in _LEADING_SPACE_PAGE.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(text)]
    return [RawPage(n, text[a:b]) for n, (a, b) in enumerate(pairwise(bounds), 1)]


def _load_text(path: Path, page_breaks: str | None) -> list[RawPage]:
    text = decode_text(path.read_bytes(), path.name)
    if page_breaks == "leading-space":
        return split_leading_space_pages(text)
    if "\f" in text:
        return [RawPage(n, page) for n, page in enumerate(text.split("\f"), 1)]
    return [RawPage(None, text)]


def _load_html(path: Path, page_breaks: str | None) -> list[RawPage]:
    # The page's whole visible text is kept (furniture is set apart later, not dropped), with
    # what trafilatura reads as its article and comments beside it (`ingest.webpage`).
    html = decode_text(path.read_bytes(), path.name)
    return [RawPage(None, visible_text(html), main_content(html))]


def _load_pdf(path: Path, page_breaks: str | None) -> list[RawPage]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs each repair of a damaged file, which Python prints on stderr where the CLI's
    # one-line messages must stand alone; a file it cannot read still raises.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _open_without_password(reader):
            raise IngestError(
                f"{path.name}: the PDF is password-protected; save an unprotected copy"
            )
        pages = [RawPage(n, page.extract_text() or "") for n, page in enumerate(reader.pages, 1)]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path.name}: {_damaged(path, exc)}") from None
    if pages and not any(page.text.strip() for page in pages):
        raise IngestError(f"{path.name}: the PDF has no text layer (a scan?); OCR it first")
    return pages


def _open_without_password(reader: object) -> bool:
    # Many PDFs are "encrypted" only to restrict printing or copying, with an empty password
    # for reading; those open. A real password (or a cipher pypdf cannot do) refuses the file.
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported ciphers
        return False


def _load_docx(path: Path, page_breaks: str | None) -> list[RawPage]:
    import zipfile

    from docx import Document

    try:
        with zipfile.ZipFile(path) as package:  # a .docx is a zip: its XML is read unpacked
            unpacked = sum(i.file_size for i in package.infolist() if i.filename.endswith(".xml"))
        if unpacked > MAX_DOCX_XML_BYTES:
            limit = MAX_DOCX_XML_BYTES // 2**20
            raise IngestError(
                f"{path.name}: its text unpacks to {unpacked / 2**20:.0f} MB of XML, over the "
                f"{limit} MB limit (a decompression bomb?)"
            )
        document = Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"{path.name}: {_damaged(path, exc)}") from None
    return [RawPage(None, "\n\n".join(_docx_blocks(document)))]


def _docx_blocks(container: object) -> list[str]:
    """The paragraphs and table rows of a document or a table cell, in reading order."""
    from docx.table import Table

    blocks = []
    for item in container.iter_inner_content():  # type: ignore[attr-defined]
        blocks.extend(_docx_rows(item) if isinstance(item, Table) else [item.text])
    return blocks


def _docx_rows(table: object) -> list[str]:
    """One line per row, its cells joined by " · "; a merged cell, which python-docx repeats in
    every grid position it spans, is read once; a table inside a cell (which `cell.text` leaves
    out) is read after its row."""
    seen: set[object] = set()
    lines = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        inner: list[str] = []
        for cell in row.cells:
            if cell._tc not in seen:  # noqa: SLF001 - the XML element a merge shares
                seen.add(cell._tc)  # noqa: SLF001
                cells.append(_docx_cell(cell, inner))
        lines += [" · ".join(cells), *inner]
    return lines


def _docx_cell(cell: object, inner: list[str]) -> str:
    """A cell's own paragraphs; the rows of the tables inside it go to `inner`."""
    from docx.table import Table

    texts = []
    for part in cell.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(part, Table):
            inner += _docx_rows(part)
        else:
            texts.append(part.text)
    return "\n".join(texts)


_LOADERS: dict[str, Callable[[Path, str | None], list[RawPage]]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
