"""What the page loads once per server process: the workspace (the store's client), each case's
assistant (the embedder, the index), and a warm-up answer.

The page shell (sidebar, tabs, starter cards) is drawn before any of this, so a first visit
sees the page at once; each step shows its own progress message only when it actually runs
(a cache miss), in the tab that waits for it. Nothing here writes to the page otherwise.
"""

from __future__ import annotations

import streamlit as st

from counterpoint.config import Settings
from counterpoint.errors import CounterpointError

WARM_UP_QUESTION = "What does the company say about its policies?"


@st.cache_resource(show_spinner="Opening the store...")
def load_workspace(_settings: Settings, key: str):  # noqa: ANN201 - an Assistant on no case yet
    """One per configuration and server process: the store's client, which every case's
    assistant shares (the embedder is loaded with the first case, behind its own message)."""
    from counterpoint.assistant import Assistant

    workspace = Assistant(_settings, notify=lambda message: None)
    _ = workspace.client  # the cases are listed from it at once, for the sidebar's picker
    return workspace


@st.cache_resource(show_spinner="Loading the embedder and opening the case's index...")
def load_case(_workspace, key: str, case_id: str | None):  # noqa: ANN001, ANN201 - an Assistant
    """One assistant per case: the embedder loads once, and its index opens (the bundled case
    is built on first use)."""
    assistant = _workspace.for_case(case_id)  # loads the workspace's embedder, shared by all
    if assistant.store.count() == 0 and assistant.corpus_case() != assistant.case:
        return assistant  # a new, empty case: its documents are added on the Corpus tab
    assistant.ensure_index()
    return assistant


@st.cache_resource(show_spinner=False)
def warm_up(_assistant, key: str, case_id: str | None) -> bool:  # noqa: ANN001
    """One offline answer, run after the page is drawn, loads what the first question would
    otherwise wait for: the embedder's first pass, both sides' BM25 indexes, the sentence
    tokenizer. False (and nothing warmed) for a case with no documents yet."""
    try:
        if _assistant.store.count() == 0:
            return False
        _assistant.ask(WARM_UP_QUESTION, mode="extractive")
    except CounterpointError:
        return False  # the first question meets the same error, and shows it
    return True
