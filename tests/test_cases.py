"""Cases: two companies in one store, each question answered from its own case only, in the
library and the CLI; the bundled corpus is the case "hikvision"; deleting a case removes
exactly its own chunks and files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from counterpoint.assistant import Assistant
from counterpoint.brief import make_brief, to_markdown
from counterpoint.cases import list_cases
from counterpoint.errors import CaseError, ConfigError, ManifestError
from ingest.manifest import load_manifest
from tests.conftest import CORPUS, make_settings, run_cli

# Two companies written in the same words (suppliers, audits, human rights, overtime), each
# also named in the text, so a passage of one is recognisable in the other's results.
CASES = {
    "acme": (
        "Acme Corp",
        "Acme Corp Sustainability Report\n\nAcme audits its suppliers every year and respects "
        "human rights in every factory. Acme publishes the audit results of its Shenzhen "
        "factory.\n",
        "Watchdog on Acme\n\nWorkers at the Acme Shenzhen factory said supplier audits were "
        "announced weeks in advance. Acme suppliers imposed forced overtime.\n",
    ),
    "bolt": (
        "Bolt Industries",
        "Bolt Industries Annual Report\n\nBolt audits its suppliers every quarter and respects "
        "human rights at its Ohio plant. Bolt publishes the audit results of every supplier.\n",
        "Bolt Under Scrutiny\n\nInspectors found that the supplier audits of Bolt skipped the "
        "Ohio plant. Bolt workers reported unpaid overtime and no human rights training.\n",
    ),
}
MARKS = {"acme": ("Acme", "Shenzhen"), "bolt": ("Bolt", "Ohio")}
QUESTION = "Are supplier audits published, and do workers report overtime or human rights abuse?"


def case_corpus(folder: Path, case_id: str) -> Path:
    """A case folder: a manifest with [case], a company report and a critic article."""
    name, report, article = CASES[case_id]
    folder.mkdir(parents=True)
    (folder / "report.txt").write_text(report, encoding="utf-8")
    (folder / "article.txt").write_text(article, encoding="utf-8")
    (folder / "corpus.toml").write_text(
        f'[case]\nid = "{case_id}"\nname = "{name}"\n\n'
        f'[[document]]\nid = "{case_id}-report"\ntitle = "{name} report"\nside = "company"\n'
        'path = "report.txt"\n\n'
        f'[[document]]\nid = "{case_id}-article"\ntitle = "On {name}"\nside = "critic"\n'
        'path = "article.txt"\n',
        encoding="utf-8",
    )
    return folder


def foreign(text: str, case_id: str) -> list[str]:
    """The other case's marks found in `text`."""
    other = "bolt" if case_id == "acme" else "acme"
    return [mark for mark in MARKS[other] if mark in text]


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """One data folder holding both cases, each ingested from its own manifest."""
    root = tmp_path_factory.mktemp("two-cases")
    corpora = {case_id: case_corpus(root / case_id, case_id) for case_id in CASES}
    for corpus in corpora.values():
        Assistant(make_settings(root / "data", corpus), notify=lambda _: None).ingest(
            progress=False
        )
    return root / "data", corpora


def on_case(portfolio: tuple[Path, dict[str, Path]], case_id: str) -> Assistant:
    data, corpora = portfolio
    return Assistant(make_settings(data, CORPUS), notify=lambda _: None, case=case_id)


@pytest.mark.parametrize("case_id", list(CASES))
def test_a_search_in_one_case_never_returns_the_other_cases_text(portfolio, case_id):
    assistant = on_case(portfolio, case_id)
    results = assistant.search(QUESTION, k=4).results
    assert {p.side for p in results} == {"company", "critic"}
    assert {p.doc_id for p in results} <= {f"{case_id}-report", f"{case_id}-article"}
    assert not [foreign(p.text, case_id) for p in results if foreign(p.text, case_id)]


@pytest.mark.parametrize("case_id", list(CASES))
def test_an_answer_its_brief_matrix_and_timeline_quote_only_their_own_case(portfolio, case_id):
    assistant = on_case(portfolio, case_id)
    answer = assistant.ask(QUESTION)
    assert answer.citations and not foreign(answer.answer, case_id)
    assert all(c.doc_id.startswith(case_id) for c in answer.citations)
    matrix, timeline = assistant.matrix(mode="rules"), assistant.timeline()
    documents = assistant.store.documents()
    brief = make_brief([answer], documents, assistant.settings, "extractive", timeline, matrix)
    text = to_markdown(brief)
    assert MARKS[case_id][0] in text and not foreign(text, case_id)
    assert sorted(documents) == [f"{case_id}-article", f"{case_id}-report"]


def test_each_case_keeps_its_bm25_and_matrix_cache_in_its_own_folder(portfolio):
    data, _ = portfolio
    for case_id in CASES:
        assistant = on_case(portfolio, case_id)
        assistant.search(QUESTION)
        key = assistant.matrix(mode="rules").index_key
        folder = data / "cases" / case_id
        assert sorted(p.name.split("-")[0] for p in (folder / "bm25").iterdir()) == [
            "company",
            "critic",
        ]
        assert (folder / "matrix" / f"{key}.json").is_file()
    assert not (data / "bm25").exists() and not (data / "matrix").exists()


def test_with_several_cases_a_command_must_name_one_and_the_error_lists_them(portfolio):
    data, _ = portfolio
    with pytest.raises(CaseError, match=r"2 cases: choose one with --case ID: acme \(Acme Corp\)"):
        Assistant(make_settings(data, CORPUS)).search("audits")
    with pytest.raises(CaseError, match="no case 'nope'; the cases are: acme, bolt"):
        Assistant(make_settings(data, CORPUS), case="nope").search("audits")


def test_the_only_case_is_the_default(tmp_path):
    corpus = case_corpus(tmp_path / "bolt", "bolt")
    Assistant(make_settings(tmp_path / "data", corpus)).ingest(progress=False)
    elsewhere = make_settings(tmp_path / "data", tmp_path / "no-corpus")
    results = Assistant(elsewhere, notify=lambda _: None).search("supplier audits").results
    assert results and {p.doc_id for p in results} <= {"bolt-report", "bolt-article"}


def test_the_bundled_corpus_is_the_case_hikvision(seed_assistant):
    assert load_manifest(CORPUS / "corpus.toml").case.id == "hikvision"
    [case] = list_cases(seed_assistant.client, seed_assistant.base_settings)
    assert (case.id, case.name) == ("hikvision", "Hikvision")
    assert seed_assistant.settings.collection_name == "counterpoint--hikvision"


def test_a_manifest_without_a_case_is_the_case_named_after_its_folder(tmp_path):
    folder = case_corpus(tmp_path / "Old Corpus", "acme")
    manifest = folder / "corpus.toml"
    manifest.write_text(manifest.read_text().split("\n\n", 1)[1], encoding="utf-8")
    case = load_manifest(manifest).case
    assert (case.id, case.name, case.root) == ("old-corpus", "Old Corpus", folder.resolve())


@pytest.mark.parametrize("table", ['[case]\nname = "No id"', '[case]\nid = "Bad Id!"'])
def test_a_case_table_without_a_usable_id_is_refused(tmp_path, table):
    folder = case_corpus(tmp_path / "c", "acme")
    manifest = folder / "corpus.toml"
    body = manifest.read_text().split("\n\n", 1)[1]
    manifest.write_text(f"{table}\n\n{body}", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"\[case\]"):
        load_manifest(manifest)


def test_a_case_id_that_could_leave_the_data_folder_is_refused(tmp_path):
    with pytest.raises(CaseError, match="is not a case id"):
        Assistant(make_settings(tmp_path, CORPUS), case="../outside").search("audits")
    from counterpoint.config import get_settings

    get_settings.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COUNTERPOINT_CASE", "../outside")
        with pytest.raises(ConfigError, match="COUNTERPOINT_CASE"):
            get_settings()
    get_settings.cache_clear()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_deleting_a_case_removes_exactly_its_chunks_bm25_uploads_and_caches(tmp_path):
    from counterpoint.cases import delete_case

    data = tmp_path / "data"
    assistants = {}
    for case_id in CASES:
        corpus = case_corpus(tmp_path / case_id, case_id)
        assistants[case_id] = assistant = Assistant(make_settings(data, corpus), lambda _: None)
        assistant.ingest(progress=False)
        note = f"{CASES[case_id][0]} field notes\n\nNotes on supplier audits.\n".encode()
        assistant.ingest_upload(f"{case_id}-notes.txt", io.BytesIO(note), "critic")
        assistant.search(QUESTION)
        assistant.matrix(mode="rules")
    acme, bolt = assistants["acme"], assistants["bolt"]
    kept_chunks, kept_files = sorted(bolt.store.ids()), snapshot(data / "cases" / "bolt")
    assert {"bm25", "matrix", "uploads"} <= {p.name for p in (data / "cases" / "acme").iterdir()}

    delete_case(acme.client, acme.base_settings, "acme")

    assert [c.id for c in list_cases(bolt.client, bolt.base_settings)] == ["bolt"]
    assert not (data / "cases" / "acme").exists() and not list(data.rglob("acme-notes.txt"))
    assert sorted(bolt.store.ids()) == kept_chunks
    assert snapshot(data / "cases" / "bolt") == kept_files
    with pytest.raises(CaseError, match="no case 'acme'"):
        delete_case(bolt.client, bolt.base_settings, "acme")


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    root = tmp_path_factory.mktemp("cli-cases")
    corpora = {case_id: case_corpus(root / case_id, case_id) for case_id in CASES}
    for corpus in corpora.values():
        result = run_cli(["ingest"], root / "data", corpus)
        assert result.returncode == 0, result.stderr
    return root / "data", corpora


def test_cli_search_and_ask_with_case_stay_in_that_case(cli_data):
    data, corpora = cli_data
    found = run_cli(["search", QUESTION, "--json", "--case", "acme"], data, corpora["bolt"])
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert results and all(r["doc_id"].startswith("acme") for r in results)
    assert not [r for r in results if foreign(r["text"], "acme")]
    asked = run_cli(["ask", QUESTION, "--json", "--case", "bolt"], data, corpora["acme"])
    answer = json.loads(asked.stdout)
    assert answer["citations"] and not foreign(answer["answer"], "bolt")
    assert not [c for c in answer["citations"] if foreign(c["quote"] + c["passage"], "bolt")]


def test_cli_without_case_among_several_is_one_line_listing_them(cli_data):
    data, corpora = cli_data
    result = run_cli(["timeline"], data, corpora["acme"])
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "choose one with --case ID: acme (Acme Corp), bolt (Bolt Industries)" in line


def test_cli_cases_lists_each_case_with_documents_and_passages(cli_data):
    data, corpora = cli_data
    result = run_cli(["cases", "--json"], data, corpora["acme"])
    listed = {case["id"]: case for case in json.loads(result.stdout)["cases"]}
    assert sorted(listed) == ["acme", "bolt"]
    assert listed["acme"]["name"] == "Acme Corp" and listed["acme"]["documents"] == 2
    assert listed["bolt"]["company_documents"] == listed["bolt"]["critic_documents"] == 1
    assert listed["bolt"]["passages"] >= 2
    text = run_cli(["cases"], data, corpora["acme"]).stdout
    assert "bolt · Bolt Industries · 2 documents (1 company, 1 critic)" in text


# --- an index made before cases --------------------------------------------------------------


def test_an_index_made_before_cases_becomes_its_corpus_case_with_nothing_embedded_again(tmp_path):
    from counterpoint.chroma import open_client
    from counterpoint.embedding import embedder_identity, get_embedder
    from counterpoint.store import ChunkStore
    from ingest.library import add_file
    from ingest.pipeline import Ingestor

    # The layout of a data folder before cases: the bare collection, files at its top.
    corpus, data = case_corpus(tmp_path / "acme", "acme"), tmp_path / "data"
    settings = make_settings(data, corpus)
    store = ChunkStore(open_client(settings), settings, embedder_identity(settings), False)
    size, overlap = settings.chunk_tokens, settings.chunk_overlap
    ingestor = Ingestor(store, get_embedder(settings), size, overlap, progress=False)
    ingestor.ingest_manifest(load_manifest(corpus / "corpus.toml"))
    notes = tmp_path / "notes.txt"
    notes.write_text("Acme field notes\n\nThe Shenzhen audits were announced.\n", "utf-8")
    add_file(ingestor, data, notes, "critic")
    before = sorted(store.ids())
    assert (data / "sources.json").is_file()

    said: list[str] = []
    assistant = Assistant(make_settings(data, corpus), notify=said.append)
    assert assistant.case.id == "acme" and any("now the case 'acme'" in s for s in said)
    assert sorted(assistant.store.ids()) == before
    assert assistant.ingest(progress=False).chunks_written == 0  # nothing embedded again
    assert "notes" in assistant.store.documents()  # the loose file is still there, and kept
    assert (data / "cases" / "acme" / "sources.json").is_file()
    assert not (data / "sources.json").exists()
    assert [c.id for c in list_cases(assistant.client, assistant.base_settings)] == ["acme"]
