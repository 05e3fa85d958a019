"""What an LLM judge's reply says: the label, the cited sentence numbers and a reason.

The model is asked for a one-line JSON object; a small model may wrap it in prose, use single
quotes or skip the JSON altogether, so label words and `[n]` markers are read as a fallback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_LABEL_WORD = re.compile(r"\b(not[ _-]addressed|unaddressed|addressed|contested|corroborated)\b")


@dataclass
class Reading:
    """What a judge reply says: a label (None when unreadable), cited numbers, a reason."""

    label: str | None
    cited: list[int]
    reason: str


def parse_relation(reply: str, labels: tuple[str, ...]) -> Reading:
    """Read a judge reply: the first JSON object in it, else label words and [n] markers.

    Labels are mapped to `labels` ("not addressed" and "unaddressed" are the same answer).
    """
    found = _json_object(reply)
    if found is not None:
        label = _label(str(found.get("label", "")), labels)
        cited = _numbers(found.get("evidence", []))
        reason = " ".join(str(found.get("reason", "")).split())[:200]
        if label is not None:
            return Reading(label, cited, reason)
    match = _LABEL_WORD.search(reply.lower())
    label = _label(match.group(1), labels) if match else None
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", reply)]
    return Reading(label, cited, "")


def _json_object(reply: str) -> dict[str, Any] | None:
    for match in re.finditer(r"\{[^{}]*\}", reply):
        raw = match.group()
        for attempt in (raw, raw.replace("'", '"')):
            try:
                value = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _label(word: str, labels: tuple[str, ...]) -> str | None:
    word = re.sub(r"[\s-]+", "_", word.strip().lower())
    negative = labels[-1]
    if word in ("not_addressed", "unaddressed", "none"):
        return negative
    return word if word in labels else None


def _numbers(value: Any) -> list[int]:
    items = value if isinstance(value, list) else re.findall(r"\d+", str(value))
    numbers = []
    for item in items:
        try:
            numbers.append(int(item))
        except (TypeError, ValueError):
            continue
    return numbers
