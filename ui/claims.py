"""The Claims tab, leading with what matters: the company claims critics contest and the critic
allegations the company leaves unanswered; then the claims to confirm, ranked; then the routine
claims no critic touches, counted per theme (`counterpoint.matrix.triage`).

Every label here is made by the machine (rules, or an LLM whose output was checked): the page
says so on each one, with its confidence and the quotes it rests on, so the analyst can judge it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from counterpoint.errors import CounterpointError
from counterpoint.markup import md_escape
from counterpoint.matrix.models import (
    THEME_TITLES,
    THEMES,
    AllegationRow,
    ClaimRow,
    EvidenceQuote,
    Matrix,
    Statement,
)
from counterpoint.matrix.triage import Lead, Triage, allegation_order, claim_order, triage
from ui.cache import index_key
from ui.style import badge

RELATION_LOOK = {  # Streamlit badge colour and the words that name the label
    "contested": ("red", "CONTESTED"),
    "corroborated": ("green", "CORROBORATED"),
    "not_addressed": ("gray", "NOT ADDRESSED BY CRITICS"),
    "unaddressed": ("red", "UNADDRESSED BY THE COMPANY"),
    "addressed": ("green", "ADDRESSED BY THE COMPANY"),
}
RELATIONS = ("contested", "corroborated", "not_addressed")
SHOWN = 5  # critic sentences near claims to confirm, listed before "more"
NEAR = 3  # claims shown under each of them before "more"
ROUTINE_HELP = (
    "Claims no critic sentence comes near, counted per theme: open a theme to read them. Their "
    "label is read from an absence, so its confidence stays below 0.9."
)


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


def in_page_order(matrix: Matrix) -> Matrix:
    """The matrix with its rows in this tab's order (contested claims surest first, the
    allegations naming the company first): the brief lists them as the page does."""
    return matrix.model_copy(
        update={
            "claims": sorted(matrix.claims, key=claim_order),
            "allegations": sorted(matrix.allegations, key=allegation_order),
        }
    )


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
    """The whole tab: counts, contested claims, unaddressed allegations, then the rest."""
    matrix = load_matrix(assistant, documents)
    if matrix is not None:
        show_matrix(matrix)


def show_matrix(matrix: Matrix) -> None:
    """A matrix on the page (separate from building it, so any Matrix can be shown): what
    matters first, then the claims to confirm, then the routine ones counted per theme."""
    method = "an LLM, checked against the passages" if matrix.mode == "llm" else "offline rules"
    st.markdown("##### Claims matrix · :violet-badge[:material/smart_toy: machine-made]")
    st.caption(
        f"Every label below is machine-made by {method}, with a confidence and the quotes it "
        "rests on: read the evidence before relying on a label."
    )
    if matrix.notice:
        st.warning(matrix.notice, icon=":material/warning:")
    _counts(triage(matrix), len(matrix.allegations))
    relations, themes = _filters()
    shown = triage(_filtered(matrix, relations, themes))
    _contested(shown.contested)
    _unaddressed(shown.unaddressed)
    _to_confirm(shown.leads)
    _rows("#### :material/thumb_up: Corroborated by critics", shown.corroborated, expanded=False)
    _routine(shown.routine)
    if shown.addressed:
        with st.expander(f"Allegations the company's documents address · {len(shown.addressed)}"):
            for row in shown.addressed:
                _allegation(row)


def _filtered(matrix: Matrix, relations: list[str], themes: list[str]) -> Matrix:
    claims = [
        row
        for row in matrix.claims
        if (not relations or row.relation in relations)
        and (not themes or row.claim.theme in themes)
    ]
    allegations = [a for a in matrix.allegations if not themes or a.allegation.theme in themes]
    return matrix.model_copy(update={"claims": claims, "allegations": allegations})


def _counts(found: Triage, allegations: int) -> None:
    columns = st.columns(4)
    routine = sum(len(rows) for rows in found.routine.values())
    columns[0].metric("Claims contested", len(found.contested), border=True)
    columns[1].metric(
        "Allegations unaddressed", f"{len(found.unaddressed)} of {allegations}", border=True
    )
    columns[2].metric("Claims to confirm", len(found.to_confirm), border=True)
    columns[3].metric("Routine claims", routine, border=True, help=ROUTINE_HELP)


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


def _contested(rows: list[ClaimRow]) -> None:
    st.markdown(f"#### :material/gavel: Contested claims · {len(rows)}")
    st.caption("Company claims a critic disputes, surest first, each with the critic's words.")
    if not rows:
        st.info("No claim is contested by a rule; see the claims to confirm below.")
    for row in rows:
        with st.container(border=True):
            _claim(row)


def _unaddressed(allegations: list[AllegationRow]) -> None:
    st.markdown(f"#### :material/report: Unaddressed allegations · {len(allegations)}")
    st.caption(
        "Critics' allegations (regions, programmes, events, sanctions, figures) that no passage "
        "of the company's documents answers, as far as the machine can tell."
    )
    if not allegations:
        st.success("The company's documents address every allegation shown.")
    for row in allegations:
        _allegation(row)


def _to_confirm(leads: list[Lead]) -> None:
    count = sum(len(lead.rows) for lead in leads)
    st.markdown(f"#### :material/help: Claims to confirm · {count}")
    st.caption(
        "The rules leave these not addressed, but a critic sentence comes near each: restating "
        "it, pushing back on its topic, doubting the company's word, or a reader's comment. "
        "Grouped by that sentence, closest first: read it and decide."
    )
    for rank, lead in enumerate(leads[:SHOWN], start=1):
        with st.container(border=True):
            who = _voice(lead.quote)
            near = f"{len(lead.rows)} claim" + ("s" if len(lead.rows) > 1 else "")
            _evidence([lead.quote], f"#{rank} · {who} near {near}")
            for row in lead.rows[:NEAR]:
                _expander_row(row, f"closeness {row.engagement:.2f}")
            if len(lead.rows) > NEAR:
                with st.expander(f"{len(lead.rows) - NEAR} more claims near it"):
                    _plain_rows(lead.rows[NEAR:])
    if len(leads) > SHOWN:
        with st.expander(f"{len(leads) - SHOWN} more critic sentences near claims"):
            _plain_rows([row for lead in leads[SHOWN:] for row in lead.rows])


def _voice(quote: EvidenceQuote) -> str:
    if quote.comment:
        return "a reader's comment"
    return "the company as a critic quotes it" if quote.restates else "a critic sentence"


def _plain_rows(rows: list[ClaimRow]) -> None:
    for row in rows:
        st.markdown(_statement_md(row.claim, row.relation, row.confidence, row.method))
        if row.reason:
            st.caption(md_escape(row.reason))


def _rows(heading: str, rows: list[ClaimRow], expanded: bool) -> None:
    if rows:
        st.markdown(f"{heading} · {len(rows)}")
        for row in rows:
            _expander_row(row, f"{row.confidence:.2f}", expanded)


def _routine(routine: dict[str, list[ClaimRow]]) -> None:
    total = sum(len(rows) for rows in routine.values())
    st.markdown(f"#### :material/inventory_2: Claims critics never touch · {total}")
    st.caption(ROUTINE_HELP)
    for theme, rows in routine.items():
        with st.expander(f"{THEME_TITLES[theme]} · {len(rows)}"):
            _plain_rows(rows)


def _allegation(row: AllegationRow) -> None:
    with st.container(border=True):
        st.markdown(_statement_md(row.allegation, row.coverage, row.confidence, row.method))
        if row.reason:
            st.caption(md_escape(row.reason))
        _evidence(row.evidence, "Closest company passages")


def _expander_row(row: ClaimRow, tail: str, expanded: bool = False) -> None:
    colour, word = RELATION_LOOK[row.relation]
    theme = THEME_TITLES.get(row.claim.theme, row.claim.theme)
    label = f":{colour}-badge[{word}] {_short(row.claim.text)} · {theme} · {tail}"
    with st.expander(label, expanded=expanded):
        _claim(row)


def _claim(row: ClaimRow) -> None:
    st.markdown(_statement_md(row.claim, row.relation, row.confidence, row.method))
    if row.reason:
        st.caption(md_escape(row.reason))
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
        cues = f" · contrast: {md_escape(', '.join(quote.contrast))}" if quote.contrast else ""
        check = "" if quote.supported else " · :red[UNVERIFIED]"
        # A critic quoting (or restating) the company: the company's words, the critic's page.
        quoted = quote.side == "critic" and quote.restates
        source = f"as quoted by {quote.title}" if quoted else quote.title
        lines.append(
            f"- {badge('company' if quoted else quote.side)} “{md_escape(quote.quote)}”  \n"
            f"  :gray[{md_escape(source)} · {page} · similarity {quote.similarity:.2f}"
            f"{cues}]{check}"
        )
    st.markdown("\n".join(lines))


def _short(text: str, words: int = 18) -> str:
    parts = text.split()
    cut = " ".join(parts[:words]) + (" …" if len(parts) > words else "")
    return md_escape(cut)
