"""Page furniture is set apart at ingest, for every format: out of search and answers, still in
the index for a passage's context, and listed per document (`counterpoint inspect`).

One small real case holds a PDF report (a cover, a running header and footer with page
numbers), a web page (navigation, a related-articles list, share and cookie lines, reader
comments) and a text report with a content index; it is ingested once into a real Chroma.
"""

from __future__ import annotations

import pytest

from counterpoint.assistant import Assistant
from counterpoint.evidence import passage_context
from counterpoint.setapart import layouts
from tests.conftest import make_settings

BODY = [
    "Our plants cut water withdrawal by 18 percent in 2023 against the 2019 baseline. "
    "The largest saving came from closed-loop cooling at the Tarnow site, which now reuses "
    "nine litres of every ten it draws.",
    "Scope 1 emissions fell to 41,200 tonnes of CO2 equivalent in 2023. The boiler fleet at "
    "three sites moved from heavy fuel oil to biomass, and the remaining gas boilers were "
    "fitted with heat recovery.",
    "All suppliers of critical minerals were audited against our responsible sourcing "
    "standard in 2023. Two suppliers failed the audit and were given a corrective action "
    "plan with a deadline of six months.",
]

WEB_PAGE = """<!DOCTYPE html><html><head><title>Vantor fined over river spill | The Ledger</title>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/business">Business</a></li></ul></nav></header>
<article><h1>Vantor fined over river spill</h1>
<p>Vantor Minerals discharged untreated wastewater into the Brenn river on at least twelve
occasions in 2022, according to inspection records obtained by the Ledger.</p>
<p>The regional water authority fined the company 2.4 million euros in March 2023 after
samples showed solvent levels forty times above the permitted limit.</p>
<div class="share">Share this article: Facebook Twitter LinkedIn</div>
</article>
<aside class="related"><h3>Related articles</h3><ul>
<li><a href="/a">Vantor profits soar as copper prices climb to a record</a></li>
<li><a href="/b">Fish stocks in the Brenn recover slowly after the spill</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments (2)</h3>
<div class="comment"><p>I live near the plant and the smell has been awful for years.</p></div>
<div class="comment"><p>Fines like this are a rounding error for a miner that size.</p></div>
</section>
<footer><p>Subscribe to our newsletter. We use cookies to improve your experience.</p>
<p>© 2023 The Ledger</p></footer></body></html>"""

INDEXED_REPORT = "\f".join(
    [
        "Vantor Minerals Annual Review 2023\n\nOur people\n\n"
        "We employed 4,120 people at the end of 2023, of whom 31 percent were women. "
        "Voluntary turnover fell to 6.2 percent.",
        "Safety\n\nThe lost-time injury rate fell to 0.41 per million hours worked in 2023. "
        "Every site ran a contractor safety induction.",
        "GRI Content Index\n\nGRI 2-1 Organizational details 4\nGRI 2-7 Employees 12\n"
        "GRI 302-1 Energy consumption 18\nGRI 303-3 Water withdrawal 21\n"
        "GRI 305-1 Direct (Scope 1) GHG emissions 24\nGRI 403-9 Work-related injuries 30\n"
        "GRI 405-1 Diversity of governance bodies 33\nGRI 2-27 Compliance 35",
    ]
)


def report_pdf(path) -> None:  # noqa: ANN001 - a Path
    """A five-page PDF: a cover, three pages of prose under a running header and a numbered
    footer, and a back page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica-Bold", 28)
    canvas.drawString(72, 500, "SUSTAINABILITY")
    canvas.drawString(72, 460, "REPORT 2023")
    canvas.showPage()
    for number, paragraph in enumerate(BODY, 2):
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, 800, "Vantor Minerals Sustainability Report 2023")
        canvas.drawString(500, 40, str(number))
        text = canvas.beginText(72, 740)
        text.setFont("Helvetica", 11)
        words = paragraph.split()
        for start in range(0, len(words), 11):
            text.textLine(" ".join(words[start : start + 11]))
        canvas.drawText(text)
        canvas.showPage()
    canvas.setFont("Helvetica", 9)
    canvas.drawString(72, 500, "Vantor Minerals Sustainability Report 2023")
    canvas.drawString(72, 480, "www.vantor.example · Printed on recycled paper")
    canvas.showPage()
    canvas.save()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("furniture")
    report_pdf(root / "vantor-report-2023.pdf")
    (root / "ledger-vantor-spill.html").write_text(WEB_PAGE, encoding="utf-8")
    (root / "vantor-review-2023.txt").write_text(INDEXED_REPORT, encoding="utf-8")
    assistant = Assistant(make_settings(root / "data", root / "no-corpus"), lambda _: None)
    assistant.create_case("Vantor")
    assistant.ingest_file(root / "vantor-report-2023.pdf", "company")
    assistant.ingest_file(root / "vantor-review-2023.txt", "company")
    assistant.ingest_file(root / "ledger-vantor-spill.html", "critic")
    return assistant


def kinds(assistant: Assistant, doc_id: str) -> set[str]:
    (layout,) = layouts(assistant.store, assistant.store.documents(), doc_id)
    return {kind for block in layout.set_apart for kind in block.kind.split(" + ")}


def everything_found(assistant: Assistant) -> str:
    questions = ["sustainability report 2023", "Vantor", "related articles", "GRI index"]
    found = [p.text for q in questions for p in assistant.search(q, k=50).results]
    return "\n".join(found)


def test_a_pdf_cover_running_header_and_page_numbers_are_set_apart(case):
    assert {"cover", "running header", "page number"} <= kinds(case, "vantor-report-2023")


def test_a_back_page_of_colophon_lines_is_set_apart(case):
    assert "back cover" in kinds(case, "vantor-report-2023")


def test_a_content_index_page_is_set_apart(case):
    assert "content index" in kinds(case, "vantor-review-2023")


def test_web_page_navigation_related_list_and_notices_are_set_apart(case):
    found = kinds(case, "ledger-vantor-spill")
    assert {"navigation", "related list", "share, subscribe or sign-in"} <= found


def test_set_apart_text_is_never_retrieved(case):
    found = everything_found(case)
    for furniture in ("SUSTAINABILITY", "GRI 405-1", "Vantor profits soar", "Share this article"):
        assert furniture not in found
    assert "Vantor Minerals Sustainability Report 2023" not in found


def test_the_documents_own_text_is_still_found(case):
    found = everything_found(case)
    for text in ("closed-loop cooling", "lost-time injury rate", "fined the company 2.4 million"):
        assert text in found


def test_reader_comments_are_kept_in_a_readers_voice(case):
    passages = case.search("smell near the plant", k=10, side="critic").results
    comment = next(p for p in passages if "smell has been awful" in p.text)
    assert comment.voice == "reader"
    article = next(p for p in passages if "fined the company" in p.text)
    assert article.voice == ""


def test_a_passage_in_context_still_shows_its_page_furniture(case):
    first = next(p for p in case.search("water withdrawal", k=4).results if "Tarnow" in p.text)
    context = passage_context(case.store, first.chunk_id)
    assert "Sustainability Report 2023" in context.before + context.after


def test_no_chunk_crosses_a_page(case):
    paged = [node.metadata for node in case.store.nodes() if "page" in node.metadata]
    assert paged and all(meta["page"] == meta["page_end"] for meta in paged)


def test_inspect_lists_each_block_with_its_kind_page_and_first_words(case):
    from counterpoint.setapart import render

    text = render(layouts(case.store, case.store.documents(), "vantor-report-2023"))
    assert "cover · p. 1 · SUSTAINABILITY REPORT 2023" in text
    assert "page number" in text and "p. 3" in text
