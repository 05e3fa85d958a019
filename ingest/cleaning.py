"""Repair the damage PDF text extraction leaves in a page of text.

`clean_text` applies the steps below in order; each is public so it can be tested alone.

0. `ingest.characters.normalize_characters`: NFKC ("ﬁ" -> "fi"), soft hyphens dropped.
1. `rejoin_split_apostrophes`: "Hikvision’ s" -> "Hikvision’s", "Xi’ an" -> "Xi’an".
2. `rejoin_letter_spaced`: "in f luence  the  s takeho lders" -> "influence the stakeholders".
3. `normalize_spaces`: one space between words, none before closing punctuation.
4. `dehyphenate`: "manage-\\nment" -> "management", "well-\\nknown" -> "well-known".
5. `unwrap_lines`: the lines of one wrapped paragraph become one line.
6. `collapse_table_cells`: a run of short table cells becomes one line joined by " · ".
7. steps 2 and 3 again: unwrapping can bring a word split over a line break onto one line.

Every join of fragments is decided with word frequencies from the `wordfreq` package, never a
hand-made word list. After step 0 only spaces, line breaks, line-end hyphens and " · " are
deleted or inserted: letters and digits survive in order. Split a document into pages first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.characters import normalize_characters

KNOWN_ZIPF = 3.0  # a join must make a word at least this frequent (zipf 3 = once per million)
JOIN_PENALTY = 4.0  # log10 odds against a space in ordinary text being spurious
SPACED_JOIN_PENALTY = 1.5  # ...and in a letter-spaced line, where most single spaces are
MAX_CHUNK_TOKENS = 12
MAX_WORD_LETTERS = 24
CELL_MAX_WORDS = 5
CELL_SEPARATOR = " · "

_CLITIC = r"(?:s|t|re|ve|ll|d|m)"
_SPLIT_APOSTROPHE = re.compile(r"\b([A-Za-z]+)([’'])[ \t]+([A-Za-z]+)\b")
_GLUED_POSSESSIVE = re.compile(r"(?<=[a-z]s’)(?=[a-z]{3,})")  # "Clients’safety"
_TOKEN = re.compile(r"([^\w]*)([A-Za-z]+(?:[-’'][A-Za-z]+)*)([^\w]*)")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)-[ \t]*\n[ \t]*([A-Za-z]+)")
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")
_CELL_END = re.compile(r"[.!?][”’\"')\]]*$")
_LIST_MARKER = re.compile(r"^(?:[•·▪●○■◆\-–—]|[\u2460-\u2473]|\(?\d{1,2}[).]\s)")
_URL_TAIL = re.compile(r"https?://\S+$")
_URL_CONTINUATION = re.compile(r"[\w\-./%?=&#~]+(?:\s|$)")
_SPACE_BEFORE_CLOSER = re.compile(r"(?<=\S) +(?=[,.;:!?)\]}”’]+(?:\s|$))")


@lru_cache(maxsize=1 << 16)
def _zipf(word: str) -> float:
    """Zipf frequency of an English word (0 if unknown); wordfreq is imported on first use."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower().replace("’", "'"), "en")


def _logp(core: str) -> float:
    """log10 probability of a word; a lone letter other than a/I is treated as unknown."""
    if len(core) == 1 and core not in "aAI":
        return -9.0
    return _zipf(core) - 9.0


def rejoin_split_apostrophes(text: str) -> str:
    """Rejoin "word’ s" / "we’    ve" and other split apostrophes; "stakeholders’ views" stays."""

    def join(m: re.Match[str]) -> str:
        left, mark, right = m.groups()
        joined = f"{left}{mark}{right}"
        if re.fullmatch(_CLITIC, right) or (not left.endswith("s") and _zipf(joined) >= KNOWN_ZIPF):
            return joined
        return m.group(0)

    return _GLUED_POSSESSIVE.sub(" ", _SPLIT_APOSTROPHE.sub(join, text))


def _split_token(token: str) -> tuple[str, str, str] | None:
    """(leading punctuation, letters, trailing punctuation), or None for non-word tokens."""
    m = _TOKEN.fullmatch(token)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def _chunk_score(parts: list[tuple[str, str, str] | None], penalty: float) -> float | None:
    """Score of writing tokens as one word (None if they cannot form one known word)."""
    if len(parts) == 1:
        return _logp(parts[0][1]) if parts[0] else 0.0
    if any(p is None for p in parts):
        return None
    # Punctuation may open the first fragment and close the last, not sit between fragments.
    if parts[0][2] or parts[-1][0] or any(p[0] or p[2] for p in parts[1:-1]):
        return None
    word = "".join(p[1] for p in parts)
    if len(word) > MAX_WORD_LETTERS or _zipf(word) < KNOWN_ZIPF:
        return None
    return _zipf(word) - 9.0 - penalty * (len(parts) - 1)


def _segment(tokens: list[str], penalty: float) -> list[int]:
    """Chunk start indices maximising summed word log-probability (dynamic programming)."""
    parts = [_split_token(t) for t in tokens]
    best, back = [0.0] + [float("-inf")] * len(tokens), [0] * (len(tokens) + 1)
    for end in range(1, len(tokens) + 1):
        for start in range(end - 1, max(-1, end - 1 - MAX_CHUNK_TOKENS), -1):
            if end - start > 1 and parts[start] is None:
                break  # every longer chunk would contain this non-word token too
            score = _chunk_score(parts[start:end], penalty)
            if score is None:
                continue
            if best[start] + score > best[end]:  # strict: ties keep the spaces
                best[end], back[end] = best[start] + score, start
    starts, end = [], len(tokens)
    while end > 0:
        starts.append(back[end])
        end = back[end]
    return starts[::-1]


def _is_suspicious(token: str) -> bool:
    """A lone letter other than a/A/I: in prose, almost always a fragment of a word."""
    return len(token) == 1 and token.isascii() and token.isalpha() and token not in "aAI"


def _rejoin_line(line: str) -> str:
    """Delete the spurious spaces of one line (see `rejoin_letter_spaced`)."""
    body = line.rstrip()
    indent = body[: len(body) - len(body.lstrip())]
    pieces = re.split(r"( +)", body[len(indent) :])
    tokens, seps = pieces[0::2], pieces[1::2]
    # Letter-spaced lines separate words by 2+ spaces and fragments by one (see module doc).
    spaced = any(len(s) > 1 for s in seps) and any(map(_is_suspicious, tokens))
    penalty = SPACED_JOIN_PENALTY if spaced else JOIN_PENALTY
    group_starts = [0] + [i + 1 for i, s in enumerate(seps) if spaced and len(s) > 1]
    joined: set[int] = set()  # indices of separators to delete
    for g, start in enumerate(group_starts):
        end = group_starts[g + 1] if g + 1 < len(group_starts) else len(tokens)
        group = tokens[start:end]
        # A group of lone characters in a letter-spaced line is one word: "m a t r i x".
        spelled = spaced and all(len(t) == 1 for t in group) and any(map(str.isalpha, group))
        chunk_starts = [0] if spelled else _segment(group, penalty)
        joined.update(start + i for i in range(len(group) - 1) if i + 1 not in chunk_starts)
    out = [indent, tokens[0]]
    for i, sep in enumerate(seps):
        out += ["" if i in joined else sep, tokens[i + 1]]
    return "".join(out)


def rejoin_letter_spaced(text: str) -> str:
    """Rejoin words broken by letter spacing: "imp lementat ion" -> "implementation".

    Each line's tokens are segmented by dynamic programming: a run of tokens may be written as
    one word if wordfreq knows it (zipf >= KNOWN_ZIPF); the chosen split maximises the summed
    log-probability of its words minus a penalty per deleted space, so ordinary pairs ("in to",
    "may be", "a new") stay apart while "in f luence" joins. In a letter-spaced line (2+-space
    gaps and lone letters) the wide gaps are word boundaries, the penalty is lower, and a group
    made only of single characters is joined outright. Only spaces are deleted.
    """
    return "\n".join(_rejoin_line(line) for line in text.split("\n"))


def normalize_spaces(text: str) -> str:
    """One space between words, none at line ends or before closing punctuation ("eyes” ,").

    Gaps of 3+ spaces inside a line separate table columns, so they become " · ". Runs of
    blank lines become one blank line.
    """
    lines = []
    for line in text.replace("\t", " ").replace("\u00a0", " ").split("\n"):
        line = re.sub(r"(?<=\S) {3,}(?=\S)", CELL_SEPARATOR, line.strip())
        lines.append(_SPACE_BEFORE_CLOSER.sub("", re.sub(r" {2,}", " ", line)))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def dehyphenate(text: str) -> str:
    """Join a word hyphenated across a line break: drop the hyphen if wordfreq knows the word.

    "manage-\\nment" -> "management"; "well-\\nknown" -> "well-known" (no such word as
    "wellknown"); "Team-\\nCircuit" keeps its hyphen (a capital starts a new word).
    """

    def join(m: re.Match[str]) -> str:
        left, right = m.groups()
        word = left + right
        known = _zipf(word) >= KNOWN_ZIPF and _zipf(word) > _zipf(f"{left}-{right}")
        return word if right[0].islower() and known else f"{left}-{right}"

    return _LINE_END_HYPHEN.sub(join, text)


def _first_letter(word: str) -> str:
    """The first letter of a token ("" if it has none), to test its case."""
    return next((c for c in word if c.isalpha()), "")


def _is_heading(line: str) -> bool:
    """A heading or table label: a short line, or a title-case one, without final punctuation.

    Rule: a line ending in , ; : - / & ( or in a lower-case function word (zipf >= 6: "of",
    "in", "over") continues; else a line of <= 6 words is a label unless it holds ": "; else it
    is a heading if it has no ". " or ", lower-case" (prose), ends in a capitalised word or a
    number, and >= 60% of its words of 4+ letters are capitalised ("Protecting Wildlife At the
    Source of Three Rivers"). Prose wrapped at a proper noun ("the Anshan branch of Yutai
    Security") is mostly lower case.
    """
    words = [w for w in line.split() if any(c.isalnum() for c in w)]
    last = _first_letter(words[-1]) if words else ""
    if line[-1] in ",;:-–—/&(" or not words:
        return False
    if last.islower() and _zipf(words[-1]) >= 6.0:
        return False
    if len(words) <= 6:
        return ": " not in line  # "Label: text" is prose
    if last.islower() or ". " in line or re.search(r",\s+[a-z]", line):
        return False
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    capitals = sum(_first_letter(w).isupper() for w in long_words)
    return capitals >= 0.6 * len(long_words)


def _continues(line: str, following: str) -> bool:
    """Whether `following` continues the paragraph that `line` ends (see `unwrap_lines`)."""
    if _LIST_MARKER.match(following):
        return False
    if following[0].islower():
        return True  # also after "etc." or "e.g.": a lower-case start never opens a sentence
    if _SENTENCE_END.search(line) or line.endswith(":"):
        return False
    return not _is_heading(line)


def _join_lines(line: str, following: str) -> str:
    """Join two wrapped lines; no space inside a wrapped path or URL."""
    url = _URL_TAIL.search(line) and _URL_CONTINUATION.match(following)
    if line.endswith("/") or (url and not following[0].isupper()):
        return line + following
    return f"{line} {following}"


def unwrap_lines(text: str) -> str:
    """Join the lines of each wrapped paragraph into one line; blank lines stay paragraph breaks.

    A line is joined to the next unless the next starts a list item, or it starts with a
    capital/digit/quote and the line ends a sentence, ends with ":" or is a heading
    (`_is_heading`). The decision looks only at the text joined so far and at the next line's
    start, so unwrapping already unwrapped text changes nothing.
    """
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text):
        merged: list[str] = []
        for line in (x.strip() for x in block.split("\n")):
            if not line:
                continue
            if merged and _continues(merged[-1], line):
                merged[-1] = _join_lines(merged[-1], line)
            else:
                merged.append(line)
        blocks.append("\n".join(merged))
    return "\n\n".join(b for b in blocks if b)


def _is_cell(line: str) -> bool:
    """A short line without a sentence end: a table cell or label."""
    words = [w for w in line.split() if w != CELL_SEPARATOR.strip()]
    return 0 < len(words) <= CELL_MAX_WORDS and not _CELL_END.search(line)


def collapse_table_cells(text: str) -> str:
    """Join a run of 3+ short lines (blank lines between them allowed) into one " · " line.

    PDF tables come out one cell per line; left alone, every cell would look like a sentence
    or a paragraph. A short line followed directly by a longer one is a paragraph heading,
    not a cell. Cells without letters or digits (lone bullets) are dropped from the run.
    """
    lines = [x.strip() for x in text.split("\n")]
    cell = [
        _is_cell(x) and not (i + 1 < len(lines) and lines[i + 1] and not _is_cell(lines[i + 1]))
        for i, x in enumerate(lines)
    ]
    out: list[str] = []
    i = 0
    while i < len(lines):
        members, j = [], i
        while j < len(lines) and (cell[j] or (members and not lines[j])):
            members += [j] if cell[j] else []
            j += 1
        if len(members) >= 3:
            texts = [lines[k] for k in members if any(c.isalnum() for c in lines[k])]
            out += ["", CELL_SEPARATOR.join(texts), ""]
            i = members[-1] + 1
        else:
            out.append(lines[i])
            i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def clean_text(text: str) -> str:
    """Repair PDF-extraction damage in one page (or a whole text without pages). Pure, deterministic, idempotent."""  # noqa: E501
    text = normalize_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = rejoin_letter_spaced(rejoin_split_apostrophes(text))
    text = dehyphenate(normalize_spaces(text))
    text = collapse_table_cells(unwrap_lines(text))
    # Unwrapping puts fragments split over a line break ("Requirem" / "ents") on one line.
    return normalize_spaces(rejoin_letter_spaced(text))
