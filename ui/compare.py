"""The compare view: the best passages of each side for one question, in two ranked columns,
each with its similarity to the question on one scale for both sides and every question."""

from __future__ import annotations

import re

import numpy as np
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


SCORE_LEGEND = (
    "Ranked within each side by retrieval (meaning and keyword matches fused). **Similarity** "
    "is the cosine similarity of the passage to the question, as the embedder reads them "
    "(0, unrelated, to 1): one scale for both sides and every question, so a side whose best "
    "passage scores low holds little on it."
)
Ranked = dict[str, list[tuple[Passage, float | None]]]  # side -> (passage, similarity)


def show_compare(assistant, question: str | None, filters: Filters) -> None:  # noqa: ANN001
    """Company passages | critic passages for the current question, with similarity and pages."""
    if not question:
        st.info(
            "Ask a question below, or pick a starter on the Ask tab: the passages each side "
            "holds on it appear here in two ranked columns.",
            icon=":material/compare_arrows:",
        )
        return
    st.markdown(f"##### Passages on: *{md_escape(question)}*")
    st.caption(SCORE_LEGEND)
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
            for passage, similarity in passages:
                _card(passage, similarity, terms)


def ranked_passages(assistant, question: str, filters: Filters) -> Ranked:  # noqa: ANN001
    """The top passages per side under the filters, ranked within each side, each with its
    similarity to the question (cached per session)."""
    sides = [filters.side] if filters.side else list(SIDES)
    key = (question, filters.k, tuple(sides), tuple(filters.doc_ids), assistant.store.count())
    cache = st.session_state.setdefault("compare_cache", {})
    if key not in cache:
        check_question(question, assistant.settings.max_question_chars)
        vector = assistant.embedder.get_query_embedding(question)
        depth = FILTERED_DEPTH if filters.doc_ids else filters.k
        per_side = assistant.retriever.retrieve(
            question, max(depth, filters.k), filters.side, query_vector=vector
        )
        found: dict[str, list[Passage]] = {}
        for side in sides:
            kept = [p for p in per_side.get(side, []) if _kept(p, filters)][: filters.k]
            found[side] = [p.model_copy(update={"rank": n}) for n, p in enumerate(kept, 1)]
        near = similarities(assistant.store, vector, [p for ps in found.values() for p in ps])
        cache.clear()  # one question's results at a time are enough
        cache[key] = {side: [(p, near.get(p.chunk_id)) for p in ps] for side, ps in found.items()}
    return cache[key]


def similarities(store, vector: list[float], passages: list[Passage]) -> dict[str, float]:  # noqa: ANN001
    """chunk id -> cosine similarity of each passage to the question vector: the best of its
    chunks' stored vectors. Empty when the store cannot give them (the cards then show ranks).

    Not `Passage.score`: that is the rank fusion's, 1.0 for the passage both rankings put
    first, so every side's top passage scores 1.00 whatever the question.
    """
    wanted = sorted({chunk for p in passages for chunk in (p.chunk_ids or [p.chunk_id])})
    if not wanted:
        return {}
    try:
        got = store.collection.get(ids=wanted, include=["embeddings"])
    except Exception:  # noqa: BLE001 - a missing figure, not a broken tab
        return {}
    query = np.asarray(vector, dtype=np.float32)
    query /= np.linalg.norm(query) or 1.0
    cosine = {}
    for chunk_id, stored in zip(got["ids"], got["embeddings"], strict=True):
        stored = np.asarray(stored, dtype=np.float32)
        # Clipped at 0: a negative cosine reads as "unrelated" like any other near 0.
        cosine[chunk_id] = max(0.0, float(stored @ query / (np.linalg.norm(stored) or 1.0)))
    return {
        p.chunk_id: max(cosine.get(c, 0.0) for c in (p.chunk_ids or [p.chunk_id])) for p in passages
    }


def _kept(passage: Passage, filters: Filters) -> bool:
    return not filters.doc_ids or passage.doc_id in filters.doc_ids


def _card(passage: Passage, similarity: float | None, terms: set[str]) -> None:
    page = f"p. {passage.page}" if passage.page else "no page numbers"
    colour = SIDE_LOOK.get(passage.side, SIDE_LOOK["both"])[1]
    where = md_escape(passage.title) + (
        f" — {md_escape(passage.section)}" if passage.section else ""
    )
    score = "" if similarity is None else f" · similarity {similarity:.2f}"
    width = (similarity or 0.0) * 100
    with st.container(border=True, key=f"hit-{passage.side}-{passage.rank}"):
        st.html(
            f'<div class="cp-hit"><b>#{passage.rank}</b>{score} · {page}'
            f'<div class="cp-bar"><span style="width:{width:.0f}%;'
            f'background:{colour}"></span></div></div>'
        )
        st.markdown(f":gray[{where}]")
        st.html(terms_html(passage.text, terms))
