"""Counterpoint's workspace: ask, compare the two sides, manage the corpus, export the brief.

UI only: every answer, passage and document comes from `counterpoint.assistant.Assistant`;
the page's parts live in `ui/`. The shell (sidebar, tabs, starter cards) is drawn first; the
store, the embedder and the index load after it, each behind its own progress message.
"""

from __future__ import annotations

import streamlit as st

from counterpoint.config import get_settings, offline_environment
from counterpoint.errors import CounterpointError
from ui import cases, chat, claims, compare, conversation, corpus, loading, sidebar, timeline
from ui.style import inject_css

TABS = [
    ":material/forum: Ask",
    ":material/compare_arrows: Compare sides",
    ":material/folder_open: Corpus",
    ":material/fact_check: Claims",
    ":material/timeline: Timeline",
]


def open_assistant(picker_slot, intro):  # noqa: ANN001, ANN201 - containers; (Assistant, Assistant)
    """The workspace and the cached assistant of the case picked in the sidebar, or a message
    and a stopped page. Called inside the Ask tab, where the loading messages show."""
    offline_environment()
    try:
        settings = get_settings()
        key = settings.model_dump_json()
        workspace = loading.load_workspace(settings, key)
        with picker_slot:
            case_id = cases.pick_case(workspace)
        conversation.use_case(case_id or "")
        if conversation.turns():
            intro.empty()  # this case's conversation has begun: no starter cards
        return workspace, loading.load_case(workspace, key, case_id)
    except CounterpointError as exc:
        st.error(f"Cannot open the index: {exc}", icon=":material/error:")
        st.stop()


def main() -> None:
    """The page, top to bottom: the shell first, then what needs the index."""
    st.set_page_config(page_title="Counterpoint", page_icon=":material/balance:", layout="wide")
    inject_css()
    with st.sidebar:
        sidebar.show_header()
        picker, status, history, filters_slot, export = (st.container() for _ in range(5))
    question = st.chat_input("Ask about the company, e.g. Is it exposed to sanctions?")
    question = question or st.session_state.pop("pending", None)
    # on_change="rerun": a tab's work (retrieval, the matrix) is done only when it is opened
    tabs = st.tabs(TABS, key="tab", on_change="rerun")
    with tabs[0]:
        intro = st.empty()  # replaced at once when a question arrives, not left greyed out
        if not conversation.turns() and not question:
            with intro.container():
                chat.show_starters()
        workspace, assistant = open_assistant(picker, intro)
    documents = assistant.store.documents()
    with status:
        sidebar.show_status(assistant, documents)
    with filters_slot:
        filters = sidebar.show_filters(documents, assistant.settings.top_k)
    show_tabs(tabs, workspace, assistant, documents, filters, question)
    with history:
        sidebar.show_conversations()  # after the chat: the starters follow its first question
    with export:
        sidebar.show_export(assistant, conversation.turns(), documents)
    if not question:  # a question warms everything up by itself
        loading.warm_up(assistant, assistant.settings.model_dump_json(), assistant.case.id)


def show_tabs(tabs, workspace, assistant, documents, filters, question) -> None:  # noqa: ANN001, PLR0913
    """The five tabs' content; the Compare, Claims and Timeline tabs only when open."""
    ask_tab, compare_tab, corpus_tab, claims_tab, timeline_tab = tabs
    with ask_tab:
        chat.show_chat(assistant, question)
    with compare_tab:
        if compare_tab.open:
            turns = conversation.turns()
            compare.show_compare(assistant, turns[-1].question if turns else None, filters)
    with corpus_tab:
        corpus.show_corpus(assistant, documents, filters)
        cases.new_case_form(workspace)
    with claims_tab:
        if claims_tab.open:
            claims.show_claims(assistant, documents)
    with timeline_tab:
        if timeline_tab.open:
            timeline.show_timeline(assistant, documents)


main()
