"""The chat endpoint: OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp).

Uses the `openai` client directly: streaming and its typed errors are all we need. Every failure
becomes an `LLMError` whose message names the cause but never the key (some servers echo it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from counterpoint.config import Settings
from counterpoint.errors import ConfigError, LLMError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass
class ChatModel:
    """One configured chat model behind an OpenAI-compatible API."""

    client: Any
    model: str
    base_url: str
    max_tokens: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatModel:
        """Build the client; refuses a configuration that cannot work."""
        from openai import OpenAI

        if not settings.llm_configured:
            raise ConfigError("no LLM configured: set OPENAI_API_KEY or OPENAI_BASE_URL")
        model = settings.llm_model or (None if settings.openai_base_url else DEFAULT_OPENAI_MODEL)
        if not model:
            raise ConfigError("OPENAI_BASE_URL is set: name its model in COUNTERPOINT_LLM_MODEL")
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "none"
        client = OpenAI(
            api_key=key,
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout,
            max_retries=0,  # a failed turn falls back at once instead of hanging on retries
        )
        base_url = settings.openai_base_url or "https://api.openai.com/v1"
        return cls(client, model, base_url, settings.llm_max_tokens)

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        """Yield the reply's text as the server sends it."""
        with self._failures():
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=max_tokens or self.max_tokens,
                temperature=0.1,
                stream=True,
            )
            for chunk in stream:
                if not chunk.choices:
                    continue
                piece = chunk.choices[0].delta.content
                if piece:
                    yield piece

    def complete(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        """The whole reply at once (for short internal calls such as condensing)."""
        return "".join(self.stream(messages, max_tokens)).strip()

    @contextmanager
    def _failures(self) -> Iterator[None]:
        import httpx
        import openai

        where = f"the LLM server at {self.base_url}"
        try:
            yield
        except openai.AuthenticationError:
            raise LLMError(f"{where} refused the API key (401)") from None
        except openai.PermissionDeniedError:
            raise LLMError(f"{where} denied access (403)") from None
        except openai.RateLimitError:
            raise LLMError(f"{where} is rate-limiting requests (429); try again shortly") from None
        except openai.NotFoundError:
            raise LLMError(f"{where} does not know the model '{self.model}' (404)") from None
        except openai.APITimeoutError:
            raise LLMError(f"{where} did not answer in time") from None
        except openai.APIConnectionError:
            raise LLMError(f"cannot reach {where} (connection failed)") from None
        except openai.APIStatusError as exc:
            raise LLMError(f"{where} answered with an error ({exc.status_code})") from None
        except (openai.APIError, httpx.HTTPError, ValueError, KeyError, AttributeError) as exc:
            raise LLMError(f"{where} sent a malformed reply ({type(exc).__name__})") from None
