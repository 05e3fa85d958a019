"""The `counterpoint eval` report as plain-text tables."""

from __future__ import annotations

from typing import Any

from counterpoint.config import SIDES


def render_table(report: dict[str, Any]) -> str:
    """The report as plain-text tables: retrieval side by side, answers, latency."""
    k, retrieval, answers = report["k"], report["retrieval"], report["answers"]
    names = {
        "recall_at_k": f"recall@{k}",
        "recall_in_budget": "recall@300 words",
        "mrr": "MRR",
        "words_at_k": f"words in top {k}",
    }
    rows = [["retrieval", "side", "ours", "baseline", "lead (points)"]]
    for figure, label in names.items():
        for side in [*SIDES, "overall"]:
            row = [label, side, _figure(figure, retrieval["ours"][side][figure])]
            if "baseline" in retrieval:
                row.append(_figure(figure, retrieval["baseline"][side][figure]))
                lead = retrieval["lead_points"][side].get(figure)
                row.append("" if lead is None else f"{lead:+.1f}")
            rows.append(row)
    facts, quotes = answers["facts_present"], answers["quotes_verbatim"]
    both, abstain = answers["contested_both_sides"], answers["abstention"]
    answer_rows = [
        ["answers (extractive)", *SIDES, "overall"],
        ["expected facts quoted", *(f"{v['share']:.1%} of {v['n']}" for v in facts.values())],
        ["quotes verbatim in chunk", *(f"{v['share']:.1%} of {v['n']}" for v in quotes.values())],
        ["contested, both sides", "", "", f"{both['share']:.1%} of {both['n']}"],
        ["abstention precision", "", "", f"{abstain['precision']:.1%} of {abstain['abstained']}"],
        ["abstention recall", "", "", f"{abstain['recall']:.1%} of {abstain['unanswerable']}"],
    ]
    answer_rows += _label_rows(answers)
    latency_rows = [["latency, warm (ms)", "median", "p95", "n"]] + [
        [name.replace("_", " "), f"{t['median']:.1f}", f"{t['p95']:.1f}", str(t["n"])]
        for name, t in report["latency_ms"].items()
    ]
    title = (
        f"{report['questions']} questions, {report['evidence']} evidence excerpts; k={k}, "
        f"budget {report['budget_words']} words, ranked lists of {report['depth']}"
    )
    tables = [title, *map(text_table, (rows, answer_rows, latency_rows))]
    return "\n\n".join(tables + _reliability(report))


def _reliability(report: dict[str, Any]) -> list[str]:
    """The answer tier's reliability table, when the question file had answer labels."""
    from counterpoint.evaluation.calibration import reliability_lines

    return ["\n".join(reliability_lines(report["reliability"]))] if "reliability" in report else []


def _label_rows(answers: dict[str, Any]) -> list[list[str]]:
    """The rows scored against the hand labels of the answers, when the file has them."""
    if "quote_precision" not in answers:
        return []
    precision = answers["quote_precision"]["precision"]
    meeting, one_sided = answers["meeting"], answers["one_sided"]
    rows = [
        [
            "quotes that answer the question",
            *(_share(precision.get(s)) for s in [*SIDES, "overall"]),
        ],
        ["one-sided questions, right sides", "", "", _share(one_sided)],
        [
            "meeting outcome right",
            "",
            "",
            _share({"share": meeting["accuracy"], "n": meeting["n"]}),
        ],
    ]
    for outcome, figures in meeting["outcomes"].items():
        said = figures["precision"]
        rows.append(
            [
                f"  {outcome.replace('_', ' ')}: precision (said / labelled)",
                "",
                "",
                f"{'n/a' if said is None else f'{said:.1%}'} "
                f"({figures['stated']} / {figures['labelled']})",
            ]
        )
    return rows


def _share(figure: dict[str, float] | None) -> str:
    return "" if figure is None else f"{figure['share']:.1%} of {figure['n']}"


def _figure(name: str, value: float) -> str:
    return {"mrr": f"{value:.3f}", "words_at_k": f"{value:.0f}"}.get(name, f"{value:.1%}")


def text_table(rows: list[list[str]]) -> str:
    """Left-aligned first column, right-aligned figures."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        )
        for row in rows
    )
