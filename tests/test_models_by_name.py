"""Models named by the user: any sentence-transformers embedder (a folder, or a Hugging Face id
when downloads are allowed) and a cross-encoder reranker, end to end on tiny random models the
tests build (tests/tiny_models.py), over the small second corpus.

Random weights rank nothing well: these tests check what reaches the model and what is done
with its scores, not the quality of any ranking.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from counterpoint.assistant import Assistant
from counterpoint.errors import ConfigError, StoreError
from tests.conftest import PROJECT_ROOT, make_settings, run_cli
from tests.tiny_models import tiny_cross_encoder, tiny_embedder

SECOND_CORPUS = PROJECT_ROOT / "tests" / "data" / "second_corpus"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
QUESTION = "Did Quillmere's suppliers use child labour on cocoa farms?"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tiny-models")
    return {
        "embedder": tiny_embedder(folder / "tiny-e5", E5_PROMPTS),
        "reranker": tiny_cross_encoder(folder / "tiny-cross-encoder"),
    }


@pytest.fixture(scope="module")
def tiny_index(models, tmp_path_factory) -> Assistant:
    """The second corpus indexed with the tiny embedder, once for the module."""
    settings = make_settings(
        tmp_path_factory.mktemp("tiny-index"),
        SECOND_CORPUS,
        COUNTERPOINT_EMBED_MODEL=str(models["embedder"]),
    )
    assistant = Assistant(settings, notify=lambda message: None)
    assistant.ingest(progress=False)
    return assistant


def test_a_sentence_transformers_folder_embeds_with_the_prompts_it_saved(models, tiny_index):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(models["embedder"]), device="cpu")
    ours = tiny_index.embedder
    assert np.allclose(ours.get_query_embedding(QUESTION),
                       reference.encode("query: " + QUESTION), atol=1e-6)  # fmt: skip
    assert np.allclose(ours.get_text_embedding(QUESTION),
                       reference.encode("passage: " + QUESTION), atol=1e-6)  # fmt: skip
    found = tiny_index.search(QUESTION, k=2)
    assert {p.side for p in found.results} == {"company", "critic"}
    recorded = tiny_index.store.collection.metadata["embedder"]
    assert recorded.startswith("sentence-transformers/tiny-e5@")


def test_an_index_of_another_embedder_is_refused_and_the_doctor_says_how_to_re_embed(
    tiny_index, tmp_path
):
    from counterpoint.doctor import diagnose

    bundled = make_settings(tiny_index.settings.data_dir, SECOND_CORPUS)
    with pytest.raises(StoreError, match="the index was built with sentence-transformers/tiny"):
        Assistant(bundled, notify=lambda message: None).search(QUESTION)
    assistant = Assistant(bundled)
    found = diagnose(assistant.base_settings, assistant.corpus_case())
    embedder = next(c for c in found.checks if c.name == "embedder")
    assert not embedder.ok and "`counterpoint doctor --repair`" in embedder.detail


def test_ingest_rebuild_re_embeds_an_index_made_by_another_embedder(models, tmp_path):
    tiny = make_settings(tmp_path, SECOND_CORPUS, COUNTERPOINT_EMBED_MODEL=str(models["embedder"]))
    Assistant(tiny, notify=lambda message: None).ingest(progress=False)
    bundled = Assistant(make_settings(tmp_path, SECOND_CORPUS), notify=lambda message: None)
    report = bundled.ingest(rebuild=True, progress=False)
    assert report.chunks_written > 0
    assert bundled.store.collection.metadata["embedder"].endswith("all-MiniLM-L6-v2@fp32")
    assert bundled.search(QUESTION, k=1).results


@pytest.mark.parametrize("variable", ["COUNTERPOINT_EMBED_MODEL", "COUNTERPOINT_RERANKER"])
def test_a_hugging_face_id_is_downloaded_only_when_allowed(variable, tmp_path):
    settings = make_settings(tmp_path, SECOND_CORPUS, **{variable: "nobody-here/no-such-model"})
    with pytest.raises(ConfigError, match="set COUNTERPOINT_ALLOW_DOWNLOADS=1 to download it"):
        Assistant(settings, notify=lambda message: None).retriever  # noqa: B018 - loads both


def test_the_reranker_orders_each_sides_candidates_by_the_cross_encoders_scores(models, tiny_index):
    from sentence_transformers import CrossEncoder

    settings = tiny_index.base_settings.model_copy(update={"reranker": str(models["reranker"])})
    reranked = Assistant(settings, notify=lambda message: None)
    retriever = reranked.retriever
    retriever.merge_chunks = 1  # one chunk per passage: its score is the chunk's
    found = retriever.retrieve(QUESTION, 50)
    retriever.reranker = None
    plain = retriever.retrieve(QUESTION, 50)
    judge = CrossEncoder(str(models["reranker"]), device="cpu")
    for side, passages in found.items():
        scores = judge.predict([(QUESTION, p.text) for p in passages])
        assert all(a >= b - 1e-5 for a, b in zip(scores, scores[1:], strict=False)), side
        assert {p.chunk_id for p in passages} == {p.chunk_id for p in plain[side]}
        assert [p.chunk_id for p in passages] != [p.chunk_id for p in plain[side]]


def test_eval_benchmark_names_the_embedder_and_reranker_it_measured(models, tmp_path):
    from counterpoint.evaluation.benchmark_report import render_benchmark
    from tests.test_benchmark import write_benchmark

    bench = write_benchmark(tmp_path / "tinybench")
    args = ["eval", "--benchmark", str(bench), "--no-baseline", "--limit", "1"]
    args += ["--embedder", str(models["embedder"]), "--reranker", str(models["reranker"])]
    done = run_cli([*args, "--json"], tmp_path / "data", tmp_path / "no-corpus")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["embedder"] == str(models["embedder"])
    assert report["reranker_id"].startswith("tiny-cross-encoder@")
    header = render_benchmark(report).splitlines()[1]  # what the run prints without --json
    assert header.startswith(f"embedder: {models['embedder']} (sentence-transformers/tiny-e5@")
    assert f"reranker: {models['reranker']} (tiny-cross-encoder@" in header
    folders = [p.name for p in (tmp_path / "data" / "benchmarks").iterdir()]
    assert folders[0].startswith("tinybench--sentence-transformers-tiny-e5-") and len(folders) == 1
