"""The fictional second corpus (tests/data/second_corpus: Quillmere Foods, a report and two
critic articles): it ingests, its hand labels are where they say, and the real claims matrix
finds contested, not-addressed and unaddressed items there too, so nothing is tuned to the
bundled Hikvision corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.evaluation.matrix_labels import MatrixScore, load_labels, render, score_matrix
from counterpoint.matrix.models import Matrix
from tests.conftest import make_settings
from tests.test_matrix_quality import misplaced_labels

SECOND_CORPUS = Path(__file__).parent / "data" / "second_corpus"
LABELS = SECOND_CORPUS / "labels.toml"

# Measured with bench/claims_eval.py (rules mode, when the engine landed): claim recall 0.84
# (31/37), "unaddressed" recall 0.33 (3/9): allegations that do not name the company ("On 14 of
# those farms...", "1,900 hectares ... were cleared") are not extracted (4/20 found). The bar
# for unaddressed is set at what the engine does today (3 of 9); raise it when that improves.
MIN_CLAIM_RECALL = 0.7
MIN_UNADDRESSED_RECALL = 0.7
MIN_ALLEGATION_RECALL = 0.75
# Contested claims, the same rules as on the bundled corpus: measured 8 of 12 at precision 0.89
# (9 said); before issue 11, 8 of 12 at 0.73. Bars no lower than 10 points under the bundled
# corpus's target (4 of 7 = 0.57 at 0.7), with margin below what is measured.
MIN_CONTESTED_RECALL = 0.5
MIN_CONTESTED_PRECISION = 0.8


@pytest.fixture(scope="module")
def quillmere(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over the second corpus, ingested once for this module."""
    data_dir = tmp_path_factory.mktemp("quillmere-index")
    assistant = Assistant(make_settings(data_dir, corpus_dir=SECOND_CORPUS), notify=print)
    assistant.ingest(progress=False)
    return assistant


def test_second_corpus_ingests_a_report_and_two_articles(quillmere: Assistant) -> None:
    sides = sorted(meta["side"] for meta in quillmere.store.documents().values())
    assert sides == ["company", "critic", "critic"]


def test_every_second_corpus_label_is_in_the_chunks_of_its_side_only(
    quillmere: Assistant,
) -> None:
    assert misplaced_labels(LABELS, quillmere) == []


def test_second_corpus_labels_hold_every_relation_and_coverage() -> None:
    labels = load_labels(LABELS)
    assert {label.label for label in labels.claims} == {
        "contested",
        "corroborated",
        "not_addressed",
    }
    assert {label.label for label in labels.allegations} == {"addressed", "unaddressed"}


# --- the real engine (fails, not skips, while counterpoint.matrix is missing) -----------------


@pytest.fixture(scope="module")
def quillmere_matrix(quillmere: Assistant) -> Matrix:
    """The rules-mode matrix of the second corpus."""
    return quillmere.matrix("rules")


@pytest.fixture(scope="module")
def quillmere_score(quillmere_matrix: Matrix) -> MatrixScore:
    """That matrix scored against the second corpus's hand labels."""
    return score_matrix(quillmere_matrix, LABELS)


def test_rules_matrix_finds_most_labelled_claims_of_another_company(
    quillmere_score: MatrixScore,
) -> None:
    assert quillmere_score.claim_recall >= MIN_CLAIM_RECALL, render(quillmere_score)


def test_rules_matrix_finds_most_labelled_allegations_of_another_company(
    quillmere_score: MatrixScore,
) -> None:
    assert quillmere_score.allegation_recall >= MIN_ALLEGATION_RECALL, render(quillmere_score)


def test_rules_matrix_lists_most_unaddressed_allegations_of_another_company(
    quillmere_score: MatrixScore,
) -> None:
    recall = quillmere_score.coverage("unaddressed").recall
    assert recall >= MIN_UNADDRESSED_RECALL, render(quillmere_score)


def test_rules_matrix_gets_a_contested_and_a_not_addressed_claim_right(
    quillmere_score: MatrixScore,
) -> None:
    assert quillmere_score.relation("contested").correct >= 1, render(quillmere_score)
    assert quillmere_score.relation("not_addressed").correct >= 1, render(quillmere_score)


def test_rules_matrix_finds_most_contested_claims_of_another_company(
    quillmere_score: MatrixScore,
) -> None:
    contested = quillmere_score.relation("contested")
    assert contested.recall >= MIN_CONTESTED_RECALL, render(quillmere_score)
    assert contested.precision >= MIN_CONTESTED_PRECISION, render(quillmere_score)
