"""Retrieval on the seed corpus: both sides every time, side filters, and evidence recall
measured against a plain LlamaIndex pipeline on the evaluation questions."""

from __future__ import annotations

import pytest

from counterpoint.config import SIDES
from counterpoint.errors import InputError
from counterpoint.evaluation import evaluate


def test_search_returns_passages_from_both_sides_interleaved(seed_assistant):
    results = seed_assistant.search("What does Hikvision say about human rights?", k=3).results
    assert [p.side for p in results[:2]] == ["company", "critic"]
    assert {p.side for p in results} == set(SIDES) and len(results) == 6
    assert [p.rank for p in results] == list(range(1, 7))


def test_search_on_one_side_returns_only_that_side(seed_assistant):
    results = seed_assistant.search("Xinjiang surveillance", k=5, side="critic").results
    assert len(results) == 5 and {p.side for p in results} == {"critic"}


def test_report_passages_carry_their_page_and_article_passages_have_none(seed_assistant):
    results = seed_assistant.search("cybersecurity certification", k=2).results
    pages = {p.side: p.page for p in results}
    assert 1 <= pages["company"] <= 23 and pages["critic"] is None


def test_unknown_side_is_refused(seed_assistant):
    with pytest.raises(InputError, match="unknown side 'neutral'"):
        seed_assistant.search("human rights", side="neutral")


def test_evidence_recall_within_300_words_beats_the_plain_pipeline(seed_assistant, eval_questions):
    from counterpoint.baseline import baseline

    def ours(question: str, side: str) -> list[str]:
        return [p.text for p in seed_assistant.retriever.retrieve(question, 10, side)[side]]

    recall, plain = evaluate(eval_questions, ours), baseline(eval_questions)
    print(recall.line("ours"), plain.line("baseline"), sep="\n")
    assert recall.rate() >= plain.rate() + 0.08
    assert all(recall.rate(side) >= plain.rate(side) for side in SIDES)
    assert recall.rate() >= 0.55
