"""Cleaning: PDF-extraction damage in the seed ESG report is repaired, clean prose is left alone.

The literals are lines copied from corpus/hikvision-esg-report-2020.txt (trailing spaces and
all) unless a test says otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.characters import normalize_characters
from ingest.cleaning import (
    clean_text,
    collapse_table_cells,
    dehyphenate,
    rejoin_letter_spaced,
    rejoin_split_apostrophes,
    unwrap_lines,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ESG = CORPUS / "hikvision-esg-report-2020.txt"
IPVM = CORPUS / "ipvm-hikvision-prc-human-rights-law-2019.txt"
SEEDS = [ESG, IPVM]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def alphanumerics(text: str) -> list[str]:
    return [c for c in text if c.isalnum()]


def split_apostrophes(text: str) -> int:
    """Clitics cut off their word: "Hikvision’ s", "we’    ve"."""
    return len(re.findall(r"[’'] +(?:s|t|re|ve|ll|d|m)\b", text))


def lone_letters(text: str) -> int:
    """Whitespace-delimited single letters other than a/A/I: fragments of letter-spaced words."""
    return sum(c not in "aAI" for c in re.findall(r"(?<!\S)[A-Za-z](?!\S)", text))


def test_split_apostrophe_is_rejoined():
    line = "Hikvision’ s key stakeholders include customers, employees, shareholders/investors, "
    assert rejoin_split_apostrophes(line).startswith("Hikvision’s key stakeholders")


def test_apostrophe_split_by_several_spaces_is_rejoined():
    line = "upgrading products and solutions. Gradually, we’    ve come up with technical "
    assert "Gradually, we’ve come up" in rejoin_split_apostrophes(line)


def test_split_apostrophe_inside_a_known_name_is_rejoined():
    line = "has built a R&D center network centered on Hangzhou and reaching Beijing, Shanghai, "
    line += "Wuhan, Xi’ an, Chengdu, Montreal and London. For the "
    assert "Wuhan, Xi’an, Chengdu" in rejoin_split_apostrophes(line)


def test_straight_quote_split_apostrophe_is_rejoined():
    # The seed has only curly quotes; the same damage with a straight quote.
    assert rejoin_split_apostrophes("Hikvision' s partner") == "Hikvision's partner"


def test_plural_possessive_apostrophe_is_kept():
    line = "stakeholders’ opinions, demands and expectations, and respond in a timely manner, "
    assert rejoin_split_apostrophes(line) == line


def test_letter_spaced_line_is_rejoined():
    line = "in f luence  the  s takeho lders ’  eva luat ion  and  "
    assert clean_text(line) == "influence the stakeholders’ evaluation and"


def test_fully_letter_spaced_line_is_rejoined_by_its_wide_gaps():
    line = "w o r k ” ,  a n d  e n c o u r a g e d  e m p l o y e e s  t o  r e a d  f o u r  "
    assert clean_text(line) == "work”, and encouraged employees to read four"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Inf luence of  c l imate change", "Influence of climate change"),
        ("Publ ic  welfare act iv i t ies", "Public welfare activities"),
        ("Anti-corrupt ion", "Anti-corruption"),
        ("Cumulat i ve  to ta l  ", "Cumulative total"),
        ("he lps  to  make  su re  in  the  rese rve  fo res t  f i r es  a re  ",
         "helps to make sure in the reserve forest fires are"),
        ("capabil it ies of forest and grass f ire monitoring and ",
         "capabilities of forest and grass fire monitoring and"),
        ("and continue to upgrade tal ly operations in terms of ",
         "and continue to upgrade tally operations in terms of"),
    ],
)  # fmt: skip
def test_partly_letter_spaced_words_are_rejoined(line: str, expected: str):
    assert clean_text(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        # "anew", "setup", "putin", "indirect", "asset" are words; these pairs must stay apart.
        "In 2020, we launched a new customer call center and service platform SCC (Smart Call "
        "Center). The platform has been integrated with",
        "standard specifications. And the integrated operation and maintenance service platform "
        "is applicable to a variety of IoT devices and IT",
        "access drivers is relatively separated from application software, that is, we can set "
        "up the platform first and then develop device drivers.",
        "industry activities, peer experience, and business-specific safety requirements. It "
        "helps ensure security measures are put in place in the IPD",
        "Hikvision has won tens of millions of dollars, at least, in direct contracts with the "
        "Chinese government that oppresses Muslims, including a forced...",
        "Hikvision respects the human rights as set forth in the Universal Declaration of "
        "HumanRights, International Covenant on Civil and Political Rights",
    ],
)
def test_ordinary_word_pairs_are_not_joined(line: str):
    assert rejoin_letter_spaced(line) == line


def test_hyphenated_line_break_is_joined_when_word_is_known():
    # Built from a seed sentence: the seed itself hyphenates no known word across a break.
    text = "are under 24/7 closed-loop \nmanage-\nment from risk identification to removal."
    assert (
        dehyphenate(text)
        == "are under 24/7 closed-loop \nmanagement from risk identification to removal."
    )


def test_hyphenated_line_break_keeps_hyphen_when_joined_word_is_unknown():
    assert dehyphenate("a well-\nknown brand") == "a well-known brand"


def test_hyphen_before_a_capitalised_line_is_kept():
    assert clean_text("ESD Promotion Team-\nCircuit Board Assembly") == (
        "ESD Promotion Team-Circuit Board Assembly"
    )


def test_table_cell_run_is_collapsed_into_one_line():
    text = (
        "Clients\n\nCommunities\n\nEmployees\n\nPartners \n\nShareholders/\ninvestors\n\n"
        "Government\nand regulators\n"
    )
    assert clean_text(text) == (
        "Clients · Communities · Employees · Partners · Shareholders/investors · "
        "Government and regulators"
    )


def test_fewer_than_three_short_lines_are_not_collapsed():
    text = "Investor Communication in 2020\n\nIdentification of Material Issues"
    assert collapse_table_cells(text) == text


def test_wrapped_prose_lines_are_joined_into_one_line():
    text = (
        "Coal mines are locations with complex conditions and stringent \n"
        "safety requirements, as workers underground are surrounded by \n"
        "unknown risks all the time. Hence, coal mine safety is a key and \n"
        "challenging task for safety supervisors. \n"
    )
    assert clean_text(text) == (
        "Coal mines are locations with complex conditions and stringent safety requirements, "
        "as workers underground are surrounded by unknown risks all the time. Hence, coal mine "
        "safety is a key and challenging task for safety supervisors."
    )


def test_heading_is_not_merged_into_the_following_paragraph():
    text = (
        "Identification of Material Issues\n"
        "During the reporting period, we organized interviews or surveys with nearly 200 "
        "internal and external stakeholders to learn about and analyze our \n"
        "material ESG issues.\n"
    )
    assert unwrap_lines(text).split("\n")[0] == "Identification of Material Issues"


def test_paragraph_break_is_kept():
    text = (
        "In 2018, the system covered all the 84 cranes in Qingdao Port. \n\n \n\n"
        "Digital and intelligent solutions are assisting more front-line \n"
        "steel workers to remotely sense complex on-site conditions \n"
    )
    assert clean_text(text) == (
        "In 2018, the system covered all the 84 cranes in Qingdao Port.\n\n"
        "Digital and intelligent solutions are assisting more front-line steel workers to "
        "remotely sense complex on-site conditions"
    )


def test_word_split_across_a_line_break_is_rejoined():
    assert clean_text("Product Safety Requirem\nents\n") == "Product Safety Requirements"


def test_space_before_closing_punctuation_is_removed():
    line = "As the mines were equipped with AI-powered smart “eyes” , "
    assert clean_text(line) == "As the mines were equipped with AI-powered smart “eyes”,"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_cleaning_is_idempotent_on_the_seed(path: Path):
    text = read(path)
    pages = re.split(r"(?m)^ (?=\S)", text)  # how the loader splits the ESG report's pages
    for part in [text, *pages]:
        once = clean_text(part)
        assert clean_text(once) == once


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_cleaning_keeps_every_letter_and_digit_of_the_seed(path: Path):
    text = read(path)
    assert alphanumerics(clean_text(text)) == alphanumerics(text)
    # No ligature, soft hyphen or full-width letter in the seed: its chunks and figures stay.
    assert normalize_characters(text) == text


def test_ligatures_and_soft_hyphens_become_plain_text():
    line = "A signi\ufb01cant \ufb02eet, net\u00adzero by \uff12\uff10\uff14\uff10 and CO\u2082."
    assert clean_text(line) == "A significant fleet, netzero by 2040 and CO2."
    assert normalize_characters("\uff08S1\uff09 \u2026") == "\uff08S1\uff09 \u2026"  # punctuation


def test_circled_numbers_keep_their_form_and_still_open_list_items():
    text = (
        "We set ourselves two goals for the years to come:\n"
        "\u2460 cut the emissions of our own plants by half before the end of 2030;\n"
        "\u2461 train every supplier we buy from in the same methods by the end of 2027."
    )
    assert clean_text(text) == text


def test_clean_prose_changes_only_in_whitespace():
    text = read(IPVM)
    assert "".join(clean_text(text).split()) == "".join(text.split())


def test_residual_damage_in_the_cleaned_seed_is_strongly_reduced():
    raw, cleaned = read(ESG), clean_text(read(ESG))
    assert split_apostrophes(raw) >= 20 and split_apostrophes(cleaned) == 0
    # Before: 262 lone letters; after: 1 ("1200° C", which is genuine).
    assert lone_letters(raw) >= 200 and lone_letters(cleaned) <= 3
