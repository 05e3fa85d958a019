"""The Chroma client: an embedded `PersistentClient` by default, an `HttpClient` when
`CHROMA_HOST` is set; and every client failure as a `StoreError` that says what to check.

Against a server a failure names the server and the likely cause (is it running, is the token
right, did it answer in time); chromadb's own errors are many and unrelated types.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterpoint.config import Settings, offline_environment
from counterpoint.errors import StoreError

if TYPE_CHECKING:
    from llama_index.vector_stores.chroma import ChromaVectorStore

REPAIR = "run `counterpoint doctor --repair`"

# chromadb's HttpClient waits forever by default; a stalled server must not hang a question.
_CONNECT_TIMEOUT_S = 5.0
_REQUEST_TIMEOUT_S = 120.0


@contextmanager
def store_errors(action: str, settings: Settings | None = None) -> Iterator[None]:
    """Turn any client failure into a `StoreError` that says what was being done."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - chromadb raises many unrelated types
        raise StoreError(describe_failure(exc, action, settings)) from None


def describe_failure(exc: Exception, action: str, settings: Settings | None = None) -> str:
    """A one-line message for a Chroma failure, naming the server and what to check."""
    import httpx

    server = settings.chroma_host if settings else None
    where = f"the Chroma server at {server}:{settings.chroma_port}" if settings and server else ""
    if where and _is_auth_failure(exc):
        if settings and settings.chroma_auth_token:
            return f"{where} refused CHROMA_AUTH_TOKEN while {action}: check the token"
        return f"{where} requires a token: set CHROMA_AUTH_TOKEN"
    transport = _transport_error(exc)
    if where and isinstance(transport, httpx.TimeoutException):
        return f"{where} did not answer in time while {action}"
    if where and transport is not None:
        return (
            f"cannot reach {where} while {action} ({transport or type(transport).__name__}); "
            "is it running? (CHROMA_HOST, CHROMA_PORT)"
        )
    # The index itself is damaged (or unreadable): the doctor rebuilds it, uploads included.
    return f"Chroma failed while {action}: {type(exc).__name__}: {exc}; {REPAIR}"


def _transport_error(exc: BaseException | None) -> Exception | None:
    # chromadb wraps a refused connection in a ValueError at connect time; the cause says why.
    import httpx

    while exc is not None:
        if isinstance(exc, httpx.TransportError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _is_auth_failure(exc: Exception) -> bool:
    from chromadb.errors import AuthorizationError, ChromaAuthError

    if isinstance(exc, AuthorizationError | ChromaAuthError):
        return True
    # A proxy that answers in plain text reaches us as a bare Exception holding the body.
    text = str(exc).lower()
    return type(exc) is Exception and ("unauthorized" in text or "forbidden" in text)


def collection_names(client: Any, settings: Settings) -> list[str]:
    """The names of the collections the client holds."""
    with store_errors("listing collections", settings):
        return [getattr(c, "name", c) for c in client.list_collections()]


def open_client(settings: Settings) -> Any:
    """A Chroma client for the configured deployment: embedded by default, else a server."""
    offline_environment()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_host:
        if denied := access_denied(settings):
            raise StoreError(f"permission denied: {denied}")
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        with store_errors(f"opening {settings.chroma_path}"):
            try:
                path = str(settings.chroma_path)
                return chromadb.PersistentClient(path, settings=chroma_settings)
            except Exception:
                _forget_failed_system(path)
                raise
    headers = {}
    if settings.chroma_auth_token:
        headers["Authorization"] = f"Bearer {settings.chroma_auth_token.get_secret_value()}"
    with store_errors("connecting", settings):
        client = chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            headers=headers,
            settings=chroma_settings,
        )
        _set_timeouts(client)
        client.heartbeat()
    return client


def _set_timeouts(client: Any) -> None:
    # chromadb exposes no timeout setting; its httpx session is reached through private
    # attributes, so this is skipped quietly if a future chromadb moves them.
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(_REQUEST_TIMEOUT_S, connect=_CONNECT_TIMEOUT_S)


def access_denied(settings: Settings, writing: bool = False) -> Path | None:
    """The first part of the embedded store this process may not use, or None.

    chromadb writes to its database on opening, so reading needs write access to it as much as
    writing does; `writing` adds the data folder (the writer lock, kept sources, BM25 copies).
    Checked before opening: an unreadable index must say so, never pass for a damaged one.
    """
    data, chroma = settings.data_dir, settings.chroma_path
    folder = os.R_OK | os.W_OK | os.X_OK
    wanted = [(data, os.R_OK | os.X_OK | (os.W_OK if writing else 0)), (chroma, folder)]
    wanted.append((chroma / "chroma.sqlite3", os.R_OK | os.W_OK))
    if os.access(chroma, os.R_OK | os.X_OK):
        wanted += [(p, folder if p.is_dir() else os.R_OK | os.W_OK) for p in _segments(chroma)]
    for path, mode in wanted:
        if path.exists() and not os.access(path, mode):
            return path
    return None


def _segments(chroma: Path) -> list[Path]:
    """The segment folders of an embedded store and the files in them."""
    found = []
    for folder in (p for p in chroma.iterdir() if p.is_dir()):
        found.append(folder)
        if os.access(folder, os.R_OK | os.X_OK):
            found += sorted(folder.iterdir())
    return found


def _forget_failed_system(path: str) -> None:
    # chromadb keeps one system per path for the life of the process, a failed one too: the
    # next client of that path would then fail with an unrelated AttributeError instead of the
    # real cause. Forget it unless another client of the path still uses it.
    from chromadb.api.shared_system_client import SharedSystemClient as Shared

    if not getattr(Shared, "_identifier_to_refcount", {}).get(path):
        getattr(Shared, "_identifier_to_system", {}).pop(path, None)


def release_store(settings: Settings) -> None:
    """Stop and forget this process's embedded store at `settings.chroma_path` (before it is
    moved aside): clients of it stop working, those of other paths go on."""
    from chromadb.api.shared_system_client import SharedSystemClient as Shared

    path = str(settings.chroma_path)
    getattr(Shared, "_identifier_to_refcount", {}).pop(path, None)
    system = getattr(Shared, "_identifier_to_system", {}).pop(path, None)
    if system is not None:
        with contextlib.suppress(Exception):  # a damaged store may fail to stop cleanly
            system.stop()


# --- llama-index's view of a chunk store's collection ---------------------------------------


def guarded_vector_store(store: Any) -> ChromaVectorStore:
    """A `ChromaVectorStore` on a `ChunkStore`'s current collection whose failures are the
    store's `StoreError`s.

    Retrievers keep their vector store for the life of the process; reading the collection
    from the `ChunkStore` at each call lets them follow it when it is looked up again.
    """
    vector_store = _guarded_class()(chroma_collection=store.collection)
    vector_store._chunk_store = store
    return vector_store


@lru_cache(maxsize=1)
def _guarded_class() -> type[ChromaVectorStore]:
    from llama_index.vector_stores.chroma import ChromaVectorStore
    from pydantic import PrivateAttr

    class GuardedChromaVectorStore(ChromaVectorStore):
        _chunk_store: Any = PrivateAttr(default=None)

        def query(self, query: Any, **kwargs: Any) -> Any:
            return self._on_current("searching", ChromaVectorStore.query, query, **kwargs)

        def add(self, nodes: list, **kwargs: Any) -> list[str]:
            return self._on_current("writing chunks", ChromaVectorStore.add, nodes, **kwargs)

        def _on_current(self, action: str, method: Callable, *args: Any, **kwargs: Any) -> Any:
            def run(collection: Any) -> Any:
                self._collection = collection
                return method(self, *args, **kwargs)

            return self._chunk_store._run(action, run)

    return GuardedChromaVectorStore
