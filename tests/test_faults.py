"""Faults: an ingest process killed mid-way leaves every document whole or absent, and the next
run finishes the job exactly; a Chroma server that stops gives a clear error, and the same
assistant works again when the server is back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.config import Settings
from counterpoint.errors import StoreError
from tests.conftest import (
    ChromaServer,
    expected_chunk_ids,
    make_settings,
    sliced_corpus,
    stored_chunk_ids,
)
from tests.test_ingest import small_corpus


def ingest_process(settings: Settings) -> subprocess.Popen[str]:
    """`counterpoint ingest` in a real process, its progress lines on stderr."""
    env = {
        **os.environ,
        "COUNTERPOINT_DATA_DIR": str(settings.data_dir),
        "COUNTERPOINT_CORPUS_DIR": str(settings.corpus_dir),
        "CHROMA_HOST": "",
    }
    command = [sys.executable, "-m", "counterpoint", "ingest"]
    return subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill_after_first_document(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process as soon as it reports its first document written."""
    assert process.stderr is not None
    for line in process.stderr:
        if "indexed " in line:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def index_state(settings: Settings) -> dict[str, list[str]]:
    """The chunk ids the index holds, read in this process and then let go of."""
    assistant = Assistant(settings)
    try:
        return stored_chunk_ids(assistant)
    finally:
        assistant.store.client.close()


def test_a_killed_ingest_leaves_whole_documents_and_the_next_run_completes_it(tmp_path):
    corpus = sliced_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path / "index", corpus)
    manifest = corpus / "corpus.toml"
    full = manifest.read_text(encoding="utf-8")
    entries = ["[[document]]" + entry for entry in full.split("[[document]]")[1:]]
    # An index of every other document, which are then revised: the killed run must add new
    # documents (company-1 first) and replace revised ones.
    manifest.write_text("\n".join(entries[1::2]), encoding="utf-8")
    first = Assistant(settings)
    first.ingest(progress=False)
    first.store.client.close()
    old = index_state(settings)
    manifest.write_text(full, encoding="utf-8")
    for doc_id in old:
        path = corpus / f"{doc_id}.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\n\nRevised in 2021.\n")
    new = expected_chunk_ids(settings)
    kill_after_first_document(ingest_process(settings))
    interim = index_state(settings)
    assert interim["company-1"] == new["company-1"]
    assert interim != new, "the kill should land mid-way"
    for doc_id, ids in interim.items():  # whole: old, new, or both (new written, old not yet gone)
        assert ids in (old.get(doc_id), new[doc_id], sorted(old.get(doc_id, []) + new[doc_id]))
    rerun = ingest_process(settings)
    assert rerun.wait(timeout=300) == 0
    assert index_state(settings) == new


@pytest.fixture
def own_server(tmp_path: Path):
    server = ChromaServer(tmp_path / "chroma-db").start()
    yield server
    server.stop()


def test_a_stopped_server_is_a_clear_error_and_the_same_assistant_recovers(own_server, tmp_path):
    corpus = small_corpus(tmp_path / "c")
    settings = make_settings(
        tmp_path / "index", corpus, CHROMA_HOST="127.0.0.1", CHROMA_PORT=own_server.port
    )
    assistant = Assistant(settings)
    assistant.ingest(progress=False)
    question = "How often are suppliers audited?"
    before = assistant.ask(question)
    own_server.stop()
    unreachable = f"cannot reach the Chroma server at 127.0.0.1:{own_server.port}"
    with pytest.raises(StoreError, match=unreachable):
        assistant.retriever.retrieve(question, 2)
    with pytest.raises(StoreError, match=unreachable):
        assistant.ask(question)
    own_server.start()
    after = assistant.ask(question)
    assert [c.chunk_id for c in after.citations] == [c.chunk_id for c in before.citations]
    assert assistant.store.count() == 2


def test_a_replica_keeps_answering_after_another_rebuilds_the_index(chroma_server, tmp_path):
    settings = make_settings(
        tmp_path / "index",
        small_corpus(tmp_path / "c"),
        CHROMA_HOST="127.0.0.1",
        CHROMA_PORT=chroma_server.port,
        COUNTERPOINT_COLLECTION=f"replicas-{uuid.uuid4().hex[:8]}",
    )
    ingesting, serving = Assistant(settings), Assistant(settings)
    ingesting.ingest(progress=False)
    before = serving.search("Are suppliers audited?", k=1).results
    ingesting.ingest(rebuild=True, progress=False)  # drops the collection and makes it again
    after = serving.search("Are suppliers audited?", k=1).results
    assert [p.chunk_id for p in after] == [p.chunk_id for p in before]
