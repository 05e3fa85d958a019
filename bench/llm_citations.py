"""Share of LLM answer sentences with a valid, supporting citation, on the evaluation questions.

Needs an OpenAI-compatible server: either set OPENAI_BASE_URL / COUNTERPOINT_LLM_MODEL (and
OPENAI_API_KEY) yourself, or pass `--local` to start llama.cpp on the small Gemma GGUF shipped
on PyPI (a tiny base model: expect a low share; the figure shows the checker at work).
Run by hand: `.venv/bin/python bench/llm_citations.py --local --limit 15`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402


def main() -> None:
    """Answer the questions with the LLM and count supported sentences."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--local", action="store_true", help="start llama.cpp with Gemma 270M")
    parser.add_argument("--limit", type=int, default=15)
    args = parser.parse_args()
    offline_environment()
    from counterpoint.assistant import Assistant
    from tests.llm_servers import MODEL_ALIAS, LlamaServer, gguf_model

    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if args.local:
            server = LlamaServer(gguf_model(Path(tmp)), Path(tmp) / "server.log")
            os.environ.update(OPENAI_BASE_URL=server.url, COUNTERPOINT_LLM_MODEL=MODEL_ALIAS)
        try:
            settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp) / "index")
            assistant = Assistant(settings, notify=lambda m: print("notice:", m))
            questions = load_questions(ROOT / "tests/data/eval_questions.toml")[: args.limit]
            claims = supported = cited = fallbacks = 0
            for q in questions:
                answer = assistant.ask(q["question"], mode="llm")
                fallbacks += answer.mode != "llm"
                claims += len(answer.sentences)
                supported += sum(s.supported for s in answer.sentences)
                cited += sum(bool(s.citations) for s in answer.sentences)
        finally:
            if server:
                server.stop()
    print(f"questions {len(questions)}, fallbacks {fallbacks}, claim sentences {claims}")
    print(
        f"with a citation {cited / max(claims, 1):.0%}, "
        f"with a valid supporting citation {supported / max(claims, 1):.0%}"
    )


if __name__ == "__main__":
    main()
