"""The conversation: starter questions, streamed three-part answers, numbered citations."""

from __future__ import annotations

import re
from collections.abc import Iterator

import streamlit as st

from counterpoint.answer.parts import CLOSEST_LINE
from counterpoint.errors import CounterpointError
from counterpoint.markup import answer_markdown, inert, md_escape
from counterpoint.models import Answer, Citation
from ui.conversation import turns
from ui.evidence import citation_label, show_citation
from ui.style import SIDE_LOOK, badge

# Due-diligence topics an analyst opens with, phrased about "the company" to suit any corpus.
STARTERS = {
    ":material/diversity_3: Human rights": (
        "Does the company respect international human rights law?"
    ),
    ":material/shield_lock: Data security": (
        "How does the company protect cybersecurity and user privacy?"
    ),
    ":material/account_balance: Governance": (
        "Who oversees information security governance at the company?"
    ),
    ":material/gavel: Sanctions": (
        "Is the company at risk of US sanctions over its human rights record?"
    ),
    ":material/eco: Environment": (
        "What does the company do to protect the environment and wildlife?"
    ),
}
USER_AVATAR = ":material/person_search:"
ASSISTANT_AVATAR = ":material/balance:"
PART_SIDES = {
    "What the company says": "company",
    "What critics say": "critic",
    "Where they meet": "both",
}
_HEADINGS = "What the company says|What critics say|Where they meet"
# The bold heading lines the answerers write; a model may also use `##` or add a colon.
_PART_HEADING = re.compile(
    rf"^(?:#{{1,4}}\s*)?(?:\*\*(?P<bold>{_HEADINGS}):?\*\*:?\s*(?P<rest>.*)|(?P<plain>{_HEADINGS}):?)$",
    re.IGNORECASE,
)


def show_chat(assistant, question: str | None) -> None:  # noqa: ANN001 - an Assistant
    """The Ask tab's conversation: the turns so far, then the new one (the starter cards, for
    an empty conversation, are drawn by the page before the index loads)."""
    for index, answer in enumerate(turns()):
        show_turn(index, answer, assistant)
    if question:
        ask(question, assistant)


def show_starters() -> None:
    """Clickable opening questions for an empty conversation."""
    st.markdown("#### What do you need to know about the company?")
    st.caption(
        "Each answer sets the company's own documents against its critics', quotes both "
        "verbatim, and opens every quote onto its passage, page and document. Start with a "
        "due-diligence topic or type a question below."
    )
    columns = st.columns(len(STARTERS))
    for number, (column, (label, question)) in enumerate(
        zip(columns, STARTERS.items(), strict=True)
    ):
        with column.container(border=True, key=f"starter-card-{number}"):
            st.markdown(f"**{label}**  \n:gray[{question}]")
            st.button(
                "Ask",
                key=f"starter-{number}",
                icon=":material/arrow_forward:",
                width="stretch",
                on_click=st.session_state.__setitem__,
                args=("pending", question),
            )


def show_starter_list() -> None:
    """The starter questions as a short list: the sidebar's, once the conversation has begun."""
    st.markdown("**Starter questions**")
    for number, (label, question) in enumerate(STARTERS.items()):
        icon, name = label.split(" ", 1)
        st.button(
            name,
            key=f"again-starter-{number}",
            icon=icon,
            help=question,
            type="tertiary",
            on_click=st.session_state.__setitem__,
            args=("pending", question),
        )


def show_turn(index: int, answer: Answer, assistant) -> None:  # noqa: ANN001 - an Assistant
    """One question and its answer, with every citation openable."""
    with st.chat_message("user", avatar=USER_AVATAR):
        st.markdown(md_escape(answer.question))
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        show_answer(index, answer, assistant)


def ask(question: str, assistant) -> None:  # noqa: ANN001 - an Assistant
    """Stream the answer to a new question into the conversation; errors shown, not raised."""
    with st.chat_message("user", avatar=USER_AVATAR):
        st.markdown(md_escape(question))
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        slot = st.empty()
        try:
            answer = _stream(slot, question, assistant)
        except CounterpointError as exc:
            slot.error(str(exc), icon=":material/error:")
            return
        with slot.container():
            show_answer(len(turns()), answer, assistant)
    turns().append(answer)


def _stream(slot, question: str, assistant) -> Answer:  # noqa: ANN001
    # A follow-up is read against what the last turn searched for, not its bare words.
    history = [(past.standalone_question or past.question, past.answer) for past in turns()]
    final: list[Answer] = []

    def pieces() -> Iterator[str]:
        for item in assistant.ask_stream(question, history):
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item

    with slot.container():
        draft, text = st.empty(), ""
        for piece in pieces():  # redrawn whole, so that no mark is ever made of a split piece
            text += piece
            draft.markdown(answer_markdown(text, []))
    if not final:
        raise CounterpointError("the answerer stopped before finishing its answer; ask again")
    return final[-1]


def show_answer(index: int, answer: Answer, assistant) -> None:  # noqa: ANN001
    """The answer in side-labelled parts, its citations as markers, then the evidence."""
    if notice := getattr(answer, "notice", None):
        st.info(notice, icon=":material/info:")
    if unverified := getattr(answer, "unverified_text", ""):
        with st.expander("show the model's unverified text", key=f"unverified-{index}"):
            st.markdown(answer_markdown(unverified, []))
    parts = split_parts(answer.answer)
    if answer.insufficient_evidence:
        # The extractive answer leads with what is missing, then its closest passages; an
        # answer without such a lead (the model's) is shown whole in the warning.
        lead, parts = (parts[0][2], parts[1:]) if parts and not parts[0][1] else (answer.answer, [])
        st.warning(with_markers(lead, answer.citations), icon=":material/search_off:")
    for number, (side, heading, body) in enumerate(parts):
        with st.container(border=True, key=f"part-{side}-{index}-{number}"):
            if heading:
                st.markdown(f"{badge(side)} **{heading}**")
            answers, _, closest = body.partition(CLOSEST_LINE)
            st.markdown(with_markers(answers.strip(), answer.citations))
            if closest.strip():
                # The second tier: what retrieval found that may not answer, folded away.
                with st.expander("Closest passages, which may not answer", expanded=False):
                    st.markdown(with_markers(closest.strip(), answer.citations))
    st.caption(_footer(answer))
    if answer.citations:
        count = len(answer.citations)
        quotes = "1 quote, which opens" if count == 1 else f"{count} quotes, each opens"
        st.markdown(f"**Evidence** · {quotes} onto its passage")
    for c in answer.citations:
        with st.expander(citation_label(c), key=f"cite-{index}-{c.n}"):
            show_citation(assistant, c, f"cite-{index}-{c.n}")


def split_parts(text: str) -> list[tuple[str, str, str]]:
    """(side, heading, body) for each part heading; one unlabelled part if there are none."""
    canonical = {name.lower(): name for name in PART_SIDES}
    parts: list[tuple[str, str, str]] = []
    for line in inert(text).split("\n"):  # a document's U+2028 is no line of ours
        found = _PART_HEADING.match(line.strip())
        if found:
            heading = canonical[(found.group("bold") or found.group("plain")).lower()]
            parts.append((PART_SIDES[heading], heading, found.group("rest") or ""))
        elif parts:
            side, heading, body = parts[-1]
            parts[-1] = (side, heading, f"{body}\n{line}")
        else:
            parts.append(("answer", "", line))
    return [(side, heading, body.strip()) for side, heading, body in parts if heading or body]


def with_markers(body: str, citations: list[Citation]) -> str:
    """`[n]` markers as badges coloured by side, grey for a closest passage (it may not
    answer); a quote not found verbatim in red with a warning sign."""
    sides = {c.n: c for c in citations}

    def marker(found: re.Match[str]) -> str:
        c = sides.get(int(found.group(1)))
        if c is None:
            return found.group(0)
        if not c.supported:
            return f":red-badge[⚠ {c.n} not verbatim]"
        if c.tier == "closest":
            return f":gray-badge[{c.n}]"  # may not answer: no side's colour
        side = "company" if c.quoted_by else c.side  # the company's words, whoever quotes them
        return f":{SIDE_LOOK.get(side, SIDE_LOOK['both'])[0]}-badge[{c.n}]"

    # Document text shows as written; only our own `[n]` markers (outside quotes) become badges.
    safe = answer_markdown(body, [c.quote for c in citations])
    return re.sub(r"(?<!\\)\[(\d{1,3})\]", marker, safe)


def _footer(answer: Answer) -> str:
    found = [name for name, side in answer.sides.items() if side.found]
    timing = " · ".join(f"{step} {ms:.0f} ms" for step, ms in answer.timings_ms.items())
    sides = " and ".join(found) if found else "neither side"
    footer = f"{answer.mode} answer · evidence from {sides} · {timing}"
    searched = getattr(answer, "standalone_question", "")
    if searched and searched != answer.question:
        footer += f" · searched as “{md_escape(searched)}”"
    return footer
