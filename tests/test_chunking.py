"""Chunking: sentence-aware, sized for the embedder, with exact offsets, pages and sections."""

from counterpoint.embedding import count_word_pieces
from ingest.chunking import assemble_text, chunk_document, find_headings
from ingest.cleaning import clean_text
from ingest.loaders import RawPage, load_pages
from tests.conftest import CORPUS


def seed_report_chunks(tokens: int = 128, overlap: int = 32):
    pages = load_pages(CORPUS / "hikvision-esg-report-2020.txt", "leading-space")
    document = assemble_text(pages, clean_text)
    return document, chunk_document(document, tokens, overlap, count_word_pieces)


def test_every_chunk_fits_the_embedder_window():
    _, chunks = seed_report_chunks()
    assert max(count_word_pieces(chunk.text) for chunk in chunks) <= 128


def test_chunk_text_is_exactly_the_document_between_its_offsets():
    document, chunks = seed_report_chunks()
    assert all(document.text[c.start : c.end] == c.text for c in chunks)


def test_chunks_cover_every_page_of_the_report_in_order():
    _, chunks = seed_report_chunks()
    pages = [chunk.page for chunk in chunks]
    covered = {p for c in chunks for p in range(c.page, c.page_end + 1)}
    assert pages == sorted(pages) and covered == set(range(1, 24))


def test_chunks_end_at_sentence_boundaries_when_they_can():
    _, chunks = seed_report_chunks()
    endings = sum(chunk.text.rstrip().endswith((".", "”", '"', ")")) for chunk in chunks)
    assert endings / len(chunks) > 0.5


def test_chunk_page_comes_from_the_page_its_text_starts_on():
    pages = [RawPage(1, "First page. It talks about audits."), RawPage(2, "Second page on water.")]
    document = assemble_text(pages, lambda text: text)
    chunks = chunk_document(document, 6, 0, count_word_pieces)
    water = next(c for c in chunks if "water" in c.text)
    audits = next(c for c in chunks if "audits" in c.text)
    assert (audits.page, water.page) == (1, 2)


def test_chunk_carries_the_heading_it_falls_under():
    text = "Cybersecurity\n\nWe run a security lab. It tests every product.\n\nQuality\n\nWe audit."
    document = assemble_text([RawPage(None, text)], lambda t: t)
    chunks = chunk_document(document, 12, 0, count_word_pieces)
    assert {c.section for c in chunks if "lab" in c.text} == {"Cybersecurity"}
    assert [h for _, h in find_headings(text)] == ["Cybersecurity", "Quality"]


def test_chunking_is_deterministic():
    first = [(c.start, c.end) for c in seed_report_chunks()[1]]
    assert first == [(c.start, c.end) for c in seed_report_chunks()[1]]
