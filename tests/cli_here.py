"""`counterpoint ARGS` run in the test's own process: the embedder, loaded once per session,
is not loaded again by a new process for each command (seconds each on 2 cores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.cli import main
from counterpoint.config import get_settings


def cli_here(
    args: list[str],
    data: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `counterpoint ARGS` on that data folder and corpus,
    with the embedded store and no LLM, whatever the environment."""
    for name, value in (("COUNTERPOINT_DATA_DIR", data), ("COUNTERPOINT_CORPUS_DIR", corpus)):
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("CHROMA_HOST", "")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COUNTERPOINT_CASE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    capsys.readouterr()
    try:
        code = main(args)
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out, err
