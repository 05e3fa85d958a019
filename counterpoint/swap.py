"""A rebuild beside the live index, swapped in at the end.

A case's live collection is `<collection>--<id>`: what every reader opens, and what older code
reads. A rebuild writes a new collection, `<collection>--<id>.rebuild` (a case id never holds a
'.', so no case is named so), while readers keep answering from the live one. At the end, under
the writer lock, the live collection is renamed `<collection>--<id>.retired`, the new one takes
the live name, and the retired one is dropped: chromadb reads a collection by its id, so a reader
holding the old one answers from it until it is dropped, then looks the name up again.

A rebuild killed before the swap leaves the live index whole; its leftover is dropped by the next
writer. One killed between the two renames leaves the old index as `.retired`, which the next
opening of the case renames back; a reader that finds the live name missing while a `.retired`
exists first waits a moment for a swap under way to finish.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from counterpoint.config import Settings

STAGING = ".rebuild"
RETIRED = ".retired"
SWAP_WAIT_S = 3.0  # the two renames take milliseconds: past this, the swap was killed


def staging_name(settings: Settings) -> str:
    """The collection a rebuild of the bound case writes into."""
    return settings.collection_name + STAGING


def retired_name(settings: Settings) -> str:
    """The name the live collection has between the two renames of a swap."""
    return settings.collection_name + RETIRED


def get_or_none(client: Any, name: str) -> Any:
    """The collection of that name, or None when there is none."""
    from chromadb.errors import NotFoundError

    try:
        return client.get_collection(name)
    except (NotFoundError, ValueError):  # chromadb raises either, by version and client
        return None


def recover(client: Any, settings: Settings, wait: float = SWAP_WAIT_S) -> Any:
    """The live collection when a swap left it under its retired name: after waiting up to
    `wait` seconds for a swap under way to finish, the retired collection is renamed back.
    None when there is no retired collection (the live one is simply missing)."""
    live, retired = settings.collection_name, retired_name(settings)
    if get_or_none(client, retired) is None:
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if (found := get_or_none(client, live)) is not None:
            return found
        time.sleep(0.05)
    # It fails when another process put it back first, or the swap ended after all.
    with contextlib.suppress(Exception):
        client.get_collection(retired).modify(name=live)
    return get_or_none(client, live)


def drop_staging(client: Any, settings: Settings) -> bool:
    """Drop the collection of an unfinished rebuild; True when there was one."""
    if get_or_none(client, staging_name(settings)) is None:
        return False
    client.delete_collection(staging_name(settings))
    return True


def swap_in(client: Any, settings: Settings) -> None:
    """Make the rebuilt (staging) collection the live one; call under the writer lock."""
    live_name, retired = settings.collection_name, retired_name(settings)
    staging = client.get_collection(staging_name(settings))
    live = get_or_none(client, live_name) or recover(client, settings, wait=0)
    if live is not None and get_or_none(client, retired) is not None:
        client.delete_collection(retired)  # a leftover: the live index is whole
    if live is not None:
        live.modify(name=retired)
    staging.modify(name=live_name)
    if live is not None:
        client.delete_collection(retired)
