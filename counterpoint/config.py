"""All settings in one place: environment variables, then a `.env` file, then defaults.

`offline_environment()` must run before llama-index, tiktoken, NLTK or Hugging Face are first used:
it points them at files shipped inside installed packages so nothing is fetched at run time.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from counterpoint.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_EMBED_MODEL = "bundled-minilm"
# A case id: lowercase letters, digits, '_' and '-', starting and ending with a letter or digit
# (it names a Chroma collection and a folder, so nothing else may get in).
CASE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
CASE_SEPARATOR = "--"  # between the collection prefix and the case id in a collection's name
SIDES: tuple[str, ...] = ("company", "critic")
Side = Literal["company", "critic"]
# Each side's colour on the page and in the brief (and "both" for where they meet); the page
# also names the side in words, never by colour alone. .streamlit/config.toml gives Streamlit's
# blue, orange and violet these values, so its badges match (tests/test_app.py checks it).
SIDE_COLOURS = {"company": "#1D5FA8", "critic": "#B4530A", "both": "#6741A8"}


class Settings(BaseSettings):
    """Validated configuration. Secrets are `SecretStr` so they never appear in reprs or logs."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path(".counterpoint"), alias="COUNTERPOINT_DATA_DIR")
    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", alias="COUNTERPOINT_CORPUS_DIR")
    # Each case's chunks are the collection `<collection>--<case id>`; `case` picks one case
    # (the CLI's --case; unset: the only case there is). The rest are set by `cases.bind`.
    collection: str = Field("counterpoint", alias="COUNTERPOINT_COLLECTION")
    case: str | None = Field(None, alias="COUNTERPOINT_CASE")
    case_name: str = Field("", alias="COUNTERPOINT_CASE_NAME")

    chroma_host: str | None = Field(None, alias="CHROMA_HOST")
    chroma_port: int = Field(8000, alias="CHROMA_PORT")
    chroma_auth_token: SecretStr | None = Field(None, alias="CHROMA_AUTH_TOKEN")

    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    llm_model: str | None = Field(None, alias="COUNTERPOINT_LLM_MODEL")
    # The bundled MiniLM, an OpenAI embedding model, or a sentence-transformers model: a folder
    # or a Hugging Face id (fetched only with `allow_downloads`). A cross-encoder, the same way.
    embed_model: str = Field(BUNDLED_EMBED_MODEL, alias="COUNTERPOINT_EMBED_MODEL")
    reranker: str | None = Field(None, alias="COUNTERPOINT_RERANKER")
    allow_downloads: bool = Field(False, alias="COUNTERPOINT_ALLOW_DOWNLOADS")
    llm_context_window: int = Field(4096, ge=1024, alias="COUNTERPOINT_LLM_CONTEXT_WINDOW")
    llm_max_tokens: int = Field(600, ge=64, alias="COUNTERPOINT_LLM_MAX_TOKENS")
    llm_timeout: float = Field(120.0, gt=0, alias="COUNTERPOINT_LLM_TIMEOUT")  # a whole turn
    # `auto`: the answer as JSON to a schema where the endpoint takes one, else free text.
    llm_format: Literal["auto", "text"] = Field("auto", alias="COUNTERPOINT_LLM_FORMAT")

    # Chunking and retrieval: values chosen by measurement (bench/retrieval_eval.py).
    # 200 word pieces (under MiniLM's 256): with chunks ending at pages, 160 ranked worse on
    # Climate Finance Bench and 240 too (bench/RESULTS.md, "Chunk boundaries").
    chunk_tokens: int = Field(200, ge=32, le=256, alias="COUNTERPOINT_CHUNK_TOKENS")
    chunk_overlap: int = Field(32, ge=0, le=128, alias="COUNTERPOINT_CHUNK_OVERLAP")
    top_k: int = Field(4, ge=1, le=50, alias="COUNTERPOINT_TOP_K")
    max_question_chars: int = Field(2000, ge=50, alias="COUNTERPOINT_MAX_QUESTION_CHARS")
    # How long a writer (ingest, upload, removal, repair) waits for another one to finish.
    lock_wait: float = Field(600.0, ge=0, alias="COUNTERPOINT_LOCK_WAIT")

    @field_validator(
        "chroma_host", "openai_base_url", "llm_model", "case", "reranker", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("case")
    @classmethod
    def _case_is_an_id(cls, value: str | None) -> str | None:
        if value is not None and not CASE_ID.match(value):
            raise ValueError(
                "a case id is lowercase letters, digits, '_' or '-' (at most 64), "
                "starting and ending with a letter or digit"
            )
        return value

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.data_dir / "chroma"

    @property
    def collection_name(self) -> str:
        """The Chroma collection of the chosen case (the bare `collection` when none is)."""
        return f"{self.collection}{CASE_SEPARATOR}{self.case}" if self.case else self.collection

    @property
    def case_dir(self) -> Path:
        """Where the chosen case keeps its BM25 copies, matrix caches and uploads: deleting the
        case deletes this folder. Without a case, the data folder itself."""
        return self.data_dir / "cases" / self.case if self.case else self.data_dir

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI key or an OpenAI-compatible server is configured."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def default_mode(self) -> str:
        """`llm` when an LLM is configured, else the offline `extractive` answerer."""
        return "llm" if self.llm_configured else "extractive"

    @property
    def store_kind(self) -> str:
        """`server` when a Chroma host is configured, else `embedded`."""
        return "server" if self.chroma_host else "embedded"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Load settings once per process; invalid values raise `ConfigError` with the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from None


def offline_environment() -> None:
    """Point tiktoken, NLTK, Hugging Face and Chroma at local files and switch off telemetry.

    llama-index-core ships tiktoken's encodings and NLTK's punkt/stopwords; without these
    variables both libraries try to download them on first use and fail on a closed network.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Model-loading progress bars would clutter stderr, where errors must stand on one line.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    static = _llama_index_static_dir()
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
    os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))


def _llama_index_static_dir() -> Path:
    # Found without importing llama_index (slow): the spec alone gives the package's folder.
    import importlib.util

    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("llama-index-core is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "_static"
