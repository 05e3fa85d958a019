"""Fuzzing the loaders: a few hundred damaged PDF, DOCX and HTML files, made from small valid
ones by seeded mutations. Each is read, cleaned and chunked as an ingest would; every failure
must be one `IngestError` line naming the file, never another exception (issue 14, fault 3)."""

from __future__ import annotations

import io
import random
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from counterpoint.errors import IngestError
from ingest.manifest import DocumentEntry
from ingest.pipeline import Ingestor
from tests.test_loaders import make_pdf

SEED = 14
PER_KIND = 100
BUDGET_S = 60.0
SENTENCES = [
    "The company audits every supplier each year and publishes the findings.",
    "Critics say the audits were announced weeks in advance.",
    "Water use fell by a tenth at the three largest plants.",
]


def valid_pdf(folder: Path) -> bytes:
    """A compressed three-page PDF (reportlab deflates its page streams)."""
    return make_pdf(folder / "valid.pdf", SENTENCES).read_bytes()


def valid_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Supplier audits", 1)
    for sentence in SENTENCES:
        document.add_paragraph(sentence)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "Plant", "Water use"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def valid_html() -> bytes:
    body = "".join(f"<p>{s}</p>" for s in SENTENCES)
    head = "<html><head><title>Audits</title></head>"
    return f"{head}<body><h1>Audits</h1>{body}</body></html>".encode()


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def splice(data: bytes, rng: random.Random) -> bytes:
    """A slice of the file copied over another place: repeated objects, shifted offsets."""
    start, size = rng.randrange(len(data)), rng.randint(1, 400)
    at = rng.randrange(len(data))
    return data[:at] + data[start : start + size] + data[at + rng.randint(0, 50) :]


def pdf_tokens(data: bytes, rng: random.Random) -> bytes:
    """Names and numbers that drive pypdf: unknown filters, self-references, wrong lengths."""
    swaps = [
        (b"/FlateDecode", rng.choice([b"/FooDecode", b"/JBIG2Decode", b"/LZWDecode", b"/Crypt"])),
        (b"/ASCII85Decode", b"/RunLengthDecode"),
        (b"/Parent 3 0 R", b"/Parent 5 0 R"),
        (b"/Kids [", b"/Kids [3 0 R "),
        (b"/Length ", b"/Length 9"),
        (b"/Root ", b"/Root 9"),
        (b"/Count ", b"/Count 99999999"),
        (b"xref", b"xref 0 999999"),
        (b"endobj", b""),
    ]
    for old, new in rng.sample(swaps, rng.randint(1, 3)):
        data = data.replace(old, new, rng.randint(1, 3))
    return data


def docx_parts(data: bytes, rng: random.Random) -> bytes:
    """A well-formed zip whose parts are damaged: bad XML, a missing part, garbage bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    dropped = rng.choice(names) if rng.random() < 0.3 else None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in names:
            part = source.read(name)
            if name == dropped:
                continue
            if name.endswith(".xml") and rng.random() < 0.5:
                part = rng.choice([flip, truncate, splice])(part, rng)
            target.writestr(name, part)
    return buffer.getvalue()


def html_shapes(data: bytes, rng: random.Random) -> bytes:
    nests = rng.choice([b"<div>" * 3000, b"<b><i>" * 2000, b"<!--" * 1000, b"\xff\xfe\x00<"])
    at = rng.randrange(len(data))
    return data[:at] + nests + data[at:]


MUTATIONS: dict[str, list[Callable[[bytes, random.Random], bytes]]] = {
    ".pdf": [flip, truncate, splice, pdf_tokens, pdf_tokens],
    ".docx": [flip, truncate, splice, docx_parts, docx_parts],
    ".html": [flip, truncate, splice, html_shapes],
}


def test_damaged_files_are_refused_in_one_line_naming_the_file(tmp_path):
    rng = random.Random(SEED)
    valid = {".pdf": valid_pdf(tmp_path), ".docx": valid_docx(), ".html": valid_html()}
    ingestor = Ingestor(None, None, 160, 32)  # type: ignore[arg-type] - nothing is embedded
    started, outcomes = time.perf_counter(), {"read": 0, "refused": 0}
    for suffix, data in valid.items():
        for n in range(PER_KIND):
            mutate = rng.choice(MUTATIONS[suffix])
            path = tmp_path / f"fuzz-{n:03d}{suffix}"
            path.write_bytes(mutate(data, rng) or b"x")
            entry = DocumentEntry(id="fuzz", title="", side="critic", path=path)
            try:
                ingestor.prepare(entry, path, "0" * 64, "file")
                outcomes["read"] += 1
            except IngestError as exc:
                message = str(exc)
                assert message.startswith(path.name) and "\n" not in message, message
                outcomes["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - what the test is for
                pytest.fail(f"{path.name} ({mutate.__name__}) escaped: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    print(f"{3 * PER_KIND} damaged files in {seconds:.1f} s: {outcomes}")
    assert outcomes["refused"] > PER_KIND and outcomes["read"] > 10  # the mutations bite, not all
    assert seconds < BUDGET_S
