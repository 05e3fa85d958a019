"""Counterpoint's chat page: ask about the company, read both sides, open every citation.

UI only: every answer comes from `counterpoint.assistant.Assistant`.
"""

from __future__ import annotations

import streamlit as st

from counterpoint.config import Settings, get_settings, offline_environment
from counterpoint.errors import CounterpointError
from counterpoint.models import Answer

SIDE_BADGES = {"company": ":blue-badge[COMPANY]", "critic": ":orange-badge[CRITIC]"}


@st.cache_resource(show_spinner="Loading the embedder and the index...")
def load_assistant(_settings: Settings, key: str):  # noqa: ANN201 - an Assistant
    """One assistant per configuration and server process: embedder and index load once."""
    from counterpoint.assistant import Assistant

    assistant = Assistant(_settings, notify=lambda message: None)
    assistant.ensure_index()
    return assistant


def show_answer(answer: Answer) -> None:
    """The three-part answer, then its citations with document, page and quoted passage."""
    st.markdown(answer.answer)
    if not answer.citations:
        return
    st.caption("Citations")
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else "no page"
        with st.expander(f"[{c.n}] {c.side.upper()} · {c.title} · {page}"):
            st.markdown(f"{SIDE_BADGES.get(c.side, c.side)} chunk `{c.chunk_id}`")
            st.markdown(f"> {c.quote}")
            st.text(c.passage)


def main() -> None:
    """The page, top to bottom."""
    st.set_page_config(page_title="Counterpoint", page_icon="⚖️", layout="wide")
    st.title("Counterpoint")
    st.caption("What the company says, what critics say, and where they meet — with citations.")
    offline_environment()
    try:
        settings = get_settings()
        assistant = load_assistant(settings, settings.model_dump_json())
    except CounterpointError as exc:
        st.error(f"Cannot open the index: {exc}")
        st.stop()
    history: list[Answer] = st.session_state.setdefault("history", [])
    for past in history:
        with st.chat_message("user"):
            st.markdown(past.question)
        with st.chat_message("assistant"):
            show_answer(past)
    question = st.chat_input("Ask about the company, e.g. How does it handle human rights?")
    if question:
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant"):
            try:
                answer = assistant.ask(question)
            except CounterpointError as exc:
                st.error(str(exc))
                return
            show_answer(answer)
        history.append(answer)


main()
