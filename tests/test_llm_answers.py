"""What becomes of a model's answer: a structured answer rendered in three parts with each quote
checked, an invented quote unverified, an answer with nothing verified set aside for the
extractive one, leading markers read, a cut-off answer flagged, and free text for an endpoint
that takes no schema.

The replies are scripted (tests/llm_servers.py, `ScriptedServer`): a 270M model cannot be made
to write an invented quote or a leading marker on demand. tests/test_llm.py runs the same paths
against the real llama.cpp server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counterpoint.answer.llm import LLMAnswerer
from counterpoint.assistant import Assistant
from counterpoint.errors import UnverifiedAnswerError
from counterpoint.llm import ChatModel
from counterpoint.models import Answer, Passage
from tests.conftest import make_settings
from tests.llm_servers import FaultyServer, ScriptedServer

REPORT = "Acme respects the human rights of all its workers. It audits every supplier each year."
ARTICLE = (
    "Reporters found that Acme's suppliers used forced labour in 2022. "
    "The company did not answer our questions."
)
PASSAGES = {
    "company": [Passage(rank=1, score=1.0, side="company", doc_id="acme-report",
                        title="Acme report", page=3, chunk_id="c1", text=REPORT)],
    "critic": [Passage(rank=1, score=1.0, side="critic", doc_id="ledger",
                       title="The Ledger", page=None, chunk_id="k1", text=ARTICLE)],
}  # fmt: skip
QUESTION = "Does Acme respect human rights?"


def statement(passage: int, quote: str, said: str) -> dict:
    return {"passage": passage, "quote": quote, "statement": said}


def reply(company: list, critics: list, outcome: str = "disputed", meeting: list = ()) -> str:
    answer = {"company": company, "critics": critics, "outcome": outcome, "meeting": list(meeting)}
    return json.dumps(answer)


SAYS = statement(1, "Acme respects the human rights of all its workers.",
                 "Acme says it respects the human rights of all its workers.")  # fmt: skip
FOUND = statement(2, "Reporters found that Acme's suppliers used forced labour in 2022.",
                  "Reporters found Acme's suppliers used forced labour in 2022.")  # fmt: skip
INVENTED = statement(2, "Acme ran labour camps in three provinces.",
                     "Critics say Acme ran labour camps in three provinces.")  # fmt: skip


@pytest.fixture(scope="module")
def embedder():
    from counterpoint.config import Settings
    from counterpoint.embedding import get_embedder

    return get_embedder(Settings(_env_file=None))


def answerer(url: str, embedder, tmp_path: Path, **extra) -> LLMAnswerer:  # noqa: ANN001
    values = {"OPENAI_BASE_URL": url, "COUNTERPOINT_LLM_MODEL": "scripted", **extra}
    model = ChatModel.from_settings(make_settings(tmp_path, **values))
    return LLMAnswerer(model, embedder, context_window=4096)


def run(server: ScriptedServer, answerer: LLMAnswerer) -> tuple[list[str], Answer]:
    try:
        *pieces, final = answerer.stream(QUESTION, PASSAGES)
    finally:
        server.stop()
    return pieces, final


def test_a_structured_answer_is_written_in_three_parts_each_quote_verified(embedder, tmp_path):
    server = ScriptedServer(reply([SAYS], [FOUND], "disputed", [SAYS, FOUND]))
    pieces, answer = run(server, answerer(server.url, embedder, tmp_path))
    asked = [r.get("response_format", {}).get("type") for r in server.requests]
    assert asked == ["json_schema", "json_object"]  # OpenAI's way refused, llama-cpp-python's
    assert answer.answer.startswith("**What the company says**\n" + SAYS["statement"] + " [1]")
    assert "**What critics say**\n" + FOUND["statement"] + " [2]" in answer.answer
    assert "**Where they meet**\nDisputed: " in answer.answer
    assert [c.quote for c in answer.citations] == [SAYS["quote"], FOUND["quote"]]
    assert all(c.supported for c in answer.citations) and answer.meeting.outcome == "disputed"
    assert {c.tier for c in answer.citations} == {"answer"}  # what holds is the answer tier
    assert answer.sides["critic"].citations == [2] and not answer.insufficient_evidence
    assert len(pieces) >= 3 and "".join(pieces).startswith("**What the company says**")


def test_a_statement_whose_quote_is_not_in_its_passage_is_unverified(embedder, tmp_path):
    server = ScriptedServer(reply([SAYS], [INVENTED], "no direct engagement"))
    _, answer = run(server, answerer(server.url, embedder, tmp_path))
    assert f"{INVENTED['statement']} [2] ⚠️ *unverified: its quote is not in the passage" in (
        answer.answer
    )
    assert INVENTED["quote"] not in {c.quote for c in answer.citations}
    assert [c.supported for c in answer.citations] == [True, False]
    assert [c.tier for c in answer.citations] == ["answer", "closest"]
    assert answer.sides["company"].found and not answer.sides["critic"].found
    assert answer.sides["critic"].citations == [] and not answer.insufficient_evidence


def test_a_models_quotes_say_their_relevance_was_not_scored_not_zero(embedder, tmp_path):
    from counterpoint.brief.blocks import citation_line

    server = ScriptedServer(reply([SAYS], [FOUND], "disputed", [SAYS, FOUND]))
    _, answer = run(server, answerer(server.url, embedder, tmp_path))
    assert [c.relevance for c in answer.citations] == [None, None]
    assert "relevance 0.00" not in citation_line(answer.citations[0])
    assert citation_line(answer.citations[0]).endswith(
        "answers, relevance not scored (a language model chose this quote)"
    )
    assert '"relevance":null' in answer.model_dump_json()


def test_an_answer_in_which_nothing_verifies_is_set_aside_with_its_text(embedder, tmp_path):
    server = ScriptedServer(reply([], [INVENTED], "no direct engagement"))
    with pytest.raises(UnverifiedAnswerError, match=r"\(0 of 1 verified\)") as refused:
        run(server, answerer(server.url, embedder, tmp_path))
    assert INVENTED["statement"] in refused.value.text and "⚠️" in refused.value.text


def test_the_turn_falls_back_to_the_extractive_answer_keeping_the_models_text(seed_assistant):
    server = ScriptedServer(reply([], [INVENTED], "no direct engagement"))
    settings = make_settings(seed_assistant.settings.data_dir, OPENAI_BASE_URL=server.url,
                             COUNTERPOINT_LLM_MODEL="scripted")  # fmt: skip
    try:
        answer = Assistant(settings, notify=lambda message: None).ask(
            "Does Hikvision respect human rights?"
        )
    finally:
        server.stop()
    assert answer.mode == "extractive" and "showing the extractive answer instead" in answer.notice
    assert "the model's answer held no statement that checks" in answer.notice
    assert INVENTED["statement"] in answer.unverified_text


def test_markers_that_open_a_sentence_are_its_citations(embedder, tmp_path):
    first = REPORT.split(". ")[0] + "."
    both = "[2] [1] Acme says it audits every supplier each year."
    critics = f"[2] {FOUND['quote']} {both}"
    text = f"**What the company says**\n[1] {first}\n\n**What critics say**\n{critics}"
    server = ScriptedServer(text)
    free_text = answerer(server.url, embedder, tmp_path, COUNTERPOINT_LLM_FORMAT="text")
    _, answer = run(server, free_text)
    assert "response_format" not in server.requests[0]
    cited = {s.text: (s.citations, s.supported) for s in answer.sentences}
    assert cited[f"[1] {first}"] == ([1], True)
    assert cited[f"[2] {FOUND['quote']}"] == ([2], True)
    assert cited[both][0] == [1, 2]


def test_a_cut_off_answer_says_so_and_keeps_its_finished_statements(embedder, tmp_path):
    cut = reply([SAYS], [FOUND])[:-70]  # inside the critics' statement
    server = ScriptedServer(cut, finish_reason="length")
    _, answer = run(server, answerer(server.url, embedder, tmp_path))
    assert answer.mode == "llm" and "its answer is cut off" in answer.notice
    assert SAYS["statement"] in answer.answer and FOUND["statement"] not in answer.answer


def test_an_endpoint_that_takes_no_schema_gets_the_free_text_prompt(embedder, tmp_path):
    server = ScriptedServer(f"**What the company says**\n{SAYS['quote']} [1]", schema=False)
    llm = answerer(server.url, embedder, tmp_path)
    _, answer = run(server, llm)
    asked = [r.get("response_format", {}).get("type") for r in server.requests]
    assert asked == ["json_schema", "json_object", None] and llm.model.formats == []
    assert "three parts" in server.requests[-1]["messages"][-1]["content"]
    assert answer.sentences[0].supported


def test_a_reply_that_never_ends_is_cut_at_the_timeout_and_its_text_kept(seed_assistant):
    import time

    server = FaultyServer("trickle")
    settings = make_settings(seed_assistant.settings.data_dir, OPENAI_BASE_URL=server.url,
                             COUNTERPOINT_LLM_MODEL="x", COUNTERPOINT_LLM_TIMEOUT=2,
                             COUNTERPOINT_LLM_FORMAT="text")  # fmt: skip
    heard: list[float] = []
    assistant = Assistant(settings, notify=lambda m: heard.append(time.monotonic()))
    assistant.search(QUESTION)  # the index, BM25 and embedder loaded before the clock starts
    started = time.monotonic()
    try:
        answer = assistant.ask(QUESTION)
    finally:
        server.stop()
    assert answer.mode == "extractive" and "did not answer in time" in answer.notice
    assert "COUNTERPOINT_LLM_TIMEOUT" in answer.notice and heard[0] - started < 2 + 1.5
    assert answer.unverified_text.startswith("more more")
