"""An index made before cases becomes one case, in place.

Before cases, a data folder held one bare collection (`<collection>`, no case id) and kept its
BM25 copies, matrix caches, uploads and kept sources at the top of the data folder. Left alone,
that index would be invisible (cases are `<collection>--<id>` collections), so the bundled corpus
would be embedded again and a user's uploads would vanish from the page. Adopting it moves the
files under the case's folder and then renames the collection: nothing is embedded again, and
the rename comes last, so an interrupted adoption is simply done again on the next start.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

from counterpoint.cases import (
    Case,
    bind,
    case_metadata,
    collection_or_none,
    find_case,
    modifiable,
)
from counterpoint.chroma import store_errors
from counterpoint.config import Settings

# What a data folder held at its top before cases, all of it one corpus's.
UNSCOPED = ("bm25", "matrix", "uploads", "files", "sources.json")


def adopt_unscoped(client: Any, settings: Settings, heir: Callable[[], Case]) -> Case | None:
    """Make the data folder's pre-cases index the case `heir()` (asked only when there is such
    an index) and return it; None when there is none (or that case exists already: then the
    old index is left as it is, for the user to look at)."""
    old = collection_or_none(
        client, settings, settings.collection, "looking for an index made before cases"
    )
    if old is None:
        return None
    case = heir()
    if find_case(client, settings, case.id) is not None:
        return None
    bound = bind(settings, case)
    bound.case_dir.mkdir(parents=True, exist_ok=True)
    for name in UNSCOPED:
        source, target = settings.data_dir / name, bound.case_dir / name
        if source.exists() and not target.exists():
            shutil.move(source, target)
    with store_errors(f"making the old index the case {case.id}", settings):
        old.modify(
            name=bound.collection_name,
            metadata={**modifiable(old.metadata), **case_metadata(bound)},
        )
    return case
