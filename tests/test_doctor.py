"""A damaged index has a way back: `counterpoint doctor` says what is wrong, `--repair` rebuilds
it with every document, uploads and loose files included (issue 14, fault 5)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from chromadb.api.client import SharedSystemClient

from counterpoint.assistant import Assistant
from tests.conftest import CORPUS, make_settings, run_cli

UPLOAD = "Kestrel Watch report.\n\nThe supplier audits of the company missed forced labour.\n"
LOOSE = "Company statement.\n\nEvery supplier signs our code of conduct on labour rights.\n"


def damage(sqlite: Path) -> None:
    """Overwrite the pages after the header: `database disk image is malformed`."""
    data = bytearray(sqlite.read_bytes())
    for at in range(4096, min(len(data), 4096 * 200)):
        data[at] = (at * 31) & 0xFF
    sqlite.write_bytes(bytes(data))


def chunks_per_document(assistant: Assistant) -> dict[str, int]:
    return {doc: meta["chunks"] for doc, meta in assistant.store.documents().items()}


def test_a_damaged_index_is_found_by_the_doctor_and_repaired_with_every_document(
    seed_assistant, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(seed_assistant.settings.data_dir, data)
    assistant = Assistant(make_settings(data), notify=print)
    assistant.ingest_upload("kestrel.txt", io.BytesIO(UPLOAD.encode()), "critic")
    loose = tmp_path / "statement.txt"
    loose.write_text(LOOSE, encoding="utf-8")
    assistant.ingest_file(loose, "company")
    before = chunks_per_document(assistant)
    assert {"kestrel", "statement"} <= set(before) and len(before) == 4
    del assistant
    damage(data / "chroma" / "chroma.sqlite3")

    search = run_cli(["search", "supplier audits forced labour"], data, CORPUS)
    assert search.returncode == 1
    assert "malformed" in search.stderr and "counterpoint doctor --repair" in search.stderr
    assert len(search.stderr.strip().splitlines()) == 1

    check = run_cli(["doctor"], data, CORPUS)
    assert check.returncode == 1, check.stderr
    assert "DAMAGED  store" in check.stdout and "--repair" in check.stdout

    repaired = run_cli(["doctor", "--repair"], data, CORPUS)
    assert repaired.returncode == 0, repaired.stderr
    assert "moved the damaged index to" in repaired.stdout
    assert list(data.glob("chroma.damaged-*/chroma.sqlite3"))  # set aside, never deleted

    # This process still holds the damaged file open (chromadb keeps a system per path).
    SharedSystemClient.clear_system_cache()
    after = Assistant(make_settings(data), notify=print)
    assert chunks_per_document(after) == before
    found = run_cli(["search", "supplier audits forced labour", "--json"], data, CORPUS)
    assert found.returncode == 0, found.stderr
    assert "kestrel" in found.stdout and "statement" in found.stdout
    assert run_cli(["doctor"], data, CORPUS).returncode == 0


def test_the_doctor_removes_a_damaged_bm25_copy_and_a_leftover_upload(seed_assistant, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_assistant.settings.data_dir, data)
    assistant = Assistant(make_settings(data), notify=print)
    assistant.search("human rights")  # saves both sides' BM25
    case = data / seed_assistant.settings.case_dir.relative_to(seed_assistant.settings.data_dir)
    saved = sorted(p for p in (case / "bm25").iterdir() if p.is_dir())
    assert saved
    for file in saved[0].iterdir():
        file.write_text("{ not json", encoding="utf-8")
    leftover = case / "uploads" / "0123456789abcdef" / "old.txt"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("an old version", encoding="utf-8")

    check = run_cli(["doctor"], data, CORPUS)
    assert check.returncode == 1
    assert "DAMAGED  bm25" in check.stdout and "old.txt" in check.stdout
    assert run_cli(["doctor", "--repair"], data, CORPUS).returncode == 0
    assert not leftover.exists()
    assert run_cli(["doctor"], data, CORPUS).returncode == 0
