"""From a cited chunk back to its document: neighbours, quote position, source file, PDF page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from counterpoint.errors import InputError
from counterpoint.evidence import (
    HIGHLIGHT_RGBA,
    file_sha256,
    passage_context,
    quote_page,
    quote_span,
    render_pdf_page,
    source_file,
    uploads_dir,
)
from tests.conftest import make_settings


def a_pdf(path: Path) -> Path:
    """Two pages; the first holds a sentence split over two lines."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Our supplier audits cover every factory")
    pdf.drawString(72, 705, "and we publish every finding each year.")
    pdf.showPage()
    pdf.drawString(72, 720, "The second page says something else.")
    pdf.save()
    return path


def yellow_pixels(image) -> int:  # noqa: ANN001 - a PIL image
    rgb = np.asarray(image.convert("RGB")).astype(int)
    return int(((rgb[..., 0] > 240) & (rgb[..., 1] > 200) & (rgb[..., 2] < 200)).sum())


def overlapping_chunks(seed_assistant) -> tuple:
    """Three consecutive company chunks, the middle one overlapping both of its neighbours."""
    nodes = {n.metadata["position"]: n for n in seed_assistant.store.nodes("company")}
    for position in sorted(nodes)[1:-1]:
        before, middle, after = nodes[position - 1], nodes[position], nodes[position + 1]
        if (
            before.metadata["end_char"] > middle.metadata["start_char"]
            and middle.metadata["end_char"] > after.metadata["start_char"]
        ):
            return before, middle, after
    raise AssertionError("the ESG report has overlapping chunks")


def test_neighbouring_passages_continue_the_document_without_repeating_it(seed_assistant):
    previous, middle, following = overlapping_chunks(seed_assistant)
    context = passage_context(seed_assistant.store, middle.node_id)
    assert context is not None and context.text == middle.get_content()
    shared_before = previous.metadata["end_char"] - middle.metadata["start_char"]
    shared_after = middle.metadata["end_char"] - following.metadata["start_char"]
    # The neighbours' text that the passage itself repeats is cut away...
    assert context.before == previous.get_content()[:-shared_before]
    assert context.after == following.get_content()[shared_after:]
    # ...and what was cut is exactly the passage's own opening and ending.
    assert middle.get_content().startswith(previous.get_content()[-shared_before:])
    assert middle.get_content().endswith(following.get_content()[:shared_after])


def test_a_chunk_no_longer_in_the_index_has_no_context(seed_assistant):
    assert passage_context(seed_assistant.store, "0000000000000000-0000") is None


def test_a_quote_is_located_even_when_its_spacing_differs():
    passage = "First sentence.  We audit\nour suppliers every year. Last one."
    start, end = quote_span(passage, "we audit our suppliers every year.")
    assert passage[start:end] == "We audit\nour suppliers every year."
    assert quote_span(passage, "words that are not there") is None


def test_a_pdf_page_is_rendered_with_the_quote_marked(tmp_path):
    pdf = a_pdf(tmp_path / "audit.pdf")
    quote = "Our supplier audits cover every factory and we publish every finding each year."
    marked = render_pdf_page(pdf, 1, quote)
    plain = render_pdf_page(pdf, 1)
    assert marked.size == plain.size and marked.size[0] > 800
    assert yellow_pixels(marked) > 500  # both lines of the quote are under the marker
    assert yellow_pixels(plain) == 0
    assert HIGHLIGHT_RGBA[3] < 255  # translucent: the words stay readable


def test_a_page_outside_the_pdf_is_refused_with_a_message(tmp_path):
    with pytest.raises(InputError, match="has 2 pages"):
        render_pdf_page(a_pdf(tmp_path / "audit.pdf"), 7)


def test_a_document_is_traced_to_its_file_in_the_corpus_or_the_uploads(tmp_path, corpus_copy):
    settings = make_settings(tmp_path / "data", corpus_dir=corpus_copy)
    listed = {"doc_id": "hikvision-esg-2020", "file": "hikvision-esg-report-2020.txt"}
    assert source_file(settings, listed) == corpus_copy / "hikvision-esg-report-2020.txt"
    digest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"  # of "hello"
    upload = uploads_dir(settings) / digest[:16] / "brief.txt"  # where uploads are saved
    upload.parent.mkdir(parents=True)
    upload.write_text("hello", encoding="utf-8")
    loose = {"doc_id": "brief", "file": "brief.txt", "origin": "file", "content_hash": digest}
    assert source_file(settings, loose) == upload and file_sha256(upload) == digest
    assert source_file(settings, {"doc_id": "gone", "file": "gone.txt", "origin": "file"}) is None


def test_a_passage_spanning_pages_shows_the_page_that_holds_its_quote(tmp_path):
    pdf = a_pdf(tmp_path / "audit.pdf")
    assert quote_page(pdf, "The second page says something else.", 1, 2) == 2
    assert quote_page(pdf, "Our supplier audits cover every factory", 1, 2) == 1
    assert quote_page(pdf, "Words printed on no page at all here.", 1, 2) == 1
