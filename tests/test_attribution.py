"""Whose voice a critic's sentence is: the company's words as the critic quotes them are found,
on both corpora's hand labels (tests/data/attribution_labels.toml and the second corpus's)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from counterpoint.attribution import company_names, is_company_voice, voice_spans
from counterpoint.text import normalise

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SETS = {
    "seed": (
        ROOT / "corpus",
        DATA / "attribution_labels.toml",
        ["ipvm-hikvision-prc-human-rights-law-2019.txt"],
    ),
    "second": (
        DATA / "second_corpus",
        DATA / "second_corpus" / "attribution_labels.toml",
        ["harvest-ledger-quillmere-cocoa-2023.txt", "northern-courier-quillmere-data-2023.html"],
    ),
}


def _spans_and_labels(name: str) -> tuple[list[str], set[str]]:
    folder, labels_file, critics = SETS[name]
    entries = tomllib.loads((folder / "corpus.toml").read_text())["document"]
    company = [d for d in entries if d["side"] == "company"]
    names = company_names(
        [f"{d.get('publisher', '')} {d.get('title', '')}" for d in company],
        [d.get("title", "") for d in entries if d["side"] == "critic"],
    )
    found = []
    for critic in critics:
        text = (folder / critic).read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", "\n", text) if critic.endswith(".html") else text
        found += [text[a:b].strip() for a, b in voice_spans(text, names)]
    quoted = tomllib.loads(labels_file.read_text())["quoted"]
    return found, {normalise(q["text"]) for q in quoted}


@pytest.mark.parametrize("name", SETS)
def test_every_labelled_company_quotation_is_found(name: str) -> None:
    found, quoted = _spans_and_labels(name)
    joined = normalise(" ".join(found))
    assert [q for q in quoted if q not in joined] == []


@pytest.mark.parametrize("name", SETS)
def test_no_critic_sentence_of_its_own_is_taken_for_the_company(name: str) -> None:
    found, quoted = _spans_and_labels(name)
    alone = [f for f in found if not any(normalise(f) in q or q in normalise(f) for q in quoted)]
    assert alone == []


def test_reported_speech_of_the_company_is_its_voice() -> None:
    text = "The mill is closed. Acme said its audits cover every supplier. Workers disagree."
    spans = voice_spans(text, {"Acme"})
    start = text.index("Acme said")
    assert is_company_voice(start, start + 45, spans)
    assert not is_company_voice(text.index("Workers"), len(text), spans)


def test_the_critics_framing_of_a_company_statement_stays_the_critics() -> None:
    text = "Acme falsely claimed that no forest was cleared, satellite images show."
    assert voice_spans(text, {"Acme"}) == []
