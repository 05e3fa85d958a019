"""The reliability probe of issue 22, re-run by hand (not by CI): 29 cases of bad input, damage,
interruption and hostile text, each in its own temporary data folder, each through the real
command line (`python -m counterpoint ...` of this checkout) on a real embedded Chroma.

    .venv/bin/python bench/reliability_probe.py            # all 29, about 15 minutes on 2 cores
    .venv/bin/python bench/reliability_probe.py kill lost  # only cases whose name holds a word

Prints one line per case: its name, the command it turns on, `held` or `FAILED`, and what was
seen. The cases are in `bench/probe_old.py` (the eight of issue 14 re-tested),
`bench/probe_held.py` (the new ones the probe of Dec 7 found holding) and
`bench/probe_faults.py` (the eleven it found failing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/reliability_probe.py` from anywhere

CORPUS = ROOT / "corpus"


@dataclass
class Outcome:
    """What a case saw: held or not, and in a few words why."""

    held: bool
    detail: str


@dataclass
class Probe:
    """One case's workspace: its own folder, data folder and corpus."""

    root: Path
    seed: Path  # a data folder holding the bundled corpus, indexed once for the whole run

    @property
    def data(self) -> Path:
        return self.root / "data"

    def seeded(self) -> Path:
        """This case's data folder, a copy of the indexed bundled corpus."""
        shutil.copytree(self.seed, self.data)
        return self.data

    def run(
        self, *args: str, corpus: Path = CORPUS, timeout: float = 900, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """`counterpoint ARGS` of this checkout in a new process, on this case's folders."""
        return subprocess.run(
            [sys.executable, "-m", "counterpoint", *args],
            cwd=self.root,
            env=environment(self.data, corpus, **env),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def start(
        self, *args: str, corpus: Path = CORPUS, log: Path | None = None, **env: str
    ) -> subprocess.Popen[str]:
        """`counterpoint ARGS` started in the background, its stderr readable line by line
        (or written to `log`, for a process nobody reads while it runs)."""
        stderr = log.open("w") if log else subprocess.PIPE
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "counterpoint", *args],
                cwd=self.root,
                env=environment(self.data, corpus, **env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL if log else subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        finally:
            if log:
                stderr.close()  # type: ignore[union-attr] - the child has its own copy

    def python(self, script: str, corpus: Path = CORPUS) -> subprocess.CompletedProcess[str]:
        """A Python script of this checkout in a new process, on this case's folders (what the
        page renders, read without a browser)."""
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=self.root,
            env=environment(self.data, corpus),
            capture_output=True,
            text=True,
            timeout=900,
        )

    def write(self, name: str, text: str) -> Path:
        """A text file in the case's folder."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


def environment(data: Path, corpus: Path, **extra: str) -> dict[str, str]:
    """The environment of a probed command: this checkout, offline, no server, no LLM."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env.update(
        COUNTERPOINT_DATA_DIR=str(data),
        COUNTERPOINT_CORPUS_DIR=str(corpus),
        CHROMA_HOST="",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    env.update(extra)
    return env


def index_state(probe: Probe, corpus: Path = CORPUS, case: str = "") -> dict[str, int]:
    """doc_id -> chunks of the case's index, read in a new process ({} when it fails)."""
    import json

    script = (
        "import json\nfrom counterpoint.assistant import Assistant\n"
        "from counterpoint.config import get_settings\n"
        f"a = Assistant(get_settings(), notify=lambda _: None, case={case or None!r})\n"
        "print(json.dumps({d: m['chunks'] for d, m in a.store.documents().items()}))\n"
    )
    run = probe.python(script, corpus)
    return json.loads(run.stdout.strip().splitlines()[-1]) if run.returncode == 0 else {}


@dataclass
class Watched:
    """How a process ended: its exit code (None: killed), its peak memory and its time."""

    code: int | None
    peak_mb: float
    seconds: float


def watch(process: subprocess.Popen[str], limit_mb: float, timeout: float) -> Watched:
    """Wait for `process`, killing it past `limit_mb` of resident memory or `timeout` s."""
    started, peak = time.perf_counter(), 0.0
    while process.poll() is None:
        peak = max(peak, _resident_mb(process.pid))
        if peak > limit_mb or time.perf_counter() - started > timeout:
            process.kill()
            process.wait()
            return Watched(None, peak, time.perf_counter() - started)
        time.sleep(0.2)
    return Watched(process.returncode, peak, time.perf_counter() - started)


def _resident_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def one_line(run: subprocess.CompletedProcess[str]) -> bool:
    """A refusal as the CLI promises it: non-zero, one line on stderr, no traceback."""
    lines = [line for line in run.stderr.splitlines() if line.startswith("counterpoint:")]
    return run.returncode != 0 and len(lines) == 1 and "Traceback" not in run.stderr


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


Case = Callable[[Probe], tuple[str, Outcome]]


def all_cases() -> list[tuple[str, Case]]:
    """The 29 cases: issue 14's eight, the probe's new ones that held, then its eleven faults."""
    from bench import probe_faults, probe_held, probe_old

    return [*probe_old.CASES, *probe_held.CASES, *probe_faults.CASES]


def seed_index(folder: Path) -> Path:
    """The bundled corpus indexed once, copied into each case that starts from it."""
    data = folder / "seed"
    run = subprocess.run(
        [sys.executable, "-m", "counterpoint", "ingest"],
        env=environment(data, CORPUS),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if run.returncode:
        raise SystemExit(f"could not index the bundled corpus: {last_line(run.stderr)}")
    return data


def main(words: list[str]) -> int:
    """Run the cases (those whose name holds one of `words`, if given); 1 if any failed."""
    chosen = [(n, c) for n, c in all_cases() if not words or any(w in n for w in words)]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="counterpoint-probe-") as folder:
        seed = seed_index(Path(folder))
        for number, (name, case) in enumerate(chosen, 1):
            root = Path(folder) / f"case-{number:02d}"
            root.mkdir()
            started = time.perf_counter()
            try:
                command, outcome = case(Probe(root, seed))
            except Exception as exc:  # noqa: BLE001 - a probe that breaks is a failed case
                command, outcome = "?", Outcome(False, f"the probe broke: {exc!r}")
                traceback.print_exc(file=sys.stderr)
            failed += not outcome.held
            verdict = "held" if outcome.held else "FAILED"
            took = f"{time.perf_counter() - started:.0f} s"
            detail = " ".join(outcome.detail.split())  # one line, whatever the case saw
            print(f"{number:2d}. {name} | {command} | {verdict} | {detail} ({took})")
            sys.stdout.flush()
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(chosen) - failed} of {len(chosen)} held")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
