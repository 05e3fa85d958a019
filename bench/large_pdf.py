"""A report-size PDF ingested whole: its time and the process's peak memory.

    .venv/bin/python bench/large_pdf.py [--pages 300] [--words 400]

The PDF (bench/report_pdf.py: prose, a table and a chart image per page) is written to a
temporary folder and uploaded into a fresh case, as the Corpus tab does. Peak RSS is the
process's high-water mark (`ru_maxrss`), after the embedder is loaded and after the ingest:
their difference is what the document cost.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report_pdf import report_pdf  # noqa: E402
from counterpoint.config import Settings, offline_environment  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--words", type=int, default=400, help="words of prose per page")
    args = parser.parse_args()
    offline_environment()
    from counterpoint.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        pdf = report_pdf(Path(tmp) / "annual-report.pdf", args.pages, args.words)
        settings = Settings(
            _env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp) / "data", CHROMA_HOST=""
        )
        assistant = Assistant(settings, notify=lambda message: None)
        assistant.embedder.get_query_embedding("load the model first")
        assistant.create_case("Large Report Co")
        loaded = peak_mib()
        steps: list[str] = []
        started = time.perf_counter()
        report = assistant.ingest_upload(
            pdf.name,
            io.BytesIO(pdf.read_bytes()),
            "company",
            on_step=lambda doing, done: steps.append(doing),
        )
        seconds = time.perf_counter() - started
        size = pdf.stat().st_size / 2**20
    print(
        f"{args.pages} pages ({size:.1f} MiB, ~{args.words} words a page): "
        f"{report.chunks_written} chunks in {seconds:.0f} s ({args.pages / seconds:.1f} pages/s); "
        f"{len(steps)} progress steps"
    )
    print(
        f"peak RSS {loaded:.0f} MiB with the embedder loaded, {peak_mib():.0f} MiB after the "
        f"ingest (+{peak_mib() - loaded:.0f} MiB for the document)"
    )


if __name__ == "__main__":
    main()
