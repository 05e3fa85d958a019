"""Read .txt / .md / .html / .pdf / .docx files into pages of raw text.

Each loader returns the text as the file holds it, split into pages where the format has pages;
repairing extraction damage is `ingest.cleaning`'s job, so a loader never edits words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from counterpoint.errors import IngestError

MAX_FILE_BYTES = 50 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
# A line opening with exactly one space, then text: how the ESG report's extraction marks pages.
_LEADING_SPACE_PAGE = re.compile(r"^ (?=\S)", re.MULTILINE)


@dataclass(frozen=True)
class RawPage:
    """The text of one page; `number` is 1-based, or None for formats without pages."""

    number: int | None
    text: str


def load_pages(path: Path, page_breaks: str | None = None) -> list[RawPage]:
    """Load a file into raw pages, or raise `IngestError` saying exactly what is wrong."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise IngestError(f"{path.name}: unsupported file type '{path.suffix}' (use {kinds})")
    _check_size(path)
    pages = loader(path, page_breaks)
    if not any(page.text.strip() for page in pages):
        raise IngestError(f"{path.name}: the file holds no text")
    return pages


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise IngestError(f"{path.name}: {size / 2**20:.0f} MB is over the {limit} MB limit")


def decode_text(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 first, else the encoding charset-normalizer detects."""
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise IngestError(f"{name}: not readable as text in any known encoding") from None
        return str(best)


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
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(path.read_bytes(), path.name), "html.parser")
    for tag in soup(["script", "style", "nav", "noscript", "template"]):
        tag.decompose()
    return [RawPage(None, soup.get_text("\n"))]


def _load_pdf(path: Path, page_breaks: str | None) -> list[RawPage]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy")
        pages = [RawPage(n, page.extract_text() or "") for n, page in enumerate(reader.pages, 1)]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({exc})") from None
    if pages and not any(page.text.strip() for page in pages):
        raise IngestError(f"{path.name}: the PDF has no text layer (a scan?); OCR it first")
    return pages


def _load_docx(path: Path, page_breaks: str | None) -> list[RawPage]:
    import zipfile

    from docx import Document

    try:
        document = Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"{path.name}: not a readable .docx file ({exc})") from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        blocks.extend(" · ".join(cell.text for cell in row.cells) for row in table.rows)
    return [RawPage(None, "\n\n".join(blocks))]


_LOADERS: dict[str, Callable[[Path, str | None], list[RawPage]]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
