"""The due-diligence brief: the conversation exported as Markdown, PDF or Word.

Owns what a brief is (`model`: `Brief`, `Source`), how one is made from the answers and the
index's document listing (`make`), what every format writes alike (`blocks`: quote and source
lines, the Timeline and Claims matrix sections) and one writer per format (`markdown`, `pdf`,
`docx`). The writers import `model` and `blocks`, never each other.

May import: the core (`models`, `evidence` for the source files and their hashes, `config`),
`counterpoint.answer` and the matrix's data (`counterpoint.matrix.models`), nothing else of the
matrix. Never the assistant, the evaluation, ingest, the CLI or the UI.
"""

from counterpoint.brief.docx import to_docx
from counterpoint.brief.make import make_brief
from counterpoint.brief.markdown import to_markdown
from counterpoint.brief.model import Brief, Source
from counterpoint.brief.pdf import to_pdf

__all__ = ["Brief", "Source", "make_brief", "to_docx", "to_markdown", "to_pdf"]
