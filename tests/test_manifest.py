"""The corpus manifest: what it accepts and how it refuses."""

from pathlib import Path

import pytest

from counterpoint.errors import ManifestError
from ingest.manifest import load_manifest
from tests.conftest import CORPUS


def write_manifest(folder: Path, body: str) -> Path:
    (folder / "a.txt").write_text("Some text about the company.", encoding="utf-8")
    path = folder / "corpus.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_bundled_manifest_lists_one_company_and_one_critic_document():
    manifest = load_manifest(CORPUS / "corpus.toml")
    sides = {entry.id: entry.side for entry in manifest.documents}
    assert sides == {
        "hikvision-esg-2020": "company",
        "ipvm-hikvision-prc-human-rights-2019": "critic",
    }
    assert all(manifest.resolve(entry).is_file() for entry in manifest.documents)


def test_unknown_side_is_refused_naming_the_document(tmp_path):
    path = write_manifest(
        tmp_path, '[[document]]\nid = "a"\ntitle = "A"\nside = "neutral"\npath = "a.txt"\n'
    )
    with pytest.raises(ManifestError, match=r"document 'a': side"):
        load_manifest(path)


def test_missing_file_is_refused_naming_the_file(tmp_path):
    path = write_manifest(
        tmp_path, '[[document]]\nid = "b"\ntitle = "B"\nside = "critic"\npath = "gone.txt"\n'
    )
    with pytest.raises(ManifestError, match="file not found: gone.txt"):
        load_manifest(path)


def test_duplicate_ids_are_refused(tmp_path):
    entry = '[[document]]\nid = "a"\ntitle = "A"\nside = "company"\npath = "a.txt"\n'
    with pytest.raises(ManifestError, match="appears twice"):
        load_manifest(write_manifest(tmp_path, entry + entry))


def test_malformed_toml_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(write_manifest(tmp_path, "[[document]\n"))


def test_missing_manifest_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="no corpus manifest"):
        load_manifest(tmp_path / "corpus.toml")


def test_a_misspelt_table_name_is_refused_naming_it(tmp_path):
    path = write_manifest(
        tmp_path, '[[documents]]\nid = "a"\ntitle = "A"\nside = "critic"\npath = "a.txt"\n'
    )
    with pytest.raises(ManifestError, match=r"unknown table \[\[documents\]\]; .*\[\[document\]\]"):
        load_manifest(path)


@pytest.mark.parametrize(
    "outside",
    ["../../../etc/hostname", "../../../etc/hostname.txt", "/etc/hostname", "sub/../../a.txt"],
)
def test_a_path_outside_the_corpus_folder_is_refused(tmp_path, outside):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "a.txt").write_text("Outside the corpus.", encoding="utf-8")
    path = write_manifest(
        corpus, f'[[document]]\nid = "x"\ntitle = "X"\nside = "critic"\npath = "{outside}"\n'
    )
    with pytest.raises(ManifestError, match=r"document 'x': .* is outside the corpus folder"):
        load_manifest(path)
