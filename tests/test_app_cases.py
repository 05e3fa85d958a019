"""The page with several cases: a case picker that remembers the last case, a conversation
(and so a brief) per case that never quotes another case, and a new case made on the Corpus
tab and uploaded into."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from counterpoint.assistant import Assistant
from tests.conftest import make_settings
from tests.test_app import APP, use_index
from tests.test_cases import CASES, QUESTION, case_corpus, foreign
from ui.cases import PICKER
from ui.sidebar import build_brief


@pytest.fixture
def two_cases(tmp_path, monkeypatch):  # noqa: ANN201 - the data folder
    data = tmp_path / "data"
    for case_id in CASES:
        corpus = case_corpus(tmp_path / case_id, case_id)
        Assistant(make_settings(data, corpus), notify=lambda _: None).ingest(progress=False)
    use_index(monkeypatch, data)
    monkeypatch.setenv("COUNTERPOINT_CORPUS_DIR", str(tmp_path / "no-corpus"))
    return data


def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    return at


def answer_text(at: AppTest) -> str:
    return " ".join(md.value for message in at.chat_message for md in message.markdown)


def test_each_case_has_its_own_conversation_and_brief(two_cases):
    at = page()
    assert at.selectbox(key=PICKER).options == ["Acme Corp (acme)", "Bolt Industries (bolt)"]
    at.selectbox(key=PICKER).set_value("bolt").run()
    at.chat_input[0].set_value(QUESTION).run()
    bolt_turns = list(at.session_state["turns"])
    assert len(bolt_turns) == 1 and not foreign(answer_text(at), "bolt")

    at.selectbox(key=PICKER).set_value("acme").run()
    assert not at.session_state["turns"] and not at.chat_message  # a fresh conversation
    at.chat_input[0].set_value(QUESTION).run()
    text = answer_text(at)
    assert "Acme" in text and not foreign(text, "acme")

    at.selectbox(key=PICKER).set_value("bolt").run()
    assert [t.question for t in at.session_state["turns"]] == [t.question for t in bolt_turns]
    bolt = Assistant(make_settings(two_cases), case="bolt")
    from counterpoint.brief import to_markdown

    brief = to_markdown(build_brief(bolt, at.session_state["turns"]))
    assert "Bolt" in brief and not foreign(brief, "bolt")


def test_the_picker_opens_on_the_last_case_chosen(two_cases):
    first = page()
    assert first.selectbox(key=PICKER).value == "acme"
    first.selectbox(key=PICKER).set_value("bolt").run()
    assert page().selectbox(key=PICKER).value == "bolt"  # a new session, the same case


def test_a_new_case_is_created_on_the_corpus_tab_and_uploaded_into(two_cases):
    at = page()
    at.text_input(key="new-case-name").set_value("Cobalt Mining").run()
    at.button(key="new-case-go").click().run()
    assert not at.exception and at.selectbox(key=PICKER).value == "cobalt-mining"
    report = b"Cobalt Mining Report\n\nCobalt Mining audits every mine for child labour.\n"
    at.tabs[2].file_uploader[0].upload("cobalt.txt", report, "text/plain")
    at.segmented_control(key="upload-side-0").set_value("company")
    at.button(key="upload-go").click().run()
    assert not at.exception and not at.error
    cobalt = Assistant(make_settings(two_cases), case="cobalt-mining")
    assert [m["title"] for m in cobalt.store.documents().values()] == ["Cobalt Mining Report"]
    acme = Assistant(make_settings(two_cases), case="acme")
    assert "Cobalt Mining Report" not in {m["title"] for m in acme.store.documents().values()}
