"""The theme of a statement (human rights, data security and privacy, governance, environment,
labour, sanctions and legal), found from its text alone.

Two signals, both generic: the cosine between the sentence and a short description of each
theme (embedded once per process), and a count of the theme's own vocabulary in the sentence.
A sentence close to no theme is "other". Nothing here is written for a particular company.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.matrix.models import THEMES

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

DESCRIPTIONS = {
    "human_rights": (
        "Human rights abuses: mass surveillance and detention of ethnic and religious minorities, "
        "camps, repression, discrimination, freedom of religion, speech and expression; human "
        "rights due diligence, social audits of suppliers, grievance mechanisms and remedy."
    ),
    "data_security_privacy": (
        "Cybersecurity and data protection: information security, personal data, privacy of "
        "users, vulnerabilities, hacking, encryption, data sharing with third parties, leaks "
        "of customers' names and email addresses, tracking of location and purchases."
    ),
    "governance": (
        "Corporate governance: the board, shareholders and ownership, stakeholder engagement, "
        "transparency and disclosure, business ethics, anti-corruption, risk management."
    ),
    "environment": (
        "Environmental protection: greenhouse gas emissions, energy, climate change, pollution, "
        "waste, water, deforestation, biodiversity and wildlife conservation, renewable "
        "electricity and solar power, sustainable agriculture and soil, food waste, "
        "science-based climate targets, ecological monitoring of nature reserves."
    ),
    "labour": (
        "Labour and working conditions: employees and workers, occupational health and safety, "
        "wages, working hours, training, child labour and forced labour, trade unions, strikes; "
        "farmers' income and premiums, diversity and women in leadership, dismissals, agency "
        "workers, children working on farms."
    ),
    "sanctions_legal": (
        "Sanctions and legal matters: government sanctions, export controls, bans, lawsuits, "
        "courts, fines, regulators, investigations, laws and legal liability; class actions, "
        "tribunal hearings, suspensions and withdrawn certificates."
    ),
}
VOCABULARY = {
    "human_rights": r"human rights?|minorit\w+|detain\w*|detention|camps?|repress\w*|oppress\w*|"
    r"persecut\w*|religio\w+|freedom of|discriminat\w*|ethnic|uyghurs?|uighurs?|muslims?|"
    r"mass surveillance|surveillance state|social audits?|grievance\w*|human rights due diligence",
    "data_security_privacy": r"cyber\w*|security|privacy|personal (?:data|information)|"
    r"data protection|data security|information security|encrypt\w*|vulnerabilit\w+|"
    r"hack\w*|passwords?|breach\w*|advertisers?|tracking|email addresses|misconfigur\w+|"
    r"data leaks?|location data",
    "governance": r"governance|board|shareholders?|investors?|stakeholders?|disclos\w+|"
    r"transparen\w+|corruption|bribery|ethics|audit\w*|materiality|ownership|accountab\w+",
    "environment": r"environment\w*|emissions?|carbon|climate|energy|pollut\w+|waste\w*|"
    r"water|forests?|deforest\w+|biodiversity|wildlife|ecolog\w+|species|recycl\w+|packaging|"
    r"renewable\w*|solar|electricity|net[- ]zero|science based targets|soil|tillage|"
    r"regenerative|rainforest|habitat|hectares|surplus food|food waste",
    "labour": r"employees?|workers?|labou?r|wages?|overtime|working (?:hours|conditions)|"
    r"occupational|health and safety|injur\w+|training|trade unions?|strikes?|child(?:ren)?|"
    r"boys?|girls?|farmers|smallholders|households|living (?:wage|income)|minimum wage|women|"
    r"gender|diversity|dismiss\w*|agency workers|pickers",
    "sanctions_legal": r"sanction\w*|export controls?|entity list|bans?|banned|lawsuits?|"
    r"class action|courts?|fined?|penalt\w+|regulators?|illegal|unlawful|legislation|"
    r"intellectual property|patents?|trademarks?|litigation|prosecut\w+|tribunals?|"
    r"investigat\w+|suspended|revoked",
}
_VOCABULARY = {
    theme: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for theme, words in VOCABULARY.items()
}
# "Environmental, Social and Governance (ESG)" names all three pillars: no theme's vocabulary.
_ESG = re.compile(r"\benvironmental,? social,? (?:and )?governance\b|\besg\b", re.IGNORECASE)
WORD_WEIGHT = 0.06  # per vocabulary hit (at most three count), added to the cosine
OTHER_BELOW = 0.18  # a best score under this means no theme fits: "other"


_DESCRIBED: dict[int, np.ndarray] = {}  # id(embedder) -> the descriptions' unit vectors


def _theme_vectors(embedder: BaseEmbedding | None) -> np.ndarray:
    if embedder is None:
        from counterpoint.config import get_settings
        from counterpoint.embedding import get_embedder

        embedder = get_embedder(get_settings())
    if id(embedder) not in _DESCRIBED:
        found = embedder.get_text_embedding_batch(list(DESCRIPTIONS.values()))
        vectors = np.asarray(found, dtype=np.float32)
        _DESCRIBED[id(embedder)] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return _DESCRIBED[id(embedder)]


def theme_scores(
    text: str, vector: np.ndarray, embedder: BaseEmbedding | None = None
) -> dict[str, float]:
    """Each theme's score for a sentence: cosine to its description plus vocabulary hits.
    `vector` is the sentence's embedding by `embedder` (default: the configured embedder)."""
    unit = np.asarray(vector, dtype=np.float32)
    unit = unit / (np.linalg.norm(unit) or 1.0)
    closeness = _theme_vectors(embedder) @ unit
    text = _ESG.sub(" ", text)
    return {
        theme: float(cosine) + WORD_WEIGHT * min(len(_VOCABULARY[theme].findall(text)), 3)
        for theme, cosine in zip(DESCRIPTIONS, closeness, strict=True)
    }


def theme_of(text: str, vector: np.ndarray, embedder: BaseEmbedding | None = None) -> str:
    """The statement's theme, one of THEMES; "other" when no theme is close."""
    scores = theme_scores(text, vector, embedder)
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= OTHER_BELOW and best in THEMES else "other"
