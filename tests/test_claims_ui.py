"""The Claims and Timeline tabs through Streamlit's test harness: every label marked machine-made
with its evidence; the contested claims and the unaddressed allegations first, the claims to
confirm next, the routine ones counted per theme; the timeline as a chart and a table."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from counterpoint.assistant import Assistant
from counterpoint.matrix.models import Matrix
from tests.test_app import APP, use_index

CLAIMS_TAB = ":material/fact_check: Claims"
TIMELINE_TAB = ":material/timeline: Timeline"


def hand_matrix() -> Matrix:
    """A small matrix written by hand: a contested claim, a claim to confirm (not addressed, a
    critic sentence near it), a routine one, and an unaddressed and an addressed allegation."""
    from counterpoint.matrix.models import AllegationRow, ClaimRow, EvidenceQuote, Statement

    def statement(text: str, side: str, theme: str) -> Statement:
        doc = "acme-report" if side == "company" else "watch-article"
        return Statement(id=text[:6], text=text, side=side, doc_id=doc, title=doc.title(),
                         page=4 if side == "company" else None, chunk_id=f"{doc}-1",
                         kind="allegation" if side == "critic" else "policy",
                         theme=theme)  # fmt: skip

    def quote(text: str, similarity: float, contrast: list[str]) -> EvidenceQuote:
        return EvidenceQuote(side="critic", doc_id="watch-article", title="Watch-Article",
                             page=None, chunk_id="watch-article-1", similarity=similarity,
                             contrast=contrast, quote=text)  # fmt: skip

    audits = quote("The audits cover only a tenth of suppliers.", 0.71, ["only"])
    near = quote("Nobody checks the night shift, workers say.", 0.43, [])
    return Matrix(
        mode="rules",
        claims=[
            ClaimRow(claim=statement("We encrypt all customer data at rest.", "company",
                                     "data_security_privacy"),
                     relation="not_addressed", confidence=0.58, engagement=0.21),
            ClaimRow(claim=statement("We audit our suppliers every year.", "company", "labour"),
                     relation="contested", confidence=0.74, evidence=[audits],
                     reason="a close critic passage with a contrast cue"),
            ClaimRow(claim=statement("Our safety officers walk every shift.", "company",
                                     "labour"),
                     relation="not_addressed", confidence=0.5, evidence=[near], engagement=0.43,
                     reason="a critic comes near it (0.43) without pushback: confirm"),
        ],
        allegations=[
            AllegationRow(allegation=statement("The audits were announced weeks ahead.",
                                               "critic", "labour"),
                          coverage="addressed", confidence=0.61),
            AllegationRow(allegation=statement("Workers were locked in the dormitories.",
                                               "critic", "human_rights"),
                          coverage="unaddressed", confidence=0.66),
        ],
    )  # fmt: skip


def matrix_page(matrix_json: str) -> None:
    from counterpoint.matrix.models import Matrix
    from ui.claims import show_matrix

    show_matrix(Matrix.model_validate_json(matrix_json))


@pytest.fixture
def claims_page() -> AppTest:
    return AppTest.from_function(matrix_page, args=(hand_matrix().model_dump_json(),)).run()


def headings(page) -> list[str]:  # noqa: ANN001 - an AppTest or one of its blocks
    """The section headings (####) in page order."""
    return [md.value for md in page.markdown if md.value.startswith("#### ")]


def shown_text(page) -> str:  # noqa: ANN001
    """Every markdown of the page, in order, as one string."""
    return " ".join(md.value for md in page.markdown)


def test_every_label_is_marked_machine_made_with_its_confidence(claims_page):
    assert not claims_page.exception
    statements = [md.value for md in claims_page.markdown if md.value.count("> ") == 1]
    assert len(statements) == 3 + 2  # every claim and allegation (some inside expanders)
    for text in statements:
        assert "machine-made · rules · confidence" in text
    assert "machine-made" in claims_page.markdown[0].value


def test_a_label_shows_its_evidence_quote_and_source(claims_page):
    evidence = shown_text(claims_page)
    assert "“The audits cover only a tenth of suppliers.”" in evidence
    assert "Watch-Article · no page numbers · similarity 0.71 · contrast: only" in evidence
    assert "p. 4" in evidence


def test_contested_claims_then_unaddressed_allegations_come_first(claims_page):
    titles = headings(claims_page)
    assert "Contested claims · 1" in titles[0]
    assert "Unaddressed allegations · 1" in titles[1]
    assert "Claims to confirm · 1" in titles[2]
    assert "Claims critics never touch · 1" in titles[-1]
    shown = shown_text(claims_page)
    assert shown.index("We audit our suppliers") < shown.index("locked in the dormitories")
    assert shown.index("locked in the dormitories") < shown.index("safety officers walk")
    assert shown.index("safety officers walk") < shown.index("We encrypt all customer data")


def test_a_claim_to_confirm_sits_under_the_critic_sentence_near_it(claims_page):
    shown = shown_text(claims_page)
    lead = shown.index("#1 · a critic sentence near 1 claim")
    assert lead < shown.index("“Nobody checks the night shift, workers say.”")
    assert [e.label for e in claims_page.expander if "safety officers walk" in e.label] == [
        ":gray-badge[NOT ADDRESSED BY CRITICS] Our safety officers walk every shift. · Labour"
        " · closeness 0.43"
    ]


def test_routine_claims_are_collapsed_into_a_count_per_theme(claims_page):
    routine = [e for e in claims_page.expander if e.label == "Data security and privacy · 1"]
    assert routine and "We encrypt all customer data" in shown_text(routine[0])
    outside = [e for e in claims_page.expander if "We encrypt" in e.label]
    assert not outside  # listed only inside its theme's count


def test_the_counts_lead_with_what_matters(claims_page):
    values = {m.label: m.value for m in claims_page.metric}
    assert values["Claims contested"] == "1"
    assert values["Allegations unaddressed"] == "1 of 2"
    assert values["Claims to confirm"] == "1" and values["Routine claims"] == "1"


def test_the_filters_narrow_the_claims_by_label_and_theme(claims_page):
    claims_page.pills(key="claims-relation").set_value(["not_addressed"]).run()
    assert "Contested claims · 0" in shown_text(claims_page)
    assert "Claims to confirm · 1" in shown_text(claims_page)
    claims_page.pills(key="claims-relation").set_value([]).run()
    claims_page.multiselect(key="claims-theme").set_value(["human_rights"]).run()
    assert "Contested claims · 0" in shown_text(claims_page)
    assert "Unaddressed allegations · 1" in shown_text(claims_page)


# The tabs of the real app over the seed index ------------------------------------------------


@pytest.fixture
def seed_app(seed_assistant, monkeypatch) -> AppTest:
    use_index(monkeypatch, seed_assistant.settings.data_dir)
    return AppTest.from_file(APP, default_timeout=600).run()


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state["tab"] = label
    at.run()
    assert not at.exception
    return at


def test_the_timeline_tab_draws_a_chart_and_lists_the_events(seed_app):
    tab = open_tab(seed_app, TIMELINE_TAB).tabs[4]
    assert tab.get("arrow_vega_lite_chart") or [
        child for child in tab.children.values() if child.type == "vega_lite_chart"
    ]
    table = tab.dataframe[0].value
    assert {"Date", "Side", "Date from", "Document", "Page", "Sentence"} <= set(table.columns)
    assert {"COMPANY", "CRITIC"} <= set(table["Side"])
    assert {"corpus manifest", "document text"} == set(table["Date from"])
    assert "2019-05-28" in set(table["Date"])


def test_tabs_left_closed_do_no_work(seed_app):
    assert not seed_app.tabs[3].children and not seed_app.tabs[4].children


@pytest.mark.skipif(not hasattr(Assistant, "matrix"), reason="the claims engine is not in yet")
def test_the_claims_tab_opens_on_the_contested_claims_of_the_bundled_corpus(seed_app):
    tab = open_tab(seed_app, CLAIMS_TAB).tabs[3]
    shown = shown_text(tab)
    assert "machine-made" in shown
    titles = headings(tab)
    assert titles[0].startswith("#### :material/gavel: Contested claims")
    assert titles[1].startswith("#### :material/report: Unaddressed allegations")
    # The report's human-rights claim, which the critic quotes and rebuts, is the first row;
    # the customer-service claims are counted under their theme, not listed before it.
    first = shown.index("respect for human rights and labor practice")
    assert first < shown.index(titles[1])
    assert shown.index("Smart Call Center") > shown.index("Claims critics never touch")
    assert "confidence 1.00" not in shown


def test_the_companys_words_quoted_by_a_critic_carry_the_company_badge():
    matrix = hand_matrix()
    own = matrix.claims[1].evidence[0]
    quoted = own.model_copy(update={"quote": "Acme states that it audits all.", "restates": True})
    matrix.claims[1].evidence.insert(0, quoted)
    page = AppTest.from_function(matrix_page, args=(matrix.model_dump_json(),)).run()
    evidence = next(md.value for md in page.markdown if "Acme states" in md.value)
    lines = evidence.splitlines()
    said = lines[next(i for i, line in enumerate(lines) if "Acme states" in line) :]
    assert "COMPANY]" in said[0] and "CRITIC]" not in said[0]
    assert "as quoted by Watch-Article" in said[1]
    critics_own = next(line for line in lines if "only a tenth" in line)
    assert "CRITIC]" in critics_own
