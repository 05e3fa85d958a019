"""A rebuild builds beside the live index and swaps at the end (issue 22, faults 6 and 8):
readers keep answering from the old index while it runs, a reader holding the old index follows
the swap, and a rebuild killed at any point leaves the old index whole, uploads and loose files
included, for the next plain ingest."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.chroma import release_store
from counterpoint.swap import get_or_none, retired_name, staging_name
from tests.conftest import make_settings, sliced_corpus, stored_chunk_ids

MEMO = "Union Memo\n\nOvertime at the Site 4 plant ran to eighty hours a month in 2020.\n"
LETTER = "Letter to Investors\n\nThe wastewater plant at Site 4 was closed in March 2021.\n"


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three short documents of the seed corpus, an upload and a loose file, indexed once."""
    root = tmp_path_factory.mktemp("beside")
    corpus = sliced_corpus(root / "corpus", company_parts=2, critic_parts=1, chars=1500)
    assistant = Assistant(make_settings(root / "data", corpus), notify=quiet)
    assistant.ingest(progress=False)
    assistant.ingest_upload("memo.txt", io.BytesIO(MEMO.encode()), "critic")
    (root / "letter.txt").write_text(LETTER, encoding="utf-8")
    assistant.ingest_file(root / "letter.txt", "company")
    release_store(assistant.base_settings)
    return root


@pytest.fixture
def live(indexed: Path, tmp_path: Path) -> Assistant:
    """An assistant on this test's own copy of the indexed data folder."""
    shutil.copytree(indexed / "data", tmp_path / "data")
    return Assistant(make_settings(tmp_path / "data", indexed / "corpus"), notify=quiet)


def rebuild_process(settings) -> subprocess.Popen[str]:  # noqa: ANN001 - Settings
    """`counterpoint ingest --rebuild` in a real process, its progress lines on stderr."""
    env = {**os.environ, "COUNTERPOINT_DATA_DIR": str(settings.data_dir), "CHROMA_HOST": ""}
    env["COUNTERPOINT_CORPUS_DIR"] = str(settings.corpus_dir)
    command = [sys.executable, "-m", "counterpoint", "ingest", "--rebuild"]
    return subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def first_document_written(process: subprocess.Popen[str]) -> None:
    """Wait until the process says it wrote its first document."""
    assert process.stderr is not None
    for line in process.stderr:
        if "indexed " in line:
            return
    raise AssertionError(f"the rebuild ended without writing: exit {process.wait()}")


def found(assistant: Assistant, question: str) -> list[str]:
    return [p.chunk_id for p in assistant.search(question, k=3).results]


QUESTIONS = ("wastewater plant closed", "overtime hours", "human rights due diligence")


def test_readers_answer_from_the_old_index_while_a_rebuild_runs_and_after_it_is_killed(live):
    settings = live.base_settings
    before = {q: found(live, q) for q in QUESTIONS}
    chunks = stored_chunk_ids(live)
    rebuild = rebuild_process(settings)
    try:
        first_document_written(rebuild)
        reader = Assistant(settings, notify=quiet)  # a fresh reader, mid-rebuild
        assert {q: found(reader, q) for q in QUESTIONS} == before
        assert {q: found(live, q) for q in QUESTIONS} == before  # one holding the old index
        assert stored_chunk_ids(reader) == chunks
        assert get_or_none(reader.client, staging_name(reader.settings)) is not None
    finally:
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait(timeout=30)
    after = Assistant(settings, notify=quiet)
    assert stored_chunk_ids(after) == chunks  # whole: the upload and the loose file included
    assert after.ingest(progress=False).chunks_written == 0
    assert stored_chunk_ids(after) == chunks
    assert found(after, "wastewater plant closed")[0].startswith(chunks["letter"][0][:16])
    assert get_or_none(after.client, staging_name(after.settings)) is None  # the leftover went


def test_a_reader_holding_the_old_index_follows_the_swap(live):
    before = {q: found(live, q) for q in QUESTIONS}
    rebuilt = Assistant(live.base_settings, notify=quiet).ingest(rebuild=True, progress=False)
    assert sorted(rebuilt.added) == ["company-1", "company-2", "critic-1", "letter", "memo"]
    assert {q: found(live, q) for q in QUESTIONS} == before  # the old collection is dropped
    assert get_or_none(live.client, staging_name(live.settings)) is None


def test_a_swap_killed_between_its_renames_is_undone_on_the_next_opening(live):
    settings = live.base_settings
    chunks = stored_chunk_ids(live)
    bound = live.settings
    live.client.get_collection(bound.collection_name).modify(name=retired_name(bound))
    release_store(settings)  # as if the process had died
    after = Assistant(settings, notify=quiet)
    assert stored_chunk_ids(after) == chunks
    assert get_or_none(after.client, retired_name(bound)) is None
