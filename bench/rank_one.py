"""What stands first: the rank-1 passage of every benchmark question, read for junk.

    # 1. the first passages, from the index `counterpoint eval --benchmark` built in DIR:
    .venv/bin/python bench/rank_one.py dump ../shared/benchmarks/climate_finance_bench \
        --data DIR --out first.json
    # 2. the figures (any dump, from this code or an older checkout's):
    .venv/bin/python bench/rank_one.py score ../shared/benchmarks/climate_finance_bench first.json

`dump` uses only `Assistant.for_case(...).retriever.retrieve`, so an older checkout can write
its own dump (run this file with that checkout on PYTHONPATH) and both are scored alike.
`score` prints, for the answerable questions (the company side, as the eval asks them):
- rank-1 passages that are page furniture: they open with a line that today's ingest sets
  apart in that report, or most of their lines are such lines (`ingest.structure`, the same
  rules for every dump);
- rank-1 passages of which more than 30% of the words are numbers or separators, and how many
  of those hold the question's gold evidence (a table that answers);
- passages that lead more than one question of a report without holding the evidence of each.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JUNK_SHARE = 0.3
SEPARATORS = set("·|-–—/•:;,.()[]")


def dump(bench_path: Path, data: Path, out: Path) -> None:
    """The rank-1 passage (text, chunk id, page) of each answerable question, as JSON."""
    from counterpoint.assistant import Assistant
    from counterpoint.config import Settings, offline_environment
    from counterpoint.evaluation.benchmark import load_benchmark
    from counterpoint.evaluation.benchmark_run import report_id

    offline_environment()
    bench = load_benchmark(bench_path)
    root = data / "benchmarks" / bench_path.resolve().name
    workspace = Assistant(Settings().model_copy(update={"data_dir": root, "case": None}))
    found = []
    for doc in bench.docs:
        retriever = workspace.for_case(report_id(doc)).retriever
        for question in bench.asked_of(doc):
            if question.kind != "answerable":
                continue
            first = retriever.retrieve(question.question, 1, "company")["company"][0]
            found.append(
                {"id": question.id, "doc": doc, "chunk": first.chunk_id, "text": first.text}
            )
    out.write_text(json.dumps(found, indent=1), encoding="utf-8")
    print(f"{len(found)} first passages written to {out}")


def junk_share(text: str) -> float:
    """The share of a text's words that are numbers or separators ("·", "|", "-")."""
    import re

    number = re.compile(r"^[-−–+(]?[$€£¥]?\d[\d,.]*%?\)?$")
    words = text.split()
    junk = sum(bool(number.match(w)) or all(c in SEPARATORS for c in w) for w in words)
    return junk / len(words) if words else 0.0


def furniture_lines(path: Path) -> set[str]:
    """The lines today's ingest sets apart in a report, normalised."""
    from ingest.cleaning import clean_text
    from ingest.loaders import load_pages
    from ingest.structure import assemble_text

    document = assemble_text(load_pages(path), clean_text)
    return {_norm(document.text[x.start : x.end]) for x in document.set_apart()}


def _norm(line: str) -> str:
    return " ".join(line.lower().split())


def is_furniture(text: str, apart: set[str]) -> bool:
    """The passage opens with a line the ingest sets apart (a cover, a running header), or
    most of its lines are such lines."""
    lines = [_norm(line) for line in text.split("\n") if line.strip()]
    set_apart = [line in apart for line in lines]
    return bool(lines) and (set_apart[0] or sum(set_apart) >= 0.5 * len(lines))


def score(bench_path: Path, dumped: Path) -> None:
    """Print the figures of the module docstring for one dump."""
    from counterpoint.evaluation.benchmark import hits, load_benchmark

    bench = load_benchmark(bench_path)
    questions = {q.id: q for q in bench.questions}
    firsts = json.loads(dumped.read_text(encoding="utf-8"))
    apart = {doc: furniture_lines(bench.doc_path(doc)) for doc in {f["doc"] for f in firsts}}
    furniture, junk, junk_gold, leads = [], [], [], defaultdict(list)
    for first in firsts:
        question = questions[first["id"]]
        gold = any(hits(first["text"], evidence) for evidence in question.evidence)
        leads[(first["doc"], first["chunk"])].append(gold)
        if is_furniture(first["text"], apart[first["doc"]]):
            furniture.append(first)
        if junk_share(first["text"]) > JUNK_SHARE:
            (junk_gold if gold else junk).append(first)
    repeated = [key for key, golds in leads.items() if len(golds) > 1 and not all(golds)]
    print(f"{bench.name}: {len(firsts)} answerable questions")
    print(f"  rank-1 passages that are page furniture: {len(furniture)}")
    print(
        f"  rank-1 passages over {JUNK_SHARE:.0%} numbers or separators: "
        f"{len(junk) + len(junk_gold)} ({len(junk_gold)} of them hold the gold evidence)"
    )
    print(f"  passages leading more than one question without their evidence: {len(repeated)}")
    for label, items in (("furniture", furniture), ("numbers, no evidence", junk)):
        for item in items:
            print(f"    {label}: {item['id']}: {' '.join(item['text'].split())[:110]!r}")
    for doc, chunk in repeated:
        text = next(f["text"] for f in firsts if f["chunk"] == chunk)
        print(f"    leads {len(leads[(doc, chunk)])}: {doc}: {' '.join(text.split())[:100]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["dump", "score"])
    parser.add_argument("benchmark", type=Path)
    parser.add_argument("dumped", type=Path, nargs="?")
    parser.add_argument("--data", type=Path, default=Path(".counterpoint"))
    parser.add_argument("--out", type=Path, default=Path("first.json"))
    args = parser.parse_args()
    if args.action == "dump":
        dump(args.benchmark, args.data, args.out)
    else:
        score(args.benchmark, args.dumped or args.out)


if __name__ == "__main__":
    main()
