"""Benchmarks written by others over real reports, read at run time, and their matching rule.

A benchmark folder (e.g. `../shared/benchmarks/financebench`) holds `docs/*.txt` (one report
each, pages separated by form feeds), `questions.json` (questions with the annotators' evidence
strings, their pages and, where the dataset has one, a gold answer) and optionally
`no_evidence.json` (questions of the same reports with no evidence marked). Nothing of a
benchmark is ever copied into this repository: their licences are non-commercial.

The matching rule is the benchmarks' README's, the same for every system compared: both texts
are canonicalised (Unicode NFKC, letters and digits only, lower case); a retrieved text hits an
evidence string when it contains the evidence, or, for evidence of 30 words or more, when the
evidence contains a run of 30 consecutive words of the retrieved text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from counterpoint.errors import InputError

RUN_WORDS = 30  # evidence this long also counts as hit by 30 consecutive retrieved words
# Gold answers that say the report does not hold the answer (the question is unanswerable).
_NO_ANSWER = re.compile(
    r"\bnot available\b|\bcannot confirm\b|\bdoes not (indicate|disclose|mention|report)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TYPE_FIELDS = ("question_type", "question_reasoning")  # Climate Finance Bench, FinanceBench


def canonical(text: str) -> str:
    """Unicode NFKC, letters and digits only, lower case: the benchmarks' canonical form."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def canonical_words(text: str) -> list[str]:
    """The canonical form of each whitespace-separated word, words without letters or digits
    ("·", "–") left out."""
    return [word for word in map(canonical, text.split()) if word]


def numbers(text: str) -> set[str]:
    """The figures written in a text, thousands separators dropped: "3,733" -> "3733"."""
    found = set()
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        value = match.group()
        # "1,023" groups thousands; "37.4" is a decimal; "0,75" (a decimal comma) is kept as is.
        found.add(re.sub(r",(?=\d{3}\b)", "", value))
    return found


@dataclass(frozen=True)
class Evidence:
    """One evidence string the annotators marked, and the 1-based page it starts on."""

    text: str
    page: int | None

    @cached_property
    def canon(self) -> str:
        """The evidence in canonical form."""
        return canonical(self.text)

    @cached_property
    def words(self) -> int:
        """Its length in words."""
        return len(self.text.split())

    @property
    def kind(self) -> str:
        """`table` when a quarter or more of its words are figures, else `prose`."""
        tokens = self.text.split()
        figures = sum(1 for t in tokens if any(c.isdigit() for c in t))
        return "table" if tokens and figures >= 0.25 * len(tokens) else "prose"


def hits(text: str, evidence: Evidence, words: list[str] | None = None) -> bool:
    """Whether a retrieved text holds the evidence by the matching rule; `words`: the text's
    `canonical_words`, when the caller has them already."""
    if evidence.canon and evidence.canon in canonical(text):
        return True
    if evidence.words < RUN_WORDS:
        return False
    words = canonical_words(text) if words is None else words
    return any(
        "".join(words[at : at + RUN_WORDS]) in evidence.canon
        for at in range(len(words) - RUN_WORDS + 1)
    )


@dataclass(frozen=True)
class BenchQuestion:
    """A question of a benchmark, on one report."""

    id: str
    question: str
    doc: str  # the report's file name in docs/
    evidence: tuple[Evidence, ...]
    gold: str = ""  # the gold answer, where the dataset has one
    kind: str = "answerable"  # or `unanswerable`: the gold says the report does not say
    question_type: str = ""  # the dataset's own type (LR/PE/NR; "Numerical reasoning", ...)
    facts: tuple[str, ...] = field(default=())  # figures of the gold answer the evidence holds


@dataclass(frozen=True)
class Benchmark:
    """A benchmark folder: its reports and its questions."""

    name: str
    root: Path
    questions: tuple[BenchQuestion, ...]
    companies: dict[str, str]  # doc file name -> company name (or the file's stem)

    @property
    def docs(self) -> list[str]:
        """The reports that have questions, in the order of the folder's docs_info."""
        asked = {q.doc for q in self.questions}
        return [doc for doc in self.companies if doc in asked]

    def doc_path(self, doc: str) -> Path:
        """The report's text file."""
        return self.root / "docs" / doc

    def asked_of(self, doc: str) -> list[BenchQuestion]:
        """The questions on one report."""
        return [q for q in self.questions if q.doc == doc]


def load_benchmark(root: Path) -> Benchmark:
    """Read a benchmark folder; a missing or malformed file is an `InputError`."""
    root = Path(root)
    raw = _read_json(root / "questions.json")
    extra = root / "no_evidence.json"
    unmarked = _read_json(extra) if extra.is_file() else []
    questions = [_question(item, True) for item in raw]
    questions += [q for q in (_question(item, False) for item in unmarked) if q is not None]
    info = _read_json(root / "docs_info.json") if (root / "docs_info.json").is_file() else []
    companies = {i["doc"]: str(i.get("company") or i.get("doc_name") or i["doc"]) for i in info}
    for q in questions:
        companies.setdefault(q.doc, Path(q.doc).stem)
        if not (root / "docs" / q.doc).is_file():
            raise InputError(f"{root}: question {q.id}: no report docs/{q.doc}")
    return Benchmark(root.name, root, tuple(questions), companies)


def _read_json(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the benchmark file {path}: {exc}") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of questions")
    return data


def _question(item: dict, marked: bool) -> BenchQuestion | None:
    """A question of questions.json (`marked`: with evidence) or of no_evidence.json (kept only
    when its gold answer says the report does not hold the answer)."""
    try:
        texts, meta = item.get("evidence", []), item.get("evidence_meta", [])
        evidence = tuple(
            Evidence(str(text), (meta[i] if i < len(meta) else {}).get("page_in_doc"))
            for i, text in enumerate(texts)
        )
        gold = str(item.get("gold_answer") or "")
        base = dict(id=str(item["id"]), question=str(item["question"]), doc=str(item["doc"]))
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"malformed benchmark question {item!r:.80}: {exc}") from None
    kind = "answerable" if marked and evidence else "unanswerable"
    if kind == "unanswerable" and not _NO_ANSWER.search(gold):
        return None  # no evidence, yet an answer: nothing to score it against
    facts = numbers(gold) & numbers(" ".join(texts)) - numbers(base["question"])
    facts = {f for f in facts if len(f) > 1}  # a lone digit ("Scope 1") is quoted by chance
    question_type = next((str(item[f]) for f in _TYPE_FIELDS if item.get(f)), "")
    return BenchQuestion(
        **base,
        evidence=evidence,
        gold=gold,
        kind=kind,
        question_type=question_type,
        facts=tuple(sorted(facts)),
    )
