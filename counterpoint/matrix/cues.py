"""The words and sentences the offline claims engine reads by: prototype sentences of a claim,
of background prose and of an allegation (compared by embedding), and the cue patterns for claims,
allegations and a critic's pushback. All written generically: nothing names a company.
"""

from __future__ import annotations

import re

CLAIM_PROTOTYPES = (
    "We are committed to respecting the human rights of all people affected by our business.",
    "The company strives to reduce its environmental impact across all operations.",
    "We have established a code of conduct that all employees and suppliers must follow.",
    "Our management system is certified to the international ISO standard.",
    "In 2020 we invested 1.2 billion dollars in research and development, up 15% on 2019.",
    "We reduced greenhouse gas emissions by 12% compared with the previous year.",
    "The company provided training to all employees and achieved full coverage.",
    "We require our suppliers to comply with applicable laws on labour and safety.",
    "Our products were awarded a national prize and ranked first in the industry.",
    "We protect the personal data and privacy of our customers with strict controls.",
)
# Company sentences that assert nothing about the company: background, biography, definition.
# A candidate much closer to these than to any claim prototype loses points.
NOT_CLAIM_PROTOTYPES = (
    "The region is home to many rare species of wild animals and plants.",
    "Mining is a dangerous industry where workers face many risks every day.",
    "Before joining the company, he worked for ten years as a manager at another firm.",
    "The term refers to a process defined in the industry standard.",
    "The park is located on a high plateau and is known as the source of three rivers.",
)
ALLEGATION_PROTOTYPES = (
    "The company was accused of supplying equipment used in serious human rights abuses.",
    "An investigation revealed that the firm won contracts worth millions in the region.",
    "The government imposed sanctions on the company over its role in the abuses.",
    "Documents show that the company's products were used in detention facilities.",
    "Workers at the supplier's factory were forced to work overtime without pay, the report found.",
    "The company's statement contradicts the policy it publishes in its own report.",
    "Regulators fined the firm for violating data protection law.",
    "Lawmakers called on the authorities to ban the company's products.",
    "The firm defended its activities by saying it obeys local laws.",
    "Critics say the company's commitments are misleading and not matched by its conduct.",
    # Harms and events told without naming the company: critic documents are about it anyway.
    "Children as young as ten were found working on the plantations, carrying heavy loads.",
    "Several miners were injured and two died after safety equipment failed at the site.",
    "Thousands of acres of forest were burned to make way for new plantations last year.",
    "Untreated waste water was discharged into the river, killing fish downstream.",
    "Employees who joined the union were dismissed weeks after the protest.",
    "A data breach exposed the home addresses of hundreds of thousands of customers.",
    "The app shared users' locations with advertising firms without their consent.",
    "Inspectors had visited only a small fraction of the suppliers, our investigation found.",
    "Workers told us they were paid less than the legal minimum wage and worked unpaid overtime.",
    "A lawsuit was filed in the district court and the regulator opened an inquiry.",
)
# Critic sentences that allege nothing: background on a country, a crop, a law or an industry.
NOT_ALLEGATION_PROTOTYPES = (
    "The country is the world's largest producer of the crop, grown mostly by smallholders.",
    "The declaration was adopted by the general assembly in 1948.",
    "The industry employs millions of people and is growing every year.",
    "This article is part of our series on supply chains; readers can subscribe for updates.",
)

COMMITMENT = re.compile(
    r"\b(commit(?:s|ted|ment)?|strive[sd]?|striving|will|aims?\b|aiming|pledge[sd]?|"
    r"endeavou?r|aspire[sd]?|dedicated to|devoted to|adhere[sd]?|uphold[s]?|respects?|"
    r"determined to|seeks? to|plans? to|intend[s]? to)\b",
    re.IGNORECASE,
)
POLICY = re.compile(
    r"\b(polic(?:y|ies)|code of conduct|(?:we|has|have) (?:also )?established|we require|"
    r"(?:are|is) required to|management system|regulations|procedures?|mechanism|"
    r"guidelines?|complies with|comply with|compliance|standards?|framework)\b",
    re.IGNORECASE,
)
ACHIEVEMENT = re.compile(
    r"\b(achieved|invested|reduced|won|certified|certification|ranked|completed|obtained|"
    r"awarded|recogni[sz]ed|increased|decreased|launched|delivered|granted|renewed|"
    r"built|saved|cut|lowered|improved)\b",
    re.IGNORECASE,
)
CURRENCY = re.compile(r"(?:\b(?:RMB|CNY|USD|EUR|GBP|HK\$|US\$)\s?|[$€£¥])\d", re.IGNORECASE)
MAGNITUDE = re.compile(
    r"\b\d[\d,.]*\s*(%|percent\b|per cent\b|billion\b|million\b|thousand\b|bn\b|tons?\b|tonnes?\b|"
    r"[kmgt]wh\b|kg\b|km\b|mw\b|hours\b|days\b)",
    re.IGNORECASE,
)
COUNT = re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\+?\s+(?:[A-Za-z-]+\s+){0,2}[a-z]+s\b")
ACTOR = re.compile(r"\b(we|our|us|the company|the group)\b", re.IGNORECASE)

LEGAL = re.compile(
    r"\b(sanction\w*|ban(?:s|ned)?|blacklist\w*|entity list|export control\w*|lawsuits?|"
    r"courts?|fined?|penalt\w+|violat\w+|illegal\w*|unlawful\w*|laws?|legal\w*|regulators?|"
    r"investigat\w+|prosecut\w+|indict\w*|convict\w*|abuses?|detention|detained|camps?|"
    r"forced|repress\w*|oppress\w*|persecut\w*|discriminat\w*|crimes?|criminal|treaties|"
    r"covenants?|surveillance|rights)\b",
    re.IGNORECASE,
)
REPORTING = re.compile(
    r"\b(report(?:s|ed)?|alleg\w+|accus\w+|reveal\w*|document(?:s|ed)|shows?|showed|shown|"
    r"found|according to|claims?|claimed|stated|states|said|implicated|criticiz\w+|"
    r"criticis\w+|exposed|admit\w*|denie[sd]|deny|defended|contradicts?|urg\w+|called out|"
    r"calls? on)\b",
    re.IGNORECASE,
)
# Harm or wrongdoing, named without legal words: what happened to people, land or data.
HARM = re.compile(
    r"\b(child(?:ren)?|minors?|under the age of|injur\w*|scars?|wounds?|kill\w*|deaths?|died|"
    r"fatal\w*|dismiss\w*|sacked|laid off|evict\w*|cleared|clearing|deforest\w*|burn(?:ed|t)|"
    r"pollut\w*|contaminat\w*|spill\w*|untreated|toxic|pesticides?|leak\w*|breach\w*|exposed|"
    r"hack\w*|misconfigured|stolen|without (?:their )?consent|strikes?|unpaid|underpaid|"
    r"overtime|unsafe|hazard\w*|harass\w*|intimidat\w*|threat\w*|suspended|revoked|recall\w*|"
    r"complaints?|protest\w*|brib\w*|corrupt\w*|fraud\w*|mislead\w*|agency workers|"
    r"temporary contracts?|zero-hours|heatstroke|collaps\w*|fainted|tribunals?|class action|"
    r"hearings?|filed)\b",
    re.IGNORECASE,
)
# What a critic found falls short: "only 38%", "none of the farms", "had no ...".
SHORTFALL = re.compile(
    r"\b(only|none of|no longer|never|had no|has no|have no|not covered|failed|fails|lack\w*)\b",
    re.IGNORECASE,
)
# A finding of the critic's own: what it examined, was told or was shown.
FINDING = re.compile(
    r"\b(found|find(?:s|ing)|documented|examined|visited|told (?:us|our|the|reporters)|showed|"
    r"logged|recorded|confirmed|interviewed|analys[ie]s|satellite|obtained|seen by)\b",
    re.IGNORECASE,
)
MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b(?:\s+\d{4})?|\b(?:19|20)\d\d\b"
)
NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'-]+)*")
TOKEN = re.compile(r"\b[A-Z][A-Za-z]{2,}\b")
BULLET = re.compile(r"^[•·*\-–]\s*")  # a list item's marker
TARGET = re.compile(r"\b(the (?:company|firm|group|manufacturer|supplier|brand))\b", re.I)


def claim_cues(text: str) -> list[str]:
    """Which claim cues fire, as `kind:word` strings, strongest kind first."""
    cues = []
    if match := COMMITMENT.search(text):
        cues.append(f"commitment:{match.group().lower()}")
    if match := (CURRENCY.search(text) or MAGNITUDE.search(text) or COUNT.search(text)):
        cues.append(f"figure:{match.group().strip()}")
    if match := POLICY.search(text):
        cues.append(f"policy:{match.group().lower()}")
    if match := ACHIEVEMENT.search(text):
        cues.append(f"achievement:{match.group().lower()}")
    return cues


def possessive(word: str) -> str:
    return re.sub(r"[’']s$", "", word)


def names_in(text: str) -> list[str]:
    """Capitalised names in a sentence, its first word excepted (capitalised anyway)."""
    body = BULLET.sub("", text).lstrip("\"“‘'(")
    offset = len(text) - len(body)
    return [m.group() for m in NAME.finditer(text) if m.start() > offset and len(m.group()) > 2]


def allegation_cues(text: str, subject: set[str] = frozenset()) -> list[str]:
    """Which allegation cues fire: names, legal vocabulary, reporting verbs, figures; `target`
    when the sentence names the company (`subject`) or "the company"."""
    cues = []
    names = names_in(text)
    others = [n for n in names if possessive(n) not in subject and not MONTH.fullmatch(n)]
    if others:
        cues.append(f"named:{others[0]}")
    target = next((w for w in TOKEN.findall(text) if possessive(w) in subject), None)
    if target or (match := TARGET.search(text)):
        cues.append(f"target:{target or match.group().lower()}")
    if match := LEGAL.search(text):
        cues.append(f"legal:{match.group().lower()}")
    if match := REPORTING.search(text):
        cues.append(f"reported:{match.group().lower()}")
    if match := (CURRENCY.search(text) or MAGNITUDE.search(text) or COUNT.search(text)):
        cues.append(f"figure:{match.group().strip()}")
    for kind, pattern in (("harm", HARM), ("shortfall", SHORTFALL), ("finding", FINDING)):
        if match := pattern.search(text):
            cues.append(f"{kind}:{match.group().lower()}")
    if match := MONTH.search(text):
        cues.append(f"date:{match.group()}")
    return cues


# --- a critic sentence read against a company claim -------------------------------------------

# Pushback. Strong cues are criticism in themselves; weak ones only turn a sentence against what
# precedes it, so they count when the sentence is close to the claim or follows a restatement.
STRONG_PUSHBACK = re.compile(
    r"\b(contradict\w*|den(?:y|ies|ied)|disput\w+|false\w*|mislead\w*|violat\w+|abus\w+|"
    r"refus\w+|conceal\w*|sanction\w*|accus\w+|alleg\w+|illegal\w*|unlawful\w*|lawsuits?|"
    r"class action|fined|fines?|criticis\w+|criticiz\w+|so-called|in fact|in reality|"
    r"not the case|no evidence|(?:a )?different (?:story|picture)|on paper|left (?:it )?out|"
    r"omit\w*|ignored|leak\w*|forced|whitewash\w*|greenwash\w*|far from)\b",
    re.IGNORECASE,
)
WEAK_PUSHBACK = re.compile(
    r"\b(however|despite|but|although|though|yet|contrary|fail\w*|never|only|not|\w+n[’']t)\b",
    re.IGNORECASE,
)
# Independent agreement: the critic checked and found the claim holds.
AGREEMENT = re.compile(
    r"\b(confirm\w*|verified|to (?:its|their) credit|(?:does|do|did) credit|consistent with|"
    r"indeed|as promised|bears? out|in line with)\b",
    re.IGNORECASE,
)
# Attribution: the sentence reports what someone says ("X says that ...", "according to its
# report"); when the someone is the company, the sentence restates the claim.
ATTRIBUTION = re.compile(
    r"\b(says?|said|claims?|claimed|states?|stated|tells?|told|promis\w+|pledg\w+|insists?|"
    r"asserts?|according to|describes?|boasts?|writes?|wrote|maintains?|responded)\b",
    re.IGNORECASE,
)
OWN_VOICE = re.compile(
    r"\b(the (?:company|firm|group|manufacturer|supplier|brand)|its (?:own )?(?:report|"
    r"statement|website|policy|notice|code|spokes\w+)|spokes(?:person|man|woman))\b",
    re.IGNORECASE,
)


def contrast_cues(text: str) -> list[str]:
    """The pushback words of a sentence, lower-cased, strong ones first, each once."""
    found = [m.group().lower() for m in STRONG_PUSHBACK.finditer(text)]
    found += [m.group().lower() for m in WEAK_PUSHBACK.finditer(text)]
    return list(dict.fromkeys(found))


def is_strong(cues: list[str]) -> bool:
    """Whether any of these cues (from contrast_cues) is criticism in itself."""
    return any(STRONG_PUSHBACK.fullmatch(cue) for cue in cues)


def agreement_cues(text: str) -> list[str]:
    """Words by which a critic says a claim holds ("confirmed", "to its credit")."""
    return list(dict.fromkeys(m.group().lower() for m in AGREEMENT.finditer(text)))


# A company spokesperson's reply quoted by a critic ("Quillmere said it cooperates ..."; "It said
# the dismissals were unrelated"): the company's side of the story, not an allegation.
REPLY = re.compile(
    r"^(?:in a (?:written )?(?:response|statement),?\s+)?(?:the company|the group|the firm|it|"
    r"an? (?:\w+ )?spokes\w+|(?P<name>[A-Z][\w’'-]+))(?:[’']s\s+spokes\w+)?"
    r"\s+(?:\w+\s+){0,2}(?:said|says|told|insists?|insisted|maintains?|maintained)\b",
    re.IGNORECASE,
)


def is_reply(text: str, subject: set[str]) -> bool:
    """True when the sentence opens with the company (or "it", "the company", a spokesperson)
    saying something: a critic quoting the company's reply, not alleging."""
    match = REPLY.match(BULLET.sub("", text.strip()))
    if not match:
        return False
    name = match.group("name")
    return name is None or possessive(name) in subject


def attributes_to(text: str, subject: set[str]) -> bool:
    """True when the sentence reports what the company says (named by `subject`, or as "the
    company", "its report"): a restatement of its claim, not a critic's own finding."""
    if not ATTRIBUTION.search(text):
        return False
    named = any(possessive(word) in subject for word in TOKEN.findall(text))
    return named or bool(OWN_VOICE.search(text))
