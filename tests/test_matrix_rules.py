"""The generic signals the offline judge reads a claim against a critic by (issue 11): the
company's words as a critic quotes them, shared specific phrases, a denial met by a finding, a
critic doubting the company's word; and what the rules leave to the analyst (leads, triage)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from counterpoint.matrix.credibility import doubts, is_candour_claim
from counterpoint.matrix.judge import RuleJudge
from counterpoint.matrix.leads import LEAD
from counterpoint.matrix.models import ClaimRow, EvidenceQuote, Matrix, Statement
from counterpoint.matrix.phrases import PhraseStats
from counterpoint.matrix.polarity import affirms, denies
from counterpoint.matrix.triage import triage
from counterpoint.text import normalise

ATTRIBUTION_LABELS = Path(__file__).parent / "data" / "attribution_labels.toml"
ACME = {"Acme"}


def claim(text: str, theme: str = "labour") -> Statement:
    return Statement(id=normalise(text)[:12], text=text, side="company", doc_id="report",
                     title="Report", page=3, chunk_id="report-1", kind="policy",
                     theme=theme)  # fmt: skip


def quote(text: str, similarity: float, **fields: object) -> EvidenceQuote:
    return EvidenceQuote(side="critic", doc_id="article", title="Article", page=None,
                         chunk_id="article-1", quote=text, similarity=similarity,
                         **fields)  # fmt: skip


def test_the_company_words_a_critic_quotes_are_found_as_the_labeller_marked_them(
    seed_assistant,
):
    from counterpoint.matrix.claims import RuleExtractor

    reading = RuleExtractor(seed_assistant.store, seed_assistant.embedder).reading("critic")
    labelled = tomllib.loads(ATTRIBUTION_LABELS.read_text(encoding="utf-8"))["quoted"]
    assert {normalise(t) for t in reading.quoted} == {normalise(q["text"]) for q in labelled}


def test_headings_too_short_for_a_sentence_are_read_as_the_critic_verdicts(seed_assistant):
    from counterpoint.matrix.claims import RuleExtractor

    reading = RuleExtractor(seed_assistant.store, seed_assistant.embedder).reading("critic")
    units = [u for doc in reading.documents() for u in reading.units(doc)]
    assert any(u.heading and u.text == "Hikvision Contradicts Itself" for u in units)


def test_human_rights_and_property_rights_share_no_specific_phrase():
    filler = [f"In {year} our plant number {n} cut its water use." for year in range(2000, 2030)
              for n in (1, 2)]  # fmt: skip
    stats = PhraseStats(filler + ["We respect human rights.", "We protect property rights."])
    pledge = "The firm says it respects human rights as set out by the UN."
    assert stats.shared("We raised respect for human rights to high importance.", pledge)
    assert not stats.shared("We protect intellectual property rights and trade secrets.", pledge)


@pytest.mark.parametrize(
    ("claimed", "found", "word"),
    [
        ("No deforestation was detected in our supply chain.", "Satellites showed 900 hectares "
         "were cleared on the supplier's concession.", "cleared"),
        ("We never sell the personal data of our members.", "The app sent purchase histories "
         "to a data broker, researchers found.", "found"),
        ("We received no significant fines in 2022.", "The agency fined the company EUR 50,000 "
         "in May.", "fined"),
    ],
)  # fmt: skip
def test_a_finding_meets_a_denial_on_its_subject(claimed, found, word):
    assert denies(claimed) and affirms(found) == word


def test_a_critic_sentence_that_denies_something_itself_affirms_nothing():
    assert not affirms("Inspectors found no children on the farms they visited.")
    assert not denies("We audit every supplier at least once a year.")


@pytest.mark.parametrize(
    "text",
    [
        "Acme Contradicts Itself",
        "Despite the sustainability report, Acme's managers told a different story.",
        "Acme stated it pays a living wage, but in its English brochure it claims much more.",
        "The pollution fine was left out of its annual report.",
    ],
)
def test_a_critic_doubting_the_company_word_is_recognised(text):
    assert doubts(text, ACME)


def test_criticism_of_the_company_conduct_is_not_a_doubt_of_its_word():
    assert not doubts("Acme was fined for dumping waste water into the river.", ACME)
    assert not doubts("The region is accused of abuses, but the report is silent.", set())


def test_claims_of_candour_are_about_honest_or_open_communication():
    assert is_candour_claim("We communicate with stakeholders through open, two-way channels.")
    assert is_candour_claim("We will faithfully reflect our performance in this report.")
    assert not is_candour_claim("We launched the Acme Open Platform during the reporting period.")
    assert not is_candour_claim("We cut emissions by 12% in 2022.")


def test_a_claim_of_candour_is_contested_by_a_critic_doubting_the_company_word():
    pledge = claim("We build transparent and honest communication with the media.", "governance")
    doubt = quote("Acme Contradicts Itself", 0.2, doubts="contradicts itself")
    row = RuleJudge().judge_claim(pledge, [doubt])
    assert row.relation == "contested" and row.evidence == [doubt]
    assert row.confidence < 0.7  # read at the level of the document: a fair inference only


def test_a_reader_comment_is_a_lead_to_confirm_never_a_label():
    pledge = claim("We keep our customers' networks secure.", "data_security_privacy")
    comment = quote("Trust is critical when it comes to abusing human rights.", 0.48,
                    contrast=["abusing"], part="comments")  # fmt: skip
    row = RuleJudge().judge_claim(pledge, [comment])
    assert row.relation == "not_addressed" and row.engagement >= LEAD
    assert row.evidence == [comment] and "reader's comment" in row.reason
    assert row.confidence == 0.5


def test_silence_is_never_certain():
    row = RuleJudge().judge_claim(claim("We planted 4,000 trees in 2022."), [])
    assert row.relation == "not_addressed" and row.confidence <= 0.9


def test_the_tab_order_puts_contested_claims_first_and_counts_routine_ones_per_theme():
    def row(text: str, relation: str, sure: float, engagement: float = 0.0) -> ClaimRow:
        near = [quote("A nearby critic sentence about it.", engagement)] if engagement else []
        return ClaimRow(claim=claim(text), relation=relation, confidence=sure,
                        engagement=engagement, evidence=near)  # fmt: skip

    matrix = Matrix(mode="rules", allegations=[], claims=[
        row("We answer every customer call within an hour.", "not_addressed", 0.9),
        row("We audit suppliers yearly.", "contested", 0.55),
        row("We pay a living wage.", "not_addressed", 0.5, engagement=0.45),
        row("We respect the right to join a union.", "contested", 0.8),
    ])  # fmt: skip
    found = triage(matrix)
    assert [r.confidence for r in found.contested] == [0.8, 0.55]
    assert [r.claim.text for r in found.to_confirm] == ["We pay a living wage."]
    assert {t: len(rows) for t, rows in found.routine.items()} == {"labour": 1}
