"""A question as the assistant takes it: made standalone when it follows up the one before,
asked on its own when it does not, and timed step by step.

Without an LLM to rewrite a follow-up, the rule is written by hand: a question that points back
("that", "it", "they", "what about ...", "and the critics?") or has no subject of its own is
asked with the previous question's subject; any other question, however short, is its own
("What is the weather in Paris today?" after a board question is not about the board).
"""

from __future__ import annotations

import re
import time

from counterpoint.text import terms

# Words that point back to what was asked before.
_POINTS_BACK = re.compile(
    r"\b(?:that|this|these|those|it|they|them|he|him|she|there|such|same|above|former|"
    r"latter)\b",
    re.IGNORECASE,
)
OWN_SUBJECT = 3  # a question pointing back but with this many terms of its own is its own
# Openings that continue the conversation rather than start a new subject.
_CONTINUES = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|and what|what else|why|why not|how so|"
    r"really|is that|are they|does it|do they|did they|can you)\b",
    re.IGNORECASE,
)
# The words of a follow-up that name no subject: who speaks, and asking verbs.
_NO_SUBJECT = terms(
    "company companies critic critics side sides report reports say says said tell told think "
    "thinks claim claims respond responded answer answered mention mentioned document documents "
    "more detail details explain else view views position"
)
# What opens a question before its subject: "Is the company at risk of ..." -> "at risk of ...".
_OPENING = re.compile(
    r"^\s*(?:(?:what|who|whom|whose|which|when|where|why|how(?: many| much)?)\b\s*)?"
    r"(?:(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b\s*)?"
    r"(?:(?:the company|it|they)\b\s*)?",
    re.IGNORECASE,
)


def follows_up(question: str) -> bool:
    """Whether the question points back to the previous one or has no subject of its own."""
    own = terms(question) - _NO_SUBJECT
    points_back = _POINTS_BACK.search(question) and len(own) < OWN_SUBJECT
    return bool(points_back or _CONTINUES.match(question) or not own)


def subject_of(question: str) -> str:
    """A question's subject, its opening words dropped ("at risk of US sanctions ...")."""
    subject = _OPENING.sub("", question.strip()).rstrip(" ?.!")
    return subject or question.strip().rstrip(" ?.!")


def follow_up_query(question: str, history: list[tuple[str, str]]) -> str:
    """The question as retrieval and the answerer read it: with the previous question's subject
    when it follows up (`history` holds (standalone question, answer) pairs), else alone."""
    if not history or not follows_up(question):
        return question
    previous = history[-1][0]
    return f"{question.rstrip()} (about: {subject_of(previous)})"


class Clock:
    """Milliseconds per step of a turn, cumulative across laps."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, step: str) -> dict[str, float]:
        """Time since the last lap, recorded under `step`; all the steps so far."""
        now = time.perf_counter()
        self.timings[step] = round((now - self.last) * 1000, 1)
        self.last = now
        return dict(self.timings)
