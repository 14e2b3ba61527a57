"""Results as a plain French text table, for the terminal."""
from __future__ import annotations

from .catalogue import PERIODICITY_LABELS
from .dossier import month_label
from .engine import SimulationResult
from .engine.results import AidResult
from .formatting import euros, number

SECTIONS = (
    ("eligible", "Aides possibles"),
    ("to_check", "Aides à vérifier avec la personne"),
    ("not_eligible", "Aides non ouvertes"),
    ("unavailable", "Aides qui n'existaient pas à cette date"),
)


def amount_text(aid: AidResult) -> str:
    """'196,12 € par mois', 'droit ouvert', '8 séances'."""
    if aid.status in ("not_eligible", "unavailable"):
        return "—"
    if aid.amount is None:
        return PERIODICITY_LABELS["droit"]
    if aid.unit == "seances":
        return f"{number(aid.amount, 0)} séances"
    if aid.unit == "participation":
        return f"participation de {euros(aid.amount)} {PERIODICITY_LABELS.get(aid.periodicity, '')}".strip()
    text = f"{euros(aid.amount)} {PERIODICITY_LABELS.get(aid.periodicity, '')}".strip()
    text += " (estimation)" if aid.estimated else ""
    return text + (" — ou bien" if aid.alternative_to else "")


def results_table(result: SimulationResult) -> str:
    lines = [f"Simulation pour {month_label(result.month)} — openfisca-france {result.openfisca_france_version}"]
    for note in result.notes:
        lines.append(f"Note : {note}")
    for status, title in SECTIONS:
        aids = result.by_status(status)
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
