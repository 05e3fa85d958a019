"""Does an int8 ONNX embedder keep our retrieval figures? fp32 (the normal embedder) against an
onnxruntime int8 dynamic quantization of the bundled all-MiniLM-L6-v2, each with its own
throw-away index of the seed corpus, scored like `counterpoint eval` (retrieval part only:
recall within 300 words, recall@4, MRR per side), plus texts/s of each embedder on the seed chunks
(batch 32) and the mean cosine between fp32 and int8 vectors of the same chunks.

Run by hand: `.venv/bin/python bench/int8_embedder.py`. Needs the `onnx` package, which
`onnxruntime.quantization` imports and the project does not depend on: install it into .venv for
the measurement only (`.venv/bin/pip install onnx`). The export uses torch's TorchScript exporter
(`dynamo=False`), so `onnxscript` is not needed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import SIDES, Settings, offline_environment  # noqa: E402
from counterpoint.embedding import (  # noqa: E402
    BUNDLED_MAX_TOKENS,
    EMBED_BATCH_SIZE,
    bundled_model_path,
)
from counterpoint.evaluation.figures import retrieval_figures, retrieval_trials  # noqa: E402
from counterpoint.evaluation.run import DEFAULT_K, DEPTH, load_questions  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "eval_questions.toml"
ROUNDS = 3
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def _keyword_model(model: Any) -> Any:
    """`model` called with keyword inputs: BertModel.forward's positional order changed across
    transformers releases, and the TorchScript exporter passes inputs positionally."""
    import torch

    class KeywordModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return KeywordModel()


def export_int8(folder: Path) -> tuple[Path, Path]:
    """Export the bundled model to ONNX (fp32) and quantize it dynamically to int8; returns
    both files."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    path = bundled_model_path()
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    sample = AutoTokenizer.from_pretrained(path)(["an example sentence"], return_tensors="pt")
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    dynamic = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            _keyword_model(model),
            tuple(sample[name] for name in INPUTS),
            str(fp32),
            input_names=INPUTS,
            output_names=["last_hidden_state"],
            dynamic_axes={name: dynamic for name in [*INPUTS, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def onnx_embedder(onnx_path: Path):  # noqa: ANN201 - a llama-index BaseEmbedding
    """A llama-index embedder over an ONNX export: mean pooling and L2 norm, as
    sentence-transformers does for this model."""
    import numpy as np
    import onnxruntime as ort
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr
    from transformers import AutoTokenizer

    class OnnxEmbedding(BaseEmbedding):
        _session: Any = PrivateAttr()
        _tokenizer: Any = PrivateAttr()

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(model_name=f"all-MiniLM-L6-v2/{onnx_path.name}", **kwargs)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2  # the machine's cores, as torch uses
            self._session = ort.InferenceSession(str(onnx_path), options, ["CPUExecutionProvider"])
            self._tokenizer = AutoTokenizer.from_pretrained(bundled_model_path())

        def _encode(self, texts: list[str]) -> list[list[float]]:
            batch = self._tokenizer(
                texts,
                padding=True,
                truncation=True,
                max_length=BUNDLED_MAX_TOKENS,
                return_tensors="np",
            )
            feed = {name: batch[name].astype(np.int64) for name in INPUTS}
            hidden = self._session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            return pooled.tolist()

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encode([query])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encode([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encode(texts)

    return OnnxEmbedding(embed_batch_size=EMBED_BATCH_SIZE)


def indexed_assistant(data_dir: Path, embedder: Any = None, identity: str | None = None):  # noqa: ANN201
    """An Assistant over a fresh index of the seed corpus in `data_dir`, with `embedder` (and
    its `identity` on the store) in place of the configured one when given."""
    from counterpoint.assistant import Assistant
    from counterpoint.chroma import open_client
    from counterpoint.store import ChunkStore

    settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=data_dir, CHROMA_HOST="")
    assistant = Assistant(settings, notify=lambda m: None)
    if embedder is not None:
        # The cached properties are plain attributes once set: swap in ours before first use.
        assistant.__dict__["embedder"] = embedder
        assistant.__dict__["store"] = ChunkStore(open_client(settings), settings, identity)
    assistant.ingest(progress=False)
    return assistant


def figures(assistant: Any, questions: list[dict]) -> dict[str, dict[str, float]]:
    """The retrieval figures of `counterpoint eval` for this assistant's index."""

    def ours(question: str, side: str) -> list[str]:
        found = assistant.retriever.retrieve(question, max(DEFAULT_K, DEPTH), side)[side]
        return [p.text for p in found]

    assistant.retriever.retrieve("warm up", DEFAULT_K)
    trials, _ = retrieval_trials(questions, ours)
    return retrieval_figures(trials, DEFAULT_K)


def throughput(embedder: Any, texts: list[str]) -> tuple[float, list[list[float]]]:
    """Texts/s of the embedder on `texts` (batch 32 by its own batching), and the vectors."""
    embedder.get_text_embedding_batch(texts[:EMBED_BATCH_SIZE])  # warm up
    started = time.perf_counter()
    vectors = embedder.get_text_embedding_batch(texts)
    return len(texts) / (time.perf_counter() - started), vectors


def mean_cosine(a: list[list[float]], b: list[list[float]]) -> tuple[float, float]:
    """Mean and minimum cosine between paired vectors."""
    import numpy as np

    x, y = np.asarray(a), np.asarray(b)
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    return float(cos.mean()), float(cos.min())


def print_table(results: dict[str, dict]) -> None:
    """Side by side: recall in budget / recall@k / MRR for each side and overall."""
    names = list(results)
    print(f"{'':10}" + "".join(f"{n:>28}" for n in names) + f"{'delta (pts)':>28}")
    print(f"{'':10}" + f"{'budget':>10}{'r@4':>8}{'MRR':>7}   " * (len(names) + 1))
    for row in [*SIDES, "overall"]:
        cells = [results[n][row] for n in names]
        line = "".join(
            f"{c['recall_in_budget']:>10.1%}{c['recall_at_k']:>8.1%}{c['mrr']:>7.3f}   "
            for c in cells
        )
        first, last = cells[0], cells[-1]
        line += f"{(last['recall_in_budget'] - first['recall_in_budget']) * 100:>+10.1f}"
        line += f"{(last['recall_at_k'] - first['recall_at_k']) * 100:>+8.1f}"
        line += f"{(last['mrr'] - first['mrr']) * 100:>+7.1f}"
        print(f"{row:<10}{line}   (n={cells[0]['n']})")


def main() -> None:
    """Index the seed corpus with fp32 and int8 embedders and print the figures side by side."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    offline_environment()
    import torch

    questions = load_questions(QUESTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        fp32_onnx, int8_onnx = export_int8(folder)
        int8 = onnx_embedder(int8_onnx)
        print(f"export + int8 quantization {time.perf_counter() - started:.0f} s")
        fp32_assistant = indexed_assistant(folder / "fp32")
        texts = [node.get_content() for node in fp32_assistant.store.nodes()]
        int8_assistant = indexed_assistant(folder / "int8", int8, "all-MiniLM-L6-v2@int8-onnx")
        results = {"fp32": figures(fp32_assistant, questions)}
        results["int8"] = figures(int8_assistant, questions)
        rates, vectors = speeds({"fp32": fp32_assistant.embedder, "int8": int8}, texts, ROUNDS)
        # The same wrapper over the fp32 export must reproduce torch: checks pooling/normalising.
        _, check = throughput(onnx_embedder(fp32_onnx), texts)
    words = statistics.mean(len(t.split()) for t in texts)
    print(
        f"{len(questions)} questions; {len(texts)} chunks (mean {words:.0f} words), "
        f"batch {EMBED_BATCH_SIZE}, torch threads {torch.get_num_threads()}, ort threads 2, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print_table(results)
    print(
        f"texts/s (best of {ROUNDS}, alternating)  fp32 {rates['fp32']:.1f}  "
        f"int8 {rates['int8']:.1f}  ({rates['int8'] / rates['fp32']:.2f}x)"
    )
    mean, low = mean_cosine(vectors["fp32"], vectors["int8"])
    print(f"cosine fp32 vs int8 on the same chunks: mean {mean:.4f}, min {low:.4f}")
    mean, low = mean_cosine(vectors["fp32"], check)
    print(f"check: cosine torch vs fp32 ONNX via the same wrapper: mean {mean:.4f}, min {low:.4f}")


def speeds(
    embedders: dict[str, Any], texts: list[str], rounds: int
) -> tuple[dict[str, float], dict[str, list[list[float]]]]:
    """Best texts/s of each embedder over `rounds` alternating runs (other processes' load
    hits both alike), and each one's vectors."""
    rates: dict[str, list[float]] = {name: [] for name in embedders}
    vectors: dict[str, list[list[float]]] = {}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            rate, vectors[name] = throughput(embedder, texts)
            rates[name].append(rate)
    return {name: max(r) for name, r in rates.items()}, vectors


if __name__ == "__main__":
    main()
