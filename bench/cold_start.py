"""Cold start: seconds from process start to the first answer of the CLI, and to the first
rendered chat of the app; the app's peak memory (RSS) after its first answer.

Run by hand: `.venv/bin/python bench/cold_start.py [--rounds 3]`. The seed index is built once
first (not timed), as `make run` does before starting the app.

The app is timed as a user meets it: `streamlit run app.py` started, `/_stcore/health` answering,
the page fetched. When Playwright and /usr/bin/chromium are installed, a headless Chromium (launched
before the clock starts) then opens the page and the clock stops when the chat input is drawn, and
again when the first answer is drawn; peak RSS is the server process's own VmHWM. Without them,
the page fetch is the last step and peak RSS is measured on a proxy: a process running the page
through Streamlit's AppTest (same script, same Assistant, no server).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import free_port, wait_for  # noqa: E402

QUESTION = "Does Hikvision respect international human rights?"
BIN = Path(sys.executable).parent


def cli_first_answer(env: dict[str, str]) -> float:
    """Seconds for `counterpoint ask --json` from process start to exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "counterpoint"), "ask", QUESTION, "--json", "--mode", "extractive"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"counterpoint ask failed: {done.stderr.strip()}")
    return time.perf_counter() - started


def app_first_chat(env: dict[str, str], browser) -> dict[str, float]:  # noqa: ANN001
    """Seconds from `streamlit run` to health, page fetch, chat drawn, first answer drawn."""
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "streamlit"), "run", str(ROOT / "app.py"), "--server.headless", "true"]
        + ["--server.address", "127.0.0.1", "--server.port", str(port)]
        + ["--browser.gatherUsageStats", "false"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/_stcore/health", server, 120)
        figures = {"health_s": time.perf_counter() - started}
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        figures["page_fetched_s"] = time.perf_counter() - started
        if browser is not None:
            figures |= _in_browser(browser, url, started)
            figures["peak_rss_mb"] = _peak_rss_mb(server.pid)
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def _in_browser(browser, url: str, started: float) -> dict[str, float]:  # noqa: ANN001
    page = browser.new_page()
    page.goto(url)
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=180_000)
    figures = {"chat_drawn_s": time.perf_counter() - started}
    asked = time.perf_counter()
    box.fill(QUESTION)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(1)
    reply.get_by_text("What critics say", exact=True).first.wait_for(timeout=180_000)
    figures["first_answer_s"] = time.perf_counter() - started
    figures["answer_after_asking_s"] = time.perf_counter() - asked
    page.close()
    return figures


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


PROXY = """
import resource, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300).run()
at.chat_input[0].set_value(sys.argv[2]).run()
assert not at.exception, at.exception
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def proxy_peak_rss_mb(env: dict[str, str]) -> float:
    """Peak RSS of a process running the page once through AppTest, answering one question."""
    done = subprocess.run(
        [sys.executable, "-c", PROXY, str(ROOT / "app.py"), QUESTION],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        raise SystemExit(f"the AppTest proxy failed: {done.stderr.strip()[-500:]}")
    return float(done.stdout.strip().splitlines()[-1])


def launch_browser(stack):  # noqa: ANN001, ANN201 - an ExitStack; a Playwright browser or None
    """Headless Chromium through Playwright, or None when either is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    playwright = stack.enter_context(sync_playwright())
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    flags += ["--disable-component-update", "--no-first-run", "--disable-sync"]
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
    stack.callback(browser.close)
    return browser


def main() -> None:
    """Build the seed index once, then time cold starts."""
    from contextlib import ExitStack

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with ExitStack() as stack:
        data = stack.enter_context(tempfile.TemporaryDirectory())
        env = {**os.environ, "COUNTERPOINT_DATA_DIR": data, "CHROMA_HOST": ""}
        subprocess.run(
            [str(BIN / "counterpoint"), "ingest"], env=env, check=True, capture_output=True
        )
        browser = launch_browser(stack)
        cli = [cli_first_answer(env) for _ in range(args.rounds)]
        app = [app_first_chat(env, browser) for _ in range(args.rounds)]
        print(f"load average {os.getloadavg()[0]:.1f}; browser: {'yes' if browser else 'no'}")
        print(f"CLI ask, process start to answer: {_runs(cli)} s")
        for key in app[0]:
            print(f"app {key:<22} {_runs([run[key] for run in app])}")
        if browser is None:
            print(f"peak RSS (AppTest proxy, one answer): {proxy_peak_rss_mb(env):.0f} MB")


def _runs(values: list[float]) -> str:
    runs = " ".join(f"{v:.1f}" for v in values)
    return f"{runs}  (median {statistics.median(values):.1f})"


if __name__ == "__main__":
    main()
