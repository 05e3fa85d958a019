"""Answers scored against the hand labels of a question file (`[[question.answers]]`, `meeting`).

A quote answers its question when its normalised text contains a labelled answer of its side, or
is contained in one (the rule stated in tests/data/eval_questions.toml). Every quote on an
unanswerable question is off-topic. One-sided questions are right when each side speaks exactly
when the labels give it an answer of its own (a company statement that a critic quotes is not the
critic's answer). The meeting is right when its outcome is the labelled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counterpoint.text import normalise

if TYPE_CHECKING:
    from counterpoint.models import Answer

OUTCOMES = ("disputed", "consistent", "no_direct_engagement")


@dataclass(frozen=True)
class LabelledAnswer:
    """One sentence the labeller marked as answering a question."""

    side: str
    text: str
    quoted_company: bool = False


def labelled_answers(question: dict) -> list[LabelledAnswer]:
    """The question's `[[question.answers]]`, normalised for matching."""
    return [
        LabelledAnswer(a["side"], normalise(a["text"]), bool(a.get("quoted_company")))
        for a in question.get("answers", [])
    ]


def quote_answers(quote: str, side: str, labels: list[LabelledAnswer]) -> bool:
    """True when the quote holds, or is held by, a labelled answer of its side."""
    text = normalise(quote)
    return bool(text) and any(
        label.side == side and (label.text in text or text in label.text) for label in labels
    )


def quote_precision(questions: list[dict], answers: list[Answer]) -> dict[str, Any]:
    """Share of quoted sentences that answer their question, per side and overall."""
    checks: dict[str, list[bool]] = {"company": [], "critic": []}
    off_topic: list[str] = []
    for question, answer in zip(questions, answers, strict=True):
        labels = labelled_answers(question)
        for citation in answer.citations:
            ok = quote_answers(citation.quote, citation.side, labels)
            checks.setdefault(citation.side, []).append(ok)
            if not ok:
                off_topic.append(f"{question['id']}/{citation.side}: {citation.quote[:90]}")
    everything = [ok for side in checks.values() for ok in side]
    figures = {side: _share(oks) for side, oks in checks.items()}
    figures["overall"] = _share(everything)
    return {"precision": figures, "off_topic": off_topic}


def one_sided(questions: list[dict], answers: list[Answer]) -> dict[str, Any]:
    """Share of company-only and critic-only questions where each side speaks exactly when the
    labels give it an answer of its own."""
    right, wrong = 0, []
    for question, answer in zip(questions, answers, strict=True):
        if question["kind"] not in ("company", "critic"):
            continue
        labels = labelled_answers(question)
        expected = {
            s: any(a.side == s and not a.quoted_company for a in labels) for s in answer.sides
        }
        found = {s: f.found for s, f in answer.sides.items()}
        if found == expected:
            right += 1
        else:
            wrong.append(question["id"])
    total = right + len(wrong)
    return {"share": round(right / total, 4) if total else 0.0, "n": total, "wrong": wrong}


def meeting_accuracy(questions: list[dict], answers: list[Answer]) -> dict[str, Any]:
    """Share of labelled questions whose stated meeting outcome is the label, and the precision
    of each outcome stated."""
    pairs = [
        (q["meeting"], a.meeting.outcome if a.meeting else "no_direct_engagement", q["id"])
        for q, a in zip(questions, answers, strict=True)
        if q.get("meeting")
    ]
    right = sum(1 for label, said, _ in pairs if label == said)
    precision = {}
    for outcome in OUTCOMES:
        said = [label for label, stated, _ in pairs if stated == outcome]
        precision[outcome] = {
            "precision": round(said.count(outcome) / len(said), 4) if said else None,
            "stated": len(said),
            "labelled": sum(1 for label, _, _ in pairs if label == outcome),
        }
    return {
        "accuracy": round(right / len(pairs), 4) if pairs else 0.0,
        "n": len(pairs),
        "outcomes": precision,
        "wrong": [
            f"{qid}: said {said}, label {label}" for label, said, qid in pairs if label != said
        ],
    }


def label_figures(questions: list[dict], answers: list[Answer]) -> dict[str, Any]:
    """Every figure that needs the answer labels; empty when the file has none."""
    if not any(q.get("answers") for q in questions):
        return {}
    return {
        "quote_precision": quote_precision(questions, answers),
        "one_sided": one_sided(questions, answers),
        "meeting": meeting_accuracy(questions, answers),
    }


def _share(oks: list[bool]) -> dict[str, float]:
    return {"share": round(sum(oks) / len(oks), 4) if oks else 0.0, "n": len(oks)}
