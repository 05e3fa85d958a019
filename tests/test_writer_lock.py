"""One writer at a time per data folder (issue 14, fault 7): two ingests started together of the
same content under two names leave one copy; readers are never held up by a writer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from counterpoint.assistant import Assistant
from counterpoint.locking import writer_lock
from tests.conftest import CORPUS, make_settings, run_cli

TEXT = "Harbour Watch note.\n\nThe company's dredging destroyed the mangroves near the port.\n"


def _ingest(data, path) -> subprocess.Popen[str]:  # noqa: ANN001
    env = {
        **os.environ,
        "COUNTERPOINT_DATA_DIR": str(data),
        "CHROMA_HOST": "",
        "COUNTERPOINT_CORPUS_DIR": str(CORPUS),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "counterpoint", "ingest", str(path), "--side", "critic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_ingests_of_the_same_content_leave_one_copy(seed_assistant, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_assistant.settings.data_dir, data)
    first, second = tmp_path / "note.txt", tmp_path / "copy-of-note.txt"
    for path in (first, second):
        path.write_text(TEXT, encoding="utf-8")
    runs = [_ingest(data, first), _ingest(data, second)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert "already" in refused and len(refused.strip().splitlines()) == 1, refused
    documents = Assistant(make_settings(data), notify=print).store.documents()
    names = ("note.txt", "copy-of-note.txt")
    copies = [d for d, meta in documents.items() if meta.get("file") in names]
    assert len(copies) == 1, copies


def test_a_second_writer_is_told_another_ingest_runs_while_readers_carry_on(
    seed_assistant, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(seed_assistant.settings.data_dir, data)
    note = tmp_path / "note.txt"
    note.write_text(TEXT, encoding="utf-8")
    with writer_lock(data):
        search = run_cli(["search", "human rights", "--k", "1"], data, CORPUS)
        assert search.returncode == 0, search.stderr
        ingest = run_cli(
            ["ingest", str(note), "--side", "critic"], data, CORPUS, COUNTERPOINT_LOCK_WAIT="1"
        )
    assert ingest.returncode == 1
    assert "another ingest is running" in ingest.stderr
    assert run_cli(["ingest", str(note), "--side", "critic"], data, CORPUS).returncode == 0
