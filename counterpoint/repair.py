"""`counterpoint doctor --repair`: mend what `counterpoint.doctor` found, every case of the data
folder, and say what was done for each.

A permission problem changes nothing: it is said, and left to the user. An embedded store that
does not open, or a case whose collection does not read back, has the whole store moved aside
(never deleted: `chroma.damaged-<time>`), and then **every** case is rebuilt from its own
sources: its corpus.toml or case folder, and its kept uploads and loose files. A case that cannot
be rebuilt (no source left) is named, and stays in the store set aside; the doctor keeps naming
it. A case whose index is missing (a deleted `chroma.sqlite3`), or was made by another embedder,
is rebuilt alone; so is one whose collection a Chroma server cannot read, after it is dropped.
A damaged `sources.json` is set aside and made again from the index and the kept copies.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime

from counterpoint.cases import Case, bind
from counterpoint.config import Settings
from counterpoint.doctor import Diagnosis

Notify = Callable[[str], None]


def repair(settings: Settings, found: Diagnosis, notify: Notify = print) -> list[str]:
    """Mend what `found` says is damaged; returns one line per thing done (or not done)."""
    from counterpoint.locking import writer_lock

    if blocked := found.blocked:
        return [f"nothing was changed: {blocked.detail}"]
    with writer_lock(settings.data_dir, settings.lock_wait):
        done = [line for case in found.cases for line in _tidy(bind(settings, case), found)]
        return done + _rebuild_all(settings, found, notify)


def plan(settings: Settings, found: Diagnosis) -> list[str]:
    """What `repair` would do about `found`, one line each (the doctor says it first)."""
    if blocked := found.blocked:
        return [f"nothing can be repaired here: {blocked.detail}; give this user access to it"]
    whole, lines = _store_damaged(settings, found), []
    if whole:
        every = ", ".join(case.id for case in found.cases) or "none known"
        lines.append(f"move the damaged index aside and rebuild every case ({every})")
    for case in found.cases:
        lines += [f"{case.id}: {what}" for what in _plan_case(found, case.id, whole)]
    if not lines:  # an unreachable server, say: nothing here to mend
        failed = next(c for c in found.checks if not c.ok)
        lines.append(f"nothing it can mend: {failed.detail}")
    return lines


def _plan_case(found: Diagnosis, case: str, whole: bool) -> list[str]:
    planned = []
    if found.failed("bm25", case):
        planned.append("remove the damaged BM25 copies")
    damaged_registry = "is damaged" in found.detail("sources", case)
    if found.failed("sources", case) and damaged_registry:
        planned.append("set the damaged sources.json aside and make it again from the index")
    rebuild = found.failed("store", case) or found.failed("embedder", case)
    if rebuild and not whole:
        planned.append("rebuild it from its own sources")
    elif found.failed("sources", case) and not damaged_registry and not whole:
        planned.append("index its kept sources again, remove copies nothing refers to")
    if found.failed("rebuild", case) and not (rebuild or whole):
        planned.append("drop what an interrupted rebuild left")
    return planned


def _tidy(settings: Settings, found: Diagnosis) -> list[str]:
    """A case's damaged BM25 copies removed, its damaged registry made again."""
    case, done = str(settings.case), []
    if found.failed("bm25", case):
        shutil.rmtree(settings.case_dir / "bm25", ignore_errors=True)
        done.append(f"{case}: removed the saved BM25 indexes (rebuilt on the next question)")
    if found.failed("sources", case) and "is damaged" in found.detail("sources", case):
        done.append(f"{case}: {_recover_registry(settings, found.documents.get(case))}")
    return done


def _rebuild_all(settings: Settings, found: Diagnosis, notify: Notify) -> list[str]:
    """Rebuild what must be; restore kept sources missing from sound indexes; tidy up."""
    done, whole = [], _store_damaged(settings, found)
    if whole:
        done.append(_set_aside(settings))
    for case in found.cases:
        bound, failed = bind(settings, case), whole
        failed = failed or found.failed("store", case.id) or found.failed("embedder", case.id)
        unreadable = found.failed("store", case.id) and not _only_missing(
            found.detail("store", case.id)
        )
        if failed and settings.chroma_host and unreadable:
            done.append(_drop(bound))
        if failed:
            done.append(_rebuild(settings, case, notify))
        elif found.failed("sources", case.id) and "is damaged" not in found.detail(
            "sources", case.id
        ):
            done.append(f"{case.id}: {_restore(settings, case, notify)}")
        if found.failed("rebuild", case.id) and not failed:
            done.append(f"{case.id}: {_drop_unfinished(bound)}")
        if _discard_leftovers(bound):
            done.append(f"{case.id}: removed kept copies nothing refers to")
    return done


def _store_damaged(settings: Settings, found: Diagnosis) -> bool:
    """The embedded store is damaged as a whole: it does not open, or a collection in it does
    not read back (its database or files are damaged; the other cases' may be too)."""
    if settings.chroma_host:
        return False
    if found.failed("store"):
        return True
    return any(
        found.failed("store", case.id) and not _only_missing(found.detail("store", case.id))
        for case in found.cases
    )


def _only_missing(detail: str) -> bool:
    return detail.startswith(("there is no index", "the index is missing", "a rebuild was"))


def _rebuild(settings: Settings, case: Case, notify: Notify) -> str:
    """One case indexed again from its own sources, beside whatever is live, then swapped in."""
    from counterpoint.assistant import Assistant
    from counterpoint.errors import CounterpointError
    from ingest.sources import load_sources

    manifest, source = _manifest_of(case)
    assistant = Assistant(settings, notify=notify)
    assistant.use_case(case)
    try:
        folder = assistant.settings.case_dir
        kept = [s for s in load_sources(folder).values() if s.path(folder).is_file()]
        if manifest is None and not kept:
            raise _Unrebuildable(f"{source}, and no copy of an upload or loose file is kept")
        report = assistant.rebuild(manifest, progress=False)
    except (CounterpointError, _Unrebuildable) as exc:
        return f"could not rebuild the case {case.id}: {exc}; it stays set aside and named"
    made = f"{source} and its kept sources" if manifest is not None else "its kept sources"
    return f"rebuilt the case {case.id} from {made}: {report.summary()}"


class _Unrebuildable(Exception):
    """A case with nothing left to rebuild it from (said in the repair's report)."""


def _manifest_of(case: Case):  # noqa: ANN202 - (Manifest | None, what it is or why not)
    """The case's manifest (its corpus.toml, or its case folder), or None and why not."""
    from counterpoint.errors import CounterpointError
    from ingest.manifest import MANIFEST_NAME, is_case_folder, load_case_folder

    root = case.root
    if root is None or not root.is_dir():
        return None, f"no source folder is known for it ({root or 'none recorded'})"
    if not (root / MANIFEST_NAME).is_file() and not is_case_folder(root):
        return None, f"no {MANIFEST_NAME} or case folder at {root}"
    try:
        manifest = load_case_folder(root)
    except CounterpointError as exc:
        return None, str(exc)
    if manifest.case.id != case.id:
        return None, f"{root} now describes the case '{manifest.case.id}'"
    return manifest, str(root / MANIFEST_NAME) if (root / MANIFEST_NAME).is_file() else str(root)


def _restore(settings: Settings, case: Case, notify: Notify) -> str:
    """Index again the kept sources missing from a sound index."""
    from counterpoint.assistant import Assistant
    from ingest.library import restore
    from ingest.pipeline import IngestReport

    assistant = Assistant(settings, notify=notify)
    assistant.use_case(case)
    report = IngestReport()
    missing = restore(assistant.ingestor(progress=False), assistant.settings.case_dir, report)
    lost = f"; no copy left of {', '.join(missing)}" if missing else ""
    return f"indexed the kept sources again: {report.summary()}{lost}"


def _set_aside(settings: Settings) -> str:
    """Move the embedded store out of the way (kept for inspection, never deleted)."""
    from counterpoint.chroma import release_store

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = settings.data_dir / f"chroma.damaged-{stamp}"
    release_store(settings)  # this process's handle on the damaged files
    shutil.move(settings.chroma_path, aside)
    return f"moved the damaged index to {aside}; every case is rebuilt from its own sources"


def _drop(settings: Settings) -> str:
    """Drop a case's unreadable collection on a Chroma server (it cannot be moved aside)."""
    from counterpoint.chroma import open_client, store_errors

    with store_errors("dropping the damaged collection", settings):
        open_client(settings).delete_collection(settings.collection_name)
    return f"{settings.case}: dropped the collection {settings.collection_name} on the server"


def _drop_unfinished(settings: Settings) -> str:
    from counterpoint.chroma import open_client, store_errors
    from counterpoint.swap import drop_staging

    with store_errors("dropping an unfinished rebuild", settings):
        drop_staging(open_client(settings), settings)
    return "dropped what an interrupted rebuild left"


def _recover_registry(settings: Settings, documents: dict | None) -> str:
    """Set a damaged sources.json aside and make it again from the index and the kept copies."""
    from ingest.library import recover_sources
    from ingest.sources import REGISTRY, save_sources

    folder = settings.case_dir
    if documents is None:
        return f"{REGISTRY} is damaged and the index cannot be read to make it again"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = folder / f"{REGISTRY}.damaged-{stamp}"
    (folder / REGISTRY).rename(aside)
    chunking = (settings.chunk_tokens, settings.chunk_overlap)
    sources, missing = recover_sources(documents, folder, *chunking)
    save_sources(folder, sources)
    lost = f"; no kept copy of {', '.join(missing)}" if missing else ""
    made = f"made it again from the index: {len(sources)} kept{lost}"
    return f"set the damaged {REGISTRY} aside as {aside.name} and {made}"


def _discard_leftovers(settings: Settings) -> int:
    from counterpoint.errors import CounterpointError
    from ingest.sources import discard, kept_files, load_sources

    try:
        sources = load_sources(settings.case_dir)
    except CounterpointError:
        return 0  # a registry that cannot be read refers to nothing we can trust: keep all
    kept = {s.path(settings.case_dir).resolve() for s in sources.values()}
    left = [p for p in kept_files(settings.case_dir) if p.resolve() not in kept]
    for path in left:
        discard(path)
    return len(left)
