"""Answers: retrieved passages in, a three-part cited `Answer` out.

Owns the two answerers behind one interface (`extractive`: quotes only, offline; `llm`: written
by a chat model, then checked), the citations and their verbatim check (`citations`), the check
of a generated answer's sentences against the passages they cite (`verification`), the context
budget (`budget`) and the prompt templates (`prompts`).

May import: the core (`counterpoint.config`, `errors`, `models`, `text`, `embedding`, `llm`, ...)
and itself. Never the assistant, the matrix, the brief, the evaluation, ingest, the CLI or the UI.
"""
