"""Shared fixtures: the seed corpus ingested once per session into a real embedded Chroma."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.config import PROJECT_ROOT, Settings, offline_environment

offline_environment()

CORPUS = PROJECT_ROOT / "corpus"
EVAL_QUESTIONS = Path(__file__).parent / "data" / "eval_questions.toml"


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS, **overrides: object) -> Settings:
    """Settings for a test: its own index folder, no server, no LLM, whatever the environment."""
    values: dict[str, object] = {
        "COUNTERPOINT_DATA_DIR": data_dir,
        "COUNTERPOINT_CORPUS_DIR": corpus_dir,
        "CHROMA_HOST": "",
        "OPENAI_API_KEY": None,
        "OPENAI_BASE_URL": "",
        "COUNTERPOINT_LLM_MODEL": "",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def seed_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over the bundled corpus, ingested once for the whole session."""
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("seed-index")), notify=print)
    assistant.ingest(progress=False)
    return assistant


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def eval_questions() -> list[dict]:
    """The evaluation questions with their evidence (tests/data/eval_questions.toml)."""
    return tomllib.loads(EVAL_QUESTIONS.read_text(encoding="utf-8"))["question"]
