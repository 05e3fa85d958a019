"""The arguments of `counterpoint`: one subcommand per DESIGN.md command, each with `--case ID`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from counterpoint.config import SIDES


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
        "--replace",
        action="store_true",
        help="let FILES, or corpus.toml entries, replace a document of the same name or id",
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
    evaluate.add_argument(
        "--embedder", help="with --benchmark: this embedder instead of COUNTERPOINT_EMBED_MODEL"
    )
    evaluate.add_argument(
        "--reranker",
        help="with --benchmark: this cross-encoder (or 'none') instead of COUNTERPOINT_RERANKER",
    )
    evaluate.add_argument("--k", type=int, default=4, help="passages per side for recall@k")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the peer baseline")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")

    claims = commands.add_parser("claims", help="company claims against the critics (machine-made)")
    _matrix_flags(claims)
    claims.add_argument("--relation", choices=("contested", "corroborated", "not_addressed"))

    allegations = commands.add_parser("allegations", help="critic allegations the company answers")
    _matrix_flags(allegations)
    allegations.add_argument("--unaddressed", action="store_true", help="only unaddressed ones")

    inspect = commands.add_parser(
        "inspect", help="what ingest set apart in each document (page furniture), and why"
    )
    inspect.add_argument("doc", nargs="?", help="one document's id (default: every document)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    timeline = commands.add_parser("timeline", help="dated events of both sides, oldest first")
    timeline.add_argument("--side", help="only this side: company or critic")
    timeline.add_argument("--json", action="store_true", help="print one JSON object")


def _matrix_flags(command: argparse.ArgumentParser) -> None:
    from counterpoint.matrix.models import THEMES

    command.add_argument("--mode", choices=("rules", "llm"), help="default: llm when configured")
    command.add_argument("--theme", choices=THEMES, help="only this theme")
    command.add_argument("--rebuild", action="store_true", help="ignore the cached matrix")
    command.add_argument("--json", action="store_true", help="print one JSON object")
