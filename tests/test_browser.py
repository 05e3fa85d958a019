"""End to end in a real browser: `streamlit run app.py` on 127.0.0.1, driven by Debian's Chromium.

One session goes through a new user's first minutes: the first page, a question, a citation,
the brief, the Claims tab. The same session takes the README's screenshots
(`tests/screenshots.py`), so they show the page these checks passed on.
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

from tests.screenshots import README, STAMP, keep

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
    # Built once for the whole test run (the Claims tests read the same cache). The page has
    # not built it, so the brief's first download asks the engine for it: a file read here, the
    # same call that builds it on a fresh index.
    seed_assistant.matrix()
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


# The page's own record of its script run (Streamlit's e2e tests read it too): the running
# indicator in the corner shows only once a run has lasted half a second, this at once.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page) -> None:  # noqa: ANN001 - a Playwright page
    """Wait until the script run is over."""
    page.wait_for_timeout(300)
    page.locator(IDLE).wait_for(state="attached", timeout=60_000)


# Everything drawn in the page's main area above its tabs, and any exception or JSON block
# anywhere: the page's own content sits inside the tabs, so this list must stay empty.
STRAYS = """() => {
  const main = '[data-testid="stMainBlockContainer"] ';
  const tabs = document.querySelector(main + '[data-testid="stTabs"]');
  if (!tabs) return ['no tabs on the page'];
  const top = tabs.getBoundingClientRect().top;
  const found = [];
  for (const element of document.querySelectorAll(main + '[data-testid="stElementContainer"]')) {
    if (element.contains(tabs) || tabs.contains(element)) continue;
    const box = element.getBoundingClientRect();
    if (box.height > 0 && box.top < top) {
      found.push((element.innerText || element.innerHTML).trim().slice(0, 160));
    }
  }
  const alarming = '[data-testid="stException"], [data-testid="stJson"]';
  for (const element of document.querySelectorAll(alarming)) {
    found.push(element.innerText.trim().slice(0, 160));
  }
  return found;
}"""


def strays(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    """What the page shows that no one asked for: see STRAYS."""
    return page.evaluate(STRAYS)


def to_the_top(page) -> None:  # noqa: ANN001
    """Scroll the main area to its top as a user would: the chat's container sticks to the
    bottom while its content grows, and takes a wheel turn (not a scrollTop) as leaving it."""
    page.mouse.move(VIEWPORT["width"] * 0.6, VIEWPORT["height"] * 0.4)
    for _ in range(10):  # until a long tab has finished growing under the wheel
        page.wait_for_timeout(500)
        page.mouse.wheel(0, -50_000)
        page.wait_for_timeout(300)
        if page.evaluate(SCROLLED) == 0:
            return


SCROLLED = "() => Math.max(0, ...[...document.querySelectorAll('*')].map(e => e.scrollTop))"


def seconds_to_idle(page) -> float:  # noqa: ANN001
    """Seconds until the script run is over (nothing left running on the server)."""
    started = time.perf_counter()
    page.locator(IDLE).wait_for(state="attached", timeout=60_000)
    return time.perf_counter() - started


def test_an_analyst_asks_opens_a_citation_sees_the_quote_marked_and_exports(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            first_view(page, app_url)
            ask_and_read_a_citation(page, tmp_path)
            export_the_brief_without_opening_claims(page)
            open_the_claims_tab(page, tmp_path)
        finally:
            browser.close()


def first_view(page, url: str) -> None:  # noqa: ANN001 - a Playwright page
    """The starter cards come first, and nothing above the tabs but the page's own."""
    page.goto(url)
    page.locator(".st-key-starter-card-0").wait_for(timeout=60_000)
    assert strays(page) == []  # while the index loads
    settle(page)
    assert strays(page) == []


def ask_and_read_a_citation(page, tmp_path: Path) -> None:  # noqa: ANN001
    """An answer, idle within a second of showing; its first citation opens onto the quote;
    the starters stay at hand; the screenshot of the answer."""
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(QUESTION)
    started = time.perf_counter()
    box.press("Enter")
    citation = page.locator('[class*="st-key-cite-"]').first  # a citation's viewer
    citation.wait_for(timeout=60_000)
    print(f"answer on screen {time.perf_counter() - started:.2f} s after Enter")
    idle = seconds_to_idle(page)
    print(f"page idle {idle:.2f} s after the answer showed")
    assert idle <= 1.0  # nothing left running once the answer is on screen
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
    assert strays(page) == []
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Human rights")).to_be_visible()
    citation.locator("summary").click()
    quote = citation.locator("mark").first
    expect(quote).to_be_visible()
    summary = citation.locator("summary").inner_text().replace("\u2060", "")
    opening = summary.split("“", 1)[1]
    assert quote.inner_text().startswith(opening.rstrip("”…").strip()[:40])
    to_the_top(page)  # the tabs and the question in view, above the answer
    page.screenshot(path=str(tmp_path / "answer.png"))
    keep(tmp_path / "answer.png", "screenshot.png")


def export_the_brief_without_opening_claims(page) -> None:  # noqa: ANN001
    """The brief holds the claims matrix though the Claims tab was never opened (its first
    download builds it)."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("The first download also builds the claims matrix")).to_be_visible()
    with page.expect_download(timeout=300_000) as download:
        page.get_by_role("button", name="Markdown brief").click()
    brief = Path(download.value.path()).read_text(encoding="utf-8")
    assert QUESTION in brief and "SHA-256: `" in brief
    assert "## Claims matrix (machine-made)" in brief and "### Contested claims · " in brief
    assert "Not included" not in brief


def open_the_claims_tab(page, tmp_path: Path) -> None:  # noqa: ANN001
    """The Claims tab opens on the matrix the export built; its screenshot."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Claims").click()
    expect(page.get_by_text("Contested claims", exact=False).first).to_be_visible(timeout=120_000)
    settle(page)
    assert strays(page) == []
    to_the_top(page)
    page.screenshot(path=str(tmp_path / "claims.png"))
    keep(tmp_path / "claims.png", "claims.png")


def test_the_readme_is_short_and_says_when_its_screenshots_were_taken():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode()) < 10_000  # figures and rule details live in docs/ and bench/
    assert STAMP.search(text) and "](docs/screenshot.png)" in text
