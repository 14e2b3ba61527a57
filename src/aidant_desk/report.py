"""Results as a plain French text table, for the terminal."""
from __future__ import annotations

from .catalogue import PERIODICITY_LABELS
from .dossier import month_label
from .engine import SimulationResult
from .engine.results import AidResult
from .formatting import euros, number

# (title, the result's aids in that section)
SECTIONS = (
    ("Aides possibles", lambda r: [a for a in r.eligible if a.counts_as_aid]),
    ("Prêts, garanties et bons plans", lambda r: [a for a in r.eligible if not a.counts_as_aid]),
    ("Aides à vérifier avec la personne", lambda r: r.to_check),
    ("Aides non ouvertes", lambda r: r.not_eligible),
    ("Aides qui n'existaient pas à cette date", lambda r: r.by_status("unavailable")),
)
TO_CHECK_TEXT = "à vérifier"


def amount_text(aid: AidResult) -> str:
    """'196,12 € par mois', 'droit ouvert', '8 séances'."""
    if aid.status in ("not_eligible", "unavailable"):
        return "—"
    if aid.amount is None:
        # An aid to check has no right open yet: never « droit ouvert ».
        return TO_CHECK_TEXT if aid.status == "to_check" else PERIODICITY_LABELS["droit"]
    if aid.unit == "seances":
        return f"{number(aid.amount, 0)} séances"
    if aid.unit == "participation":
        return f"participation de {euros(aid.amount)} {PERIODICITY_LABELS.get(aid.periodicity, '')}".strip()
    text = f"{euros(aid.amount)} {PERIODICITY_LABELS.get(aid.periodicity, '')}".strip()
    text += " (estimation)" if aid.estimated else ""
    return text + (" — ou bien" if aid.alternative_to else "")


def results_table(result: SimulationResult) -> str:
    lines = [f"Simulation pour {month_label(result.month)} — openfisca-france {result.openfisca_france_version}"
             + (f", règles {result.rules_version}" if result.rules_version else "")]
    for note in result.notes:
        lines.append(f"Note : {note}")
    for title, chosen in SECTIONS:
        aids = result.by_relevance(chosen(result))
        if not aids:
            continue
        lines += ["", f"{title} ({len(aids)})", "-" * (len(title) + 5)]
        width = max(len(a.label) for a in aids)
        for aid in aids:
            received = " [déjà perçue]" if aid.already_received else ""
            lines.append(f"  {aid.label.ljust(width)}  {amount_text(aid)}{received}")
            lines.append(f"  {'':{width}}  → {aid.reason}")
    lines += ["", f"Total des nouveaux droits mensuels : {euros(result.new_rights_monthly_total)} par mois "
                  f"(avec les aides déjà perçues : {euros(result.monthly_total)})"]
    return "\n".join(lines)
