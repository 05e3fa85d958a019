"""The `counterpoint` command as a user runs it: a real process, the JSON contract, one-line
errors with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_ingest import small_corpus


@pytest.fixture(scope="module")
def cli_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_corpus(tmp_path_factory.mktemp("cli") / "corpus")


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory, cli_corpus: Path) -> Path:
    data_dir = tmp_path_factory.mktemp("cli-index")
    result = run_cli(["ingest"], data_dir, cli_corpus)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_search_without_an_index_builds_it_first_and_says_so(tmp_path, cli_corpus):
    result = run_cli(["search", "supplier audits", "--json"], tmp_path, cli_corpus)
    assert result.returncode == 0, result.stderr
    assert "No index yet: building it from the bundled corpus" in result.stderr
    assert json.loads(result.stdout)["results"]


def test_search_json_has_the_contract_shape_and_both_sides(built_index, cli_corpus):
    result = run_cli(
        ["search", "Are suppliers audited?", "--json", "--k", "2"], built_index, cli_corpus
    )
    data = json.loads(result.stdout)
    assert data["query"] == "Are suppliers audited?"
    first = data["results"][0]
    assert set(first) >= {"rank", "score", "side", "doc_id", "title", "page", "chunk_id", "text"}
    assert {r["side"] for r in data["results"]} == {"company", "critic"}
    assert [r["rank"] for r in data["results"]] == list(range(1, len(data["results"]) + 1))


def test_search_with_side_returns_only_that_side(built_index, cli_corpus):
    result = run_cli(["search", "audits", "--json", "--side", "critic"], built_index, cli_corpus)
    assert {r["side"] for r in json.loads(result.stdout)["results"]} == {"critic"}


def test_ask_json_has_the_contract_shape(built_index, cli_corpus):
    result = run_cli(["ask", "How are suppliers audited?", "--json"], built_index, cli_corpus)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "extractive" and set(data["sides"]) == {"company", "critic"}
    assert set(data["timings_ms"]) == {"retrieve", "answer"}
    for citation in data["citations"]:
        assert citation["quote"] in citation["passage"] and citation["supported"] is True


def test_ask_json_states_where_the_sides_meet_with_its_evidence(built_index, cli_corpus):
    result = run_cli(["ask", "How are suppliers audited?", "--json"], built_index, cli_corpus)
    meeting = json.loads(result.stdout)["meeting"]
    assert set(meeting) >= {"outcome", "confidence", "company_citation", "critic_citation"}
    assert meeting["outcome"] in ("disputed", "consistent", "no_direct_engagement")
    assert 0 < meeting["confidence"] <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "the question is empty"),
        (["search", "?!?"], "the question has no words"),
        (["search", "x" * 10_000], "the question is 10,000 characters long"),
        (["search", "audits", "--side", "neutral"], "unknown side 'neutral'"),
        (["ingest", "missing.txt", "--side", "critic"], "missing.txt: cannot read the file"),
        (["ingest", "notes.txt"], "need --side"),
    ],
)
def test_bad_input_exits_non_zero_with_one_clear_line(tmp_path, cli_corpus, args, message):
    result = run_cli(args, tmp_path, cli_corpus)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_no_index_and_no_corpus_is_a_clear_error(tmp_path):
    result = run_cli(["search", "audits"], tmp_path / "index", tmp_path / "no-corpus")
    assert result.returncode == 1
    assert "no index yet, and no corpus to build it from" in result.stderr
