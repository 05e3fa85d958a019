"""Cases in a real browser: with two companies in one store, the picker switches case, and
each case's answers, conversation and exported brief hold only its own text."""

from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from tests.conftest import make_settings
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, need_chromium, serve, settle
from tests.test_cases import CASES, QUESTION, case_corpus, foreign


@pytest.fixture(scope="module")
def two_case_url(tmp_path_factory):  # noqa: ANN201 - the app's URL
    need_chromium()
    root = tmp_path_factory.mktemp("browser-cases")
    for case_id in CASES:
        corpus = case_corpus(root / case_id, case_id)
        Assistant(make_settings(root / "data", corpus), lambda _: None).ingest(progress=False)
    with serve(root / "data", root / "no-corpus") as url:
        yield url


def ask(page, question: str) -> str:  # noqa: ANN001 - a Playwright page
    """Ask on the chat box; the text of the answer once it is on screen."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.get_by_test_id("stChatMessage").nth(1).wait_for(timeout=60_000)
    settle(page)
    return page.get_by_test_id("stChatMessage").nth(1).inner_text()


def pick(page, label: str) -> None:  # noqa: ANN001
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=label).click()
    settle(page)


def brief(page) -> str:  # noqa: ANN001
    with page.expect_download() as download:
        page.get_by_role("button", name="Markdown brief").click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def test_each_case_answers_and_exports_only_its_own_text_in_the_browser(two_case_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(two_case_url)
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)
            settle(page)
            pick(page, "Bolt Industries (bolt)")
            answer = ask(page, QUESTION)
            assert "Bolt" in answer and not foreign(answer, "bolt")
            exported = brief(page)
            assert "Bolt" in exported and not foreign(exported, "bolt")

            pick(page, "Acme Corp (acme)")
            expect(page.get_by_test_id("stChatMessage")).to_have_count(0)  # its own history
            answer = ask(page, QUESTION)
            assert "Acme" in answer and not foreign(answer, "acme")
            exported = brief(page)
            assert "Acme" in exported and not foreign(exported, "acme")
        finally:
            browser.close()
