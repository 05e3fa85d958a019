"""Cache keys of the page: which index is open and which document versions it holds."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def index_key(assistant, documents: dict[str, dict[str, Any]]) -> str:  # noqa: ANN001
    """Which index this is and which document versions it holds: a cache key for the page."""
    settings = assistant.settings
    state = [
        str(settings.data_dir),
        settings.chroma_host or "",
        settings.collection_name,  # one per case
        sorted((doc_id, str(meta.get("doc_hash", ""))) for doc_id, meta in documents.items()),
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:16]
