"""The dated timeline of a corpus (`counterpoint timeline`, the app's Timeline tab, the brief).

Dates come from two places. The manifest gives each document a date: its publication date, or
its reporting period when the document's text speaks of one ("during the reporting period").
The text gives dated sentences: reporting periods ("from January 1, 2020 to December 31, 2020",
"fiscal year 2020"), dated events ("On March 5, 2019, ...", "in October 2019", "2019-10-07") and
years alone when the sentence is plainly about something that happened ("In 2018 the company
installed ..."). Offline rules only: no parser library, nothing tuned to one company.

What is *not* a dated event: years inside standard numbers (ISO 9001:2015), URLs, table rows,
copyright lines, related-article lists ("Title on Jul 29, 2019") and truncated teasers ("...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterpoint.answer.citations import sentences
from counterpoint.config import SIDES
from counterpoint.fusion import node_passage
from counterpoint.matrix.models import Timeline, TimelineEvent
from counterpoint.models import Passage
from counterpoint.text import normalise

if TYPE_CHECKING:
    from counterpoint.store import ChunkStore

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_EDGE_L, _EDGE_R = r"(?<![\w/.:#-])", r"(?![\w/:-]|[.,]\d)"  # not part of a code or a number
# The forms of one date, most precise first; each has named groups y, m (month), d.
_DATE_FORMS = (
    rf"{_EDGE_L}(?P<y>{_YEAR})-(?P<mn>[01]\d)-(?P<d>[0-3]\d){_EDGE_R}",
    rf"\b(?P<m>{_MONTH})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR}){_EDGE_R}",
    rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR}){_EDGE_R}",
    rf"\b(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR}){_EDGE_R}",
    rf"{_EDGE_L}(?P<y>{_YEAR}){_EDGE_R}",
)
_FORMS = [re.compile(form) for form in _DATE_FORMS]
FISCAL = re.compile(rf"\b(?:fiscal|financial)\s+year\s+(?:of\s+)?({_YEAR})\b|\bFY\s?({_YEAR})\b")
PERIOD_WORDS = re.compile(
    r"reporting (?:period|year)|fiscal year|financial year|year ended|this report covers", re.I
)
# A year alone is an event only after one of these words and near a verb in the past tense.
_NEAR = 12  # words either side of the year
_YEAR_LEAD = {"in", "since", "during", "until", "till", "throughout", "early", "late", "mid"}
_PAST = re.compile(
    r"\b(?:[a-z]{2,}ed|was|were|had|did|took|made|began|begun|won|became|came|went|found|held|"
    r"said|told|met|left|built|bought|sold|paid|led|gave|brought|wrote|saw|grew|rose|fell|lost|"
    r"spent|sent|knew|ran|struck|chose|got|kept|shut)\b"
)
_COMPARED = {"than", "from", "compared", "versus", "vs", "against"}
_NOT_PAST = {
    "need", "speed", "feed", "seed", "indeed", "proceed", "exceed", "succeed", "based", "related",
    "advanced", "detailed", "limited", "hundred", "embedded", "dedicated", "integrated",
    "sophisticated", "automated", "red", "bed", "shed", "breed", "greed", "weed",
}  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)\S+")
_FURNITURE = re.compile(r"©|\bcopyright\b|all rights reserved", re.IGNORECASE)
_PUBLISHED = re.compile(r"\b(?:published|posted)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date found in a sentence: ISO prefix, precision and where it stands."""

    date: str
    precision: str
    start: int
    end: int


def parse_date(text: str) -> DateMention | None:
    """The first date in `text` in any supported form (ISO prefix, "May 28, 2019", "2020")."""
    text = text.strip()
    if iso := re.fullmatch(rf"({_YEAR})(?:-([01]\d)(?:-([0-3]\d))?)?", text):
        precision = ("year", "month", "day")[sum(1 for g in iso.groups() if g) - 1]
        return DateMention(text, precision, 0, len(text))
    mentions = date_mentions(text)
    return mentions[0] if mentions else None


def date_mentions(text: str) -> list[DateMention]:
    """Every date in a sentence, left to right, each span claimed by its most precise form."""
    text = _URL.sub(lambda m: " " * len(m.group()), text)  # dates inside links are not events
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for form in _FORMS:
        for match in form.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if mention := _mention(match):
                found.append(mention)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _mention(match: re.Match) -> DateMention | None:
    parts = match.groupdict()
    year = parts["y"]
    month = MONTHS.get((parts.get("m") or "").lower().rstrip(".")) or int(parts.get("mn") or 0)
    day = int(parts.get("d") or 0)
    if month and not 1 <= month <= 12 or day and not 1 <= day <= 31:
        return None
    if day:
        return DateMention(f"{year}-{month:02d}-{day:02d}", "day", match.start(), match.end())
    if month:
        return DateMention(f"{year}-{month:02d}", "month", match.start(), match.end())
    return DateMention(year, "year", match.start(), match.end())


def is_furniture(sentence: str, line: str) -> bool:
    """Page furniture rather than prose: table rows, teasers, related-article lists, copyright."""
    if " · " in line or re.search(r"(?:\.\.\.|…)\s*$", line) or _FURNITURE.search(sentence):
        return True
    # "Some Headline on Jul 29, 2019": a listed article, no sentence of this document's own.
    if re.search(r"\bon\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}\s*$", sentence):
        return True
    for mention in reversed(date_mentions(sentence)):
        sentence = sentence[: mention.start] + " " + sentence[mention.end :]
    return len(re.findall(r"[A-Za-z]{2,}", sentence)) < 4  # a bare timestamp or byline


@dataclass(frozen=True)
class StatedDate:
    """A dated point one sentence states."""

    date: str
    precision: str
    kind: str
    end: str = ""


def sentence_dates(sentence: str) -> list[StatedDate]:
    """The dated points a sentence of prose states: periods, dated events, publication."""
    mentions = date_mentions(sentence)
    period_talk = bool(PERIOD_WORDS.search(sentence))
    kind = "reporting_period" if period_talk else "event"
    stated: list[StatedDate] = []
    used: set[DateMention] = set()
    for first, last in zip(mentions, mentions[1:], strict=False):
        if _is_range(sentence, first, last):
            stated.append(StatedDate(first.date, first.precision, kind, last.date))
            used |= {first, last}
    for match in FISCAL.finditer(sentence):
        stated.append(StatedDate(match.group(1) or match.group(2), "year", "reporting_period"))
        used |= {m for m in mentions if match.start() <= m.start < match.end()}
    for mention in mentions:
        if mention in used or (mention.precision == "year" and not period_talk and
                               not _year_is_event(sentence, mention)):  # fmt: skip
            continue
        published = _is_byline(sentence, mention)
        stated.append(StatedDate(mention.date, mention.precision, "publication" if published
                                 else kind))  # fmt: skip
    return stated


def _is_byline(sentence: str, mention: DateMention) -> bool:
    # "By: IPVM Team, Published on May 28, 2019" is the document's own date; "a report
    # published on 3 October 2022 found ..." is an event in it.
    if re.match(r"\s*(?:By\b|Published\b|Posted\b)", sentence):
        return True
    before = re.findall(r"[A-Za-z]+", sentence[: mention.start])[-3:]
    return len(sentence.split()) <= 12 and bool(_PUBLISHED.search(" ".join(before)))


def _is_range(sentence: str, first: DateMention, last: DateMention) -> bool:
    between = sentence[first.end : last.start]
    if re.fullmatch(r"[–—]", between):
        return True
    opened = re.search(r"\b(?:from|between)\s+(?:the\s+)?$", sentence[: first.start], re.I)
    return bool(opened) and bool(re.fullmatch(r"\s*(?:to|until|through|and|–|—|-)\s*", between))


def _year_is_event(sentence: str, mention: DateMention) -> bool:
    # "In 2018, the system covered ..." yes; "our 2019 matrix", "an increase from 2019" no.
    before = re.findall(r"[A-Za-z]+", sentence[: mention.start])
    if not before or before[-1].lower() not in _YEAR_LEAD:
        return False
    if _COMPARED & {word.lower() for word in before[-3:]}:
        return False  # "22% lower than in 2019", "from 1.6 in 2021": a comparison, not an event
    after = re.findall(r"[A-Za-z]+", sentence[mention.end :])
    near = " ".join(before[-_NEAR:] + after[:_NEAR]).lower()
    return any(word not in _NOT_PAST for word in _PAST.findall(near))


def passage_events(passage: Passage) -> list[TimelineEvent]:
    """The dated events of one chunk, each with its sentence verbatim."""
    events = []
    for sentence in sentences(passage):
        text = sentence.text
        if not re.search(_YEAR, text):
            continue
        line_start = passage.text.rfind("\n", 0, sentence.start) + 1
        line_end = passage.text.find("\n", sentence.end)
        line = passage.text[line_start : line_end if line_end >= 0 else None]
        if is_furniture(text, line):
            continue
        for stated in sentence_dates(text):
            events.append(
                TimelineEvent(
                    date=stated.date, end=stated.end, precision=stated.precision,
                    kind=stated.kind, side=passage.side, doc_id=passage.doc_id,
                    title=passage.title, text=text, page=passage.page,
                    chunk_id=passage.chunk_id, date_from="text",
                )
            )  # fmt: skip
    return events


def manifest_event(doc_id: str, meta: dict, speaks_of_period: bool) -> TimelineEvent | None:
    """The document's manifest date as an event: a reporting period when the manifest gives a
    year and the text speaks of its reporting period, else the publication date."""
    mention = parse_date(str(meta.get("date") or ""))
    if mention is None:
        return None
    period = mention.precision == "year" and speaks_of_period
    publisher = f" — {meta['publisher']}" if meta.get("publisher") else ""
    what = f"Reporting period: {mention.date}" if period else f"Published: {mention.date}"
    return TimelineEvent(
        date=mention.date,
        precision=mention.precision,  # type: ignore[arg-type]
        kind="reporting_period" if period else "publication",
        side=str(meta.get("side", "")),
        doc_id=doc_id,
        title=str(meta.get("title") or doc_id),
        text=f"{what}{publisher} (date from the corpus manifest)",
        date_from="manifest",
    )


def timeline_of(passages: list[Passage], documents: dict[str, dict]) -> Timeline:
    """The timeline of these chunks (in document order) and their documents' manifest entries."""
    events: list[TimelineEvent] = []
    periods = {p.doc_id for p in passages if PERIOD_WORDS.search(p.text)}
    for doc_id, meta in documents.items():
        if event := manifest_event(doc_id, meta, doc_id in periods):
            events.append(event)
    for passage in passages:
        events += passage_events(passage)
    return Timeline(events=sort_events(dedupe(events)))


def dedupe(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """One event per document, date and sentence (chunks overlap); a publication date the text
    repeats is kept once, as the manifest's."""
    seen: set[tuple] = set()
    kept = []
    manifest = {(e.doc_id, e.kind, e.date) for e in events if e.date_from == "manifest"}
    for event in events:
        key = (event.doc_id, event.date, event.end, normalise(event.text))
        if key in seen or (event.date_from == "text" and
                           (event.doc_id, event.kind, event.date) in manifest):  # fmt: skip
            continue
        seen.add(key)
        kept.append(event)
    return kept


def sort_events(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Oldest first; on one date, the sides next to each other (company, then critic)."""
    order = {side: index for index, side in enumerate(SIDES)}
    return sorted(events, key=lambda e: (e.date, e.end, order.get(e.side, len(order))))


def build_timeline(store: ChunkStore, side: str | None = None) -> Timeline:
    """The timeline of the chunks in `store` (of one side, when given)."""
    from counterpoint.retrieval import check_side

    if side:
        check_side(side)
    nodes = store.nodes(side)
    nodes.sort(key=lambda n: (str(n.metadata.get("doc_id")), int(n.metadata.get("position", 0))))
    documents: dict[str, dict] = {}
    for node in nodes:
        documents.setdefault(str(node.metadata.get("doc_id")), node.metadata)
    return timeline_of([node_passage(node) for node in nodes], documents)
