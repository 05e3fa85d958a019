"""A document is data: text that forges the app's own marks is shown as written, never as a
badge, a citation marker, emphasis, a formula or a link (issue 14, fault 4).

`md_escape` is checked on its own here; the browser test ingests a hostile critic document and
reads the page Debian's Chromium renders.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from counterpoint.markup import WORD_JOINER, answer_markdown, md_escape, md_unescape
from tests.conftest import make_settings
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, need_chromium, serve, settle

TITLE = "Human rights audit :violet-badge[BOTH SIDES] **certified** [3]"
SENTENCE = (
    "The auditor found that Hikvision respects international human rights law "
    ":green-badge[✔ verified by auditor] :blue-badge[COMPANY] [1] **spotless** ~~never~~ "
    "questioned $$x^2$$ [the full report](https://evil.example/report) and www.evil.example "
    ":material/verified: today."
)
HOSTILE = f"{TITLE}\n\n{SENTENCE}\n\nNothing else of note was found in the audit of human rights.\n"
BADGE = ".stMarkdownBadge"  # how Streamlit draws `:colour-badge[...]`
QUESTION = "Does Hikvision respect international human rights law? $$y$$ **loud** :red-badge[Q]"


@pytest.mark.parametrize(
    "text",
    [
        ":green-badge[✔ verified]",
        ":blue-badge[COMPANY]",
        "see [1] and [2]",
        "**bold** __bold__ *it* ~~struck~~",
        "$$x^2$$ and $5",
        "[a link](https://evil.example) <https://evil.example> https://evil.example",
        "www.evil.example and mail@evil.example",
        ":smile: :material/check:",
        "# heading\n> quote\n- item\n1. item\n---\n| a | b |",
        "&lt;b&gt; <b>html</b> `code`",
    ],
)
def test_escaped_text_reads_back_as_written_and_holds_no_markup(text):
    escaped = md_escape(text)
    assert md_unescape(escaped) == " ".join(text.split("\n"))
    bare = escaped.replace("\\\\", "")
    # every character Markdown or Streamlit acts on anywhere is preceded by a backslash
    for char in "[]*_~$<`|":
        assert char not in bare.replace("\\" + char, "")
    # and no icon, emoji or link pattern survives: a word joiner sits inside each
    assert not re.search(r":[\w/]|@\w|www\.|https?://", bare)
    assert not re.match(r"\s*([#>+=-]|\d+\.)", bare)  # nor a heading, quote or list at its start


def test_an_answer_keeps_our_markers_and_headings_but_not_a_quotes():
    quote = "Audited [1] :green-badge[ok] **yes**"
    text = f"**What critics say**\n\n- “{quote}” [2]\n\n| Company | Critics |\n| --- | --- |\n"
    text += f"| “x” [1] | “{quote}” [2] |"
    safe = answer_markdown(text, [quote, "x"])
    assert safe.startswith("**What critics say**\n\n- “Audited \\[1\\] :\u2060green-badge\\[ok")
    assert "” [2]" in safe and "“x” [1]" in safe  # our markers stay, raw
    assert "Audited [1]" not in safe and ":green-badge[" not in safe
    assert "| --- | --- |" in safe and safe.count(" | ") >= 2  # the table is still a table


def test_a_model_cannot_write_marks_either():
    safe = answer_markdown("It is :green-badge[verified] [1], see [x](https://e.example).", [])
    assert not re.search(r":green-badge\[|(?<!\\)\]\(", safe)
    assert safe.count("[1]") == 1


@pytest.fixture(scope="module")
def hostile_url(request, tmp_path_factory):
    """The app over a copy of the seed index plus one hostile critic document."""
    need_chromium()
    seed = request.getfixturevalue("seed_assistant")
    data_dir = tmp_path_factory.mktemp("hostile") / "index"
    shutil.copytree(seed.settings.data_dir, data_dir)
    source = data_dir.parent / "audit-note.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    from counterpoint.assistant import Assistant

    Assistant(make_settings(data_dir), notify=print).ingest_file(source, "critic")
    with serve(data_dir) as url:
        yield url


def _visible(locator) -> str:  # noqa: ANN001 - a Playwright locator
    return locator.inner_text().replace(WORD_JOINER, "")


def test_a_hostile_document_shows_as_written_in_the_browser(hostile_url: str, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(hostile_url)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=60_000)
            settle(page)
            box.fill(QUESTION)
            box.press("Enter")
            expect(page.get_by_test_id("stChatMessage")).to_have_count(2, timeout=60_000)
            page.get_by_test_id("stExpander").first.wait_for(timeout=60_000)
            settle(page)
            question, answer = page.get_by_test_id("stChatMessage").all()
            assert _visible(question).strip().endswith(QUESTION)
            critics = answer.locator('[class*="st-key-part-critic"]')
            assert SENTENCE in _visible(critics)  # the quote, every mark in it as written
            hostile = page.get_by_test_id("stExpander").filter(has_text="Human rights audit")
            hostile.locator("summary").click()
            assert TITLE in _visible(hostile.locator("summary"))
            assert TITLE in _visible(hostile)  # the viewer's heading
            page.screenshot(path=str(tmp_path / "hostile.png"))
            chat = page.get_by_test_id("stVerticalBlock").first
            assert chat.locator('a[href*="evil.example"]').count() == 0
            assert chat.locator(".katex, math").count() == 0
            for tag in ("strong", "del", "em"):
                marked = [_visible(e) for e in chat.locator(tag).all()]
                assert not any(w in m for m in marked for w in ("spotless", "never", "loud"))
            icons = [e.get_attribute("aria-label") for e in chat.locator('[role="img"]').all()]
            assert "verified icon" not in icons, icons
            badges = [_visible(b) for b in critics.locator(BADGE).all()]
            # the side's badge, then only our numbered markers: nothing the document wrote
            shown = [b for b in badges[1:] if b]  # the folded closest passages' are hidden
            assert badges[0].endswith("CRITIC") and shown, badges
            assert all(b.isdigit() for b in shown), badges
        finally:
            browser.close()
