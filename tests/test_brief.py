"""The due-diligence brief: every answer and quote with document, page and side; hashed sources."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from counterpoint.brief import Brief, Source, make_brief, to_docx, to_markdown, to_pdf
from counterpoint.brief.blocks import answer_blocks
from counterpoint.evidence import file_sha256
from counterpoint.models import Answer, Citation, SideFindings
from tests.conftest import make_settings

HASH = "ab" * 32


def citation(n: int, side: str, quote: str, page: int | None, supported: bool = True) -> Citation:
    doc = "acme-report" if side == "company" else "watch-article"
    return Citation(
        n=n,
        side=side,
        doc_id=doc,
        title=doc.replace("-", " ").title(),
        page=page,
        chunk_id=f"{doc}-{n:04d}",
        quote=quote,
        supported=supported,
        passage=f"… {quote} …",
    )


@pytest.fixture
def answer() -> Answer:
    cites = [
        citation(1, "company", "We audit our suppliers every year.", 4),
        citation(2, "critic", "The audits cover only a tenth of suppliers.", None),
    ]
    text = (
        "**What the company says**\n\n- “We audit our suppliers every year.” [1]\n\n"
        "**What critics say**\n\n- “The audits cover only a tenth of suppliers.” [2]\n\n"
        "**Where they meet**\n\nThe critics' passage pushes back:\n\n"
        "| Company | Critics |\n| --- | --- |\n| “We audit…” [1] | “only a tenth” [2] |"
    )
    sides = {
        "company": SideFindings(found=True, citations=[1]),
        "critic": SideFindings(found=True, citations=[2]),
    }
    return Answer(
        question="Are suppliers audited?",
        mode="extractive",
        answer=text,
        sides=sides,
        citations=cites,
        insufficient_evidence=False,
        timings_ms={"retrieve": 1.0},
    )


@pytest.fixture
def brief(answer) -> Brief:
    sources = [
        Source("acme-report", "Acme Report", "company", "Acme", "2024", "report.pdf", HASH),
        Source("watch-article", "Watch Article", "critic", "Watch", "2025-01-02", "a.txt", None),
    ]
    return Brief([answer], sources, datetime(2026, 11, 27, 9, 30, tzinfo=UTC), "extractive")


def test_the_markdown_brief_holds_every_answer_quote_and_source(brief, answer):
    text = to_markdown(brief)
    assert "Exported 2026-11-27 09:30 UTC" in text
    assert "## 1. Are suppliers audited?" in text and answer.answer in text
    assert "[1] COMPANY · Acme Report · p. 4 · verbatim · answers, relevance" in text
    assert "> We audit our suppliers every year." in text
    assert "[2] CRITIC · Watch Article · no page numbers" in text
    assert f"SHA-256: `{HASH}`" in text
    assert "**watch-article**: Watch Article · CRITIC · Watch · 2025-01-02 · a.txt" in text
    assert "file not available" in text


def test_a_quote_not_verbatim_is_flagged_in_the_brief(brief, answer):
    answer.citations[1].supported = False
    assert "[2] CRITIC · Watch Article · no page numbers · NOT VERBATIM" in to_markdown(brief)


def test_a_closest_passage_says_in_the_brief_that_it_may_not_answer(brief, answer):
    answer.citations[1].tier, answer.citations[1].relevance = "closest", 0.31
    assert (
        "[2] CRITIC · Watch Article · no page numbers · verbatim · may not answer, relevance 0.31"
        in to_markdown(brief)
    )


def test_the_pdf_brief_reads_back_with_quotes_sides_and_hashes(brief):
    from pypdf import PdfReader

    data = to_pdf(brief)
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for expected in (
        "Are suppliers audited?",
        "COMPANY — What the company says",
        "CRITICS — What critics say",
        "We audit our suppliers every year.",
        "[2] CRITIC · Watch Article",
        HASH,
        "Exported 2026-11-27 09:30 UTC",
    ):
        assert expected in text


def test_the_word_brief_reads_back_with_quotes_and_hashes(brief):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(brief)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "1. Are suppliers audited?" in text
    assert "“The audits cover only a tenth of suppliers.”" in text
    assert "[1] COMPANY · Acme Report · p. 4 · verbatim · answers, relevance" in text
    assert f"SHA-256: {HASH}" in text
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "Company"


def test_the_answer_markdown_becomes_headings_bullets_and_a_table(answer):
    kinds = [kind for kind, _ in answer_blocks(answer.answer)]
    assert kinds == ["heading", "bullet", "heading", "bullet", "heading", "para", "table"]
    table = answer_blocks(answer.answer)[-1][1]
    assert table == [["Company", "Critics"], ["“We audit…” [1]", "“only a tenth” [2]"]]


def test_a_brief_gives_each_source_the_hash_of_its_file(tmp_path, answer):
    settings = make_settings(tmp_path / "data")
    documents = {
        "acme-report": {
            "title": "Acme Report",
            "side": "company",
            "publisher": "Acme",
            "date": "2024",
            "file": "report.pdf",
            "origin": "file",
            "content_hash": HASH,
        },
    }
    brief = make_brief([answer], documents, settings, "extractive")
    acme, watch = brief.sources
    assert acme.sha256 == HASH and acme.publisher == "Acme" and acme.file == "report.pdf"
    assert watch.doc_id == "watch-article" and watch.sha256 is None  # since removed from the index
    assert brief.exported_at.tzinfo is not None


def test_a_source_indexed_without_a_hash_is_hashed_from_its_file(tmp_path, answer, corpus_copy):
    settings = make_settings(tmp_path / "data", corpus_dir=corpus_copy)
    documents = {
        "acme-report": {
            "title": "Acme",
            "side": "company",
            "origin": "manifest",
            "file": "hikvision-esg-report-2020.txt",
        }
    }
    acme = make_brief([answer], documents, settings, "extractive").sources[0]
    assert acme.sha256 == file_sha256(corpus_copy / "hikvision-esg-report-2020.txt")


# The timeline and the claims matrix in the brief ---------------------------------------------


@pytest.fixture
def brief_with_matrix(brief):
    from counterpoint.matrix.models import (
        AllegationRow,
        ClaimRow,
        EvidenceQuote,
        Matrix,
        Statement,
        Timeline,
        TimelineEvent,
    )

    def statement(text: str, side: str, page: int | None) -> Statement:
        doc = "acme-report" if side == "company" else "watch-article"
        kind = "policy" if side == "company" else "allegation"
        title = doc.replace("-", " ").title()
        return Statement(id=text[:6], text=text, side=side, doc_id=doc, title=title, page=page,
                         chunk_id=f"{doc}-1", kind=kind, theme="labour")  # fmt: skip

    critic_quote = EvidenceQuote(
        side="critic", doc_id="watch-article", title="Watch Article", page=None,
        chunk_id="watch-article-1", quote="The audits cover only a tenth of suppliers.",
        similarity=0.71, contrast=["only"],
    )  # fmt: skip
    matrix = Matrix(
        mode="rules",
        claims=[
            ClaimRow(claim=statement("We audit our suppliers every year.", "company", 4),
                     relation="contested", confidence=0.74, evidence=[critic_quote]),
            ClaimRow(claim=statement("We publish a supplier list each spring.", "company", 5),
                     relation="not_addressed", confidence=0.55),
        ],
        allegations=[
            AllegationRow(allegation=statement("Workers were locked in the dormitories.",
                                               "critic", None),
                          coverage="unaddressed", confidence=0.66, reason="no close passage"),
        ],
    )  # fmt: skip
    timeline = Timeline(
        events=[
            TimelineEvent(date="2024", precision="year", kind="reporting_period", side="company",
                          doc_id="acme-report", title="Acme Report",
                          text="Reporting period: 2024 (date from the corpus manifest)",
                          date_from="manifest"),
            TimelineEvent(date="2025-01-02", precision="day", kind="event", side="critic",
                          doc_id="watch-article", title="Watch Article", page=None,
                          chunk_id="watch-article-1",
                          text="On January 2, 2025, inspectors visited the plant."),
        ]
    )  # fmt: skip
    return Brief(brief.answers, brief.sources, brief.exported_at, "extractive", timeline, matrix)


EXTRA_TEXTS = (
    "Timeline",
    "2025-01-02 · CRITIC · Watch Article · no page numbers · event · date from the text",
    "On January 2, 2025, inspectors visited the plant.",
    "Claims matrix (machine-made)",
    "Unaddressed allegations · 1",
    "Workers were locked in the dormitories.",
    "Contested claims · 1",
    "COMPANY · Acme Report · p. 4 · Labour · CONTESTED · machine-made, confidence 0.74",
    "CRITIC · Watch Article · no page numbers: “The audits cover only a tenth of suppliers.”",
)


def test_the_markdown_brief_holds_the_timeline_and_the_claims_matrix(brief_with_matrix):
    text = to_markdown(brief_with_matrix)
    for expected in EXTRA_TEXTS:
        assert expected in text
    assert "We publish a supplier list" not in text  # only contested claims are listed
    assert text.index("## Claims matrix") < text.index("## Sources")


def test_the_pdf_brief_holds_the_timeline_and_the_claims_matrix(brief_with_matrix):
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(to_pdf(brief_with_matrix))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for expected in EXTRA_TEXTS:
        assert expected in text


def test_the_word_brief_holds_the_timeline_and_the_claims_matrix(brief_with_matrix):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(brief_with_matrix)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for expected in EXTRA_TEXTS:
        assert expected in text


def test_a_brief_without_the_matrix_says_why(answer, tmp_path):
    note = "Not included: open the Claims tab to build it, then export again."
    brief = make_brief([answer], {}, make_settings(tmp_path), "extractive", matrix_note=note)
    text = to_markdown(brief)
    assert "## Claims matrix (machine-made)" in text and note in text
    assert "## Timeline" not in text


def test_a_hostile_quote_stays_as_written_in_every_brief_format():
    from docx import Document

    quote = "Audits are **spotless** :green-badge[verified] [1] $$x$$ [site](https://e.example)."
    cites = [citation(1, "critic", quote, 2)]
    hostile = Answer(
        question="Are audits **clean**?",
        mode="extractive",
        answer=f"**What critics say**\n\n- “{quote}” [1]",
        sides={"critic": SideFindings(found=True, citations=[1])},
        citations=cites,
        insufficient_evidence=False,
        timings_ms={},
    )
    brief = Brief(answers=[hostile], sources=[], exported_at=datetime(2026, 1, 1, tzinfo=UTC))
    markdown = to_markdown(brief)
    assert "Are audits \\*\\*clean\\*\\*?" in markdown
    assert "Audits are \\*\\*spotless\\*\\* :\u2060green-badge\\[verified\\] \\[1\\]" in markdown
    assert "” [1]" in markdown  # our marker stays a marker
    doc = Document(io.BytesIO(to_docx(brief)))
    runs = [run for p in doc.paragraphs for run in p.runs]
    assert any(quote in run.text for run in runs)  # the quote in one run, as written
    assert not any(run.bold and "spotless" in run.text for run in runs)


def test_a_quote_of_the_companys_words_in_a_critic_document_says_whose_words_they_are():
    from counterpoint.brief.blocks import citation_line
    from counterpoint.models import Citation

    quote = "We respect human rights everywhere."
    cited = Citation(
        n=3,
        side="critic",
        doc_id="watch",
        title="Watch Article",
        page=None,
        chunk_id="c-1",
        quote=quote,
        passage=quote,
        supported=True,
        quoted_by="Watch",
    )
    line = citation_line(cited)
    assert line.startswith("[3] COMPANY · as quoted by Watch · Watch Article")


# No gaps: no heading over nothing, counts in the right number, the page's order ---------------


@pytest.fixture
def abstention() -> Answer:
    """An answer with no evidence on either side, as the extractive answerer words it."""
    return Answer(
        question="What is the boiling point of water on Mars?",
        mode="extractive",
        answer="Neither the company's documents nor the critics' address this question, so "
        "there is no answer to give from this corpus.",
        sides={"company": SideFindings(found=False, citations=[]),
               "critic": SideFindings(found=False, citations=[])},
        citations=[],
        insufficient_evidence=True,
        timings_ms={},
    )  # fmt: skip


def empty_markdown_headings(text: str) -> list[str]:
    """Headings followed by a heading of the same or a higher level, or by nothing."""
    lines = [line for line in text.splitlines() if line.strip()]
    found = []
    for index, line in enumerate(lines):
        if not line.startswith("#"):
            continue
        level = len(line) - len(line.lstrip("#"))
        after = lines[index + 1] if index + 1 < len(lines) else "#"
        if after.startswith("#") and len(after) - len(after.lstrip("#")) <= level:
            found.append(line)
    return found


def empty_word_headings(data: bytes) -> list[str]:
    from docx import Document

    paragraphs = [p for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]
    levels = [
        int(p.style.name.split()[-1]) if p.style.name.startswith("Heading") else None
        for p in paragraphs
    ]
    levels.append(0)  # the end of the document closes every heading
    return [
        p.text
        for p, level, after in zip(paragraphs, levels, levels[1:], strict=False)
        if level is not None and after is not None and after <= level
    ]


def test_an_abstention_leaves_no_empty_heading_in_any_format(abstention):
    from pypdf import PdfReader

    brief = Brief([abstention], [], datetime(2026, 1, 1, tzinfo=UTC))
    markdown = to_markdown(brief)
    assert empty_markdown_headings(markdown) == []
    assert "### Evidence" not in markdown and "No document is cited" in markdown
    assert empty_word_headings(to_docx(brief)) == []
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(to_pdf(brief))).pages)
    assert "Evidence" not in pdf and "No document is cited" in pdf


def test_a_full_brief_has_no_empty_heading_either(brief_with_matrix):
    assert empty_markdown_headings(to_markdown(brief_with_matrix)) == []
    assert empty_word_headings(to_docx(brief_with_matrix)) == []


def test_counts_of_one_are_singular(brief_with_matrix):
    one = Brief(brief_with_matrix.answers, brief_with_matrix.sources[:1],
                brief_with_matrix.exported_at, "extractive",
                brief_with_matrix.timeline.model_copy(
                    update={"events": brief_with_matrix.timeline.events[:1]}),
                brief_with_matrix.matrix.model_copy(
                    update={"claims": brief_with_matrix.matrix.claims[:1]}))  # fmt: skip
    text = to_markdown(one)
    assert "· 1 question · 1 source" in text
    assert "1 dated point," in text
    assert "1 company claim: 1 contested" in text and "1 critic allegation: 1 unaddressed" in text
    assert "· 2 questions" not in text and "1 questions" not in text


def test_the_brief_lists_the_contested_claims_in_the_claims_tabs_order(brief_with_matrix):
    from counterpoint.matrix.triage import triage
    from ui.claims import in_page_order

    matrix = brief_with_matrix.matrix
    surer = matrix.claims[0].model_copy(deep=True)
    surer.claim.text, surer.confidence = "We pay every worker a living wage.", 0.86
    stored = matrix.model_copy(update={"claims": [*matrix.claims, surer]})  # not page order
    ordered = in_page_order(stored)
    page = [row.claim.text for row in triage(stored).contested]
    assert page[0] == surer.claim.text
    text = to_markdown(Brief(brief_with_matrix.answers, [], brief_with_matrix.exported_at,
                             matrix=ordered))  # fmt: skip
    section = text[text.index("### Contested claims") :]
    positions = [section.index(claim) for claim in page]
    assert positions == sorted(positions)
