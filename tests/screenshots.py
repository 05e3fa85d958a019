"""The README's screenshots, written by the browser test that checks the page they show.

A screenshot replaces the one in `docs/` only when the page looks different: a few pixels of
timings ("retrieve 35 ms") do not count, so running the tests leaves the repository clean until
the page changes, and then the next run updates the picture and the date the README gives.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# More than this share of pixels changed is a different page, not a different timing.
CHANGED_SHARE = 0.002
STAMP = re.compile(r"(taken by `tests/test_browser.py` on )\d{4}-\d{2}-\d{2}")


def differs(new: Path, old: Path) -> bool:
    """Whether `new` shows another page than `old` (a missing `old` differs)."""
    from PIL import Image, ImageChops

    if not old.exists():
        return True
    with Image.open(new) as a, Image.open(old) as b:
        if a.size != b.size:
            return True
        changed = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
        pixels = sum(changed.histogram()[17:])  # pixels that changed more than faintly
        return pixels > CHANGED_SHARE * a.size[0] * a.size[1]


def keep(taken: Path, name: str) -> bool:
    """Put the screenshot `taken` at docs/`name` if the page changed, and date it in the
    README; True when it was written."""
    target = ROOT / "docs" / name
    if not differs(taken, target):
        return False
    shutil.copy(taken, target)
    text = README.read_text(encoding="utf-8")
    assert STAMP.search(text), "the README no longer says when its screenshots were taken"
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    README.write_text(STAMP.sub(rf"\g<1>{today}", text), encoding="utf-8")
    return True
