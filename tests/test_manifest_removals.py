"""A manifest that would remove every document it indexed, or more than half, is refused unless
`--prune` is given, and the message names what would go (issue 14, fault 2)."""

from __future__ import annotations

import pytest

from counterpoint.assistant import Assistant
from counterpoint.errors import ManifestError
from tests.conftest import make_settings, run_cli, sliced_corpus, stored_chunk_ids
from tests.test_ingest import small_corpus

TYPO = '[[documents]]\nid = "acme-report"\ntitle = "Acme Report"\nside = "company"\n'


def test_an_emptied_manifest_is_refused_and_keeps_the_index(tmp_path):
    data, corpus = tmp_path / "index", small_corpus(tmp_path / "corpus")
    assert run_cli(["ingest"], data, corpus).returncode == 0
    (corpus / "corpus.toml").write_text("", encoding="utf-8")
    for args in (["ingest"], ["ingest", "--rebuild"]):
        refused = run_cli(args, data, corpus)
        assert refused.returncode == 1
        [line] = refused.stderr.strip().splitlines()
        assert "would remove 2 of the 2 documents" in line and "--prune" in line, line
        assert "acme-report, watch-article" in line
    found = run_cli(["search", "audits", "--json"], data, corpus)
    assert found.returncode == 0
    assert "acme-report" in found.stdout and "watch-article" in found.stdout
    pruned = run_cli(["ingest", "--prune"], data, corpus)
    assert pruned.returncode == 0 and "2 removed" in pruned.stderr


def test_removing_more_than_half_is_refused_and_half_is_not(tmp_path):
    corpus = sliced_corpus(tmp_path / "corpus", company_parts=3, critic_parts=1, chars=400)
    assistant = Assistant(make_settings(tmp_path / "index", corpus))
    assistant.ingest(progress=False)
    manifest = corpus / "corpus.toml"
    entries = ["[[document]]" + e for e in manifest.read_text().split("[[document]]")[1:]]
    before = stored_chunk_ids(assistant)
    manifest.write_text(entries[0], encoding="utf-8")  # 3 of 4 would go
    wanted = r"remove 3 of the 4 documents it indexed \(company-2, company-3, critic-1\)"
    with pytest.raises(ManifestError, match=wanted):
        assistant.ingest(progress=False)
    assert stored_chunk_ids(assistant) == before
    manifest.write_text("".join(entries[:2]), encoding="utf-8")  # 2 of 4: an edit
    assert sorted(assistant.ingest(progress=False).removed) == ["company-3", "critic-1"]


def test_a_misspelt_manifest_is_refused_before_anything_is_removed(tmp_path):
    data, corpus = tmp_path / "index", small_corpus(tmp_path / "corpus")
    assistant = Assistant(make_settings(data, corpus))
    assistant.ingest(progress=False)
    before = stored_chunk_ids(assistant)
    (corpus / "corpus.toml").write_text(TYPO + 'path = "report.txt"\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"unknown table \[\[documents\]\]"):
        assistant.ingest(progress=False)
    assert stored_chunk_ids(assistant) == before
