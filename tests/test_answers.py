"""Extractive answers on the seed corpus: three labelled parts, verbatim quotes with full
citations, both sides on contested questions, and a plain 'no evidence' when there is none."""

from __future__ import annotations

import re

CONTESTED = "Does the company respect international human rights law?"  # the first starter
STANDARDS = "Does Hikvision respect international human rights standards?"


def section(answer: str, heading: str) -> str:
    """One labelled part of an answer's text."""
    start = answer.index(f"**{heading}**")
    ends = [answer.find(f"**{h}**", start + 1) for h in ("What critics say", "Where they meet")]
    return answer[start : min([e for e in ends if e > start], default=len(answer))]


def answered(answer) -> list:
    """The answer tier's citations (closest passages are shown apart and may not answer)."""
    return [c for c in answer.citations if c.tier == "answer"]


def test_answer_has_the_three_labelled_parts(seed_assistant):
    answer = seed_assistant.ask(CONTESTED).answer
    heads = ["**What the company says**", "**What critics say**", "**Where they meet**"]
    positions = [answer.index(head) for head in heads]
    assert positions == sorted(positions)


def test_contested_question_is_answered_from_both_sides(seed_assistant):
    answer = seed_assistant.ask(CONTESTED)
    assert answer.sides["company"].found and answer.sides["critic"].found
    assert {c.side for c in answer.citations} == {"company", "critic"}
    assert not answer.insufficient_evidence


def test_every_marker_in_the_text_has_a_citation_and_every_citation_is_used(seed_assistant):
    answer = seed_assistant.ask(CONTESTED)
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_every_quote_is_verbatim_in_the_chunk_it_cites(seed_assistant, eval_answers):
    chunks = {node.node_id: node.text for node in seed_assistant.store.nodes()}
    checked = 0
    for answer in eval_answers.values():
        for citation in answer.citations:
            assert citation.quote in chunks[citation.chunk_id], citation
            assert citation.supported and citation.doc_id and citation.title
            checked += 1
    assert checked > 100


def test_report_citations_carry_the_page(seed_assistant):
    answer = seed_assistant.ask("How does Hikvision protect biodiversity in nature reserves?")
    pages = [c.page for c in answer.citations if c.side == "company"]
    assert pages and all(1 <= page <= 23 for page in pages)


def test_question_outside_the_corpus_is_declared_without_evidence(seed_assistant):
    answer = seed_assistant.ask("What dividend per share did the board propose for 2020?")
    assert answer.insufficient_evidence and not answered(answer)
    assert "Neither the company's documents nor the critics' answer this" in answer.answer


def test_most_unanswerable_evaluation_questions_are_declined(eval_answers, eval_questions):
    unanswerable = [q for q in eval_questions if q["kind"] == "unanswerable"]
    declined = [q for q in unanswerable if eval_answers[q["id"]].insufficient_evidence]
    assert len(declined) >= len(unanswerable) // 2


def test_a_side_with_nothing_relevant_says_so(seed_assistant):
    answer = seed_assistant.ask("What did the PRC constitution's article 36 say about religion?")
    assert answer.sides["critic"].found and not answer.sides["company"].found
    assert "The company's documents do not answer this." in answer.answer


def test_timings_are_reported(seed_assistant):
    timings = seed_assistant.ask(CONTESTED).timings_ms
    assert set(timings) == {"retrieve", "answer"} and all(t >= 0 for t in timings.values())


def test_a_human_rights_question_answers_with_no_sentence_on_other_rights(seed_assistant):
    answer = seed_assistant.ask(CONTESTED)
    quotes = " ".join(c.quote for c in answered(answer))
    assert "intellectual property" not in quotes and "livelihood" not in quotes
    assert "respect for human rights and labor practice" in section(
        answer.answer, "What the company says"
    )


def test_the_companys_words_quoted_by_a_critic_are_shown_as_its_statement(seed_assistant):
    answer = seed_assistant.ask(STANDARDS)
    pledge = "Hikvision respects the human rights as set forth in the Universal Declaration"
    company = section(answer.answer, "What the company says")
    assert pledge in company and "the company's statement as quoted by IPVM" in company
    assert pledge not in section(answer.answer, "What critics say")
    cited = next(c for c in answer.citations if c.quote.startswith(pledge))
    assert cited.side == "critic" and cited.quoted_by == "IPVM"


def test_the_company_side_answered_only_by_a_critics_quote_says_it_is_quoted(seed_assistant):
    answer = seed_assistant.ask(STANDARDS)
    company = [c for c in answered(answer) if c.n in answer.sides["company"].citations]
    assert company and all(c.side == "critic" and c.quoted_by == "IPVM" for c in company)
    assert section(answer.answer, "What the company says").count("as quoted by IPVM") == len(
        company
    )


def test_a_critic_contradicting_the_companys_pledge_is_a_dispute_with_its_evidence(
    seed_assistant,
):
    answer = seed_assistant.ask(CONTESTED)
    meeting = answer.meeting
    assert meeting.outcome == "disputed" and 0.5 <= meeting.confidence <= 0.95
    company = answer.citations[meeting.company_citation - 1]
    critic = answer.citations[meeting.critic_citation - 1]
    assert "human rights" in company.quote and "human rights" in critic.quote
    assert critic.side == "critic" and not critic.quoted_by  # the critic's own words
    assert "| Company | Critics |" in section(answer.answer, "Where they meet")


def test_a_one_sided_answer_says_which_side_is_silent(seed_assistant):
    answer = seed_assistant.ask("How does Hikvision protect biodiversity in nature reserves?")
    assert answer.meeting.outcome == "no_direct_engagement"
    assert "the critics say nothing on this" in section(answer.answer, "Where they meet")
    assert "same point" not in answer.answer


def test_a_figure_the_corpus_does_not_give_is_declined(seed_assistant):
    answer = seed_assistant.ask("What were Hikvision's Scope 1 greenhouse gas emissions in 2020?")
    assert answer.insufficient_evidence and not answered(answer) and answer.meeting is None


def test_every_citation_of_every_answer_is_shown_by_its_marker(eval_answers):
    # A verdict's evidence pair is numbered only when the answer shows it.
    for question_id, answer in eval_answers.items():
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
        assert markers == {c.n for c in answer.citations}, question_id
        if answer.meeting:
            for n in (answer.meeting.company_citation, answer.meeting.critic_citation):
                assert n is None or n in markers
