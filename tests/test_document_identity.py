"""A document's identity is where it came from and its side, never its base name alone: a file
that would take another document's place is refused, naming both, unless the user asks for the
replacement (issue 14, fault 1)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.errors import IngestError
from ingest.sources import kept_files, load_sources
from tests.conftest import make_settings, run_cli, stored_chunk_ids
from tests.test_ingest import small_corpus

CRITIC_TEXT = "Critic Findings\n\nThe audits were announced weeks in advance, workers said.\n"
COMPANY_TEXT = "Company Statement\n\nEvery supplier is audited without notice each year.\n"


def two_reports(root: Path) -> tuple[Path, Path]:
    """`c1/report.txt` (a critic's text) and `c2/report.txt` (the company's): one base name."""
    first, second = root / "c1" / "report.txt", root / "c2" / "report.txt"
    for path, text in ((first, CRITIC_TEXT), (second, COMPANY_TEXT)):
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    return first, second


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    made = Assistant(make_settings(tmp_path / "index", small_corpus(tmp_path / "corpus")))
    made.ingest(progress=False)
    return made


def sides(assistant: Assistant) -> dict[str, str]:
    return {d: str(m["side"]) for d, m in assistant.store.documents().items()}


def test_a_file_of_the_same_name_from_another_folder_is_refused_naming_both(tmp_path):
    first, second = two_reports(tmp_path)
    data, corpus = tmp_path / "index", small_corpus(tmp_path / "corpus")
    assert run_cli(["ingest", str(first), "--side", "critic"], data, corpus).returncode == 0
    refused = run_cli(["ingest", str(second), "--side", "company"], data, corpus)
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert str(second) in line and str(first) in line and "--replace" in line, line
    search = ["search", "announced weeks in advance", "--side", "critic", "--json"]
    found = run_cli(search, data, corpus)
    assert '"doc_id": "report"' in found.stdout and "Critic Findings" in found.stdout
    replaced = run_cli(["ingest", str(second), "--side", "company", "--replace"], data, corpus)
    assert replaced.returncode == 0, replaced.stderr
    assert "1 updated" in replaced.stderr


def test_the_same_file_on_the_other_side_is_refused_unless_asked(assistant, tmp_path):
    first, _ = two_reports(tmp_path)
    assistant.ingest_file(first, "critic")
    before = stored_chunk_ids(assistant)
    with pytest.raises(IngestError, match=r"already indexed as a critic document .*--replace"):
        assistant.ingest_file(first, "company")
    assert stored_chunk_ids(assistant) == before and sides(assistant)["report"] == "critic"
    assert assistant.ingest_file(first, "company", replace=True).updated == ["report"]
    assert sides(assistant)["report"] == "company"


def test_the_same_file_edited_in_place_is_an_update_of_its_document(assistant, tmp_path):
    first, _ = two_reports(tmp_path)
    assistant.ingest_file(first, "critic")
    first.write_text(CRITIC_TEXT + "\nA second visit found the same.\n", encoding="utf-8")
    assert assistant.ingest_file(first, "critic").updated == ["report"]
    assert sides(assistant)["report"] == "critic"


def test_an_upload_of_a_taken_name_is_refused_unless_asked(assistant):
    assistant.ingest_upload("report.txt", io.BytesIO(CRITIC_TEXT.encode()), "critic")
    before = stored_chunk_ids(assistant)
    for side in ("critic", "company"):
        with pytest.raises(IngestError, match=r"report\.txt.*critic document 'Critic Findings'"):
            assistant.ingest_upload("report.txt", io.BytesIO(COMPANY_TEXT.encode()), side)
        assert stored_chunk_ids(assistant) == before
    uploads = assistant.settings.case_dir / "uploads"
    assert len([p for p in uploads.rglob("*") if p.is_file()]) == 1
    again = assistant.ingest_upload("report.txt", io.BytesIO(CRITIC_TEXT.encode()), "critic")
    assert again.unchanged == ["report"]
    upload = io.BytesIO(COMPANY_TEXT.encode())
    assert assistant.ingest_upload("report.txt", upload, "company", replace=True).updated
    assert sides(assistant)["report"] == "company"


def test_a_manifest_entry_cannot_take_a_loose_documents_id_unless_asked(assistant, tmp_path):
    _, company = two_reports(tmp_path)
    assistant.ingest_file(company, "company")  # id "report", the company's
    corpus = assistant.base_settings.corpus_dir
    (corpus / "critic-report.txt").write_text(CRITIC_TEXT, encoding="utf-8")
    manifest = corpus / "corpus.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + '\n[[document]]\nid = "report"\n'
        'title = "Critic report"\nside = "critic"\npath = "critic-report.txt"\n',
        encoding="utf-8",
    )
    before = stored_chunk_ids(assistant)
    for rebuild in (False, True):
        with pytest.raises(
            IngestError, match=rf"'report'.*company document .*{company}.*--replace"
        ):
            assistant.ingest(rebuild=rebuild, progress=False)
        assert stored_chunk_ids(assistant) == before and sides(assistant)["report"] == "company"
    assert assistant.ingest(progress=False, replace=True).updated == ["report"]
    assert sides(assistant)["report"] == "critic"
    folder = assistant.settings.case_dir
    assert not kept_files(folder) and not load_sources(folder)  # its kept copy is let go
    assistant.ingest(rebuild=True, progress=False)  # and the rebuild does not swap it back
    assert sides(assistant)["report"] == "critic"
    assert assistant.ingest(progress=False).unchanged == ["acme-report", "watch-article", "report"]
