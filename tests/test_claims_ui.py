"""The Claims and Timeline tabs through Streamlit's test harness: every label marked machine-made
with its evidence, the unaddressed allegations first, the timeline as a chart and a table."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from counterpoint.assistant import Assistant
from counterpoint.matrix.models import Matrix
from tests.test_app import APP, use_index

CLAIMS_TAB = ":material/fact_check: Claims"
TIMELINE_TAB = ":material/timeline: Timeline"


def hand_matrix() -> Matrix:
    """A small matrix written by hand: one label of each kind."""
    from counterpoint.matrix.models import AllegationRow, ClaimRow, EvidenceQuote, Statement

    def statement(text: str, side: str, theme: str) -> Statement:
        doc = "acme-report" if side == "company" else "watch-article"
        return Statement(id=text[:6], text=text, side=side, doc_id=doc, title=doc.title(),
                         page=4 if side == "company" else None, chunk_id=f"{doc}-1",
                         kind="allegation" if side == "critic" else "policy",
                         theme=theme)  # fmt: skip

    quote = EvidenceQuote(side="critic", doc_id="watch-article", title="Watch-Article", page=None,
                          chunk_id="watch-article-1", similarity=0.71, contrast=["only"],
                          quote="The audits cover only a tenth of suppliers.")  # fmt: skip
    return Matrix(
        mode="rules",
        claims=[
            ClaimRow(claim=statement("We audit our suppliers every year.", "company", "labour"),
                     relation="contested", confidence=0.74, evidence=[quote],
                     reason="a close critic passage with a contrast cue"),
            ClaimRow(claim=statement("We encrypt all customer data at rest.", "company",
                                     "data_security_privacy"),
                     relation="not_addressed", confidence=0.58),
        ],
        allegations=[
            AllegationRow(allegation=statement("Workers were locked in the dormitories.",
                                               "critic", "human_rights"),
                          coverage="unaddressed", confidence=0.66),
            AllegationRow(allegation=statement("The audits were announced weeks ahead.",
                                               "critic", "labour"),
                          coverage="addressed", confidence=0.61),
        ],
    )  # fmt: skip


def matrix_page(matrix_json: str) -> None:
    from counterpoint.matrix.models import Matrix
    from ui.claims import show_matrix

    show_matrix(Matrix.model_validate_json(matrix_json))


@pytest.fixture
def claims_page() -> AppTest:
    return AppTest.from_function(matrix_page, args=(hand_matrix().model_dump_json(),)).run()


def test_every_label_is_marked_machine_made_with_its_confidence(claims_page):
    assert not claims_page.exception
    statements = [md.value for md in claims_page.markdown if md.value.count("> ") == 1]
    assert len(statements) == 2 + 2  # the shown claims and allegations (addressed: expander)
    for text in statements:
        assert "machine-made · rules · confidence" in text
    assert "machine-made" in claims_page.markdown[0].value


def test_a_label_shows_its_evidence_quote_and_source(claims_page):
    contested = next(e for e in claims_page.expander if "CONTESTED" in e.label)
    evidence = " ".join(md.value for md in contested.markdown)
    assert "“The audits cover only a tenth of suppliers.”" in evidence
    assert "Watch-Article · no page numbers · similarity 0.71 · contrast: only" in evidence
    assert "p. 4" in evidence


def test_the_unaddressed_allegations_come_first(claims_page):
    headings = [md.value for md in claims_page.markdown if md.value.startswith("#### ")]
    assert "Unaddressed allegations · 1" in headings[0]
    assert "Company claims against the critics · 2" in headings[1]
    shown = " ".join(md.value for md in claims_page.markdown)
    assert shown.index("locked in the dormitories") < shown.index("We audit our suppliers")


def test_claims_are_grouped_by_theme_and_counted_per_label(claims_page):
    values = {m.label: m.value for m in claims_page.metric}
    assert values["Claims contested"] == "1" and values["Claims corroborated"] == "0"
    assert values["Allegations unaddressed"] == "1 of 2"
    themes = [md.value for md in claims_page.markdown if md.value.startswith("**")]
    assert themes[:2] == ["**Data security and privacy** · 1", "**Labour** · 1"]


def test_the_filters_narrow_the_claims_by_label_and_theme(claims_page):
    claims_page.pills(key="claims-relation").set_value(["not_addressed"]).run()
    assert [e.label for e in claims_page.expander if "NOT ADDRESSED" in e.label]
    assert not [e for e in claims_page.expander if "CONTESTED" in e.label]
    claims_page.pills(key="claims-relation").set_value([]).run()
    claims_page.multiselect(key="claims-theme").set_value(["human_rights"]).run()
    assert "Company claims against the critics · 0" in " ".join(
        md.value for md in claims_page.markdown
    )
    assert "Unaddressed allegations · 1" in " ".join(md.value for md in claims_page.markdown)


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
def test_the_claims_tab_builds_the_matrix_and_lists_unaddressed_allegations(seed_app):
    tab = open_tab(seed_app, CLAIMS_TAB).tabs[3]
    shown = " ".join(md.value for md in tab.markdown)
    assert "machine-made" in shown and "Unaddressed allegations" in shown
