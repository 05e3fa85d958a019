"""The chat endpoint: OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp).

Uses the `openai` client directly: streaming and its typed errors are all we need. Every failure
becomes an `LLMError` whose message names the cause but never the key (some servers echo it).

A reply is bounded as a whole: the client's timeout bounds each wait for the server, not a reply
that keeps streaming (a 1.5B model on two cores once ran 566 s under a 120 s timeout). So the
reply is read in a worker thread and the caller stops waiting at its deadline.

A reply can be asked for as JSON to a schema (structured output). There are two ways of asking:
OpenAI's `response_format` of type `json_schema` (OpenAI, vLLM, Ollama, llama.cpp's own server)
and a `json_object` carrying a `schema` (llama-cpp-python's server, which refuses the first);
each is tried once, and an endpoint that takes neither gets free text from then on.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from counterpoint.config import Settings
from counterpoint.errors import ConfigError, LLMError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
RESPONSE_FORMATS = ("json_schema", "json_object")  # OpenAI's way first, then llama-cpp-python's


class SchemaRefused(LLMError):
    """The endpoint takes no schema for its reply: the caller asks again for free text."""


@dataclass
class Completion:
    """A reply as it streams: iterate over it for its text. Once done, `finish_reason` is the
    server's ("stop"; "length": cut off at the token limit) and `response_format` the way of
    asking for JSON the endpoint took (None: free text)."""

    events: Iterator[tuple[str, Any]]
    finish_reason: str | None = None
    response_format: str | None = None

    def __iter__(self) -> Iterator[str]:
        for kind, value in self.events:
            if kind == "piece":
                yield value
            elif kind == "finish":
                self.finish_reason = value
            elif kind == "format":
                self.response_format = value


@dataclass
class ChatModel:
    """One configured chat model behind an OpenAI-compatible API."""

    client: Any
    model: str
    base_url: str
    max_tokens: int
    timeout: float = 120.0  # for a whole reply, from the request to its last piece
    # The ways of asking for JSON still worth trying: one the endpoint refused is dropped.
    formats: list[str] = field(default_factory=lambda: list(RESPONSE_FORMATS))

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
        formats = list(RESPONSE_FORMATS) if settings.llm_format == "auto" else []
        return cls(client, model, base_url, settings.llm_max_tokens, settings.llm_timeout, formats)

    def stream(
        self,
        messages: list[dict[str, str]],
        max_tokens: int | None = None,
        deadline: float | None = None,
        schema: dict | None = None,
    ) -> Completion:
        """The reply, streamed, to be read by `deadline` (`time.monotonic()`; default: the
        timeout from now). With `schema`, as JSON to it; `SchemaRefused` (before any text)
        when the endpoint takes no schema."""
        request = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": 0.1,
            "stream": True,
        }
        deadline = deadline or time.monotonic() + self.timeout
        return Completion(self._events(request, deadline, schema))

    def complete(
        self, messages: list[dict[str, str]], max_tokens: int, deadline: float | None = None
    ) -> str:
        """The whole reply at once (for short internal calls such as condensing)."""
        return "".join(self.stream(messages, max_tokens, deadline)).strip()

    def _events(
        self, request: dict, deadline: float, schema: dict | None
    ) -> Iterator[tuple[str, Any]]:
        """The worker's events, read until the deadline; its failures raised here."""
        if schema is not None and not self.formats:
            raise SchemaRefused("the endpoint takes no schema")
        events: queue.Queue = queue.Queue()
        held: list[Any] = []  # the open stream, closed from here when the deadline passes
        stop = threading.Event()
        worker = threading.Thread(
            target=self._read, args=(request, schema, events, held, stop), daemon=True
        )
        worker.start()
        with self._failures():
            try:
                while True:
                    try:
                        kind, value = events.get(timeout=max(deadline - time.monotonic(), 0))
                    except queue.Empty:
                        raise LLMError(self._late()) from None
                    if kind == "end":
                        return
                    if kind == "error":
                        raise value
                    yield kind, value
            finally:
                stop.set()
                for stream in held:
                    stream.close()

    def _late(self) -> str:
        return (
            f"the LLM server at {self.base_url} did not answer in time: no full reply within "
            f"{self.timeout:.0f} s (COUNTERPOINT_LLM_TIMEOUT)"
        )

    def _read(
        self, request: dict, schema: dict | None, events: queue.Queue, held: list, stop: Any
    ) -> None:
        """In the worker thread: open the stream, pass on its pieces, then "end"."""
        try:
            with self._open(request, schema, events) as stream:
                held.append(stream)
                for chunk in stream:
                    if stop.is_set():
                        return
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    if choice.delta and choice.delta.content:
                        events.put(("piece", choice.delta.content))
                    if choice.finish_reason:
                        events.put(("finish", choice.finish_reason))
            events.put(("end", None))
        except Exception as exc:  # noqa: BLE001 - handed to the caller, which maps it
            events.put(("error", exc))

    def _open(self, request: dict, schema: dict | None, events: queue.Queue) -> Any:
        """The stream; with a schema, asked for in the first way the endpoint takes."""
        import openai

        if schema is None:
            return self.client.chat.completions.create(**request)
        for kind in list(self.formats):
            try:
                stream = self.client.chat.completions.create(
                    **request, response_format=response_format(kind, schema)
                )
            except openai.APIStatusError as exc:
                # llama-cpp-python answers a request it cannot validate with a 500
                if exc.status_code not in (400, 422, 500) or "response_format" not in str(exc):
                    raise  # refused for another reason than the way of asking
                if kind in self.formats:
                    self.formats.remove(kind)
                continue
            events.put(("format", kind))
            return stream
        raise SchemaRefused("the endpoint takes no schema")

    @contextmanager
    def _failures(self) -> Iterator[None]:
        import httpx
        import openai

        where = f"the LLM server at {self.base_url}"
        try:
            yield
        except LLMError:
            raise
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


def response_format(kind: str, schema: dict) -> dict:
    """The `response_format` of a request for JSON to `schema`, asked for the `kind` way."""
    if kind == "json_schema":
        # Not strict: OpenAI's strict mode refuses keywords such as maxItems.
        return {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": schema, "strict": False},
        }
    return {"type": "json_object", "schema": schema}
