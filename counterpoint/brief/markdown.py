"""The due-diligence brief as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from counterpoint.brief.blocks import NO_SOURCES, Block, citation_line, extra_blocks, source_line
from counterpoint.markup import answer_markdown, md_escape

if TYPE_CHECKING:
    from counterpoint.brief.model import Brief


def to_markdown(brief: Brief) -> str:
    """The brief as Markdown; every text from a document or the user is escaped (`md_escape`)."""
    out = [
        "# Due-diligence brief",
        "",
        brief.header,
    ]
    for number, answer in enumerate(brief.answers, 1):
        out += ["", f"## {number}. {md_escape(answer.question)}", ""]
        if notice := getattr(answer, "notice", None):
            out += [f"> {md_escape(notice)}", ""]
        quotes = [c.quote for c in answer.citations]
        out += [answer_markdown(answer.answer, quotes)]
        if answer.citations:  # an abstention quotes nothing: no Evidence heading over nothing
            out += ["", "### Evidence", ""]
        for c in answer.citations:
            titled = c.model_copy(
                update={"title": md_escape(c.title), "quoted_by": md_escape(c.quoted_by)}
            )
            out += [f"- {citation_line(titled)}", f"  > {md_escape(c.quote)}"]
    out += _markdown_sections(extra_blocks(brief))
    out += ["", "## Sources", ""]
    if not brief.sources:
        out.append(NO_SOURCES)
    for s in brief.sources:
        digest = f"`{s.sha256}`" if s.sha256 else "file not available"
        out += [f"- **{md_escape(s.doc_id)}**: {md_escape(source_line(s))}", f"  SHA-256: {digest}"]
    return "\n".join(out) + "\n"


def _markdown_sections(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for kind, raw, _side in blocks:
        text = md_escape(raw)
        if kind in ("h2", "h3"):
            out += ["", f"{'##' if kind == 'h2' else '###'} {text}", ""]
        elif kind == "meta":
            out += [text, ""] if not out or out[-1] == "" else ["", text, ""]
        elif kind == "item":
            out.append(f"- **{text}**")
        elif kind == "quote":
            out.append(f"  > {text}")
        else:
            out.append(f"  - {text}")
    return out
