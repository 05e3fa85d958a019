"""The chat page, driven by Streamlit's own test harness: one turn, answered from both sides."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_a_chat_turn_shows_the_three_part_answer_with_citations(seed_assistant, monkeypatch):
    monkeypatch.setenv("COUNTERPOINT_DATA_DIR", str(seed_assistant.settings.data_dir))
    monkeypatch.setenv("CHROMA_HOST", "")
    from counterpoint.config import get_settings

    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    at.chat_input[0].set_value("Does Hikvision respect international human rights?").run()
    assert not at.exception
    messages = at.chat_message
    assert [m.name for m in messages] == ["user", "assistant"]
    answer = " ".join(md.value for md in messages[1].markdown)
    assert "What the company says" in answer and "What critics say" in answer
    assert "Where they meet" in answer
    assert any("CRITIC" in e.label for e in messages[1].expander)
    assert any("COMPANY" in e.label for e in messages[1].expander)


def test_an_empty_index_folder_is_built_before_the_first_question(tmp_path, monkeypatch):
    from counterpoint.config import get_settings
    from tests.test_ingest import small_corpus

    monkeypatch.setenv("COUNTERPOINT_DATA_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("COUNTERPOINT_CORPUS_DIR", str(small_corpus(tmp_path / "c")))
    monkeypatch.setenv("CHROMA_HOST", "")
    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Are suppliers audited?").run()
    assert not at.exception and not at.error
    assert "audit" in " ".join(md.value for md in at.chat_message[1].markdown)
