"""The compare view: the best passages of each side for one question, in two ranked columns."""

from __future__ import annotations

import re

import streamlit as st

from counterpoint.config import SIDES
from counterpoint.errors import CounterpointError
from counterpoint.markup import md_escape
from counterpoint.models import Passage
from counterpoint.text import check_question
from ui.sidebar import Filters
from ui.style import SIDE_LOOK, SIDE_NAMES, badge, terms_html

# Retrieval depth when documents are filtered out afterwards: the fusion's candidate pool.
FILTERED_DEPTH = 20
_STOP = frozenset(
    ["does", "what", "which", "with", "from", "that", "this", "have", "about", "their", "there"]
)


def show_compare(assistant, question: str | None, filters: Filters) -> None:  # noqa: ANN001
    """Company passages | critic passages for the current question, with scores and pages."""
    if not question:
        st.info(
            "Ask a question below, or pick a starter on the Ask tab: the passages each side "
            "holds on it appear here in two ranked columns.",
            icon=":material/compare_arrows:",
        )
        return
    st.markdown(f"##### Passages on: *{md_escape(question)}*")
    try:
        found = ranked_passages(assistant, question, filters)
    except CounterpointError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    terms = {w[:5] for w in re.findall(r"\w+", question.lower()) if len(w) > 3} - _STOP
    columns = st.columns(len(found), gap="medium")
    for column, (side, passages) in zip(columns, found.items(), strict=True):
        with column:
            st.markdown(f"{badge(side)} **{SIDE_NAMES[side]}** · {len(passages)} passages")
            if not passages:
                st.caption("No passage from this side matches the filters.")
            for passage in passages:
                _card(passage, terms)


def ranked_passages(assistant, question: str, filters: Filters) -> dict[str, list[Passage]]:  # noqa: ANN001
    """The top passages per side under the filters, ranked within each side (cached per session)."""
    sides = [filters.side] if filters.side else list(SIDES)
    key = (question, filters.k, tuple(sides), tuple(filters.doc_ids), assistant.store.count())
    cache = st.session_state.setdefault("compare_cache", {})
    if key not in cache:
        check_question(question, assistant.settings.max_question_chars)
        depth = FILTERED_DEPTH if filters.doc_ids else filters.k
        per_side = assistant.retriever.retrieve(question, max(depth, filters.k), filters.side)
        found = {}
        for side in sides:
            kept = [p for p in per_side.get(side, []) if _kept(p, filters)][: filters.k]
            found[side] = [p.model_copy(update={"rank": n}) for n, p in enumerate(kept, 1)]
        cache.clear()  # one question's results at a time are enough
        cache[key] = found
    return cache[key]


def _kept(passage: Passage, filters: Filters) -> bool:
    return not filters.doc_ids or passage.doc_id in filters.doc_ids


def _card(passage: Passage, terms: set[str]) -> None:
    page = f"p. {passage.page}" if passage.page else "no page numbers"
    colour = SIDE_LOOK.get(passage.side, SIDE_LOOK["both"])[1]
    where = md_escape(passage.title) + (
        f" — {md_escape(passage.section)}" if passage.section else ""
    )
    with st.container(border=True, key=f"hit-{passage.side}-{passage.rank}"):
        st.html(
            f'<div class="cp-hit"><b>#{passage.rank}</b> · score {passage.score:.2f} · {page}'
            f'<div class="cp-bar"><span style="width:{passage.score * 100:.0f}%;'
            f'background:{colour}"></span></div></div>'
        )
        st.markdown(f":gray[{where}]")
        st.html(terms_html(passage.text, terms))
