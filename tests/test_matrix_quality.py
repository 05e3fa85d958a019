"""Quality of the claims matrix: the scorer (counterpoint/evaluation/matrix_labels.py) on small
hand-built matrices, the hand labels of the bundled corpus, and the real engine against those
labels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.errors import InputError
from counterpoint.evaluation.matrix_labels import MatrixScore, render, score_matrix
from counterpoint.evaluation.matrix_triage import render_triage, score_triage
from counterpoint.matrix.models import AllegationRow, ClaimRow, Matrix, Statement
from counterpoint.text import normalise

HIKVISION_LABELS = Path(__file__).parent / "data" / "claims" / "hikvision_labels.toml"

# Measured with bench/claims_eval.py (rules mode, when the engine landed): claim recall 0.83
# (35/42, precision 0.95 on the sample), "unaddressed" recall 0.58 (11/19). Bars below with margin.
MIN_CLAIM_RECALL = 0.75
MIN_UNADDRESSED_RECALL = 0.7
MIN_ALLEGATION_RECALL = 0.7
# Contested claims (issue 11's target: 4 of 7 at precision 0.7). Measured with
# bench/claims_eval.py: 4 of 7 labelled contested, precision 1.00 (4 said); 5 of 7 shown to the
# analyst (one more as a claim to confirm). 4 is what the generic rules reach (the measured
# ceiling, bench/RESULTS.md) and the target itself, so the count bar has no slack; the
# precision bar and the "shown" bar do.
MIN_CONTESTED = 4
MIN_CONTESTED_PRECISION = 0.75
MIN_CONTESTED_SHOWN = 4

SMALL_LABELS = """
[[claim]]
text = "In 2020, we invested a total of RMB6.38 billion in R&D"
relation = "not_addressed"
theme = "other"

[[claim]]
text = "we raised the respect for human rights and labor practice issue to high importance"
relation = "contested"
theme = "human_rights"

[[claim]]
text = "Hikvision is committed to paving open, transparent, convenient and two-way channels"
relation = "contested"
theme = "governance"

[[allegation]]
text = "Hikvision defended its activities in Xinjiang, where the PRC is accused"
coverage = "unaddressed"
theme = "human_rights"

[[allegation]]
text = "When you are dealing with networked security systems, trust is critical"
coverage = "addressed"
theme = "data_security_privacy"

[[not_claim]]
text = "Coal mines are locations with complex conditions and stringent safety requirements"
"""


def statement(text: str, side: str = "company", theme: str = "other") -> Statement:
    """A statement as the engine would make it, with only the text, side and theme mattering."""
    kind = "allegation" if side == "critic" else "figure"
    return Statement(
        id=normalise(text)[:16],
        text=text,
        side=side,
        doc_id=f"{side}-doc",
        title=f"{side} document",
        page=1,
        chunk_id=f"{side}-chunk",
        kind=kind,
        theme=theme,
    )


def claim_row(text: str, relation: str, theme: str = "other") -> ClaimRow:
    """A claim row labelled `relation` by the machine."""
    return ClaimRow(claim=statement(text, theme=theme), relation=relation, confidence=0.5)


def allegation_row(text: str, coverage: str, theme: str = "human_rights") -> AllegationRow:
    """An allegation row labelled `coverage` by the machine."""
    return AllegationRow(
        allegation=statement(text, "critic", theme), coverage=coverage, confidence=0.5
    )


def score(tmp_path: Path, claims: list[ClaimRow], allegations: list[AllegationRow]) -> MatrixScore:
    """Score a hand-built matrix against SMALL_LABELS."""
    labels = tmp_path / "labels.toml"
    labels.write_text(SMALL_LABELS, encoding="utf-8")
    return score_matrix(Matrix(mode="rules", claims=claims, allegations=allegations), labels)


RD = "In 2020, we invested a total of RMB6.38 billion in R&D, accounting for 10.04% of revenue."
HR = "We raised the “respect for human rights and labor practice” issue to high importance."
OPEN = "Hikvision is committed to paving open, transparent, convenient and two-way channels."
XINJIANG = "Hikvision defended its activities in Xinjiang, where the PRC is accused of mass abuses."
TRUST = "When you are dealing with networked security systems, trust is critical, as it relates."


def test_label_matches_statement_despite_letter_gaps_and_spacing(tmp_path: Path) -> None:
    gapped = "In 2020, we in vested a total of RMB 6.38 bil lion in R & D."
    result = score(tmp_path, [claim_row(gapped, "not_addressed")], [])
    assert result.claims_found == 1


def test_claim_recall_is_share_of_labelled_claims_found(tmp_path: Path) -> None:
    result = score(tmp_path, [claim_row(RD, "not_addressed"), claim_row(HR, "contested")], [])
    assert (result.claims_found, result.claims_labelled) == (2, 3)
    assert result.claim_recall == pytest.approx(2 / 3)


def test_not_claim_found_as_claim_lowers_precision(tmp_path: Path) -> None:
    coal = "Coal mines are locations with complex conditions and stringent safety requirements."
    claims = [claim_row(RD, "not_addressed"), claim_row(coal, "not_addressed")]
    result = score(tmp_path, claims, [])
    assert result.not_claims_found == 1
    assert result.claim_precision == pytest.approx(0.5)


def test_relation_recall_counts_an_unextracted_claim_as_missed(tmp_path: Path) -> None:
    result = score(tmp_path, [claim_row(HR, "contested")], [])
    contested = result.relation("contested")
    assert (contested.support, contested.correct, contested.recall) == (2, 1, 0.5)
    assert result.missed_claims[-1].startswith("Hikvision is committed")


def test_relation_precision_is_over_rows_given_that_label(tmp_path: Path) -> None:
    claims = [claim_row(RD, "contested"), claim_row(HR, "contested")]
    contested = score(tmp_path, claims, []).relation("contested")
    assert (contested.predicted, contested.correct, contested.precision) == (2, 1, 0.5)


def test_relation_accuracy_is_over_matched_claims_only(tmp_path: Path) -> None:
    claims = [claim_row(RD, "not_addressed"), claim_row(HR, "corroborated")]
    assert score(tmp_path, claims, []).relation_accuracy == pytest.approx(0.5)


def test_unaddressed_scores_come_from_allegation_rows(tmp_path: Path) -> None:
    allegations = [allegation_row(XINJIANG, "unaddressed"), allegation_row(TRUST, "unaddressed")]
    result = score(tmp_path, [], allegations)
    unaddressed = result.coverage("unaddressed")
    assert (unaddressed.recall, unaddressed.precision) == (1.0, 0.5)
    assert result.allegation_recall == 1.0


def test_first_matching_row_decides_when_a_sentence_repeats(tmp_path: Path) -> None:
    allegations = [allegation_row(XINJIANG, "unaddressed"), allegation_row(XINJIANG, "addressed")]
    result = score(tmp_path, [], allegations)
    assert result.coverage("unaddressed").correct == 1
    assert result.coverage("addressed").predicted == 0


def test_theme_accuracy_is_over_matched_claims_and_allegations(tmp_path: Path) -> None:
    claims = [claim_row(RD, "not_addressed", "other"), claim_row(OPEN, "contested", "labour")]
    result = score(tmp_path, claims, [allegation_row(XINJIANG, "unaddressed", "human_rights")])
    assert result.theme_matched == 3
    assert result.theme_accuracy == pytest.approx(2 / 3)


def test_empty_matrix_scores_zero_recall_and_no_precision(tmp_path: Path) -> None:
    result = score(tmp_path, [], [])
    assert result.claim_recall == 0.0
    assert result.claim_precision is None
    assert result.relation_accuracy is None


def test_label_with_unknown_relation_is_an_input_error(tmp_path: Path) -> None:
    labels = tmp_path / "bad.toml"
    labels.write_text(SMALL_LABELS.replace('"contested"', '"disputed"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="relation must be one of"):
        score_matrix(Matrix(mode="rules", claims=[], allegations=[]), labels)


def test_label_shorter_than_eight_words_is_an_input_error(tmp_path: Path) -> None:
    labels = tmp_path / "short.toml"
    labels.write_text('[[not_claim]]\ntext = "Hikvision 2020 Matrix of Materiality"\n')
    with pytest.raises(InputError, match="at least 8 words"):
        score_matrix(Matrix(mode="rules", claims=[], allegations=[]), labels)


def test_render_shows_extraction_and_every_label(tmp_path: Path) -> None:
    table = render(score(tmp_path, [claim_row(RD, "not_addressed")], []))
    for word in ("claims", "allegations", "contested", "corroborated", "not_addressed"):
        assert word in table
    assert "unaddressed" in table and "theme accuracy" in table


# --- the hand labels of the bundled corpus ----------------------------------------------------


def label_sides(labels_path: Path, assistant: Assistant) -> list[tuple[str, str, list[str]]]:
    """(kind, fragment, sides whose cleaned chunks hold it) for every label of a label file."""
    chunks = {
        side: [normalise(node.get_content()) for node in assistant.store.nodes(side)]
        for side in ("company", "critic")
    }
    raw = tomllib.loads(labels_path.read_text(encoding="utf-8"))
    found = []
    for kind in ("claim", "allegation", "not_claim"):
        for item in raw.get(kind, []):
            needle = normalise(item["text"])
            sides = [side for side, texts in chunks.items() if any(needle in t for t in texts)]
            found.append(("set_apart" if item.get("set_apart") else kind, item["text"], sides))
    return found


def misplaced_labels(labels_path: Path, assistant: Assistant) -> list[tuple[str, list[str]]]:
    """Labels not found in exactly their own side's chunks (claims and not_claims: company;
    another report's teaser, set apart at ingest: no side's text)."""
    own = {"claim": ["company"], "allegation": ["critic"], "not_claim": ["company"]}
    own["set_apart"] = []
    found = label_sides(labels_path, assistant)
    return [(text, sides) for kind, text, sides in found if sides != own[kind]]


def test_every_hikvision_label_is_in_the_chunks_of_its_side_only(seed_assistant: Assistant) -> None:
    assert misplaced_labels(HIKVISION_LABELS, seed_assistant) == []


def test_hikvision_labels_cover_every_kind_and_relation() -> None:
    raw = tomllib.loads(HIKVISION_LABELS.read_text(encoding="utf-8"))
    relations = {item["relation"] for item in raw["claim"]}
    assert len(raw["claim"]) >= 40 and len(raw["allegation"]) >= 20 and len(raw["not_claim"]) >= 15
    assert relations == {"contested", "corroborated", "not_addressed"}
    assert {item["coverage"] for item in raw["allegation"]} == {"addressed", "unaddressed"}


# --- the real engine against the labels (fails, not skips, while counterpoint.matrix is missing)


@pytest.fixture(scope="module")
def bundled_score(seed_assistant: Assistant) -> MatrixScore:
    """The rules-mode matrix of the bundled corpus, scored against its hand labels."""
    return score_matrix(seed_assistant.matrix("rules"), HIKVISION_LABELS)


def test_rules_matrix_finds_most_labelled_claims(bundled_score: MatrixScore) -> None:
    assert bundled_score.claim_recall >= MIN_CLAIM_RECALL, render(bundled_score)


def test_rules_matrix_finds_most_labelled_allegations(bundled_score: MatrixScore) -> None:
    assert bundled_score.allegation_recall >= MIN_ALLEGATION_RECALL, render(bundled_score)


def test_rules_matrix_lists_most_unaddressed_allegations(bundled_score: MatrixScore) -> None:
    assert bundled_score.coverage("unaddressed").recall >= MIN_UNADDRESSED_RECALL, render(
        bundled_score
    )


def test_rules_matrix_finds_the_contested_claims_a_person_would_list(
    bundled_score: MatrixScore,
) -> None:
    contested = bundled_score.relation("contested")
    assert contested.correct >= MIN_CONTESTED, render(bundled_score)
    assert contested.precision >= MIN_CONTESTED_PRECISION, render(bundled_score)


def test_the_claims_tab_shows_most_labelled_contested_claims_to_the_analyst(
    seed_assistant: Assistant,
) -> None:
    placed = score_triage(seed_assistant.matrix("rules"), HIKVISION_LABELS)
    assert placed.ceiling >= MIN_CONTESTED_SHOWN, render_triage(placed)


def test_no_rule_label_is_certain_and_silence_is_never_surer_than_it_is_right(
    seed_assistant: Assistant,
) -> None:
    matrix = seed_assistant.matrix("rules")
    rows = [*matrix.claims, *matrix.allegations]
    assert max(row.confidence for row in rows) <= 0.9
    calibration = {c.label: c for c in score_triage(matrix, HIKVISION_LABELS).calibration}
    silence = calibration["not_addressed"]
    assert silence.mean_confidence <= silence.precision + 0.05, render_triage(
        score_triage(matrix, HIKVISION_LABELS)
    )
