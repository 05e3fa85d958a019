"""Characters PDF extraction leaves that no reader or tokenizer wants: the first cleaning step.

Typeset reports are full of compatibility characters: ligatures ("signiﬁcant" holds U+FB01),
superscripts, full-width letters, no-break spaces, and soft hyphens (U+00AD) that mark where a
word may be broken ("net\u00adzero"). Left in, the tokenizer cuts "signiﬁcant" into "signi" and
"cant" and no query for "significant" meets it. Unicode NFKC folds a character to its plain form
when that form is letters, digits or spaces; punctuation keeps its form ("…", "（", and "②",
which opens a list item), so text without such characters is left exactly as it was (the
Hikvision eval's chunks and figures do not move). Soft hyphens and zero-width characters are
invisible, so they are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible: the soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    """The NFKC form of one character if it is letters, digits or spaces, else the character."""
    folded = unicodedata.normalize("NFKC", char)
    if folded == char or "\u2460" <= char <= "\u24ff":  # enclosed numbers open list items
        return char
    if all(c.isalnum() or c.isspace() or unicodedata.category(c) == "Mn" for c in folded):
        return folded
    return char


def normalize_characters(text: str) -> str:
    """Ligatures, full-width letters and no-break spaces in plain form; soft hyphens dropped."""
    text = _INVISIBLE.sub("", text)
    return _NON_ASCII.sub(lambda m: _plain(m.group()), text)
