"""Checks the evaluation sets (tests/data/eval_questions.toml; second_corpus/eval_questions.toml)
against their corpora: evidence, hand-labelled answers, meetings and attribution labels.

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


# --- hand labels of the answers: both question sets --------------------------------------------
# Each set: its questions, the raw documents of each side and its attribution labels (the critic
# sentences that are the company's own words). Answers are matched the way the evaluation matches
# quotes (counterpoint.evaluation.normalise: ASCII letters and digits only).

SECOND_CORPUS_DIR = HERE / "data" / "second_corpus"
QUESTION_SETS = {
    "hikvision": {
        "questions": QUESTIONS_FILE,
        "documents": {
            "company": [CORPUS_DIR / "hikvision-esg-report-2020.txt"],
            "critic": [CORPUS_DIR / "ipvm-hikvision-prc-human-rights-law-2019.txt"],
        },
        "attribution": HERE / "data" / "attribution_labels.toml",
    },
    "quillmere": {
        "questions": SECOND_CORPUS_DIR / "eval_questions.toml",
        "documents": {
            "company": [SECOND_CORPUS_DIR / "quillmere-sustainability-report-2022.md"],
            "critic": [
                SECOND_CORPUS_DIR / "harvest-ledger-quillmere-cocoa-2023.txt",
                SECOND_CORPUS_DIR / "northern-courier-quillmere-data-2023.html",
            ],
        },
        "attribution": SECOND_CORPUS_DIR / "attribution_labels.toml",
    },
}
SECOND_MIN_PER_KIND = {"company": 12, "critic": 8, "contested": 8, "unanswerable": 6}
MEETINGS = {"disputed", "consistent", "no_direct_engagement"}


def eval_normalise(text: str) -> str:
    """The evaluation's normalisation: lowercase, ASCII letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def document_text(path: Path) -> str:
    """A document's raw text; an HTML page with its tags stripped."""
    raw = path.read_text(encoding="utf-8")
    return re.sub(r"<[^>]+>", " ", raw) if path.suffix in {".html", ".htm"} else raw


@cache
def question_set(name: str) -> tuple[dict, ...]:
    with QUESTION_SETS[name]["questions"].open("rb") as f:
        return tuple(tomllib.load(f)["question"])


@cache
def attribution(name: str) -> dict:
    with QUESTION_SETS[name]["attribution"].open("rb") as f:
        return tomllib.load(f)


def sides_holding(name: str, text: str) -> list[str]:
    """The sides whose documents contain the text (normalised)."""
    wanted = eval_normalise(text)
    return [
        side
        for side, paths in QUESTION_SETS[name]["documents"].items()
        if any(wanted in eval_normalise(document_text(p)) for p in paths)
    ]


def overlaps(a: str, b: str) -> bool:
    """One text contains the other, normalised (how a quote is matched to an answer label)."""
    a, b = eval_normalise(a), eval_normalise(b)
    return a in b or b in a


def test_second_set_is_well_formed():
    qs = question_set("quillmere")
    ids = [q["id"] for q in qs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    counts = Counter(q["kind"] for q in qs)
    for kind, minimum in SECOND_MIN_PER_KIND.items():
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} < {minimum}"
    for q in qs:
        assert q["kind"] in SECOND_MIN_PER_KIND, f"{q['id']}: unknown kind {q['kind']!r}"
        evidence = q.get("evidence", [])
        sides = {e["side"] for e in evidence}
        if q["kind"] == "unanswerable":
            assert not evidence, f"{q['id']}: unanswerable but has evidence"
        elif q["kind"] == "contested":
            assert sides == {"company", "critic"}, f"{q['id']}: contested needs both sides"
        else:
            assert sides == {q["kind"]}, f"{q['id']}: evidence from {sides}"
        for e in evidence:
            words = len(re.findall(r"\S+", e["text"]))
            assert MIN_WORDS <= words <= MAX_WORDS, f"{q['id']}: {words} words: {e['text']}"
            assert e["side"] in sides_holding("quillmere", e["text"]), f"{q['id']}: {e['text']}"
            for fact in e.get("facts", []):
                assert fact.strip() and normalise(fact) in normalise(e["text"]), (
                    f"{q['id']}: {fact}"
                )


def test_every_answer_is_verbatim_in_its_side_only():
    wrong = [
        f"{name} {q['id']} ({a['side']}, found in {sides_holding(name, a['text'])}): {a['text']}"
        for name in QUESTION_SETS
        for q in question_set(name)
        for a in q.get("answers", [])
        if sides_holding(name, a["text"]) != [a["side"]]
    ]
    assert not wrong, "answers not in (only) their side's documents:\n" + "\n".join(wrong)


def test_answers_are_well_formed_and_unanswerables_have_none():
    for name in QUESTION_SETS:
        for q in question_set(name):
            answers = q.get("answers", [])
            if q["kind"] == "unanswerable":
                assert not answers, f"{name} {q['id']}: unanswerable but has answers"
                continue
            assert answers, f"{name} {q['id']}: no answers"
            texts = [eval_normalise(a["text"]) for a in answers]
            assert len(texts) == len(set(texts)), f"{name} {q['id']}: duplicate answers"
            for a in answers:
                assert a["side"] in ("company", "critic"), f"{name} {q['id']}: side {a['side']!r}"
                assert a["text"].strip(), f"{name} {q['id']}: empty answer"
                if "quoted_company" in a:
                    assert a["quoted_company"] is True, f"{name} {q['id']}: quoted_company"
                    assert a["side"] == "critic", f"{name} {q['id']}: quoted_company, company side"


def test_every_evidence_excerpt_lies_in_an_answer_of_its_side():
    missing = [
        f"{name} {q['id']} ({e['side']}): {e['text']}"
        for name in QUESTION_SETS
        for q in question_set(name)
        for e in q.get("evidence", [])
        if not any(
            a["side"] == e["side"] and overlaps(e["text"], a["text"]) for a in q.get("answers", [])
        )
    ]
    assert not missing, "evidence without an enclosing answer:\n" + "\n".join(missing)


def test_meeting_labels():
    for name in QUESTION_SETS:
        for q in question_set(name):
            where = f"{name} {q['id']}"
            if q["kind"] == "unanswerable":
                assert "meeting" not in q, f"{where}: meeting on an unanswerable question"
                assert "meeting_pair" not in q, f"{where}: meeting_pair on an unanswerable question"
                continue
            assert q.get("meeting") in MEETINGS, f"{where}: meeting {q.get('meeting')!r}"
            pair = q.get("meeting_pair")
            if q["meeting"] == "no_direct_engagement":
                assert pair is None, f"{where}: meeting_pair without a meeting"
                continue
            assert pair is not None and len(pair) == 2, f"{where}: {q['meeting']} needs a pair"
            for text, side in zip(pair, ("company", "critic"), strict=True):
                assert any(a["side"] == side and a["text"] == text for a in q["answers"]), (
                    f"{where}: meeting_pair {side} sentence is not among the answers: {text}"
                )


def test_attribution_labels_are_in_the_critic_documents():
    for name in QUESTION_SETS:
        labels = attribution(name)
        assert labels.get("quoted"), f"{name}: no [[quoted]] labels"
        for kind in ("quoted", "third_party"):
            for label in labels.get(kind, []):
                where = f"{name} {kind}: {label['text']}"
                assert sides_holding(name, label["text"]) == ["critic"], where
                if "document" in label:
                    path = QUESTION_SETS[name]["questions"].parent / label["document"]
                    assert eval_normalise(label["text"]) in eval_normalise(document_text(path)), (
                        f"{name} {kind}: not in {label['document']}: {label['text']}"
                    )


def test_quoted_company_flags_agree_with_the_attribution_labels():
    for name in QUESTION_SETS:
        quoted = [label["text"] for label in attribution(name)["quoted"]]
        for q in question_set(name):
            for a in q.get("answers", []):
                if a["side"] != "critic":
                    continue
                is_quote = any(eval_normalise(a["text"]) == eval_normalise(t) for t in quoted)
                assert is_quote == a.get("quoted_company", False), (
                    f"{name} {q['id']}: quoted_company should be {is_quote}: {a['text']}"
                )


if __name__ == "__main__":  # runs without pytest too: python3 tests/test_eval_questions.py
    checks = [f for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for check in checks:
        check()
    print(f"{len(checks)} checks passed")
