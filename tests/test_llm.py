"""LLM answers through a real OpenAI-compatible server (llama.cpp on 127.0.0.1), with verified
citations, condensed follow-ups, streaming, and a fallback to the extractive answer on failure.

The model is a tiny base model: these tests check the plumbing, not the prose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.models import Answer
from tests.conftest import make_settings
from tests.llm_servers import MODEL_ALIAS, FaultyServer, LlamaServer, free_port, gguf_model

QUESTION = "Does Hikvision respect international human rights standards?"
SECRET = "sk-test-4f9c2a7e1b"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gguf_model(tmp_path_factory.mktemp("gguf"))


@pytest.fixture(scope="module")
def llama(model_file: Path, tmp_path_factory: pytest.TempPathFactory):
    server = LlamaServer(model_file, tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    server.stop()


def llm_assistant(seed_assistant: Assistant, url: str, key: str | None = None, **extra) -> tuple:
    """An assistant over the seed index whose answers come from the server at `url`."""
    notices: list[str] = []
    values = {
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": key,
        "COUNTERPOINT_LLM_MODEL": MODEL_ALIAS,
        "COUNTERPOINT_LLM_MAX_TOKENS": 96,
        "COUNTERPOINT_LLM_CONTEXT_WINDOW": 2048,
        "COUNTERPOINT_TOP_K": 2,
        # Free text: llama-cpp-python's grammar (JSON to a schema) reads the whole vocabulary at
        # every token, 262k words for Gemma: several times slower, so only one test asks for it.
        "COUNTERPOINT_LLM_FORMAT": "text",
        # A turn (condensing a follow-up, then answering) on a busy 2-core machine can outlast
        # the product's 120 s: these tests judge what is answered; speed is bench/'s.
        "COUNTERPOINT_LLM_TIMEOUT": 600,
    }
    settings = make_settings(seed_assistant.settings.data_dir, **{**values, **extra})
    return Assistant(settings, notify=notices.append), notices


def answered_by_the_model(answer: Answer) -> bool:
    """The model's answer, or (nothing in it verified) its text kept beside the extractive one:
    which of the two a 270M model's answer is, is up to the model."""
    return answer.mode == "llm" or "the model's answer held" in answer.notice


def test_llm_is_the_default_answerer_once_a_server_is_configured(seed_assistant, llama):
    assistant, _ = llm_assistant(
        seed_assistant, llama.url, COUNTERPOINT_LLM_FORMAT="auto", COUNTERPOINT_LLM_MAX_TOKENS=64,
        COUNTERPOINT_LLM_TIMEOUT=600,  # JSON under a grammar, on a busy machine
    )  # fmt: skip
    items = list(assistant.ask_stream(QUESTION))
    pieces, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and answered_by_the_model(final)
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert set(final.timings_ms) >= {"retrieve", "answer"}
    # llama-cpp-python refused OpenAI's way of asking for a schema and took its own
    assert assistant._llm.model.formats == ["json_object"]


def test_llm_answer_citations_are_verified_against_their_passages(seed_assistant, llama):
    assistant, _ = llm_assistant(seed_assistant, llama.url)
    answer = assistant.ask(QUESTION, mode="llm")
    for citation in answer.citations:
        assert citation.quote in citation.passage
    for sentence in answer.sentences:
        if not sentence.supported:
            assert f"{sentence.text} ⚠️ *unverified" in answer.answer
    assert all(isinstance(s.supported, bool) and s.text for s in answer.sentences)
    held = [c for c in answer.citations if c.supported]
    if answer.mode == "llm":  # only citations that hold are evidence
        for side, found in answer.sides.items():
            assert found.found == any(c.side == side for c in held)
            assert found.citations == [c.n for c in held if c.side == side]
        assert answer.insufficient_evidence == (not held or not answer.sentences)


def test_follow_up_is_condensed_into_a_standalone_question(seed_assistant, llama):
    assistant, _ = llm_assistant(seed_assistant, llama.url)
    history = [(QUESTION, "The report says it respects human rights [1].")]
    answer = assistant.ask("And what do the critics say about that?", history=history)
    assert answered_by_the_model(answer) and answer.standalone_question.strip()
    assert "condense" in answer.timings_ms


def test_refused_connection_falls_back_to_the_extractive_answer(seed_assistant):
    assistant, notices = llm_assistant(seed_assistant, f"http://127.0.0.1:{free_port()}/v1")
    answer = assistant.ask(QUESTION)
    assert answer.mode == "extractive" and "**What critics say**" in answer.answer
    assert "cannot reach the LLM server" in answer.notice and notices == [answer.notice]


def test_wrong_key_is_reported_as_401_without_showing_the_key(
    seed_assistant, model_file, tmp_path, capsys
):
    server = LlamaServer(model_file, tmp_path / "server.log", api_key=SECRET)
    try:
        assistant, notices = llm_assistant(seed_assistant, server.url, key="sk-wrong-0000")
        answer = assistant.ask(QUESTION)
        right, _ = llm_assistant(seed_assistant, server.url, key=SECRET)
        assert answered_by_the_model(right.ask(QUESTION))
    finally:
        server.stop()
    assert answer.mode == "extractive" and "refused the API key (401)" in answer.notice
    shown = answer.notice + "".join(notices) + str(capsys.readouterr())
    assert "sk-wrong-0000" not in shown and SECRET not in shown


def test_server_killed_mid_stream_ends_the_turn_with_the_extractive_answer(
    seed_assistant, model_file, tmp_path
):
    server = LlamaServer(model_file, tmp_path / "server.log")
    assistant, _ = llm_assistant(
        seed_assistant, server.url, COUNTERPOINT_LLM_MAX_TOKENS=400, COUNTERPOINT_LLM_TIMEOUT=20
    )
    stream = assistant.ask_stream(QUESTION)
    first = next(stream)
    server.stop()
    final = list(stream)[-1]
    assert isinstance(first, str) and isinstance(final, Answer)
    assert final.mode == "extractive" and "LLM server" in final.notice


def test_the_timeout_bounds_the_whole_turn(seed_assistant, llama):
    import time

    heard: list[float] = []
    assistant, _ = llm_assistant(
        seed_assistant, llama.url, COUNTERPOINT_LLM_MAX_TOKENS=1500, COUNTERPOINT_LLM_TIMEOUT=4
    )
    assistant.notify = lambda notice: heard.append(time.monotonic())
    assistant.search(QUESTION)  # the index, BM25 and embedder loaded before the clock starts
    started = time.monotonic()
    answer = assistant.ask(QUESTION)
    assert answer.mode == "extractive" and "did not answer in time" in answer.notice
    assert heard[0] - started < 4 + 1.5  # a reply of 1,500 tokens would take half a minute


def test_a_cut_off_answer_says_so(seed_assistant, llama):
    # A base model writes on to the token limit; whether anything it wrote verifies is its own.
    assistant, _ = llm_assistant(seed_assistant, llama.url, COUNTERPOINT_LLM_MAX_TOKENS=64)
    answer = assistant.ask(QUESTION)
    assert "cut off" in answer.notice


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("429", "rate-limiting requests (429)"),
        ("malformed", "sent a malformed reply"),
        ("slow", "did not answer in time"),
    ],
)
def test_endpoint_failures_fall_back_with_a_clear_notice(seed_assistant, fault, message):
    server = FaultyServer(fault)
    try:
        assistant, _ = llm_assistant(seed_assistant, server.url, COUNTERPOINT_LLM_TIMEOUT=1)
        answer = assistant.ask(QUESTION)
    finally:
        server.stop()
    assert answer.mode == "extractive" and message in answer.notice
    assert answer.citations and not answer.insufficient_evidence


def test_cli_ask_streams_the_llm_answer_and_lists_checked_sources(seed_assistant, llama):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "COUNTERPOINT_DATA_DIR": str(seed_assistant.settings.data_dir),
        "OPENAI_BASE_URL": llama.url,
        "COUNTERPOINT_LLM_MODEL": MODEL_ALIAS,
        "COUNTERPOINT_LLM_MAX_TOKENS": "64",
        "COUNTERPOINT_LLM_CONTEXT_WINDOW": "2048",
        "COUNTERPOINT_TOP_K": "2",
        "COUNTERPOINT_LLM_FORMAT": "text",
        "CHROMA_HOST": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "counterpoint", "ask", QUESTION],
        capture_output=True, text=True, env=env, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and "Sources" in result.stdout


def test_a_test_server_that_dies_on_its_first_completion_fails_once_with_its_log(
    tmp_path, monkeypatch
):
    # A stand-in for llama.cpp on an AMX CPU with repacking on: it lists its model, then dies
    # on the first completion. The first server reports that, with its log; later ones skip.
    import tests.llm_servers as servers

    crashing = tmp_path / "crashing_server.py"
    crashing.write_text(CRASHING_SERVER, encoding="utf-8")
    monkeypatch.setattr(servers, "LAUNCHER", crashing)
    monkeypatch.setattr(servers, "_first_death", [])
    with pytest.raises(servers.ServerDied, match="the test LLM server died: its first completion"):
        LlamaServer(tmp_path / "no-model.gguf", tmp_path / "first.log")
    assert "general protection fault" in servers._first_death[0]
    with pytest.raises(pytest.skip.Exception, match="died earlier in this run"):
        LlamaServer(tmp_path / "no-model.gguf", tmp_path / "second.log")


CRASHING_SERVER = """
import os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"data": []}')

    def do_POST(self):
        print("general protection fault in libggml-cpu.so", flush=True)
        os._exit(132)

port = int(sys.argv[sys.argv.index("--port") + 1])
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""
