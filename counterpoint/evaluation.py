"""Retrieval evaluation on a question set with gold evidence, ours against a plain baseline.

The figure that matters: does the side's evidence appear within the first 300 words of text the
retriever returns for that side? A fixed word budget is fair across chunk sizes (a retriever with
huge chunks would otherwise "find" everything at k=1).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from counterpoint.config import SIDES

WORD_BUDGET = 300
SideRetriever = Callable[[str, str], list[str]]  # (question, side) -> passage texts, ranked


def normalise(text: str) -> str:
    """Lowercase letters and digits only: immune to spacing, punctuation and PDF letter-gaps."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def within_budget(passages: list[str], budget: int = WORD_BUDGET) -> str:
    """The first `budget` words of the passages, in rank order."""
    words: list[str] = []
    for passage in passages:
        words.extend(passage.split())
        if len(words) >= budget:
            break
    return " ".join(words[:budget])


@dataclass
class Recall:
    """Hits over questions, per side."""

    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    misses: list[str] = field(default_factory=list)

    def rate(self, side: str | None = None) -> float:
        """Share of evidence found, for one side or overall."""
        sides = [side] if side else list(SIDES)
        total = sum(self.total[s] for s in sides)
        return sum(self.hits[s] for s in sides) / total if total else 0.0

    def line(self, name: str) -> str:
        """One printable line of figures."""
        per_side = "  ".join(
            f"{s} {self.rate(s):.1%} ({self.hits[s]}/{self.total[s]})" for s in SIDES
        )
        return f"{name:<12} overall {self.rate():.1%}  {per_side}"


def load_questions(path: Path) -> list[dict]:
    """The `[[question]]` entries of an evaluation file."""
    return tomllib.loads(path.read_text(encoding="utf-8"))["question"]


def evaluate(questions: list[dict], retrieve: SideRetriever, budget: int = WORD_BUDGET) -> Recall:
    """Recall within `budget` words per side: each evidence is one trial on its side."""
    recall = Recall()
    for question in questions:
        for evidence in question.get("evidence", []):
            side = evidence["side"]
            window = normalise(within_budget(retrieve(question["question"], side), budget))
            recall.total[side] += 1
            if normalise(evidence["text"]) in window:
                recall.hits[side] += 1
            else:
                recall.misses.append(f"{question['id']}/{side}")
    return recall
