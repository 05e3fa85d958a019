"""The claims matrix with an LLM: the model proposes, the same checks as the rules decide.

`LLMExtractor` (`counterpoint.matrix.llm_extraction`) asks which sentences of a side's chunks
are claims or allegations and keeps only those that map onto a real sentence of a chunk it was
shown. `LLMJudge` (`counterpoint.matrix.llm_judging`) asks how a statement relates to numbered
sentences of the other side and downgrades a label whose cited sentences do not exist or are off
the subject. Both count their calls and hand what is over `max_calls` to the rules. This module
gathers the names `build_matrix` and the tests use (reply parsing: `matrix.judge_reply`).
"""

from __future__ import annotations

from counterpoint.matrix.judge_reply import Reading, parse_relation
from counterpoint.matrix.llm_extraction import (
    CLAIM_KINDS,
    MAX_EXTRACT_CALLS,
    LLMExtractor,
    Proposal,
    _fence_chunks,
    match_sentence,
    parse_claims,
    with_themes,
)
from counterpoint.matrix.llm_judging import (
    BASE_CONFIDENCE,
    DOWNGRADED_CONFIDENCE,
    MAX_JUDGE_CALLS,
    UNREADABLE_CONFIDENCE,
    Judgement,
    LLMJudge,
)

__all__ = [
    "BASE_CONFIDENCE",
    "CLAIM_KINDS",
    "DOWNGRADED_CONFIDENCE",
    "MAX_EXTRACT_CALLS",
    "MAX_JUDGE_CALLS",
    "UNREADABLE_CONFIDENCE",
    "Judgement",
    "LLMExtractor",
    "LLMJudge",
    "Proposal",
    "Reading",
    "_fence_chunks",
    "match_sentence",
    "parse_claims",
    "parse_relation",
    "with_themes",
]
