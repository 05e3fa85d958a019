"""End to end in a real browser: `streamlit run app.py` on 127.0.0.1, driven by Debian's Chromium.

Set COUNTERPOINT_SCREENSHOT=docs/screenshot.png to also write the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
QUESTION = "Does Hikvision follow Chinese human rights law or international standards?"
VIEWPORT = {"width": 1440, "height": 1280}
SCROLL_TO_TOP = "() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"streamlit did not answer at {url} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def app_url(request, tmp_path_factory) -> Iterator[str]:
    """The app served headless over a private copy of the seed index."""
    need_chromium()
    seed_assistant = request.getfixturevalue("seed_assistant")  # only once chromium is there
    data_dir = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(seed_assistant.settings.data_dir, data_dir)
    with serve(data_dir) as url:
        yield url


def need_chromium() -> None:
    """Skip without Debian's chromium (fail in CI, where `make install` installs it)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make install` installs it")
        pytest.skip("needs Debian's chromium (`apt-get install chromium`)")


@contextmanager
def serve(data_dir: Path, corpus_dir: Path | None = None) -> Iterator[str]:
    """`streamlit run app.py` headless on a free port over the index in `data_dir` (and the
    corpus folder `corpus_dir`, default the bundled one)."""
    port = free_port()
    env = {**os.environ, "COUNTERPOINT_DATA_DIR": str(data_dir), "CHROMA_HOST": ""}
    if corpus_dir is not None:
        env["COUNTERPOINT_CORPUS_DIR"] = str(corpus_dir)
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def settle(page) -> None:  # noqa: ANN001 - a Playwright page
    """Wait until the script run is over (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)


def test_an_analyst_asks_opens_a_citation_sees_the_quote_marked_and_exports(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(app_url)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=60_000)
            settle(page)
            box.fill(QUESTION)
            started = time.perf_counter()
            box.press("Enter")
            citation = page.get_by_test_id("stExpander").first
            citation.wait_for(timeout=60_000)
            print(f"answer on screen {time.perf_counter() - started:.2f} s after Enter")
            expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
            settle(page)
            citation.locator("summary").click()
            quote = citation.locator("mark").first
            expect(quote).to_be_visible()
            summary = citation.locator("summary").inner_text().replace("\u2060", "")
            opening = summary.split("“", 1)[1]
            assert quote.inner_text().startswith(opening.rstrip("”…").strip()[:40])
            page.evaluate(SCROLL_TO_TOP)  # the question and the tabs in view, above the answer
            page.screenshot(path=str(tmp_path / "answer.png"))
            if target := os.environ.get("COUNTERPOINT_SCREENSHOT"):
                shutil.copy(tmp_path / "answer.png", ROOT / target)
            with page.expect_download() as download:
                page.get_by_role("button", name="Markdown brief").click()
            brief = Path(download.value.path()).read_text(encoding="utf-8")
            assert QUESTION in brief and "SHA-256: `" in brief
        finally:
            browser.close()
