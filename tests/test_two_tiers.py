"""Say only what can be shown (issue 25): answers in two tiers on the seed corpus, no side that
says it is silent and then quotes itself, the company's words as a critic quotes them counted as
the company speaking, reader comments and other reports' teasers never the critic's view, and
follow-up questions that follow."""

from __future__ import annotations

import re

from counterpoint.answer.parts import CLOSEST_LINE, SIDE_HEADINGS, SIDE_SILENT
from counterpoint.answer.relevance import ANSWER_TIER

SANCTIONS = "Is the company at risk of US sanctions over its human rights record?"


def parts(answer: str) -> dict[str, str]:
    """Each side's part of an answer's text, by side."""
    found = {}
    for side, heading in SIDE_HEADINGS.items():
        start = answer.find(f"**{heading}**")
        if start < 0:
            continue
        ends = [answer.find("**", start + len(heading) + 4)]
        found[side] = answer[start : min([e for e in ends if e > start], default=len(answer))]
    return found


def test_every_answer_tier_citation_reaches_the_calibrated_threshold(eval_answers):
    answered = 0
    for question_id, answer in eval_answers.items():
        for citation in answer.citations:
            assert 0.0 <= citation.relevance <= 1.0, question_id
            if citation.tier == "answer":
                assert citation.relevance >= ANSWER_TIER, (question_id, citation.quote)
                answered += 1
    assert answered > 20  # the tier is not empty on the seed corpus


def test_closest_passages_are_shown_most_relevant_first(eval_answers):
    for question_id, answer in eval_answers.items():
        for text in parts(answer.answer).values():
            below = text.split(CLOSEST_LINE, 1)[1] if CLOSEST_LINE in text else ""
            shown = [float(r) for r in re.findall(r"\(relevance ([0-9.]+)\)", below)]
            assert shown == sorted(shown, reverse=True), question_id


def test_closest_passages_stand_under_their_sides_answers_or_silence(seed_assistant, eval_answers):
    for answer in eval_answers.values():
        for side, text in parts(answer.answer).items():
            if CLOSEST_LINE not in text:
                continue
            above, below = text.split(CLOSEST_LINE, 1)
            closest = {int(n) for n in re.findall(r"\[(\d+)\]", below)}
            assert all(answer.citations[n - 1].tier == "closest" for n in closest), side
            assert above.strip().count("\n") >= 1  # the answers, or the line saying none


def test_no_side_says_it_is_silent_and_then_quotes_itself(eval_answers):
    for question_id, answer in eval_answers.items():
        for side, text in parts(answer.answer).items():
            answers_part = text.split(CLOSEST_LINE, 1)[0]
            if SIDE_SILENT[side] in answers_part:
                assert not re.search(r"\[\d+\]", answers_part), (question_id, side)


def test_no_answer_quotes_another_reports_teaser_or_a_readers_comment_as_the_critic(
    seed_assistant, eval_answers
):
    teasers = {
        node.get_content()
        for node in seed_assistant.store.nodes(furniture=True)
        if "related list" in node.metadata.get("furniture", "")
    }
    for question_id, answer in eval_answers.items():
        for citation in answer.citations:
            assert not any(citation.quote in teaser for teaser in teasers), question_id
            passage = citation.passage
            if citation.voice == "reader":
                assert "a reader's comment" in answer.answer, question_id
            else:
                assert "Only IPVM Members may comment" not in passage, question_id


def test_the_board_question_gets_no_answer_the_documents_do_not_give(seed_assistant):
    answer = seed_assistant.ask("Who sits on the board of directors?")
    quoted = [c.quote for c in answer.citations if c.tier == "answer"]
    assert not any("member of the board" in quote for quote in quoted)
    assert not answer.sides["company"].found


def test_the_companys_reply_quoted_by_the_critic_answers_what_it_told_the_critic(
    seed_assistant,
):
    answer = seed_assistant.ask("What did Hikvision tell IPVM about Xinjiang?")
    replies = [c for c in answer.citations if c.quoted_by == "IPVM"]
    assert replies and answer.sides["company"].found
    assert SIDE_SILENT["company"] not in parts(answer.answer)["company"]


def test_an_unrelated_question_is_asked_on_its_own(seed_assistant):
    history = [("Who sits on the board of directors?", "...")]
    answer = seed_assistant.ask("What is the weather in Paris today?", history=history)
    assert answer.standalone_question == "What is the weather in Paris today?"


def test_a_question_pointing_back_takes_the_last_subject(seed_assistant):
    history = [(SANCTIONS, "...")]
    answer = seed_assistant.ask("What did the critics say about that?", history=history)
    assert "sanctions" in answer.standalone_question
    assert answer.question == "What did the critics say about that?"


def test_a_critic_follow_up_finds_what_the_critic_said(seed_assistant):
    first = seed_assistant.ask(SANCTIONS)
    critic = [c for c in first.citations if c.side == "critic" and not c.quoted_by]
    follow = seed_assistant.ask("What did the critics say about that?", history=[(SANCTIONS, "")])
    if critic:  # the first answer quoted the critic: the follow-up finds it again
        assert follow.sides["critic"].found or any(c.side == "critic" for c in follow.citations)
    assert SIDE_SILENT["critic"] not in parts(follow.answer).get("critic", "") or not critic
