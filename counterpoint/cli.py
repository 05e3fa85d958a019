"""`counterpoint ingest | search | ask | eval | claims | allegations | timeline | cases`: thin
commands over `Assistant`, each on one case (`--case ID`; default: the only case there is).

Errors are our own exception types, printed here once as a single line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

from counterpoint.arguments import build_parser
from counterpoint.config import get_settings, offline_environment
from counterpoint.errors import CounterpointError


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `counterpoint` console script."""
    args = build_parser().parse_args(argv)
    offline_environment()
    try:
        from counterpoint.assistant import Assistant

        assistant = Assistant(get_settings(), case=args.case)
        return _COMMANDS[args.command](assistant, args)
    except CounterpointError as exc:
        print(f"counterpoint: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("counterpoint: interrupted", file=sys.stderr)
        return 130


def _ingest(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.errors import InputError

    if not args.files:
        if args.side or args.title or args.replace:
            raise InputError("--side, --title and --replace apply to FILES; none were given")
        report = assistant.ingest(rebuild=args.rebuild, prune=args.prune)
        print(report.summary(), file=sys.stderr)
        return 0
    if len(args.files) == 1 and args.files[0].is_dir() and not (args.side or args.title):
        report = assistant.ingest_portfolio(args.files[0], prune=args.prune)
        print(report.summary(), file=sys.stderr)
        return 1 if report.refused else 0
    if not args.side:
        raise InputError("files outside the manifest need --side company or --side critic")
    if args.title and len(args.files) > 1:
        raise InputError("--title names one file; give one FILE with it")
    if args.case and _is_new(assistant, args.case):
        assistant.create_case(args.case, args.case)
        print(f"created the case {args.case}", file=sys.stderr)
    for path in args.files:
        report = assistant.ingest_file(path, args.side, args.title, args.replace)
        print(report.summary(), file=sys.stderr)
    return 0


def _search(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.errors import InputError

    if args.k is not None and not 1 <= args.k <= 50:
        raise InputError("--k must be between 1 and 50")
    result = assistant.search(args.question, args.k, args.side)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False))
        return 0
    for passage in result.results:
        page = f"p. {passage.page}" if passage.page else "no page"
        print(f"[{passage.rank}] {passage.side} · {passage.title} · {page} · {passage.score:.2f}")
        print(f"    {passage.text.strip()}\n")
    return 0


def _ask(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.models import Answer

    if args.json:
        print(json.dumps(assistant.ask(args.question, args.mode).model_dump(), ensure_ascii=False))
        return 0
    streamed = []
    for item in assistant.ask_stream(args.question, mode=args.mode):
        if isinstance(item, Answer):
            _finish_ask(item, "".join(streamed))
        else:
            streamed.append(item)
            print(item, end="", flush=True)
    return 0


def _finish_ask(answer, streamed: str) -> None:  # noqa: ANN001 - a counterpoint Answer
    if answer.answer.strip() != streamed.strip():
        # The stream broke off (extractive fallback) or verification annotated sentences.
        heading = answer.notice or "Checked answer (unverified sentences marked)"
        print(f"\n\n--- {heading}\n\n{answer.answer}")
    if answer.notice and answer.answer.strip() == streamed.strip():
        print(f"\n\nNote: {answer.notice}")
    print("\n\nSources")
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else "no page"
        flag = "" if c.supported else "  [UNVERIFIED]"
        # The company's words in a critic's document are the company's, cited to the critic.
        voice = f"company, as quoted by {c.quoted_by}" if c.quoted_by else c.side
        print(f"[{c.n}] {voice} · {c.title} · {page} · chunk {c.chunk_id}{flag}")


def _eval(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.config import PROJECT_ROOT
    from counterpoint.errors import InputError
    from counterpoint.evaluation.report import render_table
    from counterpoint.evaluation.run import evaluate_assistant

    if (args.limit is not None and args.limit < 1) or not 1 <= args.k <= 50:
        raise InputError("--limit must be at least 1 and --k between 1 and 50")
    if args.benchmark:
        if args.questions:
            raise InputError("--questions and --benchmark exclude each other")
        return _eval_benchmark(assistant, args)
    if args.embedder or args.reranker:
        raise InputError("--embedder and --reranker apply to --benchmark runs")
    questions = args.questions or PROJECT_ROOT / "tests" / "data" / "eval_questions.toml"
    report = evaluate_assistant(assistant, questions, args.limit, args.k, not args.no_baseline)
    print(json.dumps(report) if args.json else render_table(report))
    return 0


def _eval_benchmark(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.assistant import Assistant
    from counterpoint.evaluation.benchmark_report import render_benchmark
    from counterpoint.evaluation.benchmark_run import benchmark_settings, evaluate_benchmark

    # One case per report, in the benchmark's own data folder (one per embedder): a report's
    # questions never see another company's text, and `counterpoint cases` there lists them.
    base = benchmark_settings(assistant.base_settings, args.benchmark, args.embedder, args.reranker)
    workspace = Assistant(base, assistant.notify)

    def open_report(report_id: str) -> Assistant:
        if report_id in {case.id for case in workspace.cases()}:
            return workspace.for_case(report_id)
        fresh = workspace.for_case(None)
        fresh.create_case(report_id, report_id)
        return fresh

    report = evaluate_benchmark(
        args.benchmark,
        open_report,
        args.k,
        args.limit,
        not args.no_baseline,
        assistant.notify,
        args.report,
        base,
    )
    print(json.dumps(report) if args.json else render_benchmark(report))
    return 0


def _timeline(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    timeline = assistant.timeline(args.side)
    if args.json:
        print(json.dumps(timeline.model_dump(), ensure_ascii=False))
        return 0
    for event in timeline.events:
        page = f"p. {event.page}" if event.page else "no page"
        when = f"{event.date} to {event.end}" if event.end else event.date
        print(f"{when} · {event.side} · {event.title} · {page} · {event.text}")
    return 0


def _claims(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.matrix.build import select
    from counterpoint.matrix.render import render_claims

    matrix = select(assistant.matrix(args.mode, args.rebuild), args.theme, args.relation)
    text = json.dumps(matrix.model_dump(), ensure_ascii=False) if args.json else None
    print(text or render_claims(matrix))
    return 0


def _allegations(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.matrix.build import select
    from counterpoint.matrix.render import render_allegations

    coverage = "unaddressed" if args.unaddressed else None
    matrix = select(assistant.matrix(args.mode, args.rebuild), args.theme, coverage=coverage)
    text = json.dumps(matrix.model_dump(), ensure_ascii=False) if args.json else None
    print(text or render_allegations(matrix))
    return 0


def _doctor(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.doctor import diagnose, repair, report_lines

    settings = _doctor_settings(assistant)
    found = diagnose(settings)
    print("\n".join(report_lines(found)))
    if found.healthy:
        return 0
    if not args.repair:
        print("run `counterpoint doctor --repair` to rebuild what is damaged")
        return 1
    for line in repair(settings, found, assistant.notify):
        print(f"repaired: {line}")
    again = diagnose(settings)
    left = [line for line, c in zip(report_lines(again), again.checks, strict=True) if not c.ok]
    print("\n".join(left) if left else "all checks pass now")
    return 0 if again.healthy else 1


def _doctor_settings(assistant):  # noqa: ANN001, ANN202 - Settings
    """The case's settings; with a store too damaged to list its cases, those of the case asked
    for, else of the corpus's case (the doctor must run exactly when the store cannot)."""
    from counterpoint.cases import Case, bind
    from counterpoint.errors import StoreError

    try:
        return assistant.settings
    except StoreError:
        case = assistant.corpus_case()
        if assistant.requested_case and (case is None or case.id != assistant.requested_case):
            case = Case(assistant.requested_case, assistant.requested_case)
        if case is None:
            raise
        return bind(assistant.base_settings, case)


def _cases(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.cases import delete_case, list_cases, summarise

    client, settings = assistant.client, assistant.base_settings
    if args.delete:
        removed = delete_case(client, settings, args.delete)
        print(f"deleted the case {args.delete}: {removed.passages} passages", file=sys.stderr)
        return 0
    summaries = [summarise(client, settings, case) for case in list_cases(client, settings)]
    if args.json:
        print(json.dumps({"cases": [s.as_json() for s in summaries]}, ensure_ascii=False))
        return 0
    for summary in summaries:
        row = summary.as_json()
        print(
            f"{row['id']} · {row['name']} · {row['documents']} documents "
            f"({row['company_documents']} company, {row['critic_documents']} critic) · "
            f"{row['passages']} passages"
        )
    return 0


def _is_new(assistant, case_id: str) -> bool:  # noqa: ANN001
    """No case of that id is stored, nor is it the case of the configured corpus."""
    from counterpoint.cases import find_case

    corpus = assistant.corpus_case()
    stored = find_case(assistant.client, assistant.base_settings, case_id)
    return stored is None and (corpus is None or corpus.id != case_id)


_COMMANDS = {
    "cases": _cases,
    "ingest": _ingest,
    "search": _search,
    "ask": _ask,
    "eval": _eval,
    "timeline": _timeline,
    "claims": _claims,
    "allegations": _allegations,
    "doctor": _doctor,
}
