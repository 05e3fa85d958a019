"""Counterpoint's own exceptions.

Each carries a message written for the analyst; the CLI and the page show it once, as one line,
instead of a traceback.
"""


class CounterpointError(Exception):
    """Base class: anything the user can act on. Shown to the user as it is."""


class ConfigError(CounterpointError):
    """A setting is missing or invalid (environment or `.env`)."""


class InputError(CounterpointError):
    """The user's input is unusable: an empty question, an unknown side, an unreadable file."""


class ManifestError(CounterpointError):
    """`corpus.toml` is malformed or names a document that cannot be used."""


class IngestError(CounterpointError):
    """A document could not be loaded, cleaned or indexed."""


class CaseError(CounterpointError):
    """No case of that id, or several cases and none chosen: the message lists the cases."""


class IndexMissingError(CounterpointError):
    """There is no index, and no corpus to build it from."""


class StoreError(CounterpointError):
    """The vector store (embedded Chroma or a Chroma server) failed or cannot be reached."""


class LLMError(CounterpointError):
    """The LLM endpoint failed; the turn falls back to the extractive answer with this message."""


class UnverifiedAnswerError(LLMError):
    """The model's answer holds nothing that checks against its passages: the turn falls back
    to the extractive answer, and the model's text (`text`) is kept for the analyst to open."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text
