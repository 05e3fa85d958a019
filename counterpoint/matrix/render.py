"""The claims matrix and the allegations view as plain text (`counterpoint claims` /
`counterpoint allegations` without --json): grouped by theme, each label with its confidence and
its first piece of evidence, under a line saying the labels are machine-made."""

from __future__ import annotations

from counterpoint.matrix.models import THEME_TITLES, EvidenceQuote, Matrix, Statement
from counterpoint.matrix.triage import triage

MACHINE_MADE = "Labels are machine-made ({mode}): check the evidence before relying on one."


def render_claims(matrix: Matrix) -> str:
    """The claims matrix as readable text, grouped by theme."""
    lines = [MACHINE_MADE.format(mode=matrix.mode), *([matrix.notice] if matrix.notice else [])]
    for theme, title in THEME_TITLES.items():
        rows = [row for row in matrix.claims if row.claim.theme == theme]
        if rows:
            lines.append(f"\n## {title} ({len(rows)})")
        for row in rows:
            lines.append(f"\n[{row.relation}, confidence {row.confidence:.2f}] {_where(row.claim)}")
            lines.append(f"  “{row.claim.text}”")
            # A rebuttal rests on two quotes: the critic restating the claim, then pushing back.
            shown = row.evidence[: 2 if row.relation == "contested" else 1]
            lines.extend(_evidence_lines(shown) or [f"  ({row.reason})"])
    if not matrix.claims:
        lines.append("\nNo claims match.")
    return "\n".join(lines)


def render_allegations(matrix: Matrix) -> str:
    """The allegations view as readable text, unaddressed first."""
    lines = [MACHINE_MADE.format(mode=matrix.mode), *([matrix.notice] if matrix.notice else [])]
    for row in matrix.allegations:
        theme = row.allegation.theme
        lines.append(f"\n[{row.coverage}, confidence {row.confidence:.2f}, {theme}] "
                     f"{_where(row.allegation)}")  # fmt: skip
        lines.append(f"  “{row.allegation.text}”")
        lines.extend(_evidence_lines(row.evidence[:1]) or [f"  ({row.reason})"])
    if not matrix.allegations:
        lines.append("\nNo allegations match.")
    return "\n".join(lines)


def _where(statement: Statement) -> str:
    page = f"p. {statement.page}" if statement.page else "no page"
    return f"{statement.title} · {page}"


def _evidence_lines(evidence: list[EvidenceQuote]) -> list[str]:
    return [
        f"  ← “{quote.quote}” ({quote.title} · "
        f"{f'p. {quote.page}' if quote.page else 'no page'} · similarity {quote.similarity:.2f})"
        for quote in evidence
    ]


def render_top(matrix: Matrix, count: int = 3) -> str:
    """The head of the Claims tab as text: counts, then the first `count` rows of the
    contested claims, the unaddressed allegations and the claims to confirm."""
    found = triage(matrix)
    routine = ", ".join(f"{THEME_TITLES[t]} {len(rows)}" for t, rows in found.routine.items())
    parts = [
        ("Contested claims", [(r.confidence, r.claim.text) for r in found.contested]),
        ("Unaddressed allegations", [(r.confidence, r.allegation.text) for r in found.unaddressed]),
        ("Claims to confirm", [(r.engagement, r.claim.text) for r in found.to_confirm]),
    ]
    lines = []
    for title, rows in parts:
        lines.append(f"{title} · {len(rows)}")
        lines += [f"  {score:.2f}  {text[:100]}" for score, text in rows[:count]]
    total = sum(len(rows) for rows in found.routine.values())
    lines.append(f"Claims critics never touch · {total} ({routine})")
    return "\n".join(lines)
