"""`counterpoint ingest | search | ask | eval | claims | allegations | timeline | cases`: thin
commands over `Assistant`, each on one case (`--case ID`; default: the only case there is).

Errors are our own exception types, printed here once as a single line on stderr. Text from
documents reaches the terminal through `counterpoint.markup` (`for_terminal`, `terminal_json`):
no escape code, no line break but "\n".
"""

from __future__ import annotations

import argparse
import sys

from counterpoint.arguments import build_parser
from counterpoint.config import get_settings, offline_environment
from counterpoint.errors import CounterpointError
from counterpoint.markup import for_terminal, terminal_json


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `counterpoint` console script."""
    args = build_parser().parse_args(argv)
    offline_environment()
    try:
        from counterpoint.assistant import Assistant

        assistant = Assistant(get_settings(), case=args.case)
        return _COMMANDS[args.command](assistant, args)
    except CounterpointError as exc:
        print(f"counterpoint: error: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("counterpoint: interrupted", file=sys.stderr)
        return 130


def _ingest(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.errors import InputError

    if not args.files:
        if args.side or args.title:
            raise InputError("--side and --title apply to FILES; none were given")
        report = assistant.ingest(rebuild=args.rebuild, prune=args.prune, replace=args.replace)
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
        print(terminal_json(result.model_dump()))
        return 0
    for passage in result.results:
        page = f"p. {passage.page}" if passage.page else "no page"
        title = _one_line(passage.title)
        print(f"[{passage.rank}] {passage.side} · {title} · {page} · {passage.score:.2f}")
        print(f"    {for_terminal(passage.text.strip())}\n")
    return 0


def _ask(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.models import Answer

    if args.json:
        print(terminal_json(assistant.ask(args.question, args.mode).model_dump()))
        return 0
    streamed = []
    for item in assistant.ask_stream(args.question, mode=args.mode):
        if isinstance(item, Answer):
            _finish_ask(item, "".join(streamed))
        else:
            streamed.append(item)
            print(for_terminal(item), end="", flush=True)
    return 0


def _finish_ask(answer, streamed: str) -> None:  # noqa: ANN001 - a counterpoint Answer
    if answer.answer.strip() != streamed.strip():
        # The stream broke off (extractive fallback) or verification annotated sentences.
        heading = answer.notice or "Checked answer (unverified sentences marked)"
        print(f"\n\n--- {_one_line(heading)}\n\n{for_terminal(answer.answer)}")
    if answer.notice and answer.answer.strip() == streamed.strip():
        print(f"\n\nNote: {_one_line(answer.notice)}")
    print("\n\nSources")
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else "no page"
        flag = "" if c.supported else "  [NOT VERBATIM]"
        # The company's words in a critic's document are the company's, cited to the critic.
        voice = f"company, as quoted by {c.quoted_by}" if c.quoted_by else c.side
        voice = "a reader's comment" if c.voice == "reader" else voice
        tier = "may not answer" if c.tier == "closest" else "answers"
        print(
            f"[{c.n}] {_one_line(voice)} · {_one_line(c.title)} · {page} · {tier} "
            f"({c.relevance_words}) · chunk {c.chunk_id}{flag}"
        )


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
    print(terminal_json(report) if args.json else render_table(report))
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
    print(terminal_json(report) if args.json else render_benchmark(report))
    return 0


def _inspect(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.setapart import layouts, render

    assistant.ensure_index()
    found = layouts(assistant.store, assistant.store.documents(), args.doc)
    if args.json:
        print(terminal_json({"documents": [x.model_dump() for x in found]}))
    else:
        print(for_terminal(render(found)))
    return 0


def _timeline(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    timeline = assistant.timeline(args.side)
    if args.json:
        print(terminal_json(timeline.model_dump()))
        return 0
    for event in timeline.events:
        page = f"p. {event.page}" if event.page else "no page"
        when = f"{event.date} to {event.end}" if event.end else event.date
        print(_one_line(f"{when} · {event.side} · {event.title} · {page} · {event.text}"))
    return 0


def _claims(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.matrix.build import select
    from counterpoint.matrix.render import render_claims

    matrix = select(assistant.matrix(args.mode, args.rebuild), args.theme, args.relation)
    print(terminal_json(matrix.model_dump()) if args.json else for_terminal(render_claims(matrix)))
    return 0


def _allegations(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.matrix.build import select
    from counterpoint.matrix.render import render_allegations

    coverage = "unaddressed" if args.unaddressed else None
    matrix = select(assistant.matrix(args.mode, args.rebuild), args.theme, coverage=coverage)
    shown = render_allegations(matrix)
    print(terminal_json(matrix.model_dump()) if args.json else for_terminal(shown))
    return 0


def _doctor(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.doctor import diagnose, report_lines
    from counterpoint.repair import plan, repair

    settings = assistant.base_settings
    corpus, unread = _corpus_case(assistant)
    found = diagnose(settings, corpus, unread)
    print(for_terminal("\n".join(report_lines(found))))
    if found.healthy:
        return 0
    if not args.repair or found.blocked:
        lines = plan(settings, found)
        advice = "" if found.blocked else "run `counterpoint doctor --repair` to "
        print(_one_line(f"{advice}{'; '.join(lines)}"))
        return 1
    for line in repair(settings, found, assistant.notify):
        print(f"repaired: {_one_line(line)}")
    again = diagnose(settings, corpus, unread)
    left = [line for line, c in zip(report_lines(again), again.checks, strict=True) if not c.ok]
    print(for_terminal("\n".join(left)) if left else "all checks pass now")
    return 0 if again.healthy else 1


def _corpus_case(assistant):  # noqa: ANN001, ANN202 - (Case or None, why it cannot be read)
    """The configured corpus's case, or None and why its manifest cannot be read."""
    try:
        return assistant.corpus_case(), ""
    except CounterpointError as exc:
        return None, str(exc)


def _cases(assistant, args: argparse.Namespace) -> int:  # noqa: ANN001
    from counterpoint.cases import delete_case, list_cases, summarise

    client, settings = assistant.client, assistant.base_settings
    if args.delete:
        removed = delete_case(client, settings, args.delete)
        print(f"deleted the case {args.delete}: {removed.passages} passages", file=sys.stderr)
        return 0
    summaries = [summarise(client, settings, case) for case in list_cases(client, settings)]
    if args.json:
        print(terminal_json({"cases": [s.as_json() for s in summaries]}))
        return 0
    for summary in summaries:
        row = summary.as_json()
        print(
            f"{row['id']} · {_one_line(row['name'])} · {row['documents']} documents "
            f"({row['company_documents']} company, {row['critic_documents']} critic) · "
            f"{row['passages']} passages"
        )
    return 0


def _one_line(text: str) -> str:
    """Text on one terminal line: no escape code, line breaks as spaces."""
    return " ".join(for_terminal(text).split("\n"))


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
    "inspect": _inspect,
    "claims": _claims,
    "allegations": _allegations,
    "doctor": _doctor,
}
