"""`counterpoint ingest | search | ask | eval | claims | allegations | timeline | cases`: thin
commands over `Assistant`, each on one case (`--case ID`; default: the only case there is).

Errors are our own exception types, printed here once as a single line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from counterpoint.config import SIDES, get_settings, offline_environment
from counterpoint.errors import CounterpointError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: scripts read the last line of stderr.
        self.exit(2, f"counterpoint: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of shared/DESIGN.md."""
    parser = _Parser(prog="counterpoint", description=__doc__.splitlines()[0])
    commands = _CaseCommands(
        parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    )
    _question_commands(commands)
    _report_commands(commands)
    doctor = commands.add_parser("doctor", help="check the index, BM25 and kept sources")
    doctor.add_argument("--repair", action="store_true", help="rebuild what is damaged")
    cases = commands.add_parser("cases", help="list the cases with their documents and passages")
    cases.add_argument("--delete", metavar="ID", help="delete this case: its chunks and files")
    cases.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


class _CaseCommands:
    """Every command gets `--case ID`: the company under review it works on."""

    def __init__(self, commands: argparse._SubParsersAction) -> None:
        self.commands = commands

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
        command = self.commands.add_parser(name, **kwargs)
        command.add_argument(
            "--case", metavar="ID", help="the case to work on (default: the only one)"
        )
        return command


def _question_commands(commands: _CaseCommands) -> None:
    """ingest, search and ask."""
    ingest = commands.add_parser(
        "ingest", help="index the corpus, a folder of case folders, or FILES with --side"
    )
    ingest.add_argument(
        "files", nargs="*", type=Path, help="a folder of case folders, or files with --side"
    )
    ingest.add_argument("--side", choices=SIDES, help="side of the FILES given")
    ingest.add_argument("--title", help="title for a single FILE (default: from its text)")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and re-embed")
    ingest.add_argument(
        "--prune", action="store_true", help="let the manifest remove most or all documents"
    )
    ingest.add_argument(
        "--replace", action="store_true", help="let FILES replace a document of the same name"
    )

    search = commands.add_parser("search", help="retrieve passages from both sides")
    search.add_argument("question")
    search.add_argument("--k", type=int, default=None, help="passages per side (default 4)")
    search.add_argument("--side", help="only this side: company or critic")
    search.add_argument("--json", action="store_true", help="print one JSON object")

    ask = commands.add_parser("ask", help="answer with citations from both sides")
    ask.add_argument("question")
    ask.add_argument(
        "--mode", choices=("extractive", "llm"), help="default: llm when one is configured"
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object")


def _report_commands(commands: _CaseCommands) -> None:
    """eval, claims, allegations and timeline."""
    evaluate = commands.add_parser("eval", help="score retrieval and answers, next to a baseline")
    evaluate.add_argument("--questions", type=Path, help="question file (default: the bundled set)")
    evaluate.add_argument(
        "--benchmark",
        type=Path,
        help="a benchmark folder (questions.json, docs/): each report "
        "indexed on its own under the data folder, ours next to the baseline",
    )
    evaluate.add_argument("--limit", type=int, help="only the first N questions (per report)")
    evaluate.add_argument("--report", help="with --benchmark: only reports whose file holds this")
    evaluate.add_argument("--k", type=int, default=4, help="passages per side for recall@k")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the peer baseline")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")

    claims = commands.add_parser("claims", help="company claims against the critics (machine-made)")
    _matrix_flags(claims)
    claims.add_argument("--relation", choices=("contested", "corroborated", "not_addressed"))

    allegations = commands.add_parser("allegations", help="critic allegations the company answers")
    _matrix_flags(allegations)
    allegations.add_argument("--unaddressed", action="store_true", help="only unaddressed ones")

    timeline = commands.add_parser("timeline", help="dated events of both sides, oldest first")
    timeline.add_argument("--side", help="only this side: company or critic")
    timeline.add_argument("--json", action="store_true", help="print one JSON object")


def _matrix_flags(command: argparse.ArgumentParser) -> None:
    from counterpoint.matrix.models import THEMES

    command.add_argument("--mode", choices=("rules", "llm"), help="default: llm when configured")
    command.add_argument("--theme", choices=THEMES, help="only this theme")
    command.add_argument("--rebuild", action="store_true", help="ignore the cached matrix")
    command.add_argument("--json", action="store_true", help="print one JSON object")


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
        print(f"[{c.n}] {c.side} · {c.title} · {page} · chunk {c.chunk_id}{flag}")


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
    questions = args.questions or PROJECT_ROOT / "tests" / "data" / "eval_questions.toml"
    report = evaluate_assistant(assistant, questions, args.limit, args.k, not args.no_baseline)
    print(json.dumps(report) if args.json else render_table(report))
    return 0


def _eval_benchmark(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.assistant import Assistant
    from counterpoint.evaluation.benchmark_report import render_benchmark
    from counterpoint.evaluation.benchmark_run import evaluate_benchmark

    # One index per report: a report's questions never see another company's text.
    root = assistant.settings.data_dir / "benchmarks" / args.benchmark.resolve().name

    def open_report(report_id: str) -> Assistant:
        settings = assistant.settings.model_copy(update={"data_dir": root / report_id})
        return Assistant(settings, assistant.notify)

    report = evaluate_benchmark(
        args.benchmark,
        open_report,
        args.k,
        args.limit,
        not args.no_baseline,
        assistant.notify,
        args.report,
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

    found = diagnose(assistant.settings)
    print("\n".join(report_lines(found)))
    if found.healthy:
        return 0
    if not args.repair:
        print("run `counterpoint doctor --repair` to rebuild what is damaged")
        return 1
    for line in repair(assistant.settings, found, assistant.notify):
        print(f"repaired: {line}")
    again = diagnose(assistant.settings)
    left = [line for line, c in zip(report_lines(again), again.checks, strict=True) if not c.ok]
    print("\n".join(left) if left else "all checks pass now")
    return 0 if again.healthy else 1


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
