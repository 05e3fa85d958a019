"""A generated report-size PDF: numbered sections of prose, a table and a chart image per page,
like a sustainability report. Used by tests/test_large_pdf.py and bench/large_pdf.py.

Each page's prose names its own reference code (`RPT-0150` on page 150), so a test can tell
that every page was read, and each page's table row holds a figure no other page has.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

TOPICS = (
    "energy use across our manufacturing sites",
    "supplier audits and corrective action plans",
    "water withdrawal in water-stressed regions",
    "employee health, safety and training",
    "board oversight of climate-related risks",
    "community investment and volunteering",
)
PROSE = (
    "the company reported progress against its targets while investing in renewable power "
    "purchase agreements and efficiency upgrades at plants in several regions during the year "
    "with external assurance of the figures and a review by the sustainability committee"
)
WORDS = tuple(PROSE.split(" "))


def page_code(page: int) -> str:
    """The reference code page `page`'s prose carries."""
    return f"RPT-{page:04d}"


def _prose(rng: random.Random, page: int, words: int) -> list[str]:
    """Lines of about 14 words: a topic sentence with the page's code, then filler prose."""
    topic = TOPICS[page % len(TOPICS)]
    text = [f"Section {page} covers {topic}, reference {page_code(page)}."]
    text += [" ".join(rng.choice(WORDS) for _ in range(14)) + "." for _ in range(words // 14)]
    return text


def _chart(rng: random.Random) -> io.BytesIO:
    """A small bar chart as a PNG: the image residue a report page carries."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 160), "white")
    draw = ImageDraw.Draw(image)
    for bar in range(8):
        height = rng.randint(20, 150)
        draw.rectangle([10 + bar * 38, 160 - height, 38 + bar * 38, 160], fill=(40, 90, 160))
    data = io.BytesIO()
    image.save(data, "PNG")
    data.seek(0)
    return data


def report_pdf(path: Path, pages: int = 300, words: int = 120, seed: int = 3) -> Path:
    """Write the report to `path`: `pages` pages of about `words` words, a table and a chart."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    pdf = canvas.Canvas(str(path))
    charts = [ImageReader(_chart(rng)) for _ in range(5)]  # reused, as report templates are
    for page in range(1, pages + 1):
        y = 780
        for line in _prose(rng, page, words):
            pdf.drawString(56, y, line[:110])
            y -= 14
        rows = [
            ("Indicator", "2022", "2023"),
            ("Scope 1 (tCO2e)", f"{page * 37:,}", f"{page * 31:,}"),
        ]
        for row in rows:
            y -= 16
            for column, cell in enumerate(row):
                pdf.drawString(56 + column * 150, y, cell)
        pdf.drawImage(charts[page % len(charts)], 56, 80, width=320, height=160)
        pdf.showPage()
    pdf.save()
    return path
