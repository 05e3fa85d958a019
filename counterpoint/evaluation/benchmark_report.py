"""The `counterpoint eval --benchmark` report as plain-text tables."""

from __future__ import annotations

from typing import Any

from counterpoint.evaluation.calibration import reliability_lines
from counterpoint.evaluation.report import text_table

SYSTEMS = ("ours", "baseline")


def _labels(report: dict[str, Any]) -> dict[str, str]:
    k, budgets = report["k"], report["budgets"]
    labels = {f"recall_{b}w": f"recall within {b:,} words" for b in budgets}
    labels |= {f"recall_at_{k}": f"recall@{k}", "recall_at_10": "recall@10", "mrr_at_10": "MRR@10"}
    labels |= {f"page_recall_{b}w": f"page recall within {b:,} words" for b in budgets}
    labels |= {f"page_recall_at_{k}": f"page recall@{k}", f"words_at_{k}": f"words in the top {k}"}
    return labels


def render_benchmark(report: dict[str, Any]) -> str:
    """Retrieval ours next to the baseline, per report, per kind of evidence; answers; latency."""
    retrieval = report["retrieval"]
    systems = [s for s in SYSTEMS if s in retrieval]
    rows = [
        ["retrieval (company side)", *systems, *(["lead (points)"] if len(systems) > 1 else [])]
    ]
    for name, label in _labels(report).items():
        row = [label, *(_cell(name, retrieval[s][name]) for s in systems)]
        if "lead_points" in retrieval:
            lead = retrieval["lead_points"].get(name)
            row.append("" if lead is None else f"{lead:+.1f}")
        rows.append(row)
    ours = retrieval["ours"]
    title = (
        f"{report['benchmark']}: {report['reports']} reports, {report['questions']} questions "
        f"({ours['questions']} with evidence, {ours['evidence']} evidence strings)"
    )
    parts = [
        f"{title}\n{models_line(report)}",
        text_table(rows),
        _breakdown(report, "by_report"),
        _breakdown(report, "by_evidence"),
    ]
    return "\n\n".join([*parts, _answers(report), _latency(report)])


def models_line(report: dict[str, Any]) -> str:
    """Which embedder and reranker ranked our passages (the baseline embeds with the same)."""

    def named(kind: str, default: str) -> str:
        name, identity = report.get(kind) or default, report.get(f"{kind}_id")
        return f"{name} ({identity})" if identity and identity != name else name

    embedder, reranker = named("embedder", "bundled-minilm"), named("reranker", "none")
    return f"embedder: {embedder} · reranker: {reranker}"


def _breakdown(report: dict[str, Any], key: str) -> str:
    """Recall within each budget, ours / baseline, per report or per kind of evidence."""
    budgets = report["budgets"]
    systems = [s for s in SYSTEMS if s in report["retrieval"]]
    head = "report (words)" if key == "by_report" else "evidence"
    rows = [
        [
            head,
            "n",
            *(f"{b:,}w {s}" for b in budgets for s in systems),
            "MRR@10 " + "/".join(systems),
        ]
    ]
    for name, entry in report[key].items():
        label = f"{name} ({entry['words']:,})" if "words" in entry else name
        if not entry["ours"]["evidence"]:
            continue
        row = [label, str(entry["ours"]["evidence"])]
        row += [f"{entry[s][f'recall_{b}w']:.1%}" for b in budgets for s in systems]
        row.append(" / ".join(f"{entry[s]['mrr_at_10']:.3f}" for s in systems))
        rows.append(row)
    return text_table(rows)


def _answers(report: dict[str, Any]) -> str:
    answers, abstain = report["answers"], report["answers"]["abstention"]
    rows = [["answers (extractive, ours)", "answer tier", "both tiers", "of"]]
    for label, key in (
        ("gold figures quoted", "facts_quoted"),
        ("answers quoting gold evidence", "evidence_quoted"),
    ):
        tier, both = answers[f"{key}_answer_tier"], answers[f"{key}_both_tiers"]
        rows.append([label, f"{tier['share']:.1%}", f"{both['share']:.1%}", str(both["n"])])
    rows += [
        ["abstention precision", f"{abstain['precision']:.1%}", "", str(abstain["abstained"])],
        ["abstention recall", f"{abstain['recall']:.1%}", "", str(abstain["unanswerable"])],
        ["answerable questions abstained", str(abstain["answerable_abstained"]), "", ""],
    ]
    text = text_table(rows)
    if "reliability" in report:
        text += "\n\n" + "\n".join(reliability_lines(report["reliability"]))
    return text


def _latency(report: dict[str, Any]) -> str:
    rows = [["latency, warm (ms)", "median", "p95", "n"]] + [
        [name.replace("_", " "), f"{t['median']:.1f}", f"{t['p95']:.1f}", str(t["n"])]
        for name, t in report["latency_ms"].items()
    ]
    ingest = "; ".join(
        f"{doc} {i['seconds']:.0f} s, {i['chunks_written']} of {i['chunks']} chunks embedded"
        for doc, i in report["ingest"].items()
    )
    return f"{text_table(rows)}\n\ningest (nothing embedded when cached): {ingest}"


def _cell(name: str, value: float) -> str:
    if name.startswith("words"):
        return f"{value:,.0f}"
    return f"{value:.3f}" if name.startswith("mrr") else f"{value:.1%}"
