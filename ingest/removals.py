"""Which manifest documents an ingest removes, and when that is too many to be meant."""

from __future__ import annotations

from counterpoint.errors import ManifestError
from ingest.identity import origin
from ingest.manifest import MANIFEST_NAME, Manifest


def check_removals(manifest: Manifest, documents: dict[str, dict], prune: bool) -> set[str]:
    """The manifest documents of the index that `manifest` no longer lists; `ManifestError`
    when that is all of them or more than half, unless `prune`."""
    indexed = {d for d, meta in documents.items() if origin(meta) == "manifest"}
    leaving = indexed - {entry.id for entry in manifest.documents}
    # Half or fewer is an edit; all of them, or most, is more likely an emptied or broken file.
    if prune or not leaving or (len(leaving) * 2 <= len(indexed) and leaving != indexed):
        return leaving
    named = ", ".join(sorted(leaving)[:6]) + (", …" if len(leaving) > 6 else "")
    raise ManifestError(
        f"{manifest.root / MANIFEST_NAME} would remove {len(leaving)} of the {len(indexed)} "
        f"documents it indexed ({named}); nothing was changed. If they are meant to go, "
        "run `counterpoint ingest --prune`"
    )
