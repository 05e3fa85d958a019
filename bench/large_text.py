"""Peak memory and time of ingesting one large text file (issue 22, fault 7), by hand, not in CI.

    .venv/bin/python bench/large_text.py                 # a 49.99 MB text, made up of sentences
    .venv/bin/python bench/large_text.py --mb 10         # a smaller one
    .venv/bin/python bench/large_text.py --file big.txt  # a file of your own

Runs `counterpoint ingest FILE --side critic` of this checkout into an empty data folder, reads
the process's resident memory every 0.2 s (Linux /proc), and prints its exit, peak memory, time
and last line. It is killed past `--limit-mb` (default 2048, the issue's bound) or `--timeout`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reliability_probe import Probe, last_line, watch  # noqa: E402

SENTENCE = "In {n} the auditors visited plant {m} and found {k} workers on overtime. "


def write_text(path: Path, megabytes: float) -> Path:
    """Sentences that differ by their figures, in paragraphs of fifty, up to `megabytes`."""
    size, n = int(megabytes * 1_000_000), 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < size:
            block = (SENTENCE.format(n=i, m=i % 97, k=i % 13) for i in range(n, n + 50))
            out.write("".join(block) + "\n\n")
            n += 50
    return path


def main() -> int:
    """Measure one ingest; exit 1 when it failed or passed the limits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=49.99, help="size of the made-up text")
    parser.add_argument("--file", type=Path, help="ingest this file instead")
    parser.add_argument("--limit-mb", type=float, default=2048.0)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="counterpoint-large-") as folder:
        probe = Probe(Path(folder), Path(folder) / "no-seed")
        text = args.file or write_text(Path(folder) / "large.txt", args.mb)
        size = text.stat().st_size / 1e6
        log = Path(folder) / "ingest.log"
        process = probe.start("ingest", str(text.resolve()), "--side", "critic", log=log)
        done = watch(process, args.limit_mb, args.timeout)
        said = last_line(log.read_text(encoding="utf-8", errors="replace"))
    ended = "killed (over the limit)" if done.code is None else f"exit {done.code}"
    print(f"{size:.2f} MB text: {ended}, peak {done.peak_mb:.0f} MB, {done.seconds:.0f} s")
    print(f"last line: {said}")
    return 0 if done.code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
