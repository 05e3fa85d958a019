"""Checks the retrieval evaluation set (tests/data/eval_questions.toml) against the corpus.

Stdlib only: the set must stay valid however the rest of the project is installed.
"""

import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
QUESTIONS_FILE = HERE / "data" / "eval_questions.toml"
CORPUS_DIR = HERE.parent / "corpus"
DOCUMENT_FOR_SIDE = {
    "company": CORPUS_DIR / "hikvision-esg-report-2020.txt",
    "critic": CORPUS_DIR / "ipvm-hikvision-prc-human-rights-law-2019.txt",
}
MIN_QUESTIONS = 80
MIN_PER_KIND = {"company": 30, "critic": 20, "contested": 15, "unanswerable": 15}
MIN_FACTS = 60
MIN_WORDS, MAX_WORDS = 6, 25


def normalise(text: str) -> str:
    """Lowercase and keep only letters and digits (drops spaces, punctuation, line breaks)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


@cache
def normalised_document(side: str) -> str:
    return normalise(DOCUMENT_FOR_SIDE[side].read_text(encoding="utf-8"))


@cache
def questions() -> tuple[dict, ...]:
    with QUESTIONS_FILE.open("rb") as f:
        return tuple(tomllib.load(f)["question"])


def test_set_has_enough_questions_with_unique_ids():
    ids = [q["id"] for q in questions()]
    assert len(ids) >= MIN_QUESTIONS
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"


def test_every_question_has_a_known_kind_and_text():
    for q in questions():
        assert q["kind"] in MIN_PER_KIND, f"{q['id']}: unknown kind {q['kind']!r}"
        assert q["question"].strip(), f"{q['id']}: empty question"


def test_each_kind_meets_its_minimum_count():
    counts = Counter(q["kind"] for q in questions())
    for kind, minimum in MIN_PER_KIND.items():
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} < {minimum}"


def test_unanswerable_questions_have_no_evidence_and_others_have_some():
    for q in questions():
        evidence = q.get("evidence", [])
        if q["kind"] == "unanswerable":
            assert not evidence, f"{q['id']}: unanswerable but has evidence"
        else:
            assert evidence, f"{q['id']}: no evidence"


def test_evidence_sides_match_the_question_kind():
    for q in questions():
        sides = {e["side"] for e in q.get("evidence", [])}
        assert sides <= set(DOCUMENT_FOR_SIDE), f"{q['id']}: unknown side in {sides}"
        if q["kind"] == "contested":
            assert sides == {"company", "critic"}, f"{q['id']}: contested needs both sides"
        elif q["kind"] in DOCUMENT_FOR_SIDE:
            assert sides == {q["kind"]}, f"{q['id']}: evidence from {sides}"


def test_every_evidence_excerpt_is_verbatim_in_its_document():
    missing = [
        f"{q['id']} ({e['side']}): {e['text']}"
        for q in questions()
        for e in q.get("evidence", [])
        if normalise(e["text"]) not in normalised_document(e["side"])
    ]
    assert not missing, "excerpts not found:\n" + "\n".join(missing)


def test_every_evidence_excerpt_is_short():
    for q in questions():
        for e in q.get("evidence", []):
            words = len(re.findall(r"\S+", e["text"]))
            assert MIN_WORDS <= words <= MAX_WORDS, f"{q['id']}: {words} words: {e['text']}"


def test_every_fact_is_part_of_its_evidence_excerpt():
    outside = [
        f"{q['id']} ({e['side']}): {fact}"
        for q in questions()
        for e in q.get("evidence", [])
        for fact in e.get("facts", [])
        if not fact.strip() or normalise(fact) not in normalise(e["text"])
    ]
    assert not outside, "facts not in their excerpt:\n" + "\n".join(outside)


def test_enough_answers_have_expected_facts():
    facts = [f for q in questions() for e in q.get("evidence", []) for f in e.get("facts", [])]
    assert len(facts) >= MIN_FACTS
