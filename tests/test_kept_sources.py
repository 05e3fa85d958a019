"""Documents added outside the manifest survive a rebuild: their files are kept under the case's
folder and indexed again with the same ids (issue 14, fault 6); replaced or removed uploads leave
no copy behind (fault 8)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.errors import IngestError
from ingest.sources import REGISTRY, kept_files
from tests.conftest import make_settings, stored_chunk_ids
from tests.test_ingest import small_corpus

LETTER = "Letter to Investors\n\nThe wastewater plant at Site 4 was closed in March 2021.\n"
MEMO = "Union Memo\n\nOvertime at the Site 4 plant ran to eighty hours a month in 2020.\n"


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    made = Assistant(make_settings(tmp_path / "index", small_corpus(tmp_path / "corpus")))
    made.ingest(progress=False)
    return made


def test_a_rebuild_keeps_loose_files_and_uploads_with_their_ids(assistant, tmp_path):
    letter = tmp_path / "outside" / "letter.txt"
    letter.parent.mkdir()
    letter.write_text(LETTER, encoding="utf-8")
    assistant.ingest_file(letter, "company", "Letter of March 2021")
    assistant.ingest_upload("memo.txt", io.BytesIO(MEMO.encode()), "critic")
    before = stored_chunk_ids(assistant)
    letter.unlink()  # the original is gone: the kept copy must do
    report = assistant.ingest(rebuild=True, progress=False)
    assert stored_chunk_ids(assistant) == before
    assert sorted(report.added) == ["acme-report", "letter", "memo", "watch-article"]
    titles = {d: m["title"] for d, m in assistant.store.documents().items()}
    assert titles["letter"] == "Letter of March 2021" and titles["memo"] == "Union Memo"
    hits = assistant.search("wastewater plant closed", side="company").results
    assert hits[0].doc_id == "letter"


def test_a_rebuild_refuses_to_drop_a_document_whose_file_is_not_kept(assistant, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    assistant.ingest_file(letter, "company")
    data = assistant.settings.case_dir  # the kept sources are the case's
    for path in kept_files(data) | {data / REGISTRY}:  # as an index made before kept sources
        path.unlink()
    before = stored_chunk_ids(assistant)
    with pytest.raises(IngestError, match=rf"would drop 1 document.*letter \({letter}\).*--prune"):
        assistant.ingest(rebuild=True, progress=False)
    assert stored_chunk_ids(assistant) == before
    assistant.ingest(rebuild=True, progress=False, prune=True)
    assert set(stored_chunk_ids(assistant)) == {"acme-report", "watch-article"}


def test_an_upload_replaced_by_a_new_version_leaves_no_old_copy(assistant):
    data = assistant.settings.case_dir  # the kept sources are the case's
    assistant.ingest_upload("memo.txt", io.BytesIO(MEMO.encode()), "critic")
    newer = MEMO + "\nA second survey in 2021 found the same.\n"
    assistant.ingest_upload("memo.txt", io.BytesIO(newer.encode()), "critic", replace=True)
    [kept] = kept_files(data)
    assert kept.read_text(encoding="utf-8") == newer
    assistant.remove_document("memo")
    assert not kept_files(data) and "memo" not in assistant.store.documents()
