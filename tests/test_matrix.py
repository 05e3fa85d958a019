"""The claims matrix as a user meets it: labels with verbatim evidence and a confidence, a cache
that follows the index, and the `claims` / `allegations` commands."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.matrix.build import index_key
from counterpoint.matrix.models import Matrix
from tests.conftest import free_port, make_settings, run_cli

REPORT = """Brindle Tools Annual Report 2022

Our people

We are committed to paying every worker in our factories a living wage by 2024.
In 2022 we invested EUR 12 million in safety equipment, and lost-time injuries fell by 30%.
We have established a supplier code of conduct that forbids forced overtime.

Our planet

We reduced the carbon emissions of our own plants by 18% against 2019.
"""
ARTICLE = """Brindle's living wage promise does not hold up, workers say

Workers at two Brindle factories said they were paid below the minimum wage in 2022.
Despite its supplier code of conduct, Brindle failed to stop forced overtime, documents show.
The regional labour inspectorate fined Brindle Tools EUR 40,000 for safety violations in March 2023.

Comments (2)

What a shame, I used to buy their drills all the time.
"""
MANIFEST = """[[document]]
id = "brindle-report-2022"
title = "Brindle Tools Annual Report 2022"
publisher = "Brindle Tools plc"
date = "2022"
side = "company"
path = "report.txt"

[[document]]
id = "gazette-brindle-2023"
title = "Brindle's living wage promise does not hold up"
publisher = "The Gazette"
date = "2023-04-02"
side = "critic"
path = "article.txt"
"""


def small_matrix_corpus(folder: Path) -> Path:
    """A fictional company's report and one article about it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "corpus.toml").write_text(MANIFEST, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def seed_matrix(seed_assistant) -> Matrix:
    return seed_assistant.matrix(mode="rules")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus folder, data folder with its index built)."""
    root = tmp_path_factory.mktemp("matrix")
    corpus = small_matrix_corpus(root / "corpus")
    Assistant(make_settings(root / "data", corpus), notify=lambda _: None).ingest(progress=False)
    return corpus, root / "data"


def test_every_label_but_not_addressed_rests_on_verbatim_evidence(seed_assistant, seed_matrix):
    chunks = {node.node_id: node.get_content() for node in seed_assistant.store.nodes()}
    rows = [r for r in seed_matrix.claims if r.relation != "not_addressed"]
    rows += [r for r in seed_matrix.allegations if r.coverage == "addressed"]
    assert rows
    for row in rows:
        assert row.evidence and row.reason
        assert all(q.supported and q.quote in chunks[q.chunk_id] for q in row.evidence)


def test_confidence_is_between_zero_and_one(seed_matrix):
    rows = [*seed_matrix.claims, *seed_matrix.allegations]
    assert all(0.0 <= row.confidence <= 1.0 for row in rows)


def test_evidence_comes_from_the_other_side(seed_matrix):
    assert all(q.side == "critic" for r in seed_matrix.claims for q in r.evidence)
    assert all(q.side == "company" for r in seed_matrix.allegations for q in r.evidence)


def test_a_claim_contradicted_by_a_critic_is_contested(tmp_path):
    corpus = small_matrix_corpus(tmp_path / "corpus")
    assistant = Assistant(make_settings(tmp_path / "data", corpus), notify=lambda _: None)
    matrix = assistant.matrix(mode="rules")
    rows = [r for r in matrix.claims if "code of conduct" in r.claim.text]
    assert rows and rows[0].relation == "contested"
    assert "failed" in rows[0].evidence[0].contrast


def test_a_second_build_reads_the_cache(small):
    corpus, data = small
    assistant = Assistant(make_settings(data, corpus), notify=lambda _: None)
    first = assistant.matrix(mode="rules")
    cached = assistant.settings.case_dir / "matrix" / f"{first.index_key}.json"
    stamp = cached.stat().st_mtime_ns
    again = Assistant(make_settings(data, corpus), notify=lambda _: None).matrix(mode="rules")
    assert again == first and cached.stat().st_mtime_ns == stamp


def test_saved_matrix_is_none_before_a_build_and_the_matrix_after(tmp_path):
    from counterpoint.matrix.build import saved_matrix

    corpus = small_matrix_corpus(tmp_path / "corpus")
    assistant = Assistant(make_settings(tmp_path / "data", corpus), notify=lambda _: None)
    assistant.ensure_index()
    assert saved_matrix(assistant.matrix_inputs(), "rules") is None
    built = assistant.matrix(mode="rules")
    assert saved_matrix(assistant.matrix_inputs(), "rules") == built


def test_adding_a_document_changes_the_cache_key(tmp_path):
    corpus = small_matrix_corpus(tmp_path / "corpus")
    assistant = Assistant(make_settings(tmp_path / "data", corpus), notify=lambda _: None)
    assistant.ensure_index()
    before = index_key(assistant.matrix_inputs(), "rules")
    extra = tmp_path / "letter.txt"
    extra.write_text("Brindle Tools denies that any supplier imposed forced overtime in 2022.\n")
    assistant.ingest_file(extra, "company", "Letter to the Gazette")
    assert index_key(assistant.matrix_inputs(), "rules") != before


def test_llm_mode_with_an_unreachable_server_falls_back_to_rules(small):
    corpus, data = small
    url = f"http://127.0.0.1:{free_port()}/v1"
    settings = make_settings(data, corpus, OPENAI_BASE_URL=url, COUNTERPOINT_LLM_MODEL="none")
    matrix = Assistant(settings, notify=lambda _: None).matrix(mode="llm")
    assert matrix.mode == "rules" and matrix.notice and matrix.claims


def run(args: list[str], data: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(args, data, corpus, OPENAI_API_KEY="", OPENAI_BASE_URL="")


def test_claims_json_is_the_matrix_filtered_by_relation(small):
    corpus, data = small
    result = run(["claims", "--json", "--relation", "contested"], data, corpus)
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)
    assert matrix["mode"] == "rules" and matrix["claims"]
    assert {row["relation"] for row in matrix["claims"]} == {"contested"}
    assert {"claim", "relation", "confidence", "evidence", "reason"} <= set(matrix["claims"][0])


def test_claims_text_says_the_labels_are_machine_made(small):
    corpus, data = small
    result = run(["claims", "--theme", "labour"], data, corpus)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Labels are machine-made")
    assert "## Labour" in result.stdout


def test_allegations_unaddressed_lists_only_unaddressed(small):
    corpus, data = small
    result = run(["allegations", "--json", "--unaddressed"], data, corpus)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["allegations"]
    assert rows and {row["coverage"] for row in rows} == {"unaddressed"}


@pytest.mark.parametrize(
    "args",
    [
        ["claims", "--relation", "disputed"],
        ["claims", "--mode", "magic"],
        ["allegations", "--theme", "weather"],
    ],
)
def test_bad_flags_give_one_error_line_and_a_non_zero_exit(tmp_path, args):
    result = run(args, tmp_path, tmp_path)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("counterpoint: error:")
