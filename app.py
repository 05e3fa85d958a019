"""Counterpoint's workspace: ask, compare the two sides, manage the corpus, export the brief.

UI only: every answer, passage and document comes from `counterpoint.assistant.Assistant`;
the page's parts live in `ui/`.
"""

from __future__ import annotations

import streamlit as st

from counterpoint.config import Settings, get_settings, offline_environment
from counterpoint.errors import CounterpointError
from ui import cases, chat, claims, compare, corpus, sidebar, timeline
from ui.style import inject_css

TABS = [
    ":material/forum: Ask",
    ":material/compare_arrows: Compare sides",
    ":material/folder_open: Corpus",
    ":material/fact_check: Claims",
    ":material/timeline: Timeline",
]


@st.cache_resource(show_spinner="Loading the embedder...")
def load_workspace(_settings: Settings, key: str):  # noqa: ANN201 - an Assistant on no case yet
    """One per configuration and server process: the store's client and the embedder, which
    every case's assistant shares."""
    from counterpoint.assistant import Assistant

    workspace = Assistant(_settings, notify=lambda message: None)
    workspace.embedder  # noqa: B018 - load it now, once
    return workspace


@st.cache_resource(show_spinner="Opening the case...")
def load_case(_workspace, key: str, case_id: str | None):  # noqa: ANN001, ANN201 - an Assistant
    """One assistant per case: its index opens once (the bundled case is built on first use)."""
    assistant = _workspace.for_case(case_id)
    if assistant.store.count() == 0 and assistant.corpus_case() != assistant.case:
        return assistant  # a new, empty case: its documents are added on the Corpus tab
    assistant.ensure_index()
    # One offline answer now loads what the first question would otherwise wait for: the
    # embedder's first pass, both sides' BM25 indexes, the sentence tokenizer.
    assistant.ask("What does the company say about its policies?", mode="extractive")
    return assistant


def open_assistant():  # noqa: ANN201 - an Assistant
    """The cached assistant of the case picked in the sidebar, or a message and a stopped page."""
    offline_environment()
    try:
        settings = get_settings()
        key = settings.model_dump_json()
        workspace = load_workspace(settings, key)
        with st.sidebar:
            case_id = cases.pick_case(workspace)
        chat.use_case(case_id or "")
        return workspace, load_case(workspace, key, case_id)
    except CounterpointError as exc:
        st.error(f"Cannot open the index: {exc}", icon=":material/error:")
        st.stop()


def main() -> None:
    """The page, top to bottom."""
    st.set_page_config(page_title="Counterpoint", page_icon=":material/balance:", layout="wide")
    inject_css()
    workspace, assistant = open_assistant()
    documents = assistant.store.documents()
    with st.sidebar:
        sidebar.show_status(assistant, documents)
        filters = sidebar.show_filters(documents, assistant.settings.top_k)
        export_slot = st.container()  # filled last, so the brief includes this run's answer
        if st.button("New conversation", icon=":material/restart_alt:", width="stretch"):
            chat.reset()
    question = st.chat_input("Ask about the company, e.g. Is it exposed to sanctions?")
    question = question or st.session_state.pop("pending", None)
    # on_change="rerun", so that the matrix is built only when its tab is opened
    ask_tab, compare_tab, corpus_tab, claims_tab, timeline_tab = st.tabs(
        TABS, key="tab", on_change="rerun"
    )
    with ask_tab:
        chat.show_chat(assistant, question)
    with compare_tab:
        latest = question or (chat.turns()[-1].question if chat.turns() else None)
        compare.show_compare(assistant, latest, filters)
    with corpus_tab:
        corpus.show_corpus(assistant, documents, filters)
        cases.new_case_form(workspace)
    with claims_tab:
        if claims_tab.open:
            claims.show_claims(assistant, documents)
    with timeline_tab:
        if timeline_tab.open:
            timeline.show_timeline(assistant, documents)
    with export_slot:
        sidebar.show_export(assistant, chat.turns(), documents)


main()
