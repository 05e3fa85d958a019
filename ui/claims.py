"""The Claims tab: what critics leave the company unanswered, and each company claim against the
critics' documents, grouped by theme.

Every label here is made by the machine (rules, or an LLM whose output was checked): the page
says so on each one, with its confidence and the quotes it rests on, so the analyst can judge it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from counterpoint.errors import CounterpointError
from counterpoint.matrix.models import (
    THEME_TITLES,
    THEMES,
    AllegationRow,
    ClaimRow,
    EvidenceQuote,
    Matrix,
    Statement,
)
from ui.cache import index_key
from ui.style import badge, md_escape

RELATION_LOOK = {  # Streamlit badge colour and the words that name the label
    "contested": ("red", "CONTESTED"),
    "corroborated": ("green", "CORROBORATED"),
    "not_addressed": ("gray", "NOT ADDRESSED BY CRITICS"),
    "unaddressed": ("red", "UNADDRESSED BY THE COMPANY"),
    "addressed": ("green", "ADDRESSED BY THE COMPANY"),
}
RELATIONS = ("contested", "corroborated", "not_addressed")


@st.cache_data(show_spinner=False, max_entries=4)
def cached_matrix(_assistant, key: str) -> Matrix:  # noqa: ANN001
    """The matrix of one index state and mode (the engine also caches it on disk)."""
    return _assistant.matrix()


def matrix_key(assistant, documents: dict[str, dict[str, Any]]) -> str:  # noqa: ANN001
    """The cache key of the matrix: the index state and the matrix mode (rules or llm)."""
    from counterpoint.matrix.build import default_mode

    return f"{index_key(assistant, documents)}-{default_mode(assistant.settings)}"


def built_matrix(assistant, documents: dict[str, dict[str, Any]]) -> Matrix | None:  # noqa: ANN001
    """The matrix if this session has built it already (the brief includes it), else None."""
    return st.session_state.get("matrices", {}).get(matrix_key(assistant, documents))


def load_matrix(assistant, documents: dict[str, dict[str, Any]]) -> Matrix | None:  # noqa: ANN001
    """The matrix, built under a status box the first time; None (and a message) on failure."""
    key = matrix_key(assistant, documents)
    matrices = st.session_state.setdefault("matrices", {})
    if key in matrices:
        return matrices[key]
    try:
        with st.status("Building the claims matrix for this index...", expanded=False) as box:
            st.write("Extracting claims and allegations, then reading the other side on each.")
            matrix = cached_matrix(assistant, key)
            seconds = sum(matrix.timings_ms.values()) / 1000 if matrix.timings_ms else 0
            box.update(label=f"Claims matrix ready ({seconds:.0f} s)", state="complete")
    except CounterpointError as exc:
        st.error(f"Cannot build the claims matrix: {exc}", icon=":material/error:")
        return None
    matrices[key] = matrix
    return matrix


def show_claims(assistant, documents: dict[str, dict[str, Any]]) -> None:  # noqa: ANN001
    """The whole tab: counts, the unaddressed allegations, then the claims by theme."""
    matrix = load_matrix(assistant, documents)
    if matrix is not None:
        show_matrix(matrix)


def show_matrix(matrix: Matrix) -> None:
    """A matrix on the page (separate from building it, so any Matrix can be shown)."""
    method = "an LLM, checked against the passages" if matrix.mode == "llm" else "offline rules"
    st.markdown("##### Claims matrix · :violet-badge[:material/smart_toy: machine-made]")
    st.caption(
        f"Every label below is machine-made by {method}, with a confidence and the quotes it "
        "rests on: read the evidence before relying on a label."
    )
    if matrix.notice:
        st.warning(matrix.notice, icon=":material/warning:")
    _counts(matrix)
    relations, themes = _filters()
    allegations = [a for a in matrix.allegations if not themes or a.allegation.theme in themes]
    _unaddressed(allegations)
    claims = [
        row
        for row in matrix.claims
        if (not relations or row.relation in relations)
        and (not themes or row.claim.theme in themes)
    ]
    _claims_by_theme(claims)
    addressed = [a for a in allegations if a.coverage == "addressed"]
    if addressed:
        with st.expander(f"Allegations the company's documents address · {len(addressed)}"):
            for row in addressed:
                _allegation(row)


def _counts(matrix: Matrix) -> None:
    columns = st.columns(4)
    for column, relation in zip(columns, RELATIONS, strict=False):
        count = sum(1 for row in matrix.claims if row.relation == relation)
        column.metric(f"Claims {RELATION_LOOK[relation][1].lower()}", count, border=True)
    unaddressed = sum(1 for row in matrix.allegations if row.coverage == "unaddressed")
    columns[3].metric(
        "Allegations unaddressed",
        f"{unaddressed} of {len(matrix.allegations)}",
        border=True,
    )


def _filters() -> tuple[list[str], list[str]]:
    left, right = st.columns(2)
    relations = left.pills(
        "Claim label",
        RELATIONS,
        selection_mode="multi",
        format_func=lambda r: RELATION_LOOK[r][1].lower(),
        key="claims-relation",
    )
    themes = right.multiselect(
        "Themes",
        list(THEMES),
        format_func=THEME_TITLES.get,
        key="claims-theme",
        placeholder="All themes",
    )
    return list(relations or []), list(themes or [])


def _unaddressed(allegations: list[AllegationRow]) -> None:
    open_ones = [a for a in allegations if a.coverage == "unaddressed"]
    st.markdown(f"#### :material/report: Unaddressed allegations · {len(open_ones)}")
    st.caption(
        "Critics' allegations (regions, programmes, events, sanctions, figures) that no passage "
        "of the company's documents answers, as far as the machine can tell."
    )
    if not open_ones:
        st.success("The company's documents address every allegation shown.")
    for row in sorted(open_ones, key=lambda r: -r.confidence):
        _allegation(row)


def _allegation(row: AllegationRow) -> None:
    with st.container(border=True):
        st.markdown(_statement_md(row.allegation, row.coverage, row.confidence, row.method))
        if row.reason:
            st.caption(row.reason)
        _evidence(row.evidence, "Closest company passages")


def _claims_by_theme(claims: list[ClaimRow]) -> None:
    st.markdown(f"#### :material/fact_check: Company claims against the critics · {len(claims)}")
    for theme in THEMES:
        rows = [row for row in claims if row.claim.theme == theme]
        if not rows:
            continue
        st.markdown(f"**{THEME_TITLES[theme]}** · {len(rows)}")
        for row in rows:
            colour, word = RELATION_LOOK[row.relation]
            label = f":{colour}-badge[{word}] {_short(row.claim.text)} · {row.confidence:.2f}"
            with st.expander(label):
                st.markdown(_statement_md(row.claim, row.relation, row.confidence, row.method))
                if row.reason:
                    st.caption(row.reason)
                _evidence(row.evidence, "Critics' passages")


def _statement_md(statement: Statement, label: str, confidence: float, method: str) -> str:
    colour, word = RELATION_LOOK[label]
    page = f"p. {statement.page}" if statement.page else "no page numbers"
    theme = THEME_TITLES.get(statement.theme, statement.theme)
    return (
        f"{badge(statement.side)} :{colour}-badge[{word}] "
        f":violet-badge[machine-made · {method} · confidence {confidence:.2f}]  \n"
        f"> {md_escape(statement.text)}\n\n"
        f":gray[{md_escape(statement.title)} · {page} · {theme}]"
    )


def _evidence(quotes: list[EvidenceQuote], heading: str) -> None:
    if not quotes:
        st.caption("No passage of the other side is close enough to show.")
        return
    lines = [f"**{heading}**"]
    for quote in quotes:
        page = f"p. {quote.page}" if quote.page else "no page numbers"
        cues = f" · contrast: {', '.join(quote.contrast)}" if quote.contrast else ""
        check = "" if quote.supported else " · :red[UNVERIFIED]"
        lines.append(
            f"- {badge(quote.side)} “{md_escape(quote.quote)}”  \n"
            f"  :gray[{md_escape(quote.title)} · {page} · similarity {quote.similarity:.2f}"
            f"{cues}]{check}"
        )
    st.markdown("\n".join(lines))


def _short(text: str, words: int = 18) -> str:
    parts = text.split()
    cut = " ".join(parts[:words]) + (" …" if len(parts) > words else "")
    return md_escape(cut)
