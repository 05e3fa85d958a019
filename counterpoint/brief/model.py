"""What a brief is: the answers, their sources, when and how they were made.

A brief holds every answer as it was given, every quote with its document, page and side, and
the sources with the SHA-256 of their files and the date of the export, so a reader can check
each quote against the very file it came from. Its own module so that every format's writer
imports it without importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from counterpoint.matrix.models import Matrix, Timeline
    from counterpoint.models import Answer


def counted(number: int, noun: str, plural: str = "") -> str:
    """`1 question`, `2 questions`: a count with its noun in the right number."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


@dataclass(frozen=True)
class Source:
    """One document cited in the brief."""

    doc_id: str
    title: str
    side: str
    publisher: str = ""
    date: str = ""
    file: str = ""
    sha256: str | None = None


@dataclass(frozen=True)
class Brief:
    """Everything an export shows: the answers, their sources, when and how they were made."""

    answers: list[Answer]
    sources: list[Source]
    exported_at: datetime
    answerer: str = "extractive"
    timeline: Timeline | None = None
    matrix: Matrix | None = None
    matrix_note: str = ""  # why the matrix is missing, when it is

    @property
    def stamp(self) -> str:
        """The export date and time, in UTC."""
        return self.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def header(self) -> str:
        """The line under the title: when, how, how much."""
        return (
            f"Exported {self.stamp} by Counterpoint · answerer: {self.answerer} · "
            f"{counted(len(self.answers), 'question')} · {counted(len(self.sources), 'source')}"
        )
