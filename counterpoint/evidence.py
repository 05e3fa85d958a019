"""Where a cited passage comes from: the text around it, its source file, and its page.

The evidence viewer and the exported brief both need to get from a chunk back to the document:
its neighbouring chunks (by the `position` every chunk carries) and the file it was read from
(to render a PDF page, and to hash the file when the index does not hold its hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterpoint.chroma import store_errors
from counterpoint.config import Settings
from counterpoint.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

    from counterpoint.store import ChunkStore

UPLOADS = "uploads"
HIGHLIGHT_RGBA = (255, 213, 79, 110)  # translucent marker yellow over the rendered page


@dataclass(frozen=True)
class PassageContext:
    """A chunk with the document text just before and after it (overlap removed)."""

    chunk_id: str
    meta: dict[str, Any]
    text: str
    before: str = ""
    after: str = ""


def passage_context(store: ChunkStore, chunk_id: str) -> PassageContext | None:
    """The chunk and its neighbours in the same version of the document, or None if gone."""
    with store_errors("reading a passage"):
        got = store.collection.get(ids=[chunk_id], include=["documents", "metadatas"])
    if not got["ids"]:
        return None
    meta, text = dict(got["metadatas"][0]), got["documents"][0]
    position = int(meta.get("position", 0))
    where = {
        "$and": [
            {"doc_id": meta["doc_id"]},
            {"doc_hash": meta["doc_hash"]},
            {"position": {"$in": [position - 1, position + 1]}},
        ]
    }
    with store_errors("reading neighbouring passages"):
        near = store.collection.get(where=where, include=["documents", "metadatas"])
    before = after = ""
    for other_meta, other_text in zip(near["metadatas"], near["documents"], strict=True):
        if int(other_meta["position"]) < position:
            # Chunks overlap: keep only the part of the previous one that precedes this one.
            cut = int(meta.get("start_char", 0)) - int(other_meta.get("start_char", 0))
            before = other_text[: max(cut, 0)]
        else:
            skip = int(meta.get("end_char", 0)) - int(other_meta.get("start_char", 0))
            after = other_text[max(skip, 0) :]
    return PassageContext(chunk_id, meta, text, before, after)


def quote_span(passage: str, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in the passage: exactly, else ignoring case and spacing."""
    if not quote:
        return None
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    flat, index = _flatten(passage)
    wanted = " ".join(quote.split()).lower()
    found = flat.find(wanted)
    if found < 0 or not wanted:
        return None
    return index[found], index[found + len(wanted) - 1] + 1


def _flatten(text: str) -> tuple[str, list[int]]:
    """Text lower-cased with whitespace runs collapsed, and each character's original offset."""
    chars: list[str] = []
    index: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char.lower())
        index.append(offset)
    return "".join(chars), index


def uploads_dir(settings: Settings) -> Path:
    """Where the page keeps the files analysts upload into a case (inside the case's folder)."""
    return settings.case_dir / UPLOADS


def source_file(settings: Settings, meta: dict[str, Any]) -> Path | None:
    """The file a document was ingested from, when it is still on disk.

    Uploads are kept as `uploads/<first 16 hex of their SHA-256>/<name>`, loose files as
    `files/<the same>/<name>`; manifest documents
    where `corpus.toml` puts them.
    """
    name = str(meta.get("file") or "")
    if not name:
        return None
    uploads, folder = uploads_dir(settings), str(meta.get("content_hash", ""))[:16]
    # Loose files (`ingest FILE`) are kept under files/ (ingest.sources), uploads under uploads/.
    kept = settings.case_dir / "files" / folder / name
    candidates = [uploads / folder / name, kept, uploads / name]
    if meta.get("origin", "manifest") == "manifest":
        listed = _manifest_paths(settings.corpus_dir).get(str(meta.get("doc_id")))
        candidates = [p for p in (listed, settings.corpus_dir / name) if p]
    return next((path for path in candidates if path.is_file()), None)


def _manifest_paths(corpus_dir: Path) -> dict[str, Path]:
    from counterpoint.errors import CounterpointError
    from ingest.manifest import MANIFEST_NAME, load_manifest

    try:
        manifest = load_manifest(corpus_dir / MANIFEST_NAME)
    except CounterpointError:
        return {}
    return {entry.id: manifest.resolve(entry) for entry in manifest.documents}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, as `sha256sum` prints it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@contextmanager
def _open_pdf(path: Path) -> Iterator[Any]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path.name}: cannot open the PDF ({exc})") from None
    try:
        yield pdf
    finally:
        pdf.close()


def quote_page(path: Path, quote: str, first: int, last: int | None = None) -> int:
    """The page among `first`..`last` that holds the quote (a passage may span pages)."""
    with _open_pdf(path) as pdf:
        for page in range(max(first, 1), min(last or first, len(pdf)) + 1):
            if _quote_boxes(pdf[page - 1], quote):
                return page
    return first


def render_pdf_page(path: Path, page: int, highlight: str = "", scale: float = 1.5) -> Image:
    """One page of a PDF as an image, with `highlight` (a quote) marked where it is found."""
    from PIL import ImageDraw

    with _open_pdf(path) as pdf:
        if not 1 <= page <= len(pdf):
            raise InputError(f"{path.name} has {len(pdf)} pages, not a page {page}")
        pdf_page = pdf[page - 1]
        image = pdf_page.render(scale=scale).to_pil().convert("RGB")
        boxes = _quote_boxes(pdf_page, highlight) if highlight else []
        draw = ImageDraw.Draw(image, "RGBA")  # "RGBA" blends the fill over the page
        height = pdf_page.get_height()
        for left, bottom, right, top in boxes:
            draw.rectangle(
                [left * scale, (height - top) * scale, right * scale, (height - bottom) * scale],
                fill=HIGHLIGHT_RGBA,
            )
        return image


def _quote_boxes(pdf_page: Any, quote: str) -> list[tuple[float, float, float, float]]:
    """Rectangles (PDF points) covering the quote on the page; its opening words if need be.

    The quote is cleaned text (joined hyphenations, repaired spacing), so the page's raw text
    may hold only its beginning verbatim.
    """
    textpage = pdf_page.get_textpage()
    text = textpage.get_text_range(0, textpage.count_chars())
    words = quote.split()
    for size in (len(words), 12, 6):
        span = quote_span(text, " ".join(words[:size]))
        if span:
            count = textpage.count_rects(span[0], span[1] - span[0])
            return [textpage.get_rect(i) for i in range(count)]
    return []
