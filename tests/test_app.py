"""The workspace through Streamlit's test harness: chat, evidence, compare, corpus, export."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from counterpoint.evidence import file_sha256

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QUESTION = "Does Hikvision respect international human rights?"


def use_index(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Point the app at an index folder, with no Chroma server and no LLM."""
    from counterpoint.config import get_settings

    monkeypatch.setenv("COUNTERPOINT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHROMA_HOST", "")
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def seed_app(seed_assistant, monkeypatch) -> AppTest:
    """The page over the shared seed index (for tests that do not change the index)."""
    use_index(monkeypatch, seed_assistant.settings.data_dir)
    return AppTest.from_file(APP, default_timeout=120).run()


@pytest.fixture
def own_app(seed_assistant, tmp_path, monkeypatch) -> AppTest:
    """The page over a private copy of the seed index, which the test may change."""
    copy = tmp_path / "index"
    shutil.copytree(seed_assistant.settings.data_dir, copy)
    use_index(monkeypatch, copy)
    return AppTest.from_file(APP, default_timeout=120).run()


def ask(at: AppTest, question: str = QUESTION) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


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


def test_each_part_of_the_answer_names_its_side_in_words(seed_app):
    messages = ask(seed_app).chat_message
    labels = " ".join(md.value for md in messages[1].markdown)
    assert "COMPANY] **What the company says**" in labels
    assert "CRITIC] **What critics say**" in labels
    assert "BOTH SIDES] **Where they meet**" in labels


def test_a_starter_question_is_asked_when_clicked(seed_app):
    assert not seed_app.chat_message
    starters = [b for b in seed_app.button if b.key and b.key.startswith("starter-")]
    assert len(starters) == 5
    starters[0].click().run()
    assert not seed_app.exception
    assert [m.name for m in seed_app.chat_message] == ["user", "assistant"]
    assert "human rights" in seed_app.chat_message[0].markdown[0].value


def test_a_citation_opens_its_passage_with_the_quote_highlighted(seed_app, seed_assistant):
    ask(seed_app)
    answer = seed_app.session_state["turns"][0]
    first = answer.citations[0]
    viewer = seed_app.expander(key="cite-0-1")
    speaker = f"COMPANY · as quoted by {first.quoted_by}" if first.quoted_by else first.side.upper()
    assert viewer.label.startswith(f"[1] {speaker} · {first.title}")
    passage = " ".join(h.value for h in viewer.html)
    assert f"<mark>{html.escape(first.quote)}</mark>" in passage.replace("<br>", "\n")
    publisher = seed_assistant.store.documents()[first.doc_id]["publisher"]
    assert publisher in passage


def test_the_neighbouring_passages_are_one_click_away(seed_app):
    ask(seed_app)
    seed_app.segmented_control(key="cite-0-1-view").set_value("context").run()
    assert not seed_app.exception
    passage = " ".join(h.value for h in seed_app.expander(key="cite-0-1").html)
    assert 'class="cp-near"' in passage and "<mark>" in passage


def test_a_follow_up_question_continues_the_conversation(seed_app):
    ask(seed_app)
    ask(seed_app, "What do critics say about Xinjiang?")
    assert [m.name for m in seed_app.chat_message] == ["user", "assistant"] * 2
    assert len(seed_app.session_state["turns"]) == 2


def test_an_empty_question_is_a_message_not_a_traceback(seed_app):
    ask(seed_app, "   ")
    assert not seed_app.exception
    assert any("empty" in e.value for e in seed_app.error)
    assert not seed_app.session_state["turns"]


COMPARE_TAB = ":material/compare_arrows: Compare sides"


def open_compare(at: AppTest) -> AppTest:
    """Open the Compare tab (its retrieval runs only then)."""
    at.session_state["tab"] = COMPARE_TAB
    at.run()
    assert not at.exception
    return at


def compare_cards(at: AppTest) -> list[str]:
    return [h.value for h in at.tabs[1].html if "cp-hit" in h.value]


def test_the_compare_view_sets_both_sides_side_by_side(seed_app):
    open_compare(ask(seed_app))
    compare = seed_app.tabs[1]
    headers = [md.value for md in compare.markdown if "passages" in md.value]
    assert "COMPANY" in headers[0] and "CRITIC" in headers[1]
    cards = compare_cards(seed_app)
    assert len(cards) == 2 * 4  # top_k passages per side, ranked
    assert cards[0].startswith('<div class="cp-hit"><b>#1</b> · similarity')
    assert any("p. " in card for card in cards[:4])  # the company report has pages


def similarity_of(card: str) -> float:
    return float(re.search(r"similarity (\d\.\d\d)", card).group(1))


def test_compare_scores_are_similarities_on_one_scale_not_rescaled_per_side(seed_app):
    open_compare(ask(seed_app))
    assert any("one scale for both sides" in c.value for c in seed_app.tabs[1].caption)
    on_topic = [similarity_of(card) for card in compare_cards(seed_app)]
    assert all(0.0 < score < 1.0 for score in on_topic)  # no side's best is 1.00 by construction
    ask(seed_app, "What is the boiling point of water at sea level?")
    off_topic = [similarity_of(card) for card in compare_cards(seed_app)]
    assert max(off_topic) < max(on_topic)  # a question the corpus does not discuss scores low


def test_the_compare_view_follows_the_side_and_passage_filters(seed_app):
    open_compare(ask(seed_app))
    seed_app.segmented_control(key="filter-side").set_value("critic")
    seed_app.slider(key="filter-k").set_value(2).run()
    compare = seed_app.tabs[1]
    headers = [md.value for md in compare.markdown if "passages" in md.value]
    assert len(headers) == 1 and "CRITIC" in headers[0] and "2 passages" in headers[0]


def test_tabs_left_closed_do_no_retrieval_after_an_answer(seed_app):
    ask(seed_app)
    assert not seed_app.tabs[1].children  # Compare retrieves only when opened
    assert "compare_cache" not in seed_app.session_state


def test_an_uploaded_document_is_searchable_at_once(own_app):
    own_app.tabs[2].file_uploader[0].upload(
        "zinc-report.txt",
        b"Zinc Smelter Findings\n\nInspectors found that the zinc smelter poured untreated "
        b"slurry into the river for three years, according to the watchdog's field survey.\n",
        "text/plain",
    )
    own_app.segmented_control(key="upload-side-0").set_value("critic")
    own_app.button(key="upload-go").click().run()
    assert not own_app.exception and not own_app.error
    assert any("searchable now" in s.value for s in own_app.success)
    open_compare(ask(own_app, "Did the zinc smelter pollute the river?"))
    critic_column = " ".join(h.value for h in own_app.tabs[1].html)
    assert "untreated" in critic_column


def test_a_removed_document_leaves_the_index(own_app):
    own_app.button(key="remove-ipvm-hikvision-prc-human-rights-2019").click().run()
    assert not own_app.exception
    assert any("Removed" in s.value for s in own_app.success)
    ask(own_app)
    assert not any("CRITIC" in e.label for e in own_app.chat_message[1].expander)


def test_a_failed_upload_is_a_message_not_a_traceback(own_app):
    own_app.tabs[2].file_uploader[0].upload("notes.txt", b"\x00\x01\x02 binary", "text/plain")
    own_app.segmented_control(key="upload-side-0").set_value("company")
    own_app.button(key="upload-go").click().run()
    assert not own_app.exception
    assert any("notes.txt" in e.value for e in own_app.error)
    from counterpoint.config import get_settings

    assert not list(get_settings().data_dir.rglob("notes.txt"))  # nothing left behind


def test_the_conversation_exports_as_a_brief_with_hashed_sources(seed_app, seed_assistant):
    assert all(button.proto.disabled for button in seed_app.download_button)
    ask(seed_app)
    buttons = {b.label: b for b in seed_app.download_button}
    assert set(buttons) == {"Markdown brief", "PDF brief", "Word brief"}
    assert not any(b.proto.disabled for b in buttons.values())
    assert buttons["PDF brief"].proto.deferred_file_id  # made when clicked, not on every run
    from counterpoint.brief import to_markdown
    from ui.sidebar import build_brief

    brief = to_markdown(build_brief(seed_assistant, seed_app.session_state["turns"]))
    answer = seed_app.session_state["turns"][0]
    assert answer.question in brief and all(c.quote in brief for c in answer.citations)
    corpus_file = seed_assistant.settings.corpus_dir / "hikvision-esg-report-2020.txt"
    assert file_sha256(corpus_file) in brief


def test_a_cited_pdf_passage_shows_its_page_as_an_image(own_app, tmp_path):
    from tests.test_evidence import a_pdf

    data = a_pdf(tmp_path / "audit.pdf").read_bytes()
    own_app.tabs[2].file_uploader[0].upload("supplier-audits.pdf", data, "application/pdf")
    own_app.segmented_control(key="upload-side-0").set_value("company")
    own_app.button(key="upload-go").click().run()
    ask(own_app, "Are the supplier audits of every factory published?")
    cited = [
        c for c in own_app.session_state["turns"][0].citations if c.doc_id == "supplier-audits"
    ]
    assert cited and cited[0].page == 1
    view = f"cite-0-{cited[0].n}-view"
    assert "PDF page" in own_app.segmented_control(key=view).options
    own_app.segmented_control(key=view).set_value("page").run()
    assert not own_app.exception
    assert own_app.expander(key=f"cite-0-{cited[0].n}").image


def test_answer_parts_are_found_however_the_model_writes_the_headings():
    from ui.chat import split_parts

    text = "**What the company says**\n\n- a [1]\n\n## What critics say:\n\n- b [2]\n\n" + (
        "**Where they meet:** Both cite audits [1][2]."
    )
    assert split_parts(text) == [
        ("company", "What the company says", "- a [1]"),
        ("critic", "What critics say", "- b [2]"),
        ("both", "Where they meet", "Both cite audits [1][2]."),
    ]
    assert split_parts("No headings at all [1].") == [("answer", "", "No headings at all [1].")]


def test_citation_markers_carry_their_side_and_flag_quotes_not_verbatim():
    from counterpoint.models import Citation
    from ui.chat import with_markers

    def cite(n: int, side: str, supported: bool) -> Citation:
        return Citation(
            n=n,
            side=side,
            doc_id="d",
            title="T",
            page=1,
            chunk_id="c",
            quote="q",
            supported=supported,
        )

    cites = [cite(1, "company", True), cite(2, "critic", True), cite(3, "critic", False)]
    marked = with_markers("A [1]. B [2]. C [3]. D [9]. Costs $5 <b>", cites)
    assert ":blue-badge[1]" in marked and ":orange-badge[2]" in marked
    assert ":red-badge[⚠ 3 not verbatim]" in marked and "[9]" in marked
    assert "\\$5" in marked and "\\<b>" in marked  # quoted text never turns into markup


def test_the_page_hides_deploy_and_themes_streamlit_in_the_sides_colours():
    import tomllib

    from counterpoint.config import SIDE_COLOURS

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"  # no Deploy button
    theme = config["theme"]
    names = {"company": "blueColor", "critic": "orangeColor", "both": "violetColor"}
    assert {side: theme[name] for side, name in names.items()} == SIDE_COLOURS


def test_the_companys_words_quoted_by_a_critic_are_labelled_company_in_the_chat():
    from counterpoint.models import Citation
    from ui.chat import with_markers
    from ui.evidence import citation_label

    quoted = Citation(n=2, side="critic", doc_id="ipvm", title="IPVM Article", page=None,
                      chunk_id="c", quote="We respect human rights.", supported=True,
                      quoted_by="IPVM")  # fmt: skip
    assert citation_label(quoted).startswith("[2] COMPANY · as quoted by IPVM · IPVM Article")
    assert ":blue-badge[2]" in with_markers("It says so [2].", [quoted])  # the company's colour


def sidebar_starters(at: AppTest) -> list:
    return [b for b in at.sidebar.button if b.key and b.key.startswith("again-starter-")]


def test_the_starters_stay_at_hand_after_three_questions(seed_app):
    assert not sidebar_starters(seed_app)  # the cards show on the Ask tab instead
    for question in (QUESTION, "What do critics say about Xinjiang?", "Who audits suppliers?"):
        ask(seed_app, question)
    starters = sidebar_starters(seed_app)
    assert [b.label for b in starters][:2] == ["Human rights", "Data security"]
    starters[1].click().run()
    assert not seed_app.exception
    assert len(seed_app.session_state["turns"]) == 4
    assert "cybersecurity" in seed_app.chat_message[-2].markdown[0].value


def test_a_new_conversation_keeps_the_old_one_reachable(seed_app):
    ask(seed_app)
    seed_app.button(key="new-conversation").click().run()
    assert not seed_app.chat_message and not seed_app.session_state["turns"]
    ask(seed_app, "What do critics say about Xinjiang?")
    earlier = [b for b in seed_app.sidebar.button if b.key and b.key.startswith("reopen-")]
    assert [b.label for b in earlier] == [f"{QUESTION} · 1 question"]
    earlier[0].click().run()
    assert [t.question for t in seed_app.session_state["turns"]] == [QUESTION]
    again = [b.label for b in seed_app.sidebar.button if b.key and b.key.startswith("reopen-")]
    assert again == ["What do critics say about Xinjiang? · 1 question"]  # swapped, not lost


def test_the_page_shell_is_drawn_before_the_index_opens(tmp_path, monkeypatch):
    from counterpoint.errors import StoreError
    from ui import loading

    def unreachable(*args: object) -> None:
        raise StoreError("the store is unreachable")

    use_index(monkeypatch, tmp_path / "index")
    monkeypatch.setattr(loading, "load_workspace", unreachable)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert len(at.tabs) == 5 and "Counterpoint" in at.sidebar.markdown[0].value
    starters = [b for b in at.tabs[0].button if b.key and b.key.startswith("starter-")]
    assert len(starters) == 5  # drawn before the store was asked for anything
    assert "the store is unreachable" in at.tabs[0].error[0].value  # in the tab, not above it
