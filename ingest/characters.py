"""Characters PDF extraction leaves that no reader or tokenizer wants: the first cleaning step.

Typeset reports are full of compatibility characters: ligatures ("signiﬁcant" holds U+FB01),
full-width punctuation, no-break spaces, and soft hyphens (U+00AD) that mark where a word may be
broken ("net\u00adzero"). Left in, the tokenizer cuts "signiﬁcant" into "signi" and "cant" and no
query for "significant" meets it. Unicode NFKC folds them to their plain forms; soft hyphens and
zero-width characters are invisible, so they are dropped.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible: the soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Circled and parenthesised numbers (①, ⑴, ⒈) open list items (see cleaning._LIST_MARKER);
# NFKC would make "② text" an ordinary "2 text", so they keep their form.
_ENCLOSED = re.compile("[\u2460-\u24ff]+")


def normalize_characters(text: str) -> str:
    """NFKC outside enclosed numbers, with soft hyphens and zero-width characters removed."""
    text = _INVISIBLE.sub("", text)
    if text.isascii():
        return text
    pieces, at = [], 0
    for match in _ENCLOSED.finditer(text):
        pieces += [unicodedata.normalize("NFKC", text[at : match.start()]), match.group()]
        at = match.end()
    pieces.append(unicodedata.normalize("NFKC", text[at:]))
    return "".join(pieces)
