"""A report-size PDF (300 pages of prose, a table and a chart image on each) uploads whole: every
page is read and cited with its page number, its tables are searchable, and the page hears how
far the ingest has got. Its peak memory is measured in bench/large_pdf.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bench.report_pdf import page_code, report_pdf
from counterpoint.assistant import Assistant
from tests.conftest import make_settings

PAGES = 300


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, list[tuple[str, float]]]:
    root = tmp_path_factory.mktemp("large-pdf")
    pdf = report_pdf(root / "annual-report-2031.pdf", pages=PAGES, words=60)
    assistant = Assistant(make_settings(root / "data", root / "no-corpus"), lambda _: None)
    assistant.create_case("Large Report Co")
    steps: list[tuple[str, float]] = []
    data = io.BytesIO(Path(pdf).read_bytes())
    assistant.ingest_upload(pdf.name, data, "company", on_step=lambda *step: steps.append(step))
    return assistant, steps


def test_every_page_of_a_300_page_pdf_is_indexed_with_its_page_number(uploaded):
    assistant, _ = uploaded
    pages = set()
    for node in assistant.store.nodes():  # a passage runs from its page to its page_end
        pages.update(range(node.metadata["page"], node.metadata["page_end"] + 1))
    assert pages == set(range(1, PAGES + 1))


@pytest.mark.parametrize("page", [1, 150, PAGES])
def test_a_passage_deep_in_the_pdf_is_found_and_cited_to_its_page(uploaded, page):
    assistant, _ = uploaded
    results = assistant.search(f"reference {page_code(page)}", side="company").results
    found = [r for r in results if page_code(page) in r.text]
    assert found and found[0].page <= page <= (found[0].page_end or found[0].page)


def test_a_table_cell_of_the_pdf_is_searchable(uploaded):
    assistant, _ = uploaded
    figure = f"{217 * 37:,}"  # page 217's 2022 Scope 1 figure
    results = assistant.search(f"Scope 1 (tCO2e) 2022 {figure}", side="company").results
    assert any(figure in r.text for r in results)


def test_the_upload_reports_each_step_and_ends_near_full(uploaded):
    _, steps = uploaded
    fractions = [done for _, done in steps]
    assert fractions == sorted(fractions) and fractions[-1] >= 0.95
    assert any(f"{PAGES} pages" in doing for doing, _ in steps)
    embedding = [doing for doing, _ in steps if doing.startswith("embedding")]
    assert len(embedding) > 3 and re.fullmatch(r"embedding: (\d+) of \1 passages", embedding[-1])
