"""The figures of `counterpoint eval`, computed on small hand-made examples, and the command
itself run as a user runs it on a tiny corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from counterpoint.evaluation.figures import (
    Trial,
    abstention,
    answer_figures,
    first_hit,
    lead_in_points,
    mean_reciprocal_rank,
    percentile,
    recall_at_k,
    retrieval_figures,
    retrieval_trials,
)
from counterpoint.evaluation.report import render_table
from counterpoint.models import Answer, Citation, SideFindings
from tests.test_ingest import small_corpus


def test_first_hit_is_the_rank_of_the_first_passage_holding_the_evidence():
    passages = ["nothing here", "We audit our  suppliers\nevery year.", "we audit our suppliers"]
    assert first_hit(passages, "audit our suppliers every year") == 2
    assert first_hit(passages, "never said") is None


def test_recall_at_k_counts_evidence_found_within_the_first_k_passages():
    ranks = [1, 2, 5, None]
    assert recall_at_k(ranks, 1) == 0.25
    assert recall_at_k(ranks, 2) == 0.5
    assert recall_at_k(ranks, 5) == 0.75
    assert recall_at_k([], 3) == 0.0


def test_mrr_averages_reciprocal_ranks_and_counts_a_miss_as_zero():
    assert mean_reciprocal_rank([1, 2, None, 4]) == pytest.approx((1 + 0.5 + 0 + 0.25) / 4)
    assert mean_reciprocal_rank([None, None]) == 0.0


def test_evidence_past_the_word_budget_counts_for_recall_at_k_but_not_within_budget():
    filler = " ".join(["word"] * 299)
    passages = {"company": [filler, "the gold evidence sits here"], "critic": ["gold is here"]}
    questions = [
        {"id": "a", "question": "?", "evidence": [{"side": "company", "text": "gold evidence"}]},
        {"id": "b", "question": "?", "evidence": [{"side": "critic", "text": "gold is here"}]},
    ]
    trials, timings = retrieval_trials(questions, lambda question, side: passages[side])
    assert [(t.rank, t.in_budget) for t in trials] == [(2, False), (1, True)]
    assert len(timings) == 2


def test_retrieval_figures_are_given_per_side_and_overall():
    trials = [
        Trial("q1", "company", 1, True, (100, 100)),
        Trial("q2", "company", None, False, (100, 100)),
        Trial("q3", "critic", 2, True, (50, 50)),
    ]
    figures = retrieval_figures(trials, k=1)
    assert figures["company"] == {
        "recall_at_k": 0.5,
        "recall_in_budget": 0.5,
        "mrr": 0.5,
        "words_at_k": 100.0,
        "n": 2,
    }
    assert figures["critic"]["recall_at_k"] == 0.0 and figures["critic"]["mrr"] == 0.5
    assert figures["overall"]["n"] == 3
    assert figures["overall"]["mrr"] == pytest.approx(round(1.5 / 3, 4))


def test_lead_over_the_baseline_is_in_percentage_points():
    ours = {"overall": {"recall_at_k": 0.75, "mrr": 0.5, "words_at_k": 400.0, "n": 8}}
    theirs = {"overall": {"recall_at_k": 0.5, "mrr": 0.6, "words_at_k": 2800.0, "n": 8}}
    assert lead_in_points(ours, theirs) == {"overall": {"recall_at_k": 25.0, "mrr": -10.0}}


def test_percentile_is_the_nearest_ranked_value():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) in (50.0, 51.0)
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_abstention_precision_and_recall_treat_unanswerable_questions_as_positives():
    kinds = ["unanswerable", "unanswerable", "company", "critic"]
    figures = abstention(kinds, [True, False, True, False])
    assert (figures["precision"], figures["recall"]) == (0.5, 0.5)
    assert abstention(["company"], [False])["precision"] == 0.0


def answer(found: dict[str, bool], quotes: dict[str, str], none: bool = False) -> Answer:
    """A hand-made answer quoting `quotes` (side -> quote) from chunks named after the side."""
    citations = [
        Citation(
            n=n,
            side=side,
            doc_id=side,
            title=side,
            page=None,
            chunk_id=f"{side}-chunk",
            quote=quote,
            supported=True,
        )
        for n, (side, quote) in enumerate(quotes.items(), 1)
    ]
    sides = {side: SideFindings(found=f, citations=[]) for side, f in found.items()}
    return Answer(
        question="?",
        mode="extractive",
        answer="",
        sides=sides,
        citations=citations,
        insufficient_evidence=none,
        timings_ms={},
    )


def test_answer_figures_check_facts_by_side_quotes_against_the_stored_chunk_and_both_sides():
    questions = [
        {
            "kind": "contested",
            "evidence": [
                {"side": "company", "text": "x", "facts": ["10.04%", "RMB6.38 billion"]},
                {"side": "critic", "text": "y", "facts": ["177th out of 180"]},
            ],
        },
        {"kind": "contested", "evidence": []},
        {"kind": "unanswerable"},
    ]
    answers = [
        # The critic's fact is quoted, but from the company side: it does not count.
        answer(
            {"company": True, "critic": True},
            {
                "company": "R&D took 10.04 % of revenue; press freedom 177th out of 180",
                "critic": "z",
            },
        ),
        answer({"company": True, "critic": False}, {"company": "a quote"}),
        answer({"company": False, "critic": False}, {}, none=True),
    ]
    stored = {
        "company-chunk": "Of revenue, R&D took 10.04 % of revenue; press freedom 177th out of 180"
    }
    figures = answer_figures(questions, answers, stored)
    assert figures["facts_present"]["company"] == {"share": 0.5, "n": 2}
    assert figures["facts_present"]["critic"] == {"share": 0.0, "n": 1}
    assert figures["quotes_verbatim"]["overall"] == {"share": round(1 / 3, 4), "n": 3}
    assert figures["contested_both_sides"] == {"share": 0.5, "n": 2}
    assert figures["abstention"]["precision"] == 1.0 and figures["abstention"]["recall"] == 1.0


def test_table_shows_our_figures_next_to_the_baseline_and_the_lead():
    trials = [Trial("q1", "company", 1, True, (100,)), Trial("q2", "critic", None, False, (80,))]
    swapped = [Trial("q1", "company", None, False, (700,)), Trial("q2", "critic", 1, True, (700,))]
    ours, theirs = retrieval_figures(trials, 4), retrieval_figures(swapped, 4)
    report = {
        "questions": 2,
        "evidence": 2,
        "k": 4,
        "budget_words": 300,
        "depth": 10,
        "retrieval": {
            "ours": ours,
            "baseline": theirs,
            "lead_points": lead_in_points(ours, theirs),
        },
        "answers": answer_figures([], [], {}),
        "latency_ms": {"ask": {"median": 12.0, "p95": 30.0, "n": 2}},
    }
    table = render_table(report)
    for label in ("recall@4", "recall@300 words", "MRR", "expected facts quoted", "abstention"):
        assert label in table
    assert "+100.0" in table and "-100.0" in table


def test_eval_json_on_a_subset_prints_every_figure(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    questions = tmp_path / "questions.toml"
    questions.write_text(
        '[[question]]\nid = "s1"\nquestion = "How often are suppliers checked?"\nkind = "company"\n'
        '[[question.evidence]]\nside = "company"\ntext = "We audit our suppliers every year"\n'
        'facts = ["every year"]\n\n'
        '[[question]]\nid = "s2"\nquestion = "What share of suppliers is audited?"\n'
        'kind = "critic"\n[[question.evidence]]\nside = "critic"\n'
        'text = "The audits cover only a tenth of suppliers."\n\n'
        '[[question]]\nid = "s3"\nquestion = "What is the share price?"\nkind = "unanswerable"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "COUNTERPOINT_DATA_DIR": str(tmp_path / "index"),
        "COUNTERPOINT_CORPUS_DIR": str(corpus),
        "CHROMA_HOST": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "counterpoint", "eval", "--json", "--limit", "2"]
        + ["--questions", str(questions)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 2 and report["evidence"] == 2
    assert set(report["retrieval"]) == {"ours", "baseline", "lead_points"}
    for pipeline in ("ours", "baseline"):
        for side in ("company", "critic", "overall"):
            figures = report["retrieval"][pipeline][side]
            assert set(figures) == {"recall_at_k", "recall_in_budget", "mrr", "words_at_k", "n"}
    assert report["retrieval"]["ours"]["overall"]["recall_at_k"] == 1.0
    assert set(report["answers"]) == {
        "facts_present",
        "quotes_verbatim",
        "contested_both_sides",
        "abstention",
    }
    assert set(report["latency_ms"]) == {"retrieve_ours", "retrieve_baseline", "ask"}
    assert set(report["latency_ms"]["ask"]) == {"median", "p95", "n"}


def test_eval_with_a_missing_question_file_is_one_clear_line(tmp_path):
    env = {**os.environ, "COUNTERPOINT_DATA_DIR": str(tmp_path), "CHROMA_HOST": ""}
    missing = tmp_path / "nope.toml"
    result = subprocess.run(
        [sys.executable, "-m", "counterpoint", "eval", "--questions", str(missing)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"counterpoint: error: cannot read the questions in {missing}: "
        f"[Errno 2] No such file or directory: '{missing}'"
    ]


# BM25 saved in the case's folder (counterpoint/retrieval.py), whose cost bench/latency.py measures.


def test_bm25_is_saved_once_and_a_fresh_process_loads_it_without_reading_every_chunk(
    tmp_path, monkeypatch
):
    from counterpoint.assistant import Assistant
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "index", small_corpus(tmp_path / "corpus"))
    first = Assistant(settings, notify=lambda m: None)
    first.ingest(progress=False)
    before = first.search("supplier audits", k=2).results
    saved = sorted(p.name.split("-")[0] for p in (first.settings.case_dir / "bm25").iterdir())
    assert saved == ["company", "critic"]

    fresh = Assistant(settings, notify=lambda m: None)
    reads = []
    monkeypatch.setattr(fresh.store, "nodes", lambda side=None: reads.append(side) or [])
    after = fresh.search("supplier audits", k=2).results
    assert reads == []
    assert [(p.chunk_id, p.score) for p in after] == [(p.chunk_id, p.score) for p in before]


def test_an_ingest_that_changes_a_side_replaces_its_saved_bm25(tmp_path):
    from counterpoint.assistant import Assistant
    from tests.conftest import make_settings

    corpus = small_corpus(tmp_path / "corpus")
    assistant = Assistant(make_settings(tmp_path / "index", corpus), notify=lambda m: None)
    assistant.ingest(progress=False)
    assistant.search("audits")
    folder = assistant.settings.case_dir / "bm25"
    old = {p.name for p in folder.iterdir()}
    (corpus / "article.txt").write_text(
        "Critics Respond\n\nInspectors found forced overtime in the packaging plant.\n",
        encoding="utf-8",
    )
    assistant.ingest(progress=False)
    found = assistant.search("forced overtime", side="critic").results
    assert "forced overtime" in found[0].text
    new = {p.name for p in folder.iterdir()}
    assert len(new) == 2 and len(new & old) == 1  # the company's copy is still valid
