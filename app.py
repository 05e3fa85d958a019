"""Counterpoint's workspace: ask, compare the two sides, manage the corpus, export the brief.

UI only: every answer, passage and document comes from `counterpoint.assistant.Assistant`;
the page's parts live in `ui/`.
"""

from __future__ import annotations

import streamlit as st

from counterpoint.config import Settings, get_settings, offline_environment
from counterpoint.errors import CounterpointError
from ui import chat, claims, compare, corpus, sidebar, timeline
from ui.style import inject_css

TABS = [
    ":material/forum: Ask",
    ":material/compare_arrows: Compare sides",
    ":material/folder_open: Corpus",
    ":material/fact_check: Claims",
    ":material/timeline: Timeline",
]


@st.cache_resource(show_spinner="Loading the embedder and the index...")
def load_assistant(_settings: Settings, key: str):  # noqa: ANN201 - an Assistant
    """One assistant per configuration and server process: embedder and index load once."""
    from counterpoint.assistant import Assistant

    assistant = Assistant(_settings, notify=lambda message: None)
    assistant.ensure_index()
    # One offline answer now loads what the first question would otherwise wait for: the
    # embedder's first pass, both sides' BM25 indexes, the sentence tokenizer.
    assistant.ask("What does the company say about its policies?", mode="extractive")
    return assistant


def open_assistant():  # noqa: ANN201 - an Assistant
    """The cached assistant for the current settings, or a message and a stopped page."""
    offline_environment()
    try:
        settings = get_settings()
        return load_assistant(settings, settings.model_dump_json())
    except CounterpointError as exc:
        st.error(f"Cannot open the index: {exc}", icon=":material/error:")
        st.stop()


def main() -> None:
    """The page, top to bottom."""
    st.set_page_config(page_title="Counterpoint", page_icon=":material/balance:", layout="wide")
    inject_css()
    assistant = open_assistant()
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
    with claims_tab:
        if claims_tab.open:
            claims.show_claims(assistant, documents)
    with timeline_tab:
        if timeline_tab.open:
            timeline.show_timeline(assistant, documents)
    with export_slot:
        sidebar.show_export(assistant, chat.turns(), documents)


main()
