"""Nothing lost when a data folder holds many cases (issue 22): a damaged store is rebuilt case by
case from each case's own sources, and a case that cannot be rebuilt is named, never dropped
(fault 1); a deleted or emptied database is an error, not a silent fresh index (fault 10); a
damaged sources.json refuses new files and is made again (fault 4); a permission problem says
"permission denied: PATH" and changes nothing (fault 5)."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.chroma import release_store
from counterpoint.errors import IngestError, StoreError
from tests.cli_here import cli_here
from tests.conftest import make_settings, stored_chunk_ids
from tests.test_cases import case_corpus

MEMO = "Union Memo\n\nOvertime at the Acme Shenzhen plant ran to eighty hours a month.\n"
LETTER = "Letter to Investors\n\nThe wastewater plant at Site 4 was closed in March 2021.\n"
NOTE = "Harbour Watch\n\nThe dredging near the port destroyed the mangroves in 2022.\n"


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data folder of two cases: `acme` (a corpus.toml and an upload) and `notes` (a loose
    file only, made on the command line's way); and acme's corpus folder."""
    root = tmp_path_factory.mktemp("many-cases")
    corpus, data = case_corpus(root / "acme", "acme"), root / "data"
    acme = Assistant(make_settings(data, corpus), notify=quiet)
    acme.ingest(progress=False)
    acme.ingest_upload("memo.txt", io.BytesIO(MEMO.encode()), "critic")
    notes = Assistant(make_settings(data, corpus), notify=quiet)
    notes.create_case("Notes", "notes")
    (root / "letter.txt").write_text(LETTER, encoding="utf-8")
    notes.ingest_file(root / "letter.txt", "company")
    release_store(acme.base_settings)
    return data, corpus


def copy_of(many: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(many[0], data)
    return data, many[1]


def state(data: Path, corpus: Path, cases: tuple[str, ...] = ("acme", "notes")) -> dict:
    """case -> doc_id -> chunk ids, read in this process, which then lets the files go."""
    found = {
        case: stored_chunk_ids(Assistant(make_settings(data, corpus), quiet, case=case))
        for case in cases
    }
    release_store(make_settings(data, corpus))
    return found


def test_a_repair_rebuilds_every_case_of_a_damaged_store(many, tmp_path, monkeypatch, capsys):
    data, corpus = copy_of(many, tmp_path)
    before = state(data, corpus)
    assert set(before["acme"]) == {"acme-report", "acme-article", "memo"}
    sqlite = data / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(sqlite.read_bytes()[: sqlite.stat().st_size // 2])

    code, out, _ = cli_here(["doctor"], data, corpus, monkeypatch, capsys)
    assert code == 1 and "DAMAGED  store" in out, out
    assert "move the damaged index aside and rebuild every case (acme, notes)" in out
    code, out, _ = cli_here(["doctor", "--repair"], data, corpus, monkeypatch, capsys)
    assert code == 0, out
    assert f"rebuilt the case acme from {corpus / 'corpus.toml'} and its kept sources" in out
    assert "rebuilt the case notes from its kept sources" in out and "all checks pass now" in out
    assert list(data.glob("chroma.damaged-*/chroma.sqlite3"))  # set aside, never deleted
    assert state(data, corpus) == before
    code, out, _ = cli_here(["doctor"], data, corpus, monkeypatch, capsys)
    assert code == 0 and "ok       store     acme: 3 documents" in out
    assert "ok       store     notes: 1 documents" in out


def test_a_case_with_nothing_left_to_rebuild_from_is_named_not_dropped(
    many, tmp_path, monkeypatch, capsys
):
    data, corpus = copy_of(many, tmp_path)
    before = state(data, corpus)
    shutil.rmtree(data / "cases" / "notes" / "files")  # the loose file's only kept copy
    sqlite = data / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(sqlite.read_bytes()[: sqlite.stat().st_size // 2])

    code, out, _ = cli_here(["doctor", "--repair"], data, corpus, monkeypatch, capsys)
    assert code == 1, out
    assert "could not rebuild the case notes: no corpus.toml or case folder at" in out
    assert "it stays set aside and named" in out
    assert "DAMAGED  store     notes: the index is missing" in out
    assert state(data, corpus, ("acme",))["acme"] == before["acme"]
    assert (data / "cases" / "notes" / "case.json").is_file()
    code, out, _ = cli_here(["doctor"], data, corpus, monkeypatch, capsys)
    assert code == 1 and "notes: the index is missing" in out
    assert list(data.glob("chroma.damaged-*/chroma.sqlite3"))


@pytest.mark.parametrize("damage", ["emptied", "deleted"])
def test_a_lost_database_is_an_error_and_the_repair_rebuilds_every_case(
    many, tmp_path, monkeypatch, capsys, damage
):
    data, corpus = copy_of(many, tmp_path)
    before = state(data, corpus)
    sqlite = data / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(b"") if damage == "emptied" else sqlite.unlink()

    for case in ("acme", "notes"):
        lost = Assistant(make_settings(data, corpus), quiet, case=case)
        with pytest.raises(StoreError, match="missing from the store.*doctor --repair"):
            lost.search("supplier audits")
    code, out, _ = cli_here(["doctor"], data, corpus, monkeypatch, capsys)
    assert code == 1 and "AttributeError" not in out, out
    assert "acme: the index is missing" in out and "notes: the index is missing" in out
    code, out, _ = cli_here(["doctor", "--repair"], data, corpus, monkeypatch, capsys)
    assert code == 0, out
    assert state(data, corpus) == before


def test_a_damaged_sources_registry_refuses_new_files_and_is_made_again(
    many, tmp_path, monkeypatch, capsys
):
    data, corpus = copy_of(many, tmp_path)
    registry = data / "cases" / "notes" / "sources.json"
    kept = json.loads(registry.read_text(encoding="utf-8"))
    registry.write_text("{ not json", encoding="utf-8")
    notes = Assistant(make_settings(data, corpus), quiet, case="notes")
    before = stored_chunk_ids(notes)
    note = tmp_path / "harbour.txt"
    note.write_text(NOTE, encoding="utf-8")
    with pytest.raises(IngestError, match=r"sources\.json is damaged"):
        notes.ingest_file(note, "critic")
    assert stored_chunk_ids(notes) == before  # nothing indexed without its source kept

    code, out, _ = cli_here(["doctor", "--repair"], data, corpus, monkeypatch, capsys)
    assert code == 0, out
    assert "notes: set the damaged sources.json aside" in out and "made it again" in out
    assert json.loads(registry.read_text(encoding="utf-8")) == kept
    assert list(registry.parent.glob("sources.json.damaged-*"))
    again = Assistant(make_settings(data, corpus), quiet, case="notes")
    assert again.ingest_file(note, "critic").added == ["harbour"]


def unprivileged(args: list[str], data: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    """`counterpoint ARGS` as a user file permissions apply to: as root, without the
    capabilities that let root read and write any file."""
    prefix = []
    if os.geteuid() == 0:
        drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        if not shutil.which("setpriv") or subprocess.run([*drop, "true"]).returncode:
            pytest.skip("running as root without setpriv: file permissions cannot apply")
        prefix = drop
    env = {**os.environ, "COUNTERPOINT_DATA_DIR": str(data), "COUNTERPOINT_CORPUS_DIR": str(corpus)}
    env["CHROMA_HOST"] = ""
    command = [*prefix, sys.executable, "-m", "counterpoint", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL
    )


def chmod_tree(folder: Path, writable: bool) -> None:
    """Make a folder and everything in it read-only, or writable again."""
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


def test_an_unreadable_index_is_denied_and_the_repair_changes_nothing(many, tmp_path):
    data, corpus = copy_of(many, tmp_path)
    before = state(data, corpus)
    (data / "chroma").chmod(0)
    try:
        search = unprivileged(["search", "audits", "--case", "acme"], data, corpus)
        check = unprivileged(["doctor"], data, corpus)
        repair = unprivileged(["doctor", "--repair"], data, corpus)
    finally:
        (data / "chroma").chmod(0o755)
    denied = f"permission denied: {data / 'chroma'}"
    assert search.returncode == 1 and search.stderr.strip() == f"counterpoint: error: {denied}"
    assert check.returncode == 1 and f"DENIED   access    {denied}" in check.stdout
    assert "DAMAGED" not in check.stdout + repair.stdout
    assert repair.returncode == 1 and "nothing can be repaired here" in repair.stdout
    assert not list(data.glob("chroma.damaged-*"))
    assert state(data, corpus) == before


def test_a_read_only_data_folder_and_an_unreadable_manifest_are_one_line_each(many, tmp_path):
    data, corpus = copy_of(many, tmp_path)
    note = tmp_path / "harbour.txt"
    note.write_text(NOTE, encoding="utf-8")
    chmod_tree(data, writable=False)
    try:
        ingest = unprivileged(["ingest", str(note), "--side", "critic"], data, corpus)
        check = unprivileged(["doctor"], data, corpus)
    finally:
        chmod_tree(data, writable=True)
    manifest = tmp_path / "acme"
    shutil.copytree(corpus, manifest)
    (manifest / "corpus.toml").chmod(0)
    unread = unprivileged(["ingest"], data, manifest)
    for run in (ingest, check, unread):
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert ingest.stderr.strip().startswith(f"counterpoint: error: permission denied: {data}")
    assert f"DENIED   access    permission denied: {data}" in check.stdout
    assert unread.stderr.strip() == (
        f"counterpoint: error: permission denied: {manifest / 'corpus.toml'}"
    )
