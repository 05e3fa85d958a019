"""A question is normalised as documents are (issue 22, fault 11): zero-width characters, soft
hyphens and full-width letters do not change what it finds."""

from __future__ import annotations

import pytest

QUESTION = "Does Hikvision respect international human rights law?"
DISGUISED = {
    "zero-width": "Does Hik\u200bvision res\u200dpect inter\u00adnational hu\u2060man rights law?",
    "full-width": "Does Ｈｉｋｖｉｓｉｏｎ respect ｉｎｔｅｒｎａｔｉｏｎａｌ "
    "ｈｕｍａｎ ｒｉｇｈｔｓ law?",
    "ligature": "Does Hikvision respect international human rights law? \ufb01ndings",
}


def found(result) -> list[tuple[str, float]]:  # noqa: ANN001 - a SearchResult
    return [(p.chunk_id, round(p.score, 4)) for p in result.results]


@pytest.mark.parametrize("kind", ["zero-width", "full-width"])
def test_a_disguised_question_finds_what_the_plain_one_finds(seed_assistant, kind):
    plain = seed_assistant.search(QUESTION, k=3)
    disguised = seed_assistant.search(DISGUISED[kind], k=3)
    assert found(disguised) == found(plain)
    assert disguised.query == QUESTION


def test_a_full_width_question_gets_an_answer_and_no_script_hint(seed_assistant):
    answer = seed_assistant.ask(DISGUISED["full-width"])
    plain = seed_assistant.ask(QUESTION)
    assert "Latin script" not in answer.notice
    assert [c.chunk_id for c in answer.citations] == [c.chunk_id for c in plain.citations]


def test_a_ligature_is_read_as_its_letters(seed_assistant):
    assert seed_assistant.search(DISGUISED["ligature"], k=1).query.endswith("findings")
