"""What the Claims tab (and `counterpoint claims`) leads with: the contested claims and the
allegations the company leaves open first, then the claims to confirm, ranked, then the rest.

Most claims of a company report are routine (wildlife projects, customer service, R&D) and no
critic touches them: they are counted per theme, not listed first. The claims to confirm are
those the rules leave "not addressed" although a critic comes near them (`leads`), ranked by how
closely; they are where the offline rules stop and the analyst's reading starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from counterpoint.matrix.leads import LEAD
from counterpoint.matrix.models import THEMES, AllegationRow, ClaimRow, EvidenceQuote, Matrix


@dataclass
class Lead:
    """A critic sentence near claims the rules leave not addressed, and those claims, closest
    first: one sentence (a reader's comment, say) often comes near a whole section's claims."""

    quote: EvidenceQuote
    rows: list[ClaimRow]

    @property
    def engagement(self) -> float:
        """How closely it engages its closest claim."""
        return max(row.engagement for row in self.rows)


@dataclass
class Triage:
    """The rows of one matrix in the order an analyst reads them."""

    contested: list[ClaimRow] = field(default_factory=list)  # surest first
    unaddressed: list[AllegationRow] = field(default_factory=list)  # surest first
    to_confirm: list[ClaimRow] = field(default_factory=list)  # closest lead first
    leads: list[Lead] = field(default_factory=list)  # to_confirm by critic sentence, closest first
    corroborated: list[ClaimRow] = field(default_factory=list)  # surest first
    routine: dict[str, list[ClaimRow]] = field(default_factory=dict)  # theme -> rows
    addressed: list[AllegationRow] = field(default_factory=list)


def is_lead(row: ClaimRow) -> bool:
    """A claim no rule labels although a critic comes near it: one to confirm."""
    return row.relation == "not_addressed" and row.engagement >= LEAD and bool(row.evidence)


def claim_order(row: ClaimRow) -> tuple[int, float]:
    """Sort key: contested, corroborated, leads, then the rest; surest or closest first."""
    if row.relation == "contested":
        return (0, -row.confidence)
    if row.relation == "corroborated":
        return (1, -row.confidence)
    return (2, -row.engagement) if is_lead(row) else (3, -row.engagement)


def allegation_order(row: AllegationRow) -> tuple[int, float]:
    """Sort key: allegations that name the company (or "the company") first, surest first;
    background on a country or a law after them."""
    named = any(cue.startswith("target:") for cue in row.allegation.cues)
    return (0 if named else 1, -row.confidence)


def triage(matrix: Matrix) -> Triage:
    """Split the matrix's rows into what the analyst reads first and what is routine."""
    found = Triage()
    for row in sorted(matrix.claims, key=claim_order):
        if row.relation == "contested":
            found.contested.append(row)
        elif row.relation == "corroborated":
            found.corroborated.append(row)
        elif is_lead(row):
            found.to_confirm.append(row)
        else:
            found.routine.setdefault(row.claim.theme, []).append(row)
    found.routine = {t: found.routine[t] for t in THEMES if t in found.routine}
    found.leads = group_leads(found.to_confirm)
    found.to_confirm = [row for lead in found.leads for row in lead.rows]  # as the tab lists them
    allegations = sorted(matrix.allegations, key=allegation_order)
    found.unaddressed = [row for row in allegations if row.coverage == "unaddressed"]
    found.addressed = [row for row in allegations if row.coverage == "addressed"]
    return found


def group_leads(rows: list[ClaimRow]) -> list[Lead]:
    """The claims to confirm grouped by the critic sentence they are near, closest first."""
    groups: dict[tuple[str, str], Lead] = {}
    for row in sorted(rows, key=lambda r: -r.engagement):
        quote = row.evidence[0]
        groups.setdefault((quote.doc_id, quote.quote), Lead(quote, [])).rows.append(row)
    return sorted(groups.values(), key=lambda lead: -lead.engagement)
