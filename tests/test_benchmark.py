"""`counterpoint eval --benchmark`: the benchmarks' matching rule, the figures it reads from
ranked passages and answers, and the command run on a small benchmark-shaped folder.

Everything here is synthetic: the real benchmarks (../shared/benchmarks) are non-commercial and
never copied into the repository, so the fixtures below only share their shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counterpoint.errors import InputError
from counterpoint.evaluation.benchmark import (
    BenchQuestion,
    Evidence,
    canonical,
    hits,
    load_benchmark,
    numbers,
)
from counterpoint.evaluation.benchmark_scores import (
    Ranked,
    answer_figures,
    evidence_trials,
    question_rank,
    retrieval_figures,
)
from counterpoint.models import Answer, Citation, SideFindings
from tests.conftest import run_cli

FILLER = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. "

BRINDLEWOOD = [
    "Brindlewood Mills Annual Report 2031\n\nA letter from the chair.\n" + FILLER * 12,
    "Climate\n\nBrindlewood Mills will reach net zero across its own operations by 2045, "
    "validated by an independent panel of climate scientists.\n" + FILLER * 10,
    "Emissions table\nScope 1\n1,204\nScope 2\n388\nScope 3\n47,310\n" + FILLER * 6,
]
CORVANE = [
    "Corvane Shipping Report 2031\n\n" + FILLER * 12,
    "Our fleet\n\nCorvane Shipping will reach net zero by 2050 through ammonia engines on "
    "every new vessel it orders.\n" + FILLER * 10,
]


def write_benchmark(folder: Path) -> Path:
    """A benchmark folder shaped like ../shared/benchmarks: two reports, questions with
    evidence and pages, and one question with no evidence whose gold says so."""
    (folder / "docs").mkdir(parents=True)
    for name, pages in (("brindlewood_2031.txt", BRINDLEWOOD), ("corvane_2031.txt", CORVANE)):
        (folder / "docs" / name).write_text("\f".join(pages), encoding="utf-8")
    questions = [
        _question(
            "b1",
            "When will Brindlewood reach net zero?",
            "brindlewood_2031.txt",
            ["will reach net zero across its own operations by 2045"],
            2,
            "By 2045, for its own operations.",
        ),
        _question(
            "b2",
            "What did Brindlewood emit beyond its own plants?",
            "brindlewood_2031.txt",
            ["Scope 3 47,310"],
            3,
            "Scope 3: 47,310 tonnes.",
        ),
        _question(
            "c1",
            "How will Corvane reach net zero?",
            "corvane_2031.txt",
            ["through ammonia engines on every new vessel it orders"],
            2,
            "Ammonia engines, net zero by 2050.",
        ),
    ]
    (folder / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    unmarked = [
        {
            "id": "c9",
            "question": "What is Corvane's carbon intensity per million USD?",
            "doc": "corvane_2031.txt",
            "gold_answer": "Not available in the retrieved information.",
        },
        {
            "id": "c8",
            "question": "What is Corvane's revenue?",
            "doc": "corvane_2031.txt",
            "gold_answer": "Some figure the annotators found elsewhere.",
        },
    ]
    (folder / "no_evidence.json").write_text(json.dumps(unmarked), encoding="utf-8")
    info = [
        {"doc": "brindlewood_2031.txt", "company": "Brindlewood Mills"},
        {"doc": "corvane_2031.txt", "company": "Corvane Shipping"},
    ]
    (folder / "docs_info.json").write_text(json.dumps(info), encoding="utf-8")
    return folder


def _question(qid: str, text: str, doc: str, evidence: list[str], page: int, gold: str) -> dict:
    meta = [{"page_in_doc": page} for _ in evidence]
    return {"id": qid, "question": text, "doc": doc, "evidence": evidence,
            "evidence_meta": meta, "gold_answer": gold, "question_type": "PE"}  # fmt: skip


# --- the matching rule -------------------------------------------------------------------------


def test_canonical_form_applies_nfkc_drops_soft_hyphens_and_keeps_letters_and_digits():
    assert canonical("Signi\ufb01cant net\u00adzero CO\u2082, 37.4 %") == "significantnetzeroco2374"
    assert canonical("Émissions") == "émissions"


def test_a_text_hits_evidence_it_contains_whatever_the_spacing_and_hyphenation():
    evidence = Evidence("net-zero across its own operations by 2045", 2)
    assert hits("We will reach net zero across\nits own opera- tions by 2045.", evidence)
    assert not hits("net zero across its own operations by 2050", evidence)


def test_long_evidence_is_hit_by_thirty_consecutive_words_of_the_retrieved_text():
    words = [f"w{i}" for i in range(60)]
    evidence = Evidence(" ".join(words), 1)
    assert hits("intro " + " ".join(words[10:40]) + " outro", evidence)
    assert not hits(" ".join(words[10:39]), evidence)  # 29 words are not enough
    short = Evidence(" ".join(words[:20]), 1)
    assert not hits(" ".join(words[:10]), short)  # under 30 words: containment only


def test_numbers_drop_thousands_separators_but_keep_decimals():
    assert numbers("Scope 3: 47,310 t; down 37.4% since 2019") == {"47310", "37.4", "3", "2019"}


# --- a benchmark folder ------------------------------------------------------------------------


def test_a_benchmark_folder_is_read_with_unanswerable_questions_from_its_gold_answers(tmp_path):
    bench = load_benchmark(write_benchmark(tmp_path / "bench"))
    assert bench.name == "bench" and bench.docs == ["brindlewood_2031.txt", "corvane_2031.txt"]
    kinds = {q.id: q.kind for q in bench.questions}
    # c8 has no evidence but a real answer: nothing to score, left out.
    assert kinds == {
        "b1": "answerable",
        "b2": "answerable",
        "c1": "answerable",
        "c9": "unanswerable",
    }
    b2 = next(q for q in bench.questions if q.id == "b2")
    assert b2.facts == ("47310",) and b2.evidence[0].page == 3  # "3" is no fact: any text has it
    assert bench.companies["corvane_2031.txt"] == "Corvane Shipping"


def test_a_benchmark_without_questions_json_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="cannot read the benchmark file"):
        load_benchmark(tmp_path)


# --- figures from ranked passages --------------------------------------------------------------


def _bq(evidence: list[Evidence]) -> BenchQuestion:
    return BenchQuestion("q", "?", "doc.txt", tuple(evidence))


def test_budgets_cut_the_joined_ranked_text_and_pages_count_as_a_second_figure():
    filler = Ranked(" ".join(["filler"] * 400), (1,))
    gold = Ranked("the gold evidence sits here", (7,))
    question = _bq([Evidence("gold evidence sits", 7), Evidence("never retrieved", 9)])
    trials = evidence_trials(question, [filler, gold])
    assert [t.rank for t in trials] == [2, None]
    assert trials[0].in_budget == (False, True, True)  # 400 words come first
    assert trials[0].page_in_budget == (False, True, True)
    assert question_rank(question, [filler, gold]) == 2
    figures = retrieval_figures(trials, [2], k=1)
    assert figures["recall_at_1"] == 0.0 and figures["recall_at_10"] == 0.5
    assert figures["recall_300w"] == 0.0 and figures["recall_1000w"] == 0.5
    assert figures["mrr_at_10"] == 0.5 and figures["words_at_1"] == 400.0


# --- figures from answers ----------------------------------------------------------------------


def _answer(quotes: list[str], abstained: bool) -> Answer:
    citations = [
        Citation(n=n, side="company", doc_id="d", title="d", page=1, chunk_id="c", quote=q,
                 supported=True)
        for n, q in enumerate(quotes, 1)
    ]  # fmt: skip
    sides = {s: SideFindings(found=bool(quotes), citations=[]) for s in ("company", "critic")}
    return Answer(question="?", mode="extractive", answer="", sides=sides, citations=citations,
                  insufficient_evidence=abstained, timings_ms={})  # fmt: skip


def test_answers_are_scored_on_gold_figures_quoted_gold_evidence_quoted_and_abstention():
    evidence = Evidence("Scope 3 emissions were 47,310 tonnes in 2031, down from 51,000.", 3)
    answerable = BenchQuestion("a", "Scope 3?", "d", (evidence,), facts=("47310", "51000"))
    unanswerable = BenchQuestion("u", "Intensity?", "d", (), kind="unanswerable")
    answers = [
        _answer(["Scope 3 emissions were 47,310 tonnes in 2031"], abstained=False),
        _answer([], abstained=True),
    ]
    figures = answer_figures([answerable, unanswerable], answers)
    assert figures["facts_quoted"] == {"share": 0.5, "n": 2}
    assert figures["evidence_quoted"] == {"share": 1.0, "n": 1}
    assert figures["abstention"]["precision"] == 1.0 and figures["abstention"]["recall"] == 1.0
    wrong = answer_figures([answerable, unanswerable], [answers[1], answers[0]])
    assert (
        wrong["abstention"]["precision"] == 0.0 and wrong["abstention"]["answerable_abstained"] == 1
    )


# --- the command -------------------------------------------------------------------------------


def test_eval_benchmark_indexes_each_report_apart_and_a_rerun_embeds_nothing(tmp_path):
    bench = write_benchmark(tmp_path / "tinybench")
    data = tmp_path / "data"
    args = ["eval", "--benchmark", str(bench), "--json"]
    first = run_cli(args, data, tmp_path / "no-corpus")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["benchmark"] == "tinybench" and report["reports"] == 2
    ours, baseline = report["retrieval"]["ours"], report["retrieval"]["baseline"]
    assert ours["evidence"] == 3 and ours["questions"] == 3
    assert ours["recall_3000w"] == 1.0 and baseline["recall_3000w"] == 1.0
    assert set(report["by_report"]) == {"brindlewood_2031.txt", "corvane_2031.txt"}
    assert report["answers"]["abstention"]["unanswerable"] == 1
    listed = run_cli(["cases", "--json"], data / "benchmarks" / "tinybench", tmp_path / "none")
    cases = [case["id"] for case in json.loads(listed.stdout)["cases"]]
    assert cases == ["brindlewood-2031", "corvane-2031"]  # one case per report

    assert all(i["chunks_written"] > 0 and i["baseline_built"] for i in report["ingest"].values())

    again = run_cli(args, data, tmp_path / "no-corpus")
    assert again.returncode == 0, again.stderr
    rerun = json.loads(again.stdout)
    assert all(
        i["chunks_written"] == 0 and not i["baseline_built"] for i in rerun["ingest"].values()
    )
    assert rerun["retrieval"] == report["retrieval"]


def test_a_report_never_answers_another_reports_question(tmp_path):
    from counterpoint.assistant import Assistant
    from counterpoint.evaluation.benchmark_run import ours_ranked, report_id
    from tests.conftest import make_settings

    bench = load_benchmark(write_benchmark(tmp_path / "bench"))
    settings = make_settings(tmp_path / "data", tmp_path / "no-corpus")
    reports = {}
    for doc in bench.docs:  # every report indexed first, each in its own case of one store
        reports[doc] = Assistant(settings, notify=lambda m: None)
        reports[doc].create_case(bench.companies[doc], report_id(doc))
        reports[doc].ingest_file(bench.doc_path(doc), "company", bench.companies[doc])
    for doc, assistant in reports.items():
        for question in bench.questions:
            text = " ".join(p.text for p in ours_ranked(assistant, question))
            other = "Corvane" if doc.startswith("brindlewood") else "Brindlewood"
            assert other not in text
