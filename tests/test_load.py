"""Load: eight clients ask questions at once through one `Assistant` while another document is
being ingested; every answer is well formed, nothing fails, and afterwards the index holds
every chunk exactly once. Prints throughput and p95 latency (loopback only, bounded)."""

from __future__ import annotations

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from counterpoint.assistant import Assistant
from counterpoint.config import SIDES
from counterpoint.models import Answer
from tests.conftest import CORPUS, expected_chunk_ids, sliced_corpus, stored_chunk_ids

CLIENTS = 8
QUESTIONS_PER_CLIENT = 4


def check_well_formed(answer: Answer) -> None:
    """The JSON contract holds and every citation is a verbatim, numbered quote."""
    Answer.model_validate(answer.model_dump())
    assert set(answer.sides) == set(SIDES)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert all(c.supported and c.quote in c.passage for c in answer.citations)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}


@pytest.mark.parametrize("store_settings", ["embedded", "server"], indirect=True)
def test_eight_clients_ask_while_a_document_is_ingested(store_settings, tmp_path, eval_questions):
    settings = store_settings(sliced_corpus(tmp_path / "corpus"))
    assistant = Assistant(settings, notify=lambda message: None)
    assistant.ingest(progress=False)
    extra = tmp_path / "ipvm-full-article.txt"
    extra.write_text(
        (CORPUS / "ipvm-hikvision-prc-human-rights-law-2019.txt").read_text(encoding="utf-8")
    )
    questions = [q["question"] for q in eval_questions][: CLIENTS * QUESTIONS_PER_CLIENT]
    latencies: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> list[Answer]:
        answers = []
        for question in questions[n::CLIENTS]:
            started = time.perf_counter()
            answers.append(assistant.ask(question))
            with lock:
                latencies.append(time.perf_counter() - started)
        return answers

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS + 1) as pool:
        ingest = pool.submit(assistant.ingest_file, extra, "critic")
        clients = [pool.submit(client, n) for n in range(CLIENTS)]
        answers = [answer for future in clients for answer in future.result(timeout=600)]
        assert ingest.result(timeout=600).added == ["ipvm-full-article"]
    elapsed = time.perf_counter() - started

    assert len(answers) == len(questions)
    for answer in answers:
        check_well_formed(answer)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    median = statistics.median(latencies)
    print(
        f"\n{len(answers)} answers in {elapsed:.1f} s ({len(answers) / elapsed:.2f}/s); "
        f"latency p95 {p95 * 1000:.0f} ms, median {median * 1000:.0f} ms"
    )
    stored = stored_chunk_ids(assistant)
    manifest_docs = {d: ids for d, ids in stored.items() if d != "ipvm-full-article"}
    assert manifest_docs == expected_chunk_ids(settings)
    written = len(stored["ipvm-full-article"])
    assert list(assistant.store.versions()["ipvm-full-article"].values()) == [(written, written)]
