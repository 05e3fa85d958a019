"""The sidebar: what is running (answerer, store, corpus), evidence filters, the brief's export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from counterpoint.brief import Brief, make_brief, to_docx, to_markdown, to_pdf
from counterpoint.models import Answer
from ui.style import SIDE_NAMES, badge, escaped

MAX_PASSAGES = 10


@dataclass(frozen=True)
class Filters:
    """Which evidence the compare view and the corpus list show."""

    side: str | None = None  # None: both sides
    doc_ids: list[str] = field(default_factory=list)  # empty: every document
    k: int = 4


def answerer_name(settings) -> str:  # noqa: ANN001 - counterpoint Settings
    """`LLM · model` when an OpenAI-compatible endpoint is configured, else `extractive`."""
    if settings.default_mode != "llm":
        return "extractive"
    return f"LLM · {settings.llm_model}" if settings.llm_model else "LLM"


def show_status(assistant, documents: dict[str, dict[str, Any]]) -> None:  # noqa: ANN001
    """Which answerer and store are active, and what the corpus holds."""
    settings = assistant.settings
    st.markdown("### :material/balance: Counterpoint")
    st.caption("Due diligence from both sides: the company's word against its critics', cited.")
    store = (
        f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
        if settings.store_kind == "server"
        else "embedded Chroma"
    )
    per_side = {
        side: sum(1 for d in documents.values() if d.get("side") == side) for side in SIDE_NAMES
    }
    passages = sum(int(d.get("chunks", 0)) for d in documents.values())
    rows = {
        "Answerer": answerer_name(settings),
        "Store": store,
        "Documents": f"{per_side['company']} company · {per_side['critic']} critic",
        "Passages": f"{passages:,}",
    }
    cells = "".join(f"<tr><th>{k}</th><td>{escaped(v)}</td></tr>" for k, v in rows.items())
    st.html(f'<table class="cp-status">{cells}</table>')
    st.markdown(f"{badge('company')} {badge('critic')} {badge('both')}")


def show_filters(documents: dict[str, dict[str, Any]], default_k: int) -> Filters:
    """Side, documents and number of passages for the compare view and the corpus list."""
    st.markdown("**Evidence filters**")
    side = st.segmented_control(
        "Side",
        ["company", "critic"],
        format_func=SIDE_NAMES.get,
        key="filter-side",
        help="Leave both unselected to see both sides.",
    )
    names = {doc_id: str(meta.get("title") or doc_id) for doc_id, meta in documents.items()}
    doc_ids = st.multiselect(
        "Documents",
        list(names),
        format_func=names.get,
        key="filter-docs",
        placeholder="All documents",
    )
    k = st.slider(
        "Passages per side", 1, MAX_PASSAGES, min(default_k, MAX_PASSAGES), key="filter-k"
    )
    st.caption("Filters apply to the Compare and Corpus tabs.")
    return Filters(side=side, doc_ids=[d for d in doc_ids if d in documents], k=k)


def show_export(assistant, answers: list[Answer], documents: dict | None = None) -> None:  # noqa: ANN001
    """Download the conversation as a brief; each file is made only when it is clicked. With
    `documents`, the brief also holds the timeline and (once built) the claims matrix."""
    st.markdown("**Export the brief**")
    if not answers:
        st.caption("Ask a question first: the brief holds every answer with its sources.")
    extras = _extras(assistant, documents) if documents is not None else {}
    name = f"counterpoint-brief-{datetime.now(UTC):%Y%m%d-%H%M}"
    formats = [
        ("Markdown", ".md", "text/markdown", to_markdown, ":material/description:"),
        ("PDF", ".pdf", "application/pdf", to_pdf, ":material/picture_as_pdf:"),
        ("Word", ".docx", _DOCX_MIME, to_docx, ":material/article:"),
    ]
    for label, suffix, mime, writer, icon in formats:
        st.download_button(
            f"{label} brief",
            data=_deferred(assistant, list(answers), writer, extras),
            file_name=name + suffix,
            mime=mime,
            icon=icon,
            on_click="ignore",
            disabled=not answers,
            key=f"export{suffix}",
            width="stretch",
        )


_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_brief(assistant, answers: list[Answer], **extras: Any) -> Brief:  # noqa: ANN001
    """The brief of these answers against the documents now in the index; `extras` are
    make_brief's timeline, matrix and matrix_note."""
    return make_brief(
        answers,
        assistant.store.documents(),
        assistant.settings,
        answerer_name(assistant.settings),
        **extras,
    )


def _extras(assistant, documents: dict) -> dict[str, Any]:  # noqa: ANN001
    # The timeline is quick and cached; the matrix is included only once the Claims tab has
    # built it, so that an export never waits minutes for it.
    from ui.cache import index_key
    from ui.claims import built_matrix
    from ui.timeline import cached_timeline

    key = index_key(assistant, documents)
    matrix = built_matrix(assistant, documents)
    note = "" if matrix else "Not included: open the Claims tab to build it, then export again."
    return {"timeline": lambda: cached_timeline(assistant, key), "matrix": matrix, "note": note}


def _saved_matrix(assistant):  # noqa: ANN001, ANN202 - a Matrix or None
    from counterpoint.errors import CounterpointError

    try:
        return assistant.saved_matrix()
    except CounterpointError:
        return None  # the brief says the matrix is not included


def _deferred(assistant, answers: list[Answer], writer, extras: dict[str, Any]):  # noqa: ANN001, ANN202
    def make() -> bytes:
        timeline = extras["timeline"]() if extras else None
        matrix, note = extras.get("matrix"), extras.get("note", "")
        if extras and matrix is None:
            matrix = _saved_matrix(assistant)  # built earlier by the CLI or another session
            note = "" if matrix else note
        brief = build_brief(assistant, answers, timeline=timeline, matrix=matrix, matrix_note=note)
        return writer(brief)

    return make
