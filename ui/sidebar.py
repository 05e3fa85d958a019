"""The sidebar: what is running (answerer, store, corpus), evidence filters, the brief's export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from counterpoint.brief import Brief, make_brief, to_docx, to_markdown, to_pdf
from counterpoint.models import Answer
from ui import chat, conversation
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


def show_header() -> None:
    """The product's name and what it does (drawn before anything is loaded)."""
    st.markdown("### :material/balance: Counterpoint")
    st.caption("Due diligence from both sides: the company's word against its critics', cited.")


def show_status(assistant, documents: dict[str, dict[str, Any]]) -> None:  # noqa: ANN001
    """Which answerer and store are active, and what the corpus holds."""
    settings = assistant.settings
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


def show_conversations() -> None:
    """*New conversation*, which keeps the one on screen reachable; once the conversation has
    begun, the starter questions; and the session's earlier conversations, to reopen."""
    st.button(
        "New conversation",
        icon=":material/add_comment:",
        width="stretch",
        key="new-conversation",
        on_click=conversation.new_conversation,
        disabled=not conversation.turns(),
        help="The conversation on screen stays under Earlier conversations until you leave.",
    )
    if conversation.turns():
        chat.show_starter_list()
    if earlier := conversation.earlier():
        with st.expander(f"Earlier conversations · {len(earlier)}", icon=":material/history:"):
            for index, past in enumerate(earlier):
                st.button(
                    past.title,
                    key=f"reopen-{index}",
                    type="tertiary",
                    on_click=conversation.reopen,
                    args=(index,),
                )


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
    `documents`, the brief also holds the timeline and the claims matrix (built on the first
    download when this session has not built it yet)."""
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
            data=deferred_brief(assistant, list(answers), writer, extras),
            file_name=name + suffix,
            mime=mime,
            icon=icon,
            on_click="ignore",
            disabled=not answers,
            key=f"export{suffix}",
            width="stretch",
        )
    if answers and extras and extras["matrix"] is None:
        st.caption(
            "The first download also builds the claims matrix for the brief (about half a "
            "minute offline, longer with an LLM): its button spins until the file is ready."
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
    # The timeline is quick and cached; the matrix is this session's when the Claims tab built
    # it, else the download builds it (or reads the one saved on disk) when it is clicked.
    from ui.cache import index_key
    from ui.claims import built_matrix
    from ui.timeline import cached_timeline

    key = index_key(assistant, documents)
    matrix = built_matrix(assistant, documents)
    return {"timeline": lambda: cached_timeline(assistant, key), "matrix": matrix}


def _matrix_for_brief(assistant, matrix):  # noqa: ANN001, ANN202 - (Matrix or None, note)
    """The matrix in the Claims tab's order, built now if need be; or None and why not."""
    from counterpoint.errors import CounterpointError
    from ui.claims import in_page_order

    try:
        matrix = matrix or assistant.matrix()  # a file read when built before
    except CounterpointError as exc:
        return None, f"Not included: the claims matrix could not be built ({exc})."
    return in_page_order(matrix), ""


def deferred_brief(assistant, answers: list[Answer], writer, extras: dict[str, Any]):  # noqa: ANN001, ANN201
    """What a download button calls when clicked (in a worker thread, outside the script run):
    the brief in `writer`'s format; with `extras`, its timeline and claims matrix."""

    def make() -> bytes:
        timeline, matrix, note = None, None, ""
        if extras:
            timeline = extras["timeline"]()
            matrix, note = _matrix_for_brief(assistant, extras["matrix"])
        brief = build_brief(assistant, answers, timeline=timeline, matrix=matrix, matrix_note=note)
        return writer(brief)

    return make
