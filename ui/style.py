"""How the sides look: one colour and one word each, so no side is told by colour alone."""

from __future__ import annotations

import html
import re
from string import Template

import streamlit as st

from counterpoint.config import SIDE_COLOURS

# Streamlit badge colour (themed to SIDE_COLOURS in .streamlit/config.toml), the same colour for
# CSS, an icon and the word that names the side.
SIDE_LOOK = {
    "company": ("blue", SIDE_COLOURS["company"], ":material/apartment:", "COMPANY"),
    "critic": ("orange", SIDE_COLOURS["critic"], ":material/campaign:", "CRITIC"),
    "both": ("violet", SIDE_COLOURS["both"], ":material/compare_arrows:", "BOTH SIDES"),
}
SIDE_NAMES = {"company": "Company", "critic": "Critics"}

# $company, $critic, $both: the side colours; the light backgrounds are tints of them.
CSS = Template("""
<style>
.block-container {padding-top: 3.6rem; max-width: 1180px;}
[class*="st-key-part-"] {border-left-width: 5px !important; border-radius: 6px;}
[class*="st-key-part-company"] {border-left-color: $company !important; background: #F5F9FE;}
[class*="st-key-part-critic"] {border-left-color: $critic !important; background: #FEF8F3;}
[class*="st-key-part-both"] {border-left-color: $both !important; background: #F8F6FD;}
[class*="st-key-hit-company"] {border-top: 3px solid $company !important;}
[class*="st-key-hit-critic"] {border-top: 3px solid $critic !important;}
.cp-passage {font-family: Georgia, 'Times New Roman', serif; font-size: 0.98rem;
  line-height: 1.6; background: #FFFFFF; border: 1px solid #E3E5EA; border-radius: 6px;
  padding: 0.8rem 1rem; color: #1F2328;}
.cp-passage mark {background: #FFE27A; padding: 0.05rem 0.15rem; border-radius: 3px;
  color: inherit; box-shadow: 0 0 0 1px #E9C23B;}
.cp-passage .cp-near {color: #8A9099;}
.cp-passage .cp-cut {display: block; text-align: center; color: #B0B5BD; font-size: 0.8rem;
  margin: 0.3rem 0; letter-spacing: 0.08em;}
.cp-passage b.cp-term {background: #EEF1F5; font-weight: 600; border-radius: 2px;}
.cp-status {border-collapse: collapse; font-size: 0.88rem; width: 100%; margin: 0;}
.cp-status th, .cp-status td {border: none; padding: 0.12rem 0; text-align: left;
  vertical-align: top;}
.cp-status th {color: #5F6670; font-weight: 600; width: 5.6rem;}
[data-testid="stExpander"] [data-testid="stImage"] img {border: 1px solid #D9DCE1;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.08);}
.cp-meta {color: #5F6670; font-size: 0.85rem;}
[class*="st-key-starter-card"] {background: #FAFBFC; min-height: 13.5rem;
  justify-content: space-between;}
.cp-hit {font-size: 0.9rem; color: #31333F;}
.cp-bar {height: 4px; background: #ECEEF1; border-radius: 2px; margin-top: 0.35rem;}
.cp-bar span {display: block; height: 4px; border-radius: 2px;}
[class*="st-key-starter-card"] p {font-size: 0.92rem;}
</style>
""").substitute(SIDE_COLOURS)


def inject_css() -> None:
    """Add the page's stylesheet (a style-only st.html is not displayed)."""
    st.html(CSS)


def badge(side: str, text: str | None = None) -> str:
    """Markdown for a coloured badge that also names the side in words."""
    colour, _, icon, word = SIDE_LOOK.get(side, ("gray", "#555", "", side.upper()))
    return f":{colour}-badge[{icon} {text or word}]"


def escaped(text: str) -> str:
    """HTML-escaped text with line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def passage_html(text: str, span: tuple[int, int] | None, before: str = "", after: str = "") -> str:
    """A passage with its quoted sentence in <mark>, optionally between its neighbours."""
    body = escaped(text)
    if span:
        start, end = span
        body = (
            f"{escaped(text[:start])}<mark>{escaped(text[start:end])}</mark>{escaped(text[end:])}"
        )
    parts = []
    if before:
        parts.append(f'<span class="cp-near">{escaped(before)}</span>')
        parts.append('<span class="cp-cut">▲ previous passage · cited passage ▼</span>')
    parts.append(body)
    if after:
        parts.append('<span class="cp-cut">▲ cited passage · next passage ▼</span>')
        parts.append(f'<span class="cp-near">{escaped(after)}</span>')
    return f'<div class="cp-passage">{"".join(parts)}</div>'


def terms_html(text: str, terms: set[str]) -> str:
    """A passage with the question's words emphasised, for scanning a ranked list."""
    pieces = re.split(r"(\w+)", text)
    out = []
    for piece in pieces:
        word = piece.lower()
        hit = len(word) > 3 and word[:5] in terms
        out.append(f'<b class="cp-term">{escaped(piece)}</b>' if hit else escaped(piece))
    return f'<div class="cp-passage">{"".join(out)}</div>'
