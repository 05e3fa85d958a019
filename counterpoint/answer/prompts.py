"""Prompt templates, kept as text files in `prompts/` and loaded by name."""

from __future__ import annotations

from functools import lru_cache

from counterpoint.config import PROJECT_ROOT
from counterpoint.errors import ConfigError

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=16)
def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.txt`."""
    path = PROMPTS_DIR / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        raise ConfigError(f"prompt template missing: {path}") from None


def render(name: str, **values: str) -> str:
    """A template filled in; every placeholder must be given."""
    try:
        return load_prompt(name).format(**values)
    except KeyError as exc:
        raise ConfigError(f"prompt '{name}' needs a value for {exc}") from None
