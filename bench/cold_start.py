"""Cold start: seconds from process start to what a user first sees, for the CLI and the app;
how long the page keeps running after an answer shows; the app's peak memory (RSS).

Run by hand: `.venv/bin/python bench/cold_start.py [--rounds 3] [--only cli|app]`. The seed index
is built once first (not timed), as `make run` does before starting the app. Note the load
average it prints: on a busy machine every figure grows.

CLI: `counterpoint --help`, `cases`, `search … --json` and `ask … --json`, each a fresh process,
timed from start to exit.

App, as a user meets it: `streamlit run app.py` started, `/_stcore/health` answering, the page
fetched; with Playwright and /usr/bin/chromium, a headless Chromium (launched before the clock
starts) then opens the page: the starter cards drawn, the chat input drawn, the page idle (the
index loaded and warmed up), the first answer drawn; then, for the first answer and three more
questions, the seconds from the answer showing to the page idle (its script run over, as the
page records it). Peak RSS is the server process's own VmHWM. Without a browser, the page fetch
is the last step.
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
MORE = [
    "What do critics say about Xinjiang?",
    "How does the company protect user privacy?",
    "Is the company at risk of US sanctions over its human rights record?",
]
BIN = Path(sys.executable).parent
CLI = {
    "--help": ["--help"],
    "cases": ["cases"],
    "search": ["search", QUESTION, "--json"],
    "ask": ["ask", QUESTION, "--json", "--mode", "extractive"],
}


def cli_seconds(env: dict[str, str], args: list[str]) -> float:
    """Seconds for `counterpoint ARGS` from process start to exit."""
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "counterpoint"), *args], env=env, capture_output=True)
    if done.returncode:
        raise SystemExit(f"counterpoint {args[0]} failed: {done.stderr.decode().strip()}")
    return time.perf_counter() - started


def app_cold_start(env: dict[str, str], browser) -> dict[str, float]:  # noqa: ANN001
    """Seconds from `streamlit run` to health, page fetch and, in a browser, what it draws."""
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
    page = browser.new_page(viewport={"width": 1440, "height": 1280})
    page.goto(url)
    page.locator(".st-key-starter-card-0").wait_for(timeout=180_000)
    figures = {"starter_cards_s": time.perf_counter() - started}
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=180_000)
    figures["chat_drawn_s"] = time.perf_counter() - started
    _idle(page)
    figures["idle_s"] = time.perf_counter() - started
    shown, figures["idle_after_answer_s"] = _ask(page, QUESTION, 1)
    figures["first_answer_s"] = shown - started
    idle = [_ask(page, question, number)[1] for number, question in enumerate(MORE, 2)]
    figures["idle_after_more_answers_max_s"] = max(idle)
    page.close()
    return figures


def _ask(page, question: str, number: int) -> tuple[float, float]:  # noqa: ANN001
    """Ask; when the answer showed (its 'What critics say' part), and the seconds from then
    until the page idles."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(2 * number - 1)
    reply.get_by_text("What critics say", exact=True).first.wait_for(timeout=180_000)
    shown = time.perf_counter()
    _idle(page)
    return shown, time.perf_counter() - shown


def _idle(page) -> None:  # noqa: ANN001
    # The page's record of its script run; the corner's running indicator lags it by 0.5 s.
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    page.locator(idle).wait_for(state="attached", timeout=180_000)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
    parser.add_argument("--only", choices=("cli", "app"), help="time only the CLI or the app")
    args = parser.parse_args()
    with ExitStack() as stack:
        data = stack.enter_context(tempfile.TemporaryDirectory())
        env = {**os.environ, "COUNTERPOINT_DATA_DIR": data, "CHROMA_HOST": ""}
        subprocess.run(
            [str(BIN / "counterpoint"), "ingest"], env=env, check=True, capture_output=True
        )
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.only != "app":
            for name, command in CLI.items():
                runs = [cli_seconds(env, command) for _ in range(args.rounds)]
                print(f"CLI {name:<8} process start to exit: {_runs(runs)} s")
        if args.only != "cli":
            browser = launch_browser(stack)
            print(f"browser: {'yes' if browser else 'no'}")
            app = [app_cold_start(env, browser) for _ in range(args.rounds)]
            for key in app[0]:
                print(f"app {key:<30} {_runs([run[key] for run in app])}")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _runs(values: list[float]) -> str:
    runs = " ".join(f"{v:.1f}" for v in values)
    return f"{runs}  (median {statistics.median(values):.1f})"


if __name__ == "__main__":
    main()
