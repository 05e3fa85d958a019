"""The dated timeline: manifest dates and dated sentences of both sides, oldest first, as the
library, the `counterpoint timeline` command and its JSON give them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.matrix.timeline import passage_events, sentence_dates
from counterpoint.models import Passage
from tests.conftest import CORPUS, make_settings, run_cli

ARTICLE = "ipvm-hikvision-prc-human-rights-2019"
REPORT = "hikvision-esg-2020"


def passage(text: str, side: str = "critic") -> Passage:
    return Passage(
        rank=1, score=1.0, side=side, doc_id="doc", title="Doc", page=2, chunk_id="c-1", text=text
    )


def dated(sentence: str) -> list[tuple[str, str, str]]:
    return [(d.date, d.precision, d.kind) for d in sentence_dates(sentence)]


@pytest.fixture(scope="module")
def seed_timeline(seed_assistant):
    return seed_assistant.timeline()


def test_the_seed_timeline_has_the_article_date_and_the_report_period(seed_timeline):
    found = {(e.doc_id, e.date, e.kind, e.date_from) for e in seed_timeline.events}
    assert (ARTICLE, "2019-05-28", "publication", "manifest") in found
    assert (REPORT, "2020", "reporting_period", "manifest") in found


def test_dated_sentences_are_verbatim_sentences_of_their_chunks(seed_assistant, seed_timeline):
    chunks = {node.node_id: node.get_content() for node in seed_assistant.store.nodes()}
    from_text = [e for e in seed_timeline.events if e.date_from == "text"]
    assert {e.side for e in from_text} == {"company", "critic"}
    for event in from_text:
        assert event.text in chunks[event.chunk_id]


def test_the_timeline_runs_oldest_first(seed_timeline):
    dates = [e.date for e in seed_timeline.events]
    assert dates == sorted(dates) and len(dates) >= 10


def test_the_seed_timeline_holds_dated_events_of_both_sides(seed_timeline):
    found = {(e.date, e.precision, e.side) for e in seed_timeline.events}
    assert ("2019-05-10", "day", "critic") in found  # "In the May 10, 2019 call, ..."
    assert ("2019-07", "month", "company") in found  # "In July 2019, we established ..."
    assert ("2018", "year", "company") in found  # "In 2018, the system covered ..."


def test_the_seed_timeline_leaves_out_page_furniture(seed_timeline):
    texts = " ".join(e.text for e in seed_timeline.events)
    assert "Related" not in texts and "Mid-Year Video Surveillance Guide" not in texts
    assert "ISO9001:2015" not in texts and "https://" not in texts
    assert not any("2016" in e.date for e in seed_timeline.events)  # GB/T 19001-2016


def test_the_side_filter_keeps_one_side(seed_assistant):
    assert {e.side for e in seed_assistant.timeline("critic").events} == {"critic"}


def test_a_dated_sentence_in_an_undated_document_is_a_day_event(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.txt").write_text(
        "Regulator Notice\n\nOn March 5, 2019, the regulator fined the company for storing "
        "customer data without consent.\n",
        encoding="utf-8",
    )
    (corpus / "corpus.toml").write_text(
        '[[document]]\nid = "notice"\ntitle = "Regulator Notice"\nside = "critic"\n'
        'path = "notice.txt"\n',
        encoding="utf-8",
    )
    assistant = Assistant(make_settings(tmp_path / "index", corpus), notify=lambda m: None)
    (event,) = assistant.timeline().events
    assert (event.date, event.precision, event.kind) == ("2019-03-05", "day", "event")
    assert event.date_from == "text" and event.text.startswith("On March 5, 2019, the regulator")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In 2018 the company installed cameras in every school.", [("2018", "year", "event")]),
        ("Since 2013, the firm has partnered with the local police.", [("2013", "year", "event")]),
        ("The policy was adopted in October 2019 by the board.", [("2019-10", "month", "event")]),
        ("The filing dated 2019-10-07 lists the new subsidiary.", [("2019-10-07", "day", "event")]),
        ("Our 2019 materiality matrix lists nine issues of note.", []),
        ("Revenue rose by 16% compared with the figure from 2019.", []),
        ("We will reach carbon neutrality in 2030 across all sites.", []),
    ],
)
def test_a_year_alone_is_an_event_only_in_a_sentence_about_one(sentence, expected):
    assert dated(sentence) == expected


def test_a_reporting_period_is_one_event_with_an_end():
    (period,) = sentence_dates(
        "This report covers the period from January 1, 2020 to December 31, 2020."
    )
    assert (period.date, period.end, period.kind) == (
        "2020-01-01",
        "2020-12-31",
        "reporting_period",
    )
    assert dated("All figures are for fiscal year 2021 unless noted.") == [
        ("2021", "year", "reporting_period")
    ]


def test_codes_links_tables_teasers_and_copyright_lines_are_not_events():
    text = (
        "We hold the GB/T 19001-2016/ISO9001:2015 certificate since the audit was passed.\n"
        "The white paper was posted at https://example.com/upload/2019-05-31/paper.pdf online.\n"
        "Patents · Granted with 568 in 2020 · Cumulative total · 1,307\n"
        "Dahua and Hikvision won surveillance projects in Xinjiang in 2016,...\n"
        "Congressional Letter Urges Sanctions Against Dahua For Abuses on Sep 04, 2018\n"
        "© 2020 Example Holdings. All rights reserved worldwide by the owner.\n"
        "In 2017, the plant discharged waste water into the river.\n"
    )
    events = passage_events(passage(text))
    assert [(e.date, e.text) for e in events] == [
        ("2017", "In 2017, the plant discharged waste water into the river.")
    ]
    assert events[0].page == 2 and events[0].chunk_id == "c-1"


def test_the_timeline_command_prints_json(seed_assistant):
    result = run_cli(["timeline", "--json"], seed_assistant.settings.data_dir, CORPUS)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert {"date", "end", "precision", "kind", "side", "doc_id", "title", "text", "page"} <= set(
        events[0]
    )
    assert any(e["date"] == "2019-05-28" and e["doc_id"] == ARTICLE for e in events)


def test_the_timeline_command_prints_one_readable_line_per_event(seed_assistant):
    result = run_cli(["timeline", "--side", "company"], seed_assistant.settings.data_dir, CORPUS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(" · company · " in line for line in lines)
    assert any(line.startswith("2018 · company · Hikvision 2020") and " · p. 6 · " in line
               for line in lines)  # fmt: skip


def test_the_timeline_command_refuses_an_unknown_side(seed_assistant):
    result = run_cli(["timeline", "--side", "press"], seed_assistant.settings.data_dir, CORPUS)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "counterpoint: error: unknown side 'press': use one of company, critic"
    )


def test_the_timeline_command_without_a_corpus_says_so(tmp_path):
    result = run_cli(["timeline"], tmp_path / "index", Path(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.startswith("counterpoint: error: no index yet")
