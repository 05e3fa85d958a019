"""The evidence viewer: a cited passage with its quote marked, in its document, on its page."""

from __future__ import annotations

import io
from pathlib import Path

import streamlit as st

from counterpoint.errors import CounterpointError
from counterpoint.evidence import PassageContext, passage_context, quote_span, source_file
from counterpoint.markup import md_escape
from counterpoint.models import Citation
from ui.style import badge, escaped, passage_html

VIEWS = {"passage": "Passage", "context": "In context", "page": "PDF page"}


def citation_label(c: Citation) -> str:
    """The expander label: number, whose words, document, page; a closest passage says it may
    not answer, with its relevance; a quote not found verbatim is flagged."""
    page = f"p. {c.page}" if c.page else "no page numbers"
    flag = " · ⚠ NOT VERBATIM" if not c.supported else ""
    if c.tier == "closest":
        flag += f" · may not answer ({c.relevance_words})"
    words = c.quote.split()
    opening = " ".join(words[:7]) + ("…" if len(words) > 7 else "")
    title, opening = md_escape(c.title), md_escape(opening)
    return f"[{c.n}] {voice_words(c)} · {title} · {page}{flag} — “{opening}”"


def voice_words(c: Citation) -> str:
    """Whose words the quote is: the company's words inside a critic's document are COMPANY,
    as quoted by that critic (the citation still points to the critic's document)."""
    if c.quoted_by:
        return f"COMPANY · as quoted by {md_escape(c.quoted_by)}"
    if c.voice == "reader":
        return "A READER'S COMMENT · not the critic's view"
    return c.side.upper()


def _checks(c: Citation) -> str:
    """What was checked, in words: verbatim says the words are the passage's own; relevance
    says how likely the quote is to answer the question, which nothing verifies."""
    verbatim = "verbatim in the passage" if c.supported else "not verbatim"
    tier = "an answer" if c.tier == "answer" else "the closest passage found: it may not answer"
    return f"{verbatim} · {c.relevance_words}: {tier}"


def show_citation(assistant, c: Citation, key: str) -> None:  # noqa: ANN001 - an Assistant
    """Everything about one citation: source, quote check, and the passage in three views."""
    context = _context(assistant, c.chunk_id)
    meta = context.meta if context else {}
    details = [meta.get("publisher"), meta.get("date"), _pages(c.page, meta.get("page_end"))]
    details += [f"section “{meta['section']}”" if meta.get("section") else None]
    quoted = f" · the company's words as quoted by {md_escape(c.quoted_by)}" if c.quoted_by else ""
    st.markdown(f"{badge('company' if c.quoted_by else c.side)} **{md_escape(c.title)}**{quoted}")
    facts = " · ".join(escaped(str(d)) for d in details if d)
    st.html(f'<div class="cp-meta">{facts} · passage <code>{escaped(c.chunk_id)}</code></div>')
    if not c.supported:
        st.warning(
            "Not verbatim: these words were not found in the cited passage. "
            "Read the passage before relying on it.",
            icon=":material/warning:",
        )
    st.caption(_checks(c))
    pdf = _pdf_path(assistant, meta) if c.page else None
    views = [v for v in VIEWS if v != "page" or pdf]
    view = st.segmented_control(
        "View",
        views,
        format_func=VIEWS.get,
        default="passage",
        key=f"{key}-view",
        label_visibility="collapsed",
        required=True,
    )
    span = quote_span(c.passage, c.quote)
    if view == "context" and context:
        st.html(passage_html(c.passage, span, context.before, context.after))
        if not (context.before or context.after):
            st.caption("This passage is the whole document.")
    elif view == "page" and pdf:
        _show_page(pdf, int(c.page or 1), meta.get("page_end"), c.quote)
    else:
        st.html(passage_html(c.passage, span))
    if context is None:
        st.caption("This passage is no longer in the index (its document was removed or changed).")


def _pages(first: int | None, last: int | None) -> str | None:
    if not first:
        return None
    return f"pp. {first}–{last}" if last and last > first else f"p. {first}"


def _context(assistant, chunk_id: str) -> PassageContext | None:  # noqa: ANN001
    # Kept per session: a rerun re-renders every citation of the conversation.
    cache: dict[str, PassageContext | None] = st.session_state.setdefault("passage_cache", {})
    if chunk_id not in cache:
        try:
            cache[chunk_id] = passage_context(assistant.store, chunk_id)
        except CounterpointError:
            return None
    return cache[chunk_id]


def _pdf_path(assistant, meta: dict) -> Path | None:  # noqa: ANN001
    if not str(meta.get("file", "")).lower().endswith(".pdf"):
        return None
    return source_file(assistant.settings, meta)


def _show_page(path: Path, page: int, page_end: int | None, quote: str) -> None:
    try:
        page, png = _page_png(str(path), path.stat().st_mtime, page, page_end, quote)
    except CounterpointError as exc:
        st.error(str(exc))
        return
    st.image(png, width=720, caption=f"{path.name}, page {page}: the quote is marked in yellow")


@st.cache_data(max_entries=64, show_spinner="Rendering the page...")
def _page_png(
    path: str, mtime: float, first: int, last: int | None, quote: str
) -> tuple[int, bytes]:
    """The page holding the quote, as PNG; `mtime` keys the cache to the file's version."""
    from counterpoint.evidence import quote_page, render_pdf_page

    page = quote_page(Path(path), quote, first, last)
    buffer = io.BytesIO()
    render_pdf_page(Path(path), page, quote).save(buffer, format="PNG")
    return page, buffer.getvalue()
