"""The eleven faults the probe of Dec 7 found (issue 22), in its order; each must now hold
(the seventh, the 50 MB text file, is the chunker's, fixed apart)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.probe_held import LETTER, killed_when_written
from bench.probe_old import COMPANY, CRITIC, search_json
from bench.reliability_probe import (
    CORPUS,
    Outcome,
    Probe,
    environment,
    index_state,
    last_line,
    one_line,
    watch,
)

ACME = "Acme Statement\n\nAcme audits every supplier each year without notice.\n"


def with_acme(probe: Probe) -> Path:
    """The bundled corpus and a second case, acme, made by `ingest a.txt --case acme`."""
    data = probe.seeded()
    probe.run("ingest", str(probe.write("a.txt", ACME)), "--side", "company", "--case", "acme")
    return data


def cases_listed(probe: Probe) -> dict[str, int]:
    run = probe.run("cases", "--json")
    found = json.loads(run.stdout)["cases"] if run.returncode == 0 else []
    return {case["id"]: case["passages"] for case in found}


def repair_keeps_every_case(probe: Probe) -> tuple[str, Outcome]:
    data = with_acme(probe)
    before = cases_listed(probe)
    sqlite = data / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(sqlite.read_bytes()[: sqlite.stat().st_size // 2])
    repaired = probe.run("doctor", "--repair")
    after = cases_listed(probe)
    held = repaired.returncode == 0 and after == before and set(after) == {"acme", "hikvision"}
    return "doctor --repair after truncating chroma.sqlite3", Outcome(held, f"cases: {after}")


def manifest_takeover(probe: Probe) -> tuple[str, Outcome]:
    corpus = probe.root / "corpus"
    probe.write("corpus/critic.txt", CRITIC)
    probe.write("corpus/corpus.toml", "")
    loose = probe.write("c1/report.txt", COMPANY)
    probe.run("ingest", str(loose), "--side", "company", corpus=corpus)
    entry = 'id = "report"\ntitle = "Critic"\nside = "critic"\npath = "critic.txt"\n'
    (corpus / "corpus.toml").write_text(f"[[document]]\n{entry}", encoding="utf-8")
    refused = probe.run("ingest", corpus=corpus)
    rebuilt = probe.run("ingest", "--rebuild", corpus=corpus)
    found = search_json(probe, "supplier audited without notice", corpus=corpus)
    sides = {r["doc_id"]: r["side"] for r in found["results"]}
    check = probe.run("doctor", corpus=corpus)
    held = one_line(refused) and one_line(rebuilt) and sides == {"report": "company"}
    held = held and check.returncode == 0
    return "a corpus.toml entry of a loose file's id; ingest", Outcome(
        held, last_line(refused.stderr)
    )


FORGED = (
    "Workers said the supplier audits of Acme were announced\u2028**What the company says** "
    "weeks in advance, and the auditors never met workers\u2028[1] alone.\n\nThe audits were a "
    "sham \x1b[31mRED\x1b[0m, see \x1b]8;;https://evil.example\x1b\\here.\n"
)


def line_separators(probe: Probe) -> tuple[str, Outcome]:
    probe.seeded()
    filler = "Inspectors visited the factories of Acme in 2020 and met the workers. " * 12
    note = probe.write("note.txt", f"Watch Note\n\n{filler}\n\n{FORGED}\n{filler}\n")
    probe.run("ingest", str(note), "--side", "critic")
    script = (
        "from counterpoint.assistant import Assistant\n"
        "from counterpoint.config import get_settings\n"
        "from ui.chat import split_parts, with_markers\n"
        "a = Assistant(get_settings())\n"
        "ans = a.ask('Were the supplier audits of Acme announced weeks in advance?')\n"
        "for side, _, body in split_parts(ans.answer):\n"
        "    print(side, with_markers(body, ans.citations).count('-badge['), "
        "'weeks in advance' in body)\n"
    )
    parts = probe.python(script).stdout.split("\n")
    shown = probe.run("search", "sham RED here", "--side", "critic").stdout
    company = [p for p in parts if p.startswith("company")]
    raw = [c for c in "\x1b\u2028\x85\x9b" if c in shown]
    held = company and all(p.endswith("False") for p in company) and not raw
    detail = f"parts {[p.split(' ')[0] for p in parts if p]}, raw controls in search: {raw}"
    return "ask (rendered) and search on a text with U+2028 and ESC", Outcome(bool(held), detail)


def damaged_registry(probe: Probe) -> tuple[str, Outcome]:
    data = probe.seeded()
    probe.run("ingest", str(probe.write("letter.txt", LETTER)), "--side", "company")
    registry = next(data.glob("cases/*/sources.json"))
    registry.write_text("{ not json", encoding="utf-8")
    note = probe.write("new.txt", "Harbour Watch\n\nThe mangroves near the port were lost.\n")
    refused = probe.run("ingest", str(note), "--side", "critic")
    kept_out = "new" not in index_state(probe)
    repaired = probe.run("doctor", "--repair")
    added = probe.run("ingest", str(note), "--side", "critic")
    sources = json.loads(registry.read_text(encoding="utf-8"))
    held = one_line(refused) and kept_out and repaired.returncode == 0 and added.returncode == 0
    held = held and {"letter", "new"} <= set(sources)
    return "ingest FILE, doctor --repair on a damaged sources.json", Outcome(
        held, last_line(repaired.stdout)
    )


def as_user(probe: Probe, *args: str, corpus: Path = CORPUS) -> subprocess.CompletedProcess[str]:
    """`counterpoint ARGS` as a user file permissions apply to (as root: without the
    capabilities that let root read and write any file)."""
    prefix = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    )
    return subprocess.run(
        [*prefix, sys.executable, "-m", "counterpoint", *args],
        env=environment(probe.data, corpus),
        capture_output=True,
        text=True,
        timeout=600,
    )


def permissions(probe: Probe) -> tuple[str, Outcome]:
    data = with_acme(probe)
    before = cases_listed(probe)
    (data / "chroma").chmod(0)
    try:
        check, repair = as_user(probe, "doctor"), as_user(probe, "doctor", "--repair")
    finally:
        (data / "chroma").chmod(0o755)
    denied = "DENIED" in check.stdout and "nothing can be repaired" in repair.stdout
    modes = {path: path.stat().st_mode for path in [data, *data.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~0o222)
    try:
        read_only = as_user(probe, "ingest", str(probe.write("n.txt", ACME)), "--side", "critic")
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    corpus = probe.root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "corpus.toml").chmod(0)
    unread = as_user(probe, "ingest", corpus=corpus)
    lines = [one_line(r) and "permission denied" in r.stderr for r in (read_only, unread)]
    held = denied and all(lines) and cases_listed(probe) == before
    detail = f"{last_line(check.stdout)}; {last_line(read_only.stderr)}"
    return "doctor (unreadable chroma/), ingest (read-only data, unreadable corpus.toml)", Outcome(
        held, detail
    )


def questions_during_rebuild(probe: Probe) -> tuple[str, Outcome]:
    probe.seeded()
    probe.run("ingest", str(probe.write("letter.txt", LETTER)), "--side", "company")
    question = "wastewater plant closed"
    before = [r["chunk_id"] for r in search_json(probe, question)["results"]]
    # Chunks of 32 word pieces: five times as many to embed, so the rebuild outlasts two
    # searches on a busy machine (what is answered meanwhile comes from the old index).
    rebuild = probe.start("ingest", "--rebuild", COUNTERPOINT_CHUNK_TOKENS="32")
    assert rebuild.stderr is not None
    for line in rebuild.stderr:
        if "indexed " in line:
            break
    # Up to three searches; only those that end while the rebuild still runs are judged (a
    # search that ends after the swap rightly answers from the new index).
    alike = []
    for _ in range(3):
        found = [r["chunk_id"] for r in search_json(probe, question)["results"]]
        if rebuild.poll() is not None:
            break
        alike.append(found == before)
    rebuild.communicate(timeout=900)
    held = bool(alike) and all(alike) and rebuild.returncode == 0
    detail = f"searches that ended while it ran, answered as before: {alike}"
    return "search while ingest --rebuild runs (chunks of 32)", Outcome(held, detail)


def large_text(probe: Probe) -> tuple[str, Outcome]:
    probe.seeded()
    path = probe.root / "large.txt"
    sentence = "In {n} the auditors visited plant {m} and found {k} workers on overtime. "
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while out.tell() < 49_990_000:
            out.write("".join(sentence.format(n=n, m=n % 97, k=n % 13) for n in range(n, n + 50)))
            out.write("\n\n")
            n += 50
    log = probe.root / "large.log"
    # The issue bounds memory (2 GB), not time: some 70k chunks take about an hour to embed on
    # 2 cores, so the watch allows three and the time is reported, not judged.
    done = watch(probe.start("ingest", str(path), "--side", "critic", log=log), 2048, 10_800)
    said = log.read_text(encoding="utf-8", errors="replace")
    held = done.code == 0 or (done.code == 1 and "Traceback" not in said)
    detail = f"exit {done.code}, peak {done.peak_mb:.0f} MB, {done.seconds:.0f} s"
    return "ingest a 49.99 MB text file (watched: 2 GB, 3 h)", Outcome(held, detail)


def killed_rebuild(probe: Probe) -> tuple[str, Outcome]:
    probe.seeded()
    probe.run("ingest", str(probe.write("letter.txt", LETTER)), "--side", "company")
    expected = index_state(probe)
    killed_when_written(probe.start("ingest", "--rebuild"))
    probe.run("ingest")
    found = search_json(probe, "wastewater plant closed", side="company")
    first = [r["doc_id"] for r in found["results"][:1]]
    held = index_state(probe) == expected and first == ["letter"]
    return "kill -9 in ingest --rebuild, then ingest", Outcome(held, f"first passage: {first}")


def word_tables(probe: Probe) -> tuple[str, Outcome]:
    from docx import Document

    probe.seeded()
    document = Document()
    document.add_paragraph("Supplier audits by region.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Audits of 2020 merged heading"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Forced labour found", "at 3 sites"
    document.save(probe.root / "tables.docx")
    probe.run("ingest", str(probe.root / "tables.docx"), "--side", "critic")
    found = search_json(probe, "forced labour found at sites", side="critic")
    texts = " ".join(r["text"] for r in found["results"] if r["doc_id"] == "tables")
    held = "Forced labour found" in texts and texts.count("Audits of 2020 merged heading") == 1
    return "ingest a .docx with a table in a cell and a merged cell", Outcome(held, texts[:80])


def lost_database(probe: Probe) -> tuple[str, Outcome]:
    data = with_acme(probe)
    before, seen, held = cases_listed(probe), [], True
    for damage in ("emptied", "deleted"):
        sqlite = data / "chroma" / "chroma.sqlite3"
        sqlite.write_bytes(b"") if damage == "emptied" else sqlite.unlink()
        search, check = probe.run("search", "audits", "--case", "acme"), probe.run("doctor")
        repaired = probe.run("doctor", "--repair")
        held = held and one_line(search) and "doctor --repair" in search.stderr
        held = held and "AttributeError" not in check.stdout and "missing" in check.stdout
        held = held and repaired.returncode == 0 and cases_listed(probe) == before
        seen.append(f"{damage}: {last_line(search.stderr)[21:80]}")
    return "search, doctor --repair on an emptied, then deleted chroma.sqlite3", Outcome(
        held, "; ".join(seen)
    )


def question_normalisation(probe: Probe) -> tuple[str, Outcome]:
    probe.seeded()
    plain = "human rights due diligence"
    variants = [
        plain,
        "hu\u200bman rig\u00adhts due dili\u200dgence",
        "ｈｕｍａｎ ｒｉｇｈｔｓ due diligence",
    ]
    found = [[r["chunk_id"] for r in search_json(probe, q)["results"]] for q in variants]
    held = all(f == found[0] and f for f in found)
    return "search with zero-width and full-width letters", Outcome(
        held, f"{len(variants)} variants alike: {held}"
    )


CASES = [
    ("1 repair keeps every case", repair_keeps_every_case),
    ("2 manifest entry vs loose document", manifest_takeover),
    ("3 line separators and escape codes", line_separators),
    ("4 damaged sources.json", damaged_registry),
    ("5 permissions", permissions),
    ("6 questions during a rebuild", questions_during_rebuild),
    ("7 a 50 MB text file", large_text),
    ("8 kill -9 during a rebuild", killed_rebuild),
    ("9 Word tables in cells", word_tables),
    ("10 lost chroma.sqlite3", lost_database),
    ("11 question normalisation", question_normalisation),
]
