"""A question as the assistant takes it: joined to the one before when it is a short
follow-up, and timed step by step."""

from __future__ import annotations

import time


def follow_up_query(question: str, history: list[tuple[str, str]]) -> str:
    """Without an LLM to condense it, a short follow-up is searched together with the question
    before it ("and the critics?" alone retrieves nothing useful)."""
    if history and len(question.split()) <= 8:
        return f"{history[-1][0]} {question}"
    return question


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
