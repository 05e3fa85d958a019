"""One writer at a time per data folder: ingests, uploads, removals and repairs queue on a file
lock (`<data>/writer.lock`); readers (search, ask, the page) never take it.

Two ingests started together each checked for a duplicate before either had written, so both
wrote. Under the lock the second one waits for the first, then sees what it wrote.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from counterpoint.errors import IngestError

LOCK_NAME = "writer.lock"
WAIT_SECONDS = 600.0  # COUNTERPOINT_LOCK_WAIT: a large ingest takes minutes
F = TypeVar("F", bound=Callable[..., Any])
_LOCKS: dict[Path, Any] = {}


@contextmanager
def writer_lock(data_dir: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the data folder's writer lock, waiting up to `wait` seconds for another writer."""
    from filelock import FileLock, Timeout

    path = (data_dir / LOCK_NAME).resolve()
    # One lock object per folder, so that a writer calling another writer (the doctor's
    # repair, an ingest) re-enters it instead of waiting for itself.
    lock = _LOCKS.setdefault(path, FileLock(path))
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=wait)
    except Timeout:
        raise IngestError(
            f"another ingest is running on {data_dir} (waited {wait:.0f} s); "
            "try again when it has finished"
        ) from None
    except PermissionError as exc:  # a read-only data folder: nothing may be written
        raise IngestError(f"permission denied: {exc.filename or path}") from None
    except OSError as exc:
        raise IngestError(f"cannot write {exc.filename or path}: {exc.strerror}") from None
    try:
        yield
    finally:
        lock.release()


def writes(method: F) -> F:
    """Run an `Assistant` method under its data folder's writer lock (re-entrant in a process)."""

    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with writer_lock(Path(self.base_settings.data_dir), self.base_settings.lock_wait):
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]
