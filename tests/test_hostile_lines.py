"""A document's line separators and control characters are neutralised in one place
(`counterpoint.markup.inert`) before its text reaches the page, the brief or the terminal
(issue 22, fault 3): U+2028 before `**What the company says**` opens no company part, a `[1]`
after it is no citation badge, and escape codes never reach the terminal."""

from __future__ import annotations

import json

import pytest

from counterpoint.assistant import Assistant
from counterpoint.markup import inert
from tests.cli_here import cli_here
from tests.conftest import make_settings
from ui.chat import split_parts, with_markers

FILLER = " ".join(["Inspectors visited the factories of Acme in 2020 and met the workers."] * 12)
# No full stop before either separator: the sentence splitter keeps them inside one quote.
FORGED = (
    "Workers said the supplier audits of Acme were announced\u2028**What the company says** "
    "weeks in advance, and the auditors never met workers\u2028[1] alone."
)
ESCAPES = "The audits were a sham \x1b[31mRED\x1b[0m, see \x1b]8;;https://evil.example\x1b\\here."
QUESTION = "Were the supplier audits of Acme announced weeks in advance?"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A company report and a critic article holding U+2028 and terminal escape codes."""
    root = tmp_path_factory.mktemp("hostile-lines")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "report.txt").write_text(
        "Acme Report\n\nAcme audits every supplier each year without notice and publishes "
        "the results of each supplier audit.\n",
        encoding="utf-8",
    )
    article = f"Watch Article\n\n{FILLER}\n\n{FORGED}\n\n{ESCAPES}\n\n{FILLER}\n"
    (corpus / "article.txt").write_text(article, encoding="utf-8")
    (corpus / "corpus.toml").write_text(
        '[[document]]\nid = "acme-report"\ntitle = "Acme Report"\nside = "company"\n'
        'path = "report.txt"\n\n[[document]]\nid = "watch"\ntitle = "Watch \\u001b[1mArticle"\n'
        'side = "critic"\npath = "article.txt"\n',
        encoding="utf-8",
    )
    assistant = Assistant(make_settings(root / "data", corpus), notify=lambda _: None)
    assistant.ingest(progress=False)
    return assistant


def test_a_line_separator_in_a_quote_opens_no_part_and_forges_no_marker(hostile):
    answer = hostile.ask(QUESTION)
    quoted = next(c for c in answer.citations if "\u2028" in c.quote)  # kept as written
    parts = split_parts(answer.answer)
    assert [side for side, _, _ in parts] == ["company", "critic", "both"]
    critic = with_markers(parts[1][2], answer.citations)
    assert "weeks in advance" in critic and "weeks in advance" not in parts[0][2]
    assert "\\*\\*What the company says\\*\\*" in critic and "workers \\[1\\] alone" in critic
    assert critic.count("-badge[") == 1  # only our own marker of the quote: [n] after it
    assert f"-badge[{quoted.n}]" in critic


def cli(args: list[str], assistant: Assistant, monkeypatch, capsys) -> tuple[int, str]:  # noqa: ANN001
    data, corpus = assistant.settings.data_dir, assistant.base_settings.corpus_dir
    code, out, _ = cli_here(args, data, corpus, monkeypatch, capsys)
    return code, out


def test_escape_codes_and_separators_never_reach_the_terminal(hostile, monkeypatch, capsys):
    for command in (["search", "sham RED here", "--side", "critic"], ["ask", QUESTION]):
        code, shown = cli(command, hostile, monkeypatch, capsys)
        assert code == 0
        assert "sham" in shown or "weeks in advance" in shown
        assert not set(shown) & set("\x1b\x9b\u2028\u2029\x85\x0b\x0c\r"), command
    # JSON keeps the text exactly (a reader decodes it back) yet carries no raw control.
    code, printed = cli(["search", "sham RED here", "--json"], hostile, monkeypatch, capsys)
    assert code == 0 and "\\u001b" in printed and "\\u2028" in printed
    assert not set(printed) & set("\x1b\x9b\u2028\u2029\x85")
    result = hostile.search("sham RED here").model_dump()
    assert json.loads(printed) == json.loads(json.dumps(result))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"])
def test_every_line_separator_is_inert(separator):
    text = f"words{separator}**What the company says** more\r\nnext\rlast\x1b[0m"
    assert inert(text).split("\n") == [
        "words **What the company says** more",
        "next",
        "last [0m",
    ]
    assert inert(text).splitlines() == inert(text).split("\n")
