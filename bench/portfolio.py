"""A portfolio of real reports, one case each: the portfolio ingest's throughput next to the bare
embedder, then what an analyst waits for per case: opening it warm (as the page does) and a
case-scoped search.

    .venv/bin/python bench/portfolio.py [--benchmarks ../shared/benchmarks] [--data DIR]

Each report of each benchmark's docs/ becomes a case folder `<report>/company/<file>` (symlinked:
the reports' licences forbid copying them into the repository, and the bench copies nothing).
The ingest runs once into a fresh data folder; the bare embedder then encodes the same chunk
texts (`SentenceTransformer.encode`, batch 32), so their ratio is our overhead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402

BATCH = 32
QUESTIONS = (
    "What are the company's greenhouse gas emissions targets?",
    "How much revenue did the company report?",
    "What does the company say about human rights in its supply chain?",
)


def portfolio_folder(benchmarks: Path, into: Path) -> Path:
    """One case folder per report, its file linked under company/."""
    folder = into / "portfolio"
    for report in sorted(benchmarks.glob("*/docs/*")):
        company = folder / report.stem / "company"
        company.mkdir(parents=True, exist_ok=True)
        (company / report.name).symlink_to(report.resolve())
    return folder


def ingest(settings: Settings, folder: Path):  # noqa: ANN201 - (Assistant, PortfolioReport)
    from counterpoint.assistant import Assistant

    workspace = Assistant(settings, notify=lambda message: None)
    workspace.embedder.get_query_embedding("load the model first")  # not part of the ingest
    return workspace, workspace.ingest_portfolio(folder, progress=True)


def bare_seconds(texts: list[str]) -> float:
    """Seconds the bare embedder takes over the same texts (as bench/ingest_throughput.py)."""
    from bench.ingest_throughput import bare_encoder

    model = bare_encoder()
    started = time.perf_counter()
    model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def open_and_search(workspace, case_ids: list[str]) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Per case: ms to open it as the page does (store, index check, one offline answer that
    loads its BM25), then ms per case-scoped search."""
    opened, searched = [], []
    for case_id in case_ids:
        started = time.perf_counter()
        assistant = workspace.for_case(case_id)
        assistant.ensure_index()
        assistant.ask("What does the company say about its policies?", mode="extractive")
        opened.append((time.perf_counter() - started) * 1000)
        for question in QUESTIONS:
            started = time.perf_counter()
            assistant.search(question)
            searched.append((time.perf_counter() - started) * 1000)
    return opened, searched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--data", type=Path, help="data folder (default: a temporary one)")
    args = parser.parse_args()
    offline_environment()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "data"
        folder = portfolio_folder(args.benchmarks, Path(tmp))
        settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=data, CHROMA_HOST="")
        workspace, report = ingest(settings, folder)
        print(report.summary())
        chunks = sum(r.chunks_written for r in report.cases.values())
        texts = [
            node.get_content()
            for case in report.cases
            for node in workspace.for_case(case).store.nodes()
        ]
        bare = bare_seconds(texts)
        ours = chunks / report.seconds
        print(
            f"portfolio ingest {ours:.1f} chunks/s; bare embedder {len(texts) / bare:.1f} "
            f"chunks/s on the same {len(texts)} texts; ratio {ours / (len(texts) / bare):.2f}"
        )
        opened, searched = open_and_search(workspace, sorted(report.cases))
        print(
            f"opening a case warm: median {statistics.median(opened):.0f} ms, "
            f"max {max(opened):.0f} ms over {len(opened)} cases"
        )
        print(
            f"case-scoped search: median {statistics.median(searched):.0f} ms, "
            f"p95 {percentile(searched, 0.95):.0f} ms over {len(searched)} searches"
        )


if __name__ == "__main__":
    main()
