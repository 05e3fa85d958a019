"""A question the embedder cannot read gets a hint saying so, not only "neither side addresses
this" (issue 14, fault 8)."""

from __future__ import annotations

from tests.conftest import CORPUS, run_cli

CHINESE = "海康威视是否尊重国际人权法？"
ARABIC = "هل تحترم الشركة القانون الدولي لحقوق الإنسان؟"


def test_a_question_in_chinese_or_arabic_script_gets_a_hint_why(seed_assistant):
    for question in (CHINESE, ARABIC):
        answer = seed_assistant.ask(question)
        assert "no words in Latin script" in answer.notice, answer.notice
        assert "reads English only" in answer.notice


def test_an_english_question_gets_no_such_hint(seed_assistant):
    answer = seed_assistant.ask("Does Hikvision respect international human rights law?")
    assert "Latin script" not in answer.notice


def test_the_command_line_prints_the_hint(seed_assistant):
    result = run_cli(["ask", CHINESE], seed_assistant.settings.data_dir, CORPUS)
    assert result.returncode == 0, result.stderr
    assert "Note: The question has no words in Latin script" in result.stdout
