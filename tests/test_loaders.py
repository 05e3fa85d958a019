"""Loaders: every supported format yields text (with pages where it has them); bad files are
refused with a message naming the file and the problem."""

from pathlib import Path

import pytest

from counterpoint.errors import IngestError
from ingest.loaders import load_pages
from tests.conftest import CORPUS


def make_pdf(path: Path, pages: list[str]) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    return path


def test_seed_report_splits_into_its_23_pages_at_leading_space_lines():
    pages = load_pages(CORPUS / "hikvision-esg-report-2020.txt", "leading-space")
    assert [page.number for page in pages] == list(range(1, 24))
    assert pages[0].text.startswith(" Stakeholder Engagement")


def test_text_without_page_marks_is_one_page_without_number():
    pages = load_pages(CORPUS / "ipvm-hikvision-prc-human-rights-law-2019.txt")
    assert len(pages) == 1 and pages[0].number is None


def test_pdf_pages_are_numbered_from_the_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "r.pdf", ["First page about governance.", "Second page on audits."])
    pages = load_pages(pdf)
    assert [(p.number, p.text.strip()) for p in pages] == [
        (1, "First page about governance."),
        (2, "Second page on audits."),
    ]


def test_docx_paragraphs_and_tables_are_read(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("The board met four times.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Emissions"
    table.rows[0].cells[1].text = "12 kt"
    document.save(tmp_path / "r.docx")
    text = load_pages(tmp_path / "r.docx")[0].text
    assert "The board met four times." in text and "Emissions · 12 kt" in text


def test_html_text_is_read_without_scripts(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><script>var x=1;</script><body><p>Audit found gaps.</p></body></html>")
    text = load_pages(page)[0].text
    assert "Audit found gaps." in text and "var x" not in text


def test_non_utf8_text_is_decoded(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café société: the company’s report on naïve claims.".encode("cp1252"))
    assert "Café société" in load_pages(path)[0].text


def test_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(IngestError, match="empty.txt: the file is empty"):
        load_pages(tmp_path / "empty.txt")


def test_binary_file_named_txt_is_refused(tmp_path):
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match="blob.txt: looks like a binary file"):
        load_pages(tmp_path / "blob.txt")


def test_corrupt_pdf_is_refused(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n%%EOF")
    with pytest.raises(IngestError, match="bad.pdf"):
        load_pages(tmp_path / "bad.pdf")


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.rect(72, 72, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError, match="no text layer.*OCR"):
        load_pages(tmp_path / "scan.pdf")


def test_unsupported_type_is_refused(tmp_path):
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match="unsupported file type '.xlsx'"):
        load_pages(tmp_path / "sheet.xlsx")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(IngestError, match="gone.txt: cannot read the file"):
        load_pages(tmp_path / "gone.txt")


def test_docx_tables_inside_cells_are_read_and_merged_cells_once(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Supplier audits by region.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Audits of 2020"  # across the row
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Xinjiang"  # down two rows
    table.cell(1, 1).text = "Announced"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Forced labour found"
    inner.cell(0, 1).text = "3 sites"
    table.cell(2, 1).text = "Unannounced"
    document.add_paragraph("Closing remarks.")
    document.save(tmp_path / "nested.docx")
    text = load_pages(tmp_path / "nested.docx")[0].text
    assert "Forced labour found · 3 sites" in text
    assert text.count("Audits of 2020") == 1 and text.count("Xinjiang") == 1
    assert text.index("Supplier audits") < text.index("Forced labour") < text.index("Closing")


def test_a_docx_whose_xml_unpacks_past_the_limit_is_refused_before_it_is_parsed(
    tmp_path, monkeypatch
):
    from docx import Document

    import ingest.loaders

    document = Document()
    document.add_paragraph("Audits " * 2000)
    document.save(tmp_path / "bomb.docx")
    monkeypatch.setattr(ingest.loaders, "MAX_DOCX_XML_BYTES", 10_000)  # as a bomb of GBs would
    with pytest.raises(IngestError, match=r"bomb\.docx: its text unpacks to .* MB of XML, over"):
        load_pages(tmp_path / "bomb.docx")
