"""Shared fixtures: the seed corpus ingested once per session into a real embedded Chroma."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def run_cli(
    args: list[str], data_dir: Path, corpus: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """`counterpoint ARGS` in a fresh process on that index and corpus, embedded Chroma; `env`
    adds or overrides variables (e.g. OPENAI_API_KEY="" for the offline default)."""
    variables = {
        **os.environ,
        "COUNTERPOINT_DATA_DIR": str(data_dir),
        "COUNTERPOINT_CORPUS_DIR": str(corpus),
        "CHROMA_HOST": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "counterpoint", *args],
        capture_output=True,
        text=True,
        env=variables,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


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
def eval_answers(seed_assistant: Assistant, eval_questions: list[dict]) -> dict[str, object]:
    """Every evaluation question's extractive answer on the seed corpus, asked once for the
    session (question id -> Answer): the specs that read every answer share it."""
    return {q["id"]: seed_assistant.ask(q["question"], mode="extractive") for q in eval_questions}


@pytest.fixture(scope="session")
def eval_questions() -> list[dict]:
    """The evaluation questions with their evidence (tests/data/eval_questions.toml), as
    `counterpoint eval` scores them (page furniture left out)."""
    from counterpoint.evaluation.run import load_questions

    return load_questions(EVAL_QUESTIONS)


# --- Store modes: a real Chroma server, and one behind a token-checking proxy ----------------
# Appended for the server-mode, fault and load tests (tests/test_store_modes.py and others).

import http.client  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

CHROMA_BIN = Path(sys.executable).parent / "chroma"
TEST_TOKEN = "counterpoint-test-token"
STORE_MODES = ("embedded", "server", "server-token")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """A real `chroma run` process on 127.0.0.1 that a test can stop and start again on the
    same port and data folder."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> ChromaServer:
        """Start the server and wait until its heartbeat answers."""
        log = (self.path.parent / f"chroma-{self.port}.log").open("ab")
        command = [str(CHROMA_BIN), "run", "--path", str(self.path)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on port {self.port} in {timeout} s")

    def stop(self) -> None:
        """Stop the server process (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class TokenProxy:
    """A reverse proxy on 127.0.0.1 that forwards to a Chroma server only the requests that
    carry `Authorization: Bearer <token>`.

    `chroma run` (Chroma 1.5) has no authentication of its own: the CHROMA_SERVER_AUTHN_*
    settings of the old Python server are ignored. A deployment puts a proxy in front of it
    (docs/deploy.md); this is that proxy, answering refusals in Chroma's own error shape.
    """

    def __init__(self, upstream_port: int, token: str) -> None:
        handler = _proxy_handler(upstream_port, token)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def start(self) -> TokenProxy:
        """Serve in a background thread."""
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()


def _proxy_handler(upstream_port: int, token: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            auth = self.headers.get("Authorization")
            if auth != f"Bearer {token}":
                status, error = (401, "AuthorizationError") if auth is None else (403, "AuthError")
                message = json.dumps({"error": error, "message": "missing or wrong token"})
                self.reply(status, message.encode(), [("Content-Type", "application/json")])
                return
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
                self.reply(answer.status, data, kept)
            except OSError:
                self.reply(502, b"upstream Chroma server unavailable", [])
            finally:
                upstream.close()

        def reply(self, status: int, data: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward

    return Handler


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One real Chroma server for the session; each test uses its own collection on it."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chroma_token_proxy(chroma_server: ChromaServer) -> Iterator[TokenProxy]:
    """The session's Chroma server behind a proxy that requires TEST_TOKEN."""
    proxy = TokenProxy(chroma_server.port, TEST_TOKEN).start()
    yield proxy
    proxy.stop()


@pytest.fixture(params=STORE_MODES)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Settings]:
    """`make(corpus_dir, **overrides) -> Settings` for one store mode: the embedded Chroma, a
    Chroma server, or the server behind the token proxy. Each test gets a fresh collection."""
    server: dict[str, object] = {}
    if request.param == "server":
        port = request.getfixturevalue("chroma_server").port
        server = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": port}
    elif request.param == "server-token":
        port = request.getfixturevalue("chroma_token_proxy").port
        server = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": port, "CHROMA_AUTH_TOKEN": TEST_TOKEN}
    collection = f"test-{uuid.uuid4().hex[:12]}"

    def make(corpus_dir: Path = CORPUS, **overrides: object) -> Settings:
        values = {"COUNTERPOINT_COLLECTION": collection, **server, **overrides}
        return make_settings(tmp_path / "index", corpus_dir, **values)

    return make


def sliced_corpus(
    folder: Path, company_parts: int = 4, critic_parts: int = 2, chars: int = 2500
) -> Path:
    """Documents of about `chars` characters cut at paragraphs from the seed corpus, with a
    manifest: real text, and enough documents for an ingest to be interrupted between two."""
    folder.mkdir(parents=True)
    entries = []
    sources = [
        ("company", CORPUS / "hikvision-esg-report-2020.txt", company_parts),
        ("critic", CORPUS / "ipvm-hikvision-prc-human-rights-law-2019.txt", critic_parts),
    ]
    for side, source, parts in sources:
        paragraphs = iter(source.read_text(encoding="utf-8").split("\n\n"))
        for n in range(1, parts + 1):
            text = ""
            while len(text) < chars and (paragraph := next(paragraphs, None)) is not None:
                text += paragraph + "\n\n"
            (folder / f"{side}-{n}.txt").write_text(text, encoding="utf-8")
            entries.append(
                f'[[document]]\nid = "{side}-{n}"\ntitle = "{side.title()} part {n}"\n'
                f'side = "{side}"\npath = "{side}-{n}.txt"\n'
            )
    (folder / "corpus.toml").write_text("\n".join(entries), encoding="utf-8")
    return folder


def stored_chunk_ids(assistant: Assistant) -> dict[str, list[str]]:
    """doc_id -> the sorted chunk ids the index holds for it, its page furniture included (a
    list: duplicates would show)."""
    ids: dict[str, list[str]] = {}
    for node in assistant.store.nodes() + assistant.store.nodes(furniture=True):
        ids.setdefault(node.metadata["doc_id"], []).append(node.node_id)
    return {doc_id: sorted(chunks) for doc_id, chunks in ids.items()}


def expected_chunk_ids(settings: Settings) -> dict[str, list[str]]:
    """doc_id -> the chunk ids an uninterrupted ingest of the manifest writes (no embedding:
    ids depend only on the bytes, the manifest entry and the chunk settings)."""
    from ingest.manifest import MANIFEST_NAME, load_manifest
    from ingest.pipeline import Ingestor, document_hash

    manifest = load_manifest(settings.corpus_dir / MANIFEST_NAME)
    size, overlap = settings.chunk_tokens, settings.chunk_overlap
    ingestor = Ingestor(None, None, size, overlap)  # type: ignore[arg-type]
    ids = {}
    for entry in manifest.documents:
        path = manifest.resolve(entry)
        digest = document_hash(entry, path.read_bytes(), size, overlap)
        ids[entry.id] = sorted(n.node_id for n in ingestor.prepare(entry, path, digest, "manifest"))
    return ids
