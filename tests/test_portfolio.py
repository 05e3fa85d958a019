"""`counterpoint ingest DIR`: a folder of case folders, each with a manifest or with company/
and critic/ subfolders, ingested into one case each; refused files named one per line; a
second run embeds nothing, and a changed case is the only one embedded again."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.test_cases import CASES, QUESTION, case_corpus, foreign


def portfolio_folder(root: Path) -> Path:
    """acme with a corpus.toml; bolt with company/ and critic/ only, and two bad files."""
    folder = root / "portfolio"
    case_corpus(folder / "acme", "acme")
    _, report, article = CASES["bolt"]
    bolt = folder / "Bolt Industries"
    (bolt / "company").mkdir(parents=True)
    (bolt / "critic").mkdir()
    (bolt / "company" / "annual-report.txt").write_text(report, encoding="utf-8")
    (bolt / "critic" / "scrutiny.md").write_text(article, encoding="utf-8")
    (bolt / "critic" / "figures.xlsx").write_bytes(b"PK\x03\x04 not a document")
    (bolt / "critic" / "empty.txt").write_bytes(b"")
    (folder / "notes").mkdir()  # neither a manifest nor sides: not a case, ignored
    return folder


def test_a_portfolio_ingests_one_case_per_folder_and_names_each_refused_file(tmp_path):
    folder, data = portfolio_folder(tmp_path), tmp_path / "data"
    first = run_cli(["ingest", str(folder)], data, tmp_path / "no-corpus")
    assert first.returncode == 1  # some files were refused: a script must notice
    refused = [line for line in first.stderr.splitlines() if line.startswith("refused ")]
    assert len(refused) == 2
    assert any("figures.xlsx" in line for line in refused)
    assert any("empty.txt" in line and "empty" in line.rsplit(":", 1)[1] for line in refused)
    assert "2 cases, 4 documents (4 added" in first.stderr and "2 refused" in first.stderr

    listed = run_cli(["cases", "--json"], data, tmp_path / "no-corpus")
    cases = {case["id"]: case for case in json.loads(listed.stdout)["cases"]}
    assert sorted(cases) == ["acme", "bolt-industries"]
    assert cases["bolt-industries"]["name"] == "Bolt Industries"
    assert cases["bolt-industries"]["company_documents"] == 1
    assert cases["bolt-industries"]["critic_documents"] == 1

    found = run_cli(
        ["search", QUESTION, "--json", "--case", "bolt-industries"], data, tmp_path / "none"
    )
    results = json.loads(found.stdout)["results"]
    assert {r["side"] for r in results} == {"company", "critic"}
    assert not [r for r in results if foreign(r["text"], "bolt")]


def test_a_portfolio_ingest_is_incremental_and_re_runnable(tmp_path):
    folder, data = portfolio_folder(tmp_path), tmp_path / "data"
    (folder / "Bolt Industries" / "critic" / "figures.xlsx").unlink()
    (folder / "Bolt Industries" / "critic" / "empty.txt").unlink()
    assert run_cli(["ingest", str(folder)], data, tmp_path / "none").returncode == 0

    again = run_cli(["ingest", str(folder)], data, tmp_path / "none")
    assert again.returncode == 0, again.stderr
    assert "4 unchanged" in again.stderr and "0 chunks embedded" in again.stderr

    (folder / "acme" / "article.txt").write_text(
        "Watchdog on Acme\n\nAcme Shenzhen workers were fined for refusing overtime.\n",
        encoding="utf-8",
    )
    changed = run_cli(["ingest", str(folder)], data, tmp_path / "none")
    assert "1 updated, 3 unchanged" in changed.stderr, changed.stderr


def test_a_portfolio_with_case_or_without_case_folders_is_one_clear_line(tmp_path):
    folder = portfolio_folder(tmp_path)
    with_case = run_cli(["ingest", str(folder), "--case", "acme"], tmp_path / "d", tmp_path)
    assert with_case.returncode == 1 and "leave out --case" in with_case.stderr
    (tmp_path / "empty").mkdir()
    nothing = run_cli(["ingest", str(tmp_path / "empty")], tmp_path / "d", tmp_path)
    assert nothing.returncode == 1
    [line] = nothing.stderr.strip().splitlines()
    assert "holds no case folders" in line
