"""Claims and allegations of the bundled corpus: verbatim sentences, the right side, no page
furniture, themes from a fixed list."""

from __future__ import annotations

import pytest

from counterpoint.matrix.claims import allegation_kinds, subject_names
from counterpoint.matrix.cues import allegation_cues, is_reply
from counterpoint.matrix.furniture import is_prose
from counterpoint.matrix.models import THEMES, Matrix
from counterpoint.matrix.themes import theme_of
from counterpoint.text import normalise


@pytest.fixture(scope="module")
def seed_matrix(seed_assistant) -> Matrix:
    return seed_assistant.matrix(mode="rules")


@pytest.fixture(scope="module")
def chunk_texts(seed_assistant) -> dict[str, str]:
    return {node.node_id: node.get_content() for node in seed_assistant.store.nodes()}


def _has(statements, fragment: str) -> bool:
    return any(normalise(fragment) in normalise(s.text) for s in statements)


def test_claims_and_allegations_are_verbatim_sentences_of_their_chunk(seed_matrix, chunk_texts):
    statements = [r.claim for r in seed_matrix.claims] + [
        r.allegation for r in seed_matrix.allegations
    ]
    assert statements
    assert all(s.text in chunk_texts[s.chunk_id] for s in statements)


def test_a_company_commitment_is_extracted_as_a_claim(seed_matrix):
    claims = [r.claim for r in seed_matrix.claims]
    assert _has(claims, "we have been committed to applying innovative products and solutions")


def test_a_reported_figure_is_a_figure_claim(seed_matrix):
    rows = [r for r in seed_matrix.claims if "RMB6.38 billion" in r.claim.text]
    assert rows and rows[0].claim.kind == "figure"


def test_headings_and_background_are_not_claims(seed_matrix):
    claims = [r.claim for r in seed_matrix.claims]
    assert all(c.text.strip() != "Respect for human rights and labor practice" for c in claims)
    assert not _has(claims, "Coal mines are locations with complex conditions")


def test_reader_comments_and_site_navigation_are_not_allegations(seed_matrix):
    allegations = [r.allegation for r in seed_matrix.allegations]
    assert not _has(allegations, "China and human rights, what a joke")
    assert not _has(allegations, "Verkada was unhappy with IPVM's recent coverage")


def test_an_allegation_naming_sanctions_is_found(seed_matrix):
    allegations = [r.allegation for r in seed_matrix.allegations]
    assert _has(allegations, "the US government was considering sanctioning Hikvision")


def test_another_reports_teaser_is_not_an_allegation(seed_matrix):
    # The IPVM page's related-report list: other reports, set apart at ingest.
    allegations = [r.allegation for r in seed_matrix.allegations]
    assert not _has(allegations, "urging sanctions against Chinese officials plus Dahua")


def test_allegations_come_only_from_critic_documents(seed_matrix):
    assert seed_matrix.allegations
    assert {r.allegation.side for r in seed_matrix.allegations} == {"critic"}
    assert {r.claim.side for r in seed_matrix.claims} == {"company"}


def test_statements_carry_their_cues_and_manifest_date(seed_matrix):
    claim = seed_matrix.claims[0].claim
    assert claim.cues and claim.date == "2020"


def test_themes_come_from_the_fixed_list(seed_matrix):
    themes = {r.claim.theme for r in seed_matrix.claims} | {
        r.allegation.theme for r in seed_matrix.allegations
    }
    assert themes <= set(THEMES)


def test_a_clearly_environmental_sentence_gets_the_environment_theme(seed_assistant):
    text = "We cut greenhouse gas emissions and the water use of our factories by a fifth."
    vector = seed_assistant.embedder.get_text_embedding(text)
    assert theme_of(text, vector, seed_assistant.embedder) == "environment"


def test_the_company_is_named_from_titles_both_sides_share():
    documents = {
        "report": {"side": "company", "title": "Acme Annual Report", "publisher": "Acme Corp"},
        "article": {
            "side": "critic",
            "title": "Acme's factories under fire",
            "publisher": "Gazette",
        },
    }
    assert subject_names(documents) == {"Acme"}


@pytest.mark.parametrize(
    "text",
    [
        "Hikvision Cameras Covering Concentration Camps on Jul 29, 2019",
        "Does the company publish its supplier list in full?",
        "of secure R&D processes and reviews of every product line",
        "Get Notified of Video Surveillance Breaking News",
    ],
)
def test_link_titles_questions_fragments_and_headings_are_not_prose(text):
    assert not is_prose(text)


@pytest.mark.parametrize(
    "text",
    [
        "Three workers who helped organise the strike were dismissed in August 2022.",
        "On 14 of those farms they met children under the age of 15 at work.",
        "Satellite images show that 1,900 hectares of rainforest were cleared in 2021.",
    ],
)
def test_a_harm_is_an_allegation_without_naming_the_company(text):
    assert allegation_kinds(allegation_cues(text, {"Acme"}))


def test_a_name_and_a_date_alone_are_not_an_allegation():
    text = "The cooperative in Lindhaven was founded in March 1998 by local farmers."
    assert not allegation_kinds(allegation_cues(text, {"Acme"}))


@pytest.mark.parametrize(
    "text",
    [
        "Acme said it fully cooperates with the authority and will defend itself.",
        "In a written response, an Acme spokesperson said the dismissals were unrelated.",
        "The company said then that no payment details were involved.",
    ],
)
def test_the_company_reply_quoted_by_a_critic_is_not_an_allegation(text):
    assert is_reply(text, {"Acme"})


def test_a_critic_quoting_someone_else_is_not_a_company_reply():
    assert not is_reply("The union said workers had fainted in the heat.", {"Acme"})
