"""The conversation's state: the turns on screen, the earlier conversations of this session,
and which case they belong to.

*New conversation* puts the one on screen aside instead of wiping it: it stays reachable in the
sidebar (and so exportable) until the session ends. Each case keeps its own conversations, so
switching case never mixes them, nor their briefs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from counterpoint.models import Answer

# What one conversation is made of in `st.session_state`: its answers and its per-question caches.
_CONVERSATION = ("turns", "compare_cache", "passage_cache")
_EARLIER = "earlier_conversations"  # this case's conversations put aside, newest first


@dataclass
class Earlier:
    """A conversation put aside by *New conversation*."""

    turns: list[Answer]
    caches: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Its first question and how many questions it holds."""
        count = len(self.turns)
        first = self.turns[0].question
        opening = first if len(first) <= 60 else first[:57].rstrip() + "…"
        return f"{opening} · {count} question{'' if count == 1 else 's'}"


def turns() -> list[Answer]:
    """The conversation on screen (answers carry their own questions)."""
    return st.session_state.setdefault("turns", [])


def earlier() -> list[Earlier]:
    """This case's earlier conversations of the session, newest first."""
    return st.session_state.setdefault(_EARLIER, [])


def new_conversation() -> None:
    """Start an empty conversation; the one on screen, if it has answers, is put aside."""
    _put_aside()


def reopen(index: int) -> None:
    """Bring back the earlier conversation `index`; the one on screen is put aside first."""
    chosen = earlier().pop(index)
    _put_aside()
    st.session_state["turns"] = chosen.turns
    st.session_state.update(chosen.caches)


def _put_aside() -> None:
    current = {key: st.session_state.pop(key, None) for key in _CONVERSATION}
    if current["turns"]:
        caches = {key: value for key, value in current.items() if key != "turns" and value}
        earlier().insert(0, Earlier(current["turns"], caches))


def use_case(case_id: str) -> None:
    """Show `case_id`'s conversations: the ones of the case on screen are put aside under
    their case and the other case's come back, so switching case never mixes them."""
    current = st.session_state.get("conversation_case")
    if current == case_id:
        return
    kept = st.session_state.setdefault("conversations", {})
    keys = (*_CONVERSATION, _EARLIER)
    if current is not None:
        kept[current] = {key: st.session_state.pop(key, None) for key in keys}
    for key, value in kept.pop(case_id, {}).items():
        if value is not None:
            st.session_state[key] = value
    st.session_state["conversation_case"] = case_id
