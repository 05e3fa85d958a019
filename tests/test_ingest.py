"""Ingest into a real embedded Chroma: ids are stable, re-ingest is idempotent, a changed
document replaces only its own chunks, a removed one is deleted."""

from pathlib import Path

from counterpoint.assistant import Assistant
from tests.conftest import make_settings

CRITIC = "ipvm-hikvision-prc-human-rights-law-2019.txt"


def small_corpus(folder: Path) -> Path:
    """Two short documents, one per side, described by a manifest."""
    folder.mkdir()
    (folder / "report.txt").write_text(
        "Our Commitments\n\nWe respect human rights in all our operations. "
        "We audit our suppliers every year and publish the results.\n",
        encoding="utf-8",
    )
    (folder / "article.txt").write_text(
        "Critics Respond\n\nThe audits cover only a tenth of suppliers. "
        "Workers told reporters that audits were announced weeks in advance.\n",
        encoding="utf-8",
    )
    (folder / "corpus.toml").write_text(
        '[[document]]\nid = "acme-report"\ntitle = "Acme Report"\nside = "company"\n'
        'path = "report.txt"\n\n'
        '[[document]]\nid = "watch-article"\ntitle = "Watch Article"\nside = "critic"\n'
        'path = "article.txt"\n',
        encoding="utf-8",
    )
    return folder


def chunk_ids(assistant: Assistant) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for node in assistant.store.nodes():
        ids.setdefault(node.metadata["doc_id"], set()).add(node.node_id)
    return ids


def test_reingesting_an_unchanged_corpus_changes_nothing(tmp_path):
    assistant = Assistant(make_settings(tmp_path / "index", small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    before = chunk_ids(assistant)
    report = assistant.ingest(progress=False)
    assert report.unchanged == ["acme-report", "watch-article"] and report.chunks_written == 0
    assert chunk_ids(assistant) == before


def test_chunk_ids_are_the_same_in_a_fresh_index(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    first = Assistant(make_settings(tmp_path / "one", corpus))
    second = Assistant(make_settings(tmp_path / "two", corpus))
    first.ingest(progress=False)
    second.ingest(progress=False)
    assert chunk_ids(first) == chunk_ids(second)


def test_a_changed_document_replaces_only_its_own_chunks(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    assistant = Assistant(make_settings(tmp_path / "index", corpus))
    assistant.ingest(progress=False)
    before = chunk_ids(assistant)
    with (corpus / "article.txt").open("a", encoding="utf-8") as article:
        article.write("\nA second investigation found the same pattern in 2021.\n")
    report = assistant.ingest(progress=False)
    after = chunk_ids(assistant)
    assert report.updated == ["watch-article"] and report.unchanged == ["acme-report"]
    assert after["acme-report"] == before["acme-report"]
    assert not after["watch-article"] & before["watch-article"]
    texts = " ".join(node.text for node in assistant.store.nodes("critic"))
    assert "second investigation" in texts


def test_a_document_removed_from_the_manifest_is_deleted(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    assistant = Assistant(make_settings(tmp_path / "index", corpus))
    assistant.ingest(progress=False)
    manifest = corpus / "corpus.toml"
    manifest.write_text(manifest.read_text().split("\n\n")[0] + "\n", encoding="utf-8")
    report = assistant.ingest(progress=False)
    assert report.removed == ["watch-article"]
    assert set(chunk_ids(assistant)) == {"acme-report"}


def test_a_loose_file_is_ingested_with_its_side_and_a_title_from_its_text(tmp_path):
    assistant = Assistant(make_settings(tmp_path / "index", small_corpus(tmp_path / "c")))
    assistant.ingest(progress=False)
    extra = tmp_path / "ngo-brief.md"
    extra.write_text("NGO Brief on Surveillance\n\nThe NGO documented camera sales to police.\n")
    assistant.ingest_file(extra, "critic")
    nodes = [n for n in assistant.store.nodes("critic") if n.metadata["doc_id"] == "ngo-brief"]
    assert nodes and nodes[0].metadata["title"] == "NGO Brief on Surveillance"
    # A later manifest ingest keeps documents added outside the manifest.
    assistant.ingest(progress=False)
    assert "ngo-brief" in chunk_ids(assistant)


def test_seed_corpus_index_holds_both_sides_with_pages(seed_assistant):
    docs = seed_assistant.store.documents()
    assert {d["side"] for d in docs.values()} == {"company", "critic"}
    nodes = seed_assistant.store.nodes("company")
    pages = {p for n in nodes for p in range(n.metadata["page"], n.metadata["page_end"] + 1)}
    assert pages == set(range(1, 24))


def test_a_document_longer_than_a_write_batch_is_written_whole_a_batch_of_nodes_at_a_time(
    tmp_path, monkeypatch
):
    import ingest.pipeline
    from ingest.nodes import chunk_node

    made, written = [], []
    monkeypatch.setattr(ingest.pipeline, "WRITE_BATCH", 3)
    monkeypatch.setattr(
        ingest.pipeline, "chunk_node", lambda d, c: made.append(c.position) or chunk_node(d, c)
    )
    corpus = small_corpus(tmp_path / "c")
    paragraph = "Auditors visited plant {n} and found {n} workers on overtime that month. "
    text = "\n\n".join(paragraph.format(n=n) * 12 for n in range(40))
    (corpus / "report.txt").write_text(text, encoding="utf-8")
    assistant = Assistant(make_settings(tmp_path / "index", corpus))
    add = assistant.store.add
    # Nodes are made for one batch only when it is written: never all of a document at once.
    monkeypatch.setattr(assistant.store, "add", lambda b: written.append(len(made)) or add(b))
    assistant.ingest(progress=False)
    chunks = assistant.store.documents()["acme-report"]["chunks"]
    assert chunks > 6 and len(chunk_ids(assistant)["acme-report"]) == chunks
    assert written[:3] == [3, 6, 9]  # three more nodes made before each write, not all first
