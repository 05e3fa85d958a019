"""`counterpoint ingest | search | ask`: thin commands over `Assistant`.

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
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ingest = commands.add_parser("ingest", help="index the corpus (or add files with --side)")
    ingest.add_argument("files", nargs="*", type=Path, help="files outside the manifest")
    ingest.add_argument("--side", choices=SIDES, help="side of the FILES given")
    ingest.add_argument("--title", help="title for a single FILE (default: from its text)")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and re-embed")

    search = commands.add_parser("search", help="retrieve passages from both sides")
    search.add_argument("question")
    search.add_argument("--k", type=int, default=None, help="passages per side (default 4)")
    search.add_argument("--side", help="only this side: company or critic")
    search.add_argument("--json", action="store_true", help="print one JSON object")

    ask = commands.add_parser("ask", help="answer with citations from both sides")
    ask.add_argument("question")
    ask.add_argument("--mode", default="extractive", choices=("extractive", "llm"))
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `counterpoint` console script."""
    args = build_parser().parse_args(argv)
    offline_environment()
    try:
        from counterpoint.assistant import Assistant

        assistant = Assistant(get_settings())
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
        if args.side or args.title:
            raise InputError("--side and --title apply to FILES; none were given")
        print(assistant.ingest(rebuild=args.rebuild).summary(), file=sys.stderr)
        return 0
    if not args.side:
        raise InputError("files outside the manifest need --side company or --side critic")
    if args.title and len(args.files) > 1:
        raise InputError("--title names one file; give one FILE with it")
    for path in args.files:
        print(assistant.ingest_file(path, args.side, args.title).summary(), file=sys.stderr)
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
    answer = assistant.ask(args.question, args.mode)
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False))
        return 0
    print(answer.answer)
    print("\nSources")
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else "no page"
        print(f"[{c.n}] {c.side} · {c.title} · {page} · chunk {c.chunk_id}")
    return 0


_COMMANDS = {"ingest": _ingest, "search": _search, "ask": _ask}
