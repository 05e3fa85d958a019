"""Models named by the user: a local folder, or a Hugging Face id fetched only when allowed.

Counterpoint runs offline by default (`offline_environment` sets `HF_HUB_OFFLINE`), so a Hugging
Face id is read from the local Hugging Face cache; it is downloaded only when the user sets
`COUNTERPOINT_ALLOW_DOWNLOADS=1`, and a missing model is a `ConfigError` that says so, not the
77 s of retries the hub spends failing on a closed network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from counterpoint.config import offline_environment
from counterpoint.errors import ConfigError

# What a sentence-transformers or cross-encoder model needs; the other formats a hub repository
# often carries (ONNX, OpenVINO, TensorFlow, Flax) would multiply the download for nothing.
SKIPPED_FILES = ["onnx/*", "openvino/*", "*.onnx", "*.h5", "*.msgpack", "*.ot", "*.ckpt"]
_SAMPLE_BYTES = 1 << 20  # of each weights file, hashed into the model's identity
_CONFIGS = ("config.json", "modules.json", "config_sentence_transformers.json")


def model_folder(name: str, allow_downloads: bool, setting: str) -> Path:
    """The folder holding the model `name` (a folder, or a Hugging Face id): `setting` is the
    variable that named it, for the error message."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    if name.startswith(("/", ".", "~")) or path.exists() or name.count("/") != 1:
        raise ConfigError(f"{setting}={name}: no model folder there")
    offline_environment()
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - not in the cache, whatever the hub's error type says
        pass
    if not allow_downloads:
        raise ConfigError(
            f"{setting}={name} is not a folder, and no Hugging Face model of that id is in the "
            "local cache: give a model folder, or set COUNTERPOINT_ALLOW_DOWNLOADS=1 to "
            "download it once"
        )
    try:
        with _online():
            return Path(snapshot_download(name, ignore_patterns=SKIPPED_FILES))
    except Exception as exc:  # noqa: BLE001 - any download failure is the user's to act on
        raise ConfigError(
            f"could not download {name} from Hugging Face ({type(exc).__name__}): check the id "
            "and the network"
        ) from None


@contextmanager
def _online() -> Iterator[None]:
    """The hub reads `HF_HUB_OFFLINE` once, at import: lift it for the one download the user
    allowed, and set it back so nothing else reaches the network."""
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = False
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def model_identity(name: str, folder: Path) -> str:
    """A name for the model's vectors, stored with the index: the Hugging Face id, or the
    folder's name, each with a digest of its configuration and the ends of its weight files
    (a fine-tuned copy of a model has the same configuration but other weights)."""
    digest = hashlib.sha256()
    for config in _CONFIGS:
        if (folder / config).is_file():
            digest.update((folder / config).read_bytes())
    for weights in sorted([*folder.glob("*.safetensors"), *folder.glob("*.bin")]):
        size = weights.stat().st_size
        with weights.open("rb") as stream:
            digest.update(f"{weights.name}:{size}".encode() + stream.read(_SAMPLE_BYTES))
            stream.seek(max(size - _SAMPLE_BYTES, 0))
            digest.update(stream.read(_SAMPLE_BYTES))
    label = name if not Path(name).expanduser().is_dir() else folder.name
    return f"{label}@{digest.hexdigest()[:12]}"


def prompts(folder: Path) -> dict[str, str]:
    """The prompts a sentence-transformers model saved with itself (e5: "query: " and
    "passage: "), from its `config_sentence_transformers.json`; empty when it has none."""
    path = folder / "config_sentence_transformers.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get("prompts") or {}
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(key): str(value) for key, value in saved.items() if value}
