"""The corpus manager: the documents of each side, adding an upload, removing a document."""

from __future__ import annotations

from typing import Any

import streamlit as st

from counterpoint.errors import CounterpointError
from counterpoint.markup import md_escape
from ingest.loaders import MAX_FILE_BYTES
from ui.sidebar import Filters
from ui.style import SIDE_NAMES, badge

UPLOAD_TYPES = ["pdf", "docx", "html", "htm", "txt", "md"]
SIDE_HELP = {
    "company": "the company speaking for itself: reports, filings, press releases",
    "critic": "others writing about it: journalists, NGOs, regulators, researchers",
}


def show_corpus(assistant, documents: dict[str, dict[str, Any]], filters: Filters) -> None:  # noqa: ANN001
    """The document list (filtered) beside the upload form."""
    if flash := st.session_state.pop("corpus_flash", None):
        st.success(flash, icon=":material/check_circle:")
    listing, adding = st.columns([3, 2], gap="large")
    with listing:
        shown = {
            doc_id: meta
            for doc_id, meta in sorted(documents.items(), key=lambda item: str(item[1].get("side")))
            if (not filters.side or meta.get("side") == filters.side)
            and (not filters.doc_ids or doc_id in filters.doc_ids)
        }
        st.markdown(f"##### Documents · {len(shown)} of {len(documents)}")
        with st.container(height=560 if len(shown) > 6 else "content", border=False):
            for doc_id, meta in shown.items():
                _document_row(assistant, doc_id, meta)
    with adding:
        _upload_form(assistant)


def _document_row(assistant, doc_id: str, meta: dict[str, Any]) -> None:  # noqa: ANN001
    side, title = str(meta.get("side", "")), md_escape(str(meta.get("title") or doc_id))
    with st.container(border=True, key=f"doc-{doc_id}"):
        text, action = st.columns([5, 1], vertical_alignment="center")
        facts = [meta.get("publisher"), meta.get("date"), f"{meta.get('chunks', 0)} passages"]
        facts += [meta.get("file"), "uploaded" if meta.get("origin") == "file" else "corpus.toml"]
        listed = " · ".join(md_escape(str(fact)) for fact in facts if fact)
        text.markdown(f"{badge(side)} **{title}**  \n:gray[{listed}]")
        with action.popover("", icon=":material/delete:", help="Remove from the index"):
            st.markdown(f"Remove **{title}** from the index?")
            if meta.get("origin") != "file":
                st.caption("It is listed in corpus.toml: `counterpoint ingest` will add it back.")
            if st.button("Remove", type="primary", key=f"remove-{doc_id}"):
                _remove(assistant, doc_id, meta)


def _remove(assistant, doc_id: str, meta: dict[str, Any]) -> None:  # noqa: ANN001
    try:
        assistant.remove_document(doc_id)  # and the kept copy of an upload or loose file
    except CounterpointError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    title = md_escape(str(meta.get("title") or doc_id))
    st.session_state["corpus_flash"] = f"Removed {title} from the index."
    st.rerun()


def _upload_form(assistant) -> None:  # noqa: ANN001
    st.markdown("##### Add a document")
    generation = st.session_state.setdefault("upload_generation", 0)
    uploaded = st.file_uploader(
        "PDF, Word, HTML, text or Markdown",
        type=UPLOAD_TYPES,
        key=f"upload-{generation}",
        max_upload_size=_max_upload_mb(),
    )
    side = st.segmented_control(
        "Whose document is it?",
        list(SIDE_NAMES),
        key=f"upload-side-{generation}",
        format_func=lambda s: "Company" if s == "company" else "Critic",
    )
    if side:
        st.caption(f"{SIDE_NAMES[side]}: {SIDE_HELP[side]}.")
    title = st.text_input(
        "Title (optional)",
        key=f"upload-title-{generation}",
        placeholder="Taken from the document when left empty",
    )
    replace = st.checkbox(
        "Replace a document of the same name",
        key=f"upload-replace-{generation}",
        help="Without this, a file whose name is already in the index is refused.",
    )
    if st.button("Add to corpus", type="primary", icon=":material/upload_file:", key="upload-go"):
        if uploaded is None:
            st.error("Choose a file to add first.", icon=":material/error:")
        elif side is None:
            st.error(
                "Say whose document it is: the company's or a critic's.", icon=":material/error:"
            )
        else:
            _ingest(assistant, uploaded, side, title.strip(), replace)


def _ingest(assistant, upload, side: str, title: str, replace: bool) -> None:  # noqa: ANN001
    """Save and index the upload with a progress display; errors become a message."""
    with st.status(f"Adding {upload.name}…", expanded=True) as status:
        bar = st.progress(0.0, text="Saving…")
        try:
            report = assistant.ingest_upload(
                upload.name,
                upload,
                side,
                title or None,
                replace,
                on_step=lambda doing, done: bar.progress(min(1.0, done), text=doing),
            )
        except Exception as exc:  # noqa: BLE001 - the page shows every failure as a message
            status.update(label=f"Could not add {upload.name}", state="error", expanded=True)
            message = str(exc) if isinstance(exc, CounterpointError) else _unexpected(upload, exc)
            st.error(message, icon=":material/error:")
            return
        status.update(label=f"Added {upload.name}", state="complete", expanded=False)
    added = report.chunks_written
    st.session_state["corpus_flash"] = (
        f"Added {upload.name} as a {side} document: {added} passages, searchable now."
        if added
        else f"{upload.name} is already in the index, unchanged."
    )
    st.session_state["upload_generation"] += 1  # a fresh, empty upload form
    st.rerun()


def _unexpected(upload, exc: Exception) -> str:  # noqa: ANN001
    # Loaders wrap known failures in IngestError; anything else still gets a sentence.
    return f"{upload.name} could not be read: {type(exc).__name__}: {exc}"


def _max_upload_mb() -> int:
    return max(1, MAX_FILE_BYTES // (1024 * 1024))
