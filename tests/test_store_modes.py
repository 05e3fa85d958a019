"""Ingest, search and ask behave the same on every store: the embedded Chroma, a real Chroma
server (`chroma run` on 127.0.0.1), and that server behind a proxy that requires a token. Each
test runs once per store (the `store_settings` fixture). Then: what a user sees when the server
cannot be reached or refuses the token."""

from __future__ import annotations

import pytest

from counterpoint.assistant import Assistant
from counterpoint.config import SIDES
from counterpoint.errors import StoreError
from tests.conftest import (
    TEST_TOKEN,
    expected_chunk_ids,
    free_port,
    make_settings,
    stored_chunk_ids,
)
from tests.test_ingest import small_corpus


def test_ingest_writes_each_chunk_of_the_manifest_once(store_settings, tmp_path):
    settings = store_settings(small_corpus(tmp_path / "c"))
    assistant = Assistant(settings)
    report = assistant.ingest(progress=False)
    assert report.added == ["acme-report", "watch-article"]
    assert stored_chunk_ids(assistant) == expected_chunk_ids(settings)


def test_reingesting_an_unchanged_corpus_writes_nothing(store_settings, tmp_path):
    assistant = Assistant(store_settings(small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    before = stored_chunk_ids(assistant)
    report = assistant.ingest(progress=False)
    assert report.unchanged == ["acme-report", "watch-article"] and report.chunks_written == 0
    assert stored_chunk_ids(assistant) == before


def test_a_changed_document_replaces_only_its_own_chunks(store_settings, tmp_path):
    corpus = small_corpus(tmp_path / "c")
    settings = store_settings(corpus)
    assistant = Assistant(settings)
    assistant.ingest(progress=False)
    before = stored_chunk_ids(assistant)
    with (corpus / "article.txt").open("a", encoding="utf-8") as article:
        article.write("\nA second investigation found the same pattern in 2021.\n")
    assert assistant.ingest(progress=False).updated == ["watch-article"]
    after = stored_chunk_ids(assistant)
    assert after == expected_chunk_ids(settings)
    assert after["acme-report"] == before["acme-report"]


def test_a_document_removed_from_the_manifest_is_deleted(store_settings, tmp_path):
    corpus = small_corpus(tmp_path / "c")
    assistant = Assistant(store_settings(corpus))
    assistant.ingest(progress=False)
    manifest = corpus / "corpus.toml"
    manifest.write_text(manifest.read_text().split("\n\n")[0] + "\n", encoding="utf-8")
    assert assistant.ingest(progress=False).removed == ["watch-article"]
    assert set(stored_chunk_ids(assistant)) == {"acme-report"}


def test_search_returns_passages_of_both_sides(store_settings, tmp_path):
    assistant = Assistant(store_settings(small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    results = assistant.search("Are suppliers audited?", k=1).results
    assert [p.side for p in results] == list(SIDES)
    assert "audit" in results[0].text and "audits" in results[1].text


def test_ask_quotes_both_sides_with_citations(store_settings, tmp_path):
    assistant = Assistant(store_settings(small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    answer = assistant.ask("How often are suppliers audited?")
    assert {c.side for c in answer.citations} == set(SIDES)
    assert all(c.supported and c.quote in c.passage for c in answer.citations)


def test_a_loose_file_is_added_next_to_the_manifest(store_settings, tmp_path):
    assistant = Assistant(store_settings(small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    extra = tmp_path / "ngo-brief.md"
    extra.write_text("NGO Brief\n\nThe NGO documented camera sales to police.\n")
    assert assistant.ingest_file(extra, "critic").added == ["ngo-brief"]
    assert assistant.search("camera sales", k=1, side="critic").results[0].doc_id == "ngo-brief"


@pytest.fixture
def proxy_settings(chroma_token_proxy, tmp_path):
    def make(**overrides: object):
        return make_settings(
            tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_token_proxy.port, **overrides
        )

    return make


def test_a_server_requiring_a_token_says_to_set_one(proxy_settings):
    port = proxy_settings().chroma_port
    with pytest.raises(StoreError, match=rf"127.0.0.1:{port} requires a token: set CHROMA_AUTH"):
        Assistant(proxy_settings()).search("audits")


def test_a_wrong_token_is_refused_with_a_clear_message(proxy_settings):
    settings = proxy_settings(CHROMA_AUTH_TOKEN="not-" + TEST_TOKEN)
    with pytest.raises(StoreError, match="refused CHROMA_AUTH_TOKEN .*: check the token"):
        Assistant(settings).search("audits")


def test_an_unreachable_server_is_a_clear_store_error(tmp_path):
    port = free_port()
    settings = make_settings(tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=port)
    with pytest.raises(StoreError, match=f"cannot reach the Chroma server at 127.0.0.1:{port}"):
        Assistant(settings).search("audits")
