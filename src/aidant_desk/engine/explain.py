"""« Comment ce montant est calculé » : the steps of a money benefit, read from
openfisca-france's own intermediate variables for the dossier's month.

Each line names the openfisca variable it shows (``variable``), where and when it is
read (``periods``, averaged when several; ``person`` for one person, else the
household's famille, members summed for a per-person variable), and its ``sign`` in
the sum: the counted lines (``counts``) add up to the aid's amount, the last line.
A step openfisca takes between two variables (a floor at zero, a minimum paid, a
rounding) has its own line, computed as the difference, with no variable.

Supported so far: RSA (``rsa``), prime d'activité (``ppa``), aides au logement
(``aide_logement``), allocations familiales (``af``), allocation de soutien familial (``asf``),
ASPA (``aspa``), AAH (``aah``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..dossier import Dossier, InvalidData, Problem, add_months, month_label
from ..formatting import euros, number
from ..labels import ROLES

# Roles of a line.
MAXIMUM = "maximum"  # the most this household can get
ADDITION = "ajout"  # added to it
RESOURCES = "ressources"  # the household's resources counted, subtracted
DEDUCTION = "deduction"  # forfait logement, participation, CRDS...
STEP = "etape"  # a floor, a minimum paid, a rounding
DETAIL = "detail"  # what a line above is made of: not counted again
RESULT = "resultat"

_TOLERANCE = 0.005  # a step line smaller than half a cent is not shown


@dataclass(frozen=True)
class Line:
    label: str
    amount: float  # the line's contribution to the sum (its value times its sign; a detail: its value)
    role: str
    variable: str = ""  # the openfisca variable shown ("" for a step between two of them)
    periods: tuple[str, ...] = ()  # months it is read at, averaged when several
    person: str = ""  # situation id of the person, for a per-person variable read for one person
    sign: int = 1  # amount = sign × openfisca's value

    @property
    def counts(self) -> bool:
        return self.role not in (DETAIL, RESULT)


@dataclass(frozen=True)
class Explanation:
    aid_id: str
    title: str
    month: str
    lines: tuple[Line, ...]
    amount: float  # the aid's amount, as the engine reports it

    def total(self) -> float:
        return round(sum(line.amount for line in self.lines if line.counts), 2) + 0.0

    def to_dict(self) -> dict:
        return {"aid_id": self.aid_id, "title": self.title, "month": self.month, "amount": self.amount,
                "lines": [{**asdict(line), "counts": line.counts} for line in self.lines]}


@dataclass(frozen=True)
class Row:
    """A line as it is read: its sign, label and amount in words and figures."""

    sign: str  # "+", "−", "=" for the result, "" for a detail
    label: str
    amount: str
    role: str


def explanation_rows(explanation: Explanation) -> list[Row]:
    """The lines to show, for the terminal and the app alike."""
    rows = []
    for line in explanation.lines:
        if line.role == RESULT:
            rows.append(Row("=", line.label, euros(line.amount), line.role))
        elif line.role == DETAIL:
            rows.append(Row("", line.label, f"({euros(line.amount)})", line.role))
        else:
            sign = "−" if line.amount < 0 or (line.sign < 0 and not line.amount) else "+"
            rows.append(Row(sign, line.label, euros(abs(line.amount)), line.role))
    return rows


def explanation_text(explanation: Explanation) -> str:
    """For the terminal: one line per step, details indented, the result last."""
    width = max(len(line.label) for line in explanation.lines) + 8
    out = [explanation.title, ""]
    for row in explanation_rows(explanation):
        if row.role == RESULT:
            out.append("-" * (width + 14))
        lead = "    · " if row.role == DETAIL else row.sign + " "
        out.append(f"{lead + row.label:<{width}}{row.amount:>14}")
    return "\n".join(out)


EXPLAINED = ("rsa", "ppa", "aide_logement", "af", "asf", "aspa", "aah")


def explain(engine, dossier: Dossier, aid_id: str) -> Explanation:
    """How the engine's amount of `aid_id` for this dossier is computed."""
    if not engine.catalogue.has_aid(aid_id):
        raise InvalidData([Problem("explain", f"aide inconnue du catalogue : « {aid_id} »")])
    if aid_id not in EXPLAINED:
        label = engine.catalogue.aid(aid_id).label
        raise InvalidData([Problem("explain", f"le détail du calcul n'est pas encore disponible pour « {label} » "
                                              f"(disponible pour : {', '.join(EXPLAINED)})")])
    from .core import tax_benefit_system

    amount = float(engine.simulate(dossier).aid(aid_id).amount or 0.0)
    reader = _Reader(engine.simulation([dossier]), tax_benefit_system(), dossier)
    lines = {"rsa": _rsa, "ppa": _ppa, "aide_logement": _aide_logement, "af": _af, "asf": _asf,
             "aspa": _aspa, "aah": _aah}[aid_id](reader)
    title = f"Comment ce montant est calculé : {engine.catalogue.aid(aid_id).label}, {month_label(dossier.month)}"
    return Explanation(aid_id=aid_id, title=title, month=dossier.month, lines=tuple(lines), amount=amount)


class _Reader:
    """openfisca's values for the dossier's famille (d0_famille) and its members."""

    def __init__(self, simulation, tbs, dossier: Dossier):
        self.simulation = simulation
        self.month = dossier.month
        self.parameters = tbs.parameters(dossier.month)
        famille = simulation.populations["famille"]
        self.famille = list(famille.ids).index("d0_famille")
        individus = simulation.populations["individu"]
        self.members = [i for i, f in enumerate(famille.members_entity_id) if f == self.famille]
        names = {f"d0_{p.id}": p.first_name or ROLES[p.role].lower() for p in dossier.people}
        self.people = [(str(individus.ids[i]), names.get(str(individus.ids[i]), str(individus.ids[i])))
                       for i in self.members]
        self.menage = list(simulation.populations["menage"].ids).index("d0_menage")

    def _at(self, variable: str, period: str):
        return self.simulation.calculate(variable, period)

    def famille_value(self, variable: str, periods: tuple[str, ...]) -> float:
        entity = self.simulation.tax_benefit_system.variables[variable].entity.key
        total = 0.0
        for period in periods:
            values = self._at(variable, period)
            if entity == "individu":
                total += float(sum(float(values[i]) for i in self.members))
            else:
                total += float(values[self.famille])
        return total / len(periods)

    def person_value(self, variable: str, periods: tuple[str, ...], person: str) -> float:
        index = list(self.simulation.populations["individu"].ids).index(person)
        return sum(float(self._at(variable, p)[index]) for p in periods) / len(periods)

    def menage_text(self, variable: str) -> str:
        return str(self._at(variable, self.month).decode_to_str()[self.menage])

    def flag(self, variable: str, period: str | None = None) -> bool:
        return bool(np.asarray(self._at(variable, period or self.month)[self.famille]).item())

    def line(self, label: str, role: str, variable: str, periods: tuple[str, ...] | None = None,
             sign: int = 1, person: str = "") -> Line:
        periods = periods or (self.month,)
        value = self.person_value(variable, periods, person) if person else self.famille_value(variable, periods)
        return Line(label, round(sign * value if role != DETAIL else value, 2), role, variable, periods, person,
                    sign if role != DETAIL else 0)

    def three_months(self) -> tuple[str, ...]:
        """The 3 months of resources: M-3 to M-1 (M-4 to M-2 where the RSA reform is tried out)."""
        shift = 1 if self.flag("departement_experimentation_rsa") else 0
        return tuple(add_months(self.month, -k - shift) for k in (3, 2, 1))


def _months_text(months: tuple[str, ...]) -> str:
    first = month_label(months[0])
    elided = "d'" if first[0] in "aeiou" else "de "
    return f"{elided}{first} à {month_label(months[-1])}"


def _step(label: str, amount: float) -> list[Line]:
    return [Line(label, round(amount, 2), STEP)] if abs(amount) >= _TOLERANCE else []


def _result(reader: _Reader, label: str, variable: str) -> Line:
    return reader.line(label, RESULT, variable)


def _rest(lines: list[Line], result: Line) -> float:
    """What the counted lines still lack to make the result (openfisca's own rounding)."""
    return result.amount - sum(line.amount for line in lines if line.counts)


# --- RSA ---------------------------------------------------------------------------------
def _rsa(r: _Reader) -> list[Line]:
    months = r.three_months()
    rsa = r.parameters.prestations_sociales.solidarite_insertion.minima_sociaux.rsa
    socle, majore = r.famille_value("rsa_socle", (r.month,)), r.famille_value("rsa_socle_majore", (r.month,))
    if majore > socle:
        lines = [r.line("Montant forfaitaire du RSA majoré (parent isolé)", MAXIMUM, "rsa_socle_majore")]
    else:
        lines = [r.line("Montant forfaitaire du RSA pour ce foyer", MAXIMUM, "rsa_socle")]
    forfait = r.line("Forfait logement (aide au logement reçue, ou logement sans loyer)", DEDUCTION,
                     "rsa_forfait_logement", sign=-1)
    if forfait.amount:
        lines.append(forfait)
    lines.append(r.line(f"Ressources du foyer (moyenne mensuelle {_months_text(months)})", RESOURCES,
                        "rsa_base_ressources", sign=-1))
    for person, name in r.people:
        for variable, kind in (("rsa_revenu_activite_individu", "revenus d'activité"),
                               ("rsa_base_ressources_individu", "autres revenus (chômage, pensions, épargne…)")):
            detail = r.line(f"{kind} ({name})", DETAIL, variable, person=person)
            if detail.amount:
                lines.append(detail)
    for variable, kind in (("rsa_base_ressources_prestations_familiales",
                            f"prestations familiales de {month_label(r.month)}"),
                           ("rsa_base_ressources_minima_sociaux", "autres minima sociaux (AAH, ASS…)")):
        detail = r.line(kind, DETAIL, variable)
        if detail.amount:
            lines.append(detail)
    activite = r.line("Part des revenus d'activité ajoutée (RSA activité)", ADDITION, "rsa_revenu_activite")
    if activite.amount:
        lines.append(activite)
    computed = sum(line.amount for line in lines if line.counts)
    lines += _step("Montant négatif ramené à zéro", max(computed, 0) - computed)
    montant = r.famille_value("rsa_montant", (r.month,))
    lines += _step(f"Montant minimum de versement ({euros(rsa.rsa_maj.montant_minimum_verse)}) : "
                   "en dessous, rien n'est versé", montant - max(computed, 0))
    result = _result(r, "RSA du mois", "rsa")
    lines += _step("RSA non calculable (revenus de travailleur indépendant)", result.amount - montant)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Prime d'activité ----------------------------------------------------------------------
def _ppa(r: _Reader) -> list[Line]:
    months = r.three_months()
    ppa = r.parameters.prestations_sociales.solidarite_insertion.minima_sociaux.ppa
    average = f"moyenne {_months_text(months)}"
    lines = [r.line(f"Montant forfaitaire de la prime pour ce foyer ({average})", MAXIMUM,
                    "ppa_fictive_montant_forfaitaire", months)]
    bonus = r.line("Bonifications individuelles (revenus d'activité au-dessus d'environ 0,5 SMIC)", ADDITION,
                   "ppa_bonification", months)
    if bonus.amount:
        lines.append(bonus)
        for person, name in r.people:
            detail = r.line(f"bonification ({name})", DETAIL, "ppa_bonification", months, person=person)
            if detail.amount:
                lines.append(detail)
    pente = ppa.pa_m.majoration_ressources_revenus_activite
    lines.append(r.line(f"{round(pente * 100):d} % des revenus d'activité du foyer", ADDITION,
                        "ppa_fictive_ressource_activite", months))
    lines.append(r.line(f"Ressources du foyer ({average})", RESOURCES, "ppa_base_ressources", months, sign=-1))
    for variable, kind in (("ppa_revenu_activite", "revenus d'activité (salaires, indépendants…)"),
                           ("ppa_ressources_hors_activite",
                            "autres ressources (chômage, pensions, prestations familiales…)")):
        detail = r.line(kind, DETAIL, variable, months)
        if detail.amount:
            lines.append(detail)
    forfait = r.line("Forfait logement (aide au logement reçue, ou logement sans loyer)", DEDUCTION,
                     "ppa_forfait_logement", months, sign=-1)
    if forfait.amount:
        lines.append(forfait)
    # Each month: forfaitaire + bonification + pente × activité − max(ressources + forfait logement, forfaitaire),
    # at least zero, and nothing in a month the household is not eligible.
    floor, clamp, fictive = 0.0, 0.0, 0.0
    for month in months:
        one = (month,)
        mff = r.famille_value("ppa_fictive_montant_forfaitaire", one)
        counted = r.famille_value("ppa_base_ressources", one) + r.famille_value("ppa_forfait_logement", one)
        linear = (mff + r.famille_value("ppa_bonification", one)
                  + r.famille_value("ppa_fictive_ressource_activite", one) - max(counted, mff))
        floor += (max(counted, mff) - counted) / 3
        value = r.famille_value("ppa_fictive", one)
        clamp += (value - linear) / 3
        fictive += value / 3
    lines += _step("Plancher : ressources et forfait logement comptent au moins le montant forfaitaire", -floor)
    lines += _step("Mois où le calcul est négatif (ou sans droit) ramenés à zéro", clamp)
    result = _result(r, "Prime d'activité du mois", "ppa")
    if not r.flag("ppa_eligibilite_apprenants"):
        lines += _step("Étudiant ou apprenti : revenus d'activité sous le minimum exigé", result.amount - fictive)
    else:
        lines += _step(f"Montant minimum de versement ({euros(ppa.pa_m.montant_minimum_verse)}) : "
                       "en dessous, rien n'est versé", result.amount - fictive)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Aides au logement ---------------------------------------------------------------------
_TENANT = ("locataire_hlm", "locataire_vide", "locataire_meuble")


def _aide_logement(r: _Reader) -> list[Line]:
    al = r.parameters.prestations_sociales.aides_logement.allocations_logement
    year = tuple(add_months(r.month, -k) for k in (13, 2))  # the 12 rolling months of revenus imposables
    status = r.menage_text("statut_occupation_logement")
    lines: list[Line] = []
    if status in _TENANT:
        lines.append(r.line("Loyer retenu (le loyer, dans la limite du plafond de la zone et du foyer)", MAXIMUM,
                            "aide_logement_loyer_retenu"))
        lines.append(r.line("loyer payé", DETAIL, "aide_logement_loyer_reel"))
        lines.append(r.line("loyer plafond", DETAIL, "aide_logement_loyer_plafond"))
        lines.append(r.line("Forfait de charges", ADDITION, "aide_logement_charges"))
        lines.append(r.line("Participation personnelle du foyer", DEDUCTION,
                            "aide_logement_participation_personnelle", sign=-1))
        lines.append(r.line(f"ressources sur 12 mois ({_months_text(year)}, arrondies à la centaine)", DETAIL,
                            "aide_logement_base_ressources"))
        lines.append(r.line("abattement forfaitaire sur ces ressources (R0)", DETAIL, "aide_logement_R0"))
        lines.append(r.line("participation minimale", DETAIL, "aide_logement_participation_minimale"))
        lines.append(r.line("participation liée aux ressources", DETAIL, "aide_logement_participation_ressources"))
        computed = sum(line.amount for line in lines if line.counts)
        selected = r.famille_value("aide_logement_montant_selectionne_avant_seuil", (r.month,))
        lines += _step("Montant négatif ramené à zéro", selected - computed)
    else:
        lines.append(r.line("Montant calculé pour ce logement (accession, logement-foyer ; sans loyer : rien)",
                            MAXIMUM, "aide_logement_montant_selectionne_avant_seuil"))
        selected = lines[-1].amount
    before = r.famille_value("aide_logement_montant_brut_avant_degressivite", (r.month,))
    conventionne = bool(np.asarray(r._at("logement_conventionne", r.month)[r.menage]).item())
    threshold = getattr(al.locatif.seuils_minimum_versement, "apl" if conventionne else "non_apl")
    lines += _step(f"Montant minimum de versement ({euros(threshold)}) : en dessous, rien n'est versé",
                   before - selected)
    brut = r.famille_value("aide_logement_montant_brut", (r.month,))
    minoration = float(al.locatif.minoration_forfaitaire)
    if brut > 0:
        lines += _step("Dégressivité (loyer très au-dessus du plafond)", brut + minoration - before)
        lines += _step(f"Minoration forfaitaire de {euros(minoration)}", -minoration)
    else:
        lines += _step(f"Dégressivité et minoration forfaitaire de {euros(minoration)}", brut - before)
    brut_crds = r.famille_value("aide_logement_montant_brut_crds", (r.month,))
    lines += _step("Part de la réduction de loyer de solidarité (logement social)", brut_crds - brut)
    crds = r.line("CRDS (0,5 %)", DEDUCTION, "crds_logement")
    if crds.amount:
        lines.append(crds)
    montant = r.famille_value("aide_logement_montant", (r.month,))
    lines += _step("Arrondi à l'euro inférieur", montant - brut_crds - crds.amount)
    kinds = [name for name, variable in (("APL", "apl"), ("ALF", "alf"), ("ALS", "als"))
             if r.famille_value(variable, (r.month,)) > 0]
    result = _result(r, f"Aide au logement du mois{' (' + ', '.join(kinds) + ')' if kinds else ''}", "aide_logement")
    lines += _step("Non versée (logement loué par un proche de la famille)", result.amount - montant)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Allocations familiales ------------------------------------------------------------------
def _af(r: _Reader) -> list[Line]:
    children = round(r.famille_value("af_nbenf", (r.month,)))
    rate = r.famille_value("af_taux_modulation", (r.month,))
    modulated = "" if rate >= 1 else f", multiplié par {number(rate, 2)} selon les revenus d'il y a deux ans"
    lines = [r.line(f"Montant de base pour {children} enfant(s) à charge{modulated}", MAXIMUM, "af_base")]
    for variable, label in (("af_majoration", "Majoration pour les enfants de 14 ans et plus"),
                            ("af_allocation_forfaitaire", "Allocation forfaitaire (enfant de 20 ans)"),
                            ("af_complement_degressif", "Complément dégressif (revenus juste au-dessus d'un plafond)"),
                            ("af_allocation_forfaitaire_complement_degressif",
                             "Complément dégressif de l'allocation forfaitaire")):
        line = r.line(label, ADDITION, variable)
        if line.amount:
            lines.append(line)
    result = _result(r, "Allocations familiales du mois", "af")
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Allocation de soutien familial ------------------------------------------------------------
def _asf(r: _Reader) -> list[Line]:
    pf = r.parameters.prestations_sociales.prestations_familiales
    per_child = float(pf.bmaf.bmaf * pf.education_presence_parentale.asf.montant_asf.orphelin_assimile_seul_parent)
    children = round(r.famille_value("asf_elig_enfant", (r.month,)))
    # The full amount is parameters times children: openfisca has no variable for it.
    lines = [Line(f"Montant pour {children} enfant(s) ({euros(per_child)} par enfant)", round(children * per_child, 2),
                  MAXIMUM)]
    pension = r.line("Pension alimentaire reçue", RESOURCES, "pensions_alimentaires_percues", sign=-1)
    if pension.amount:
        lines.append(pension)
    montant = r.famille_value("asf_montant", (r.month,))
    lines += _step("Montant négatif ramené à zéro", montant - sum(line.amount for line in lines))
    result = _result(r, "Allocation de soutien familial du mois", "asf")
    lines += _step("Non versée (vie en couple, ou montant sous le seuil de versement)", result.amount - montant)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Allocation de solidarité aux personnes âgées ------------------------------------------------
def _aspa(r: _Reader) -> list[Line]:
    aspa = r.parameters.prestations_sociales.solidarite_insertion.minimum_vieillesse.aspa
    eligible = [person for person, _ in r.people if r.person_value("aspa_eligibilite", (r.month,), person)]
    if not eligible:  # no one of the age (or unfit for work): nothing to explain but the zero
        return [_result(r, "ASPA du mois (aucune personne du foyer n'y a droit)", "aspa")]
    couple = r.flag("en_couple")
    # openfisca's maximum and ceiling for one or two eligible people (a spouse on the ASI aside).
    if len(eligible) == 2:
        maximum, ceiling, who = aspa.montant_maximum_annuel.couples / 12, aspa.plafond_ressources.couples / 12, \
            "un couple de bénéficiaires"
    else:
        maximum = aspa.montant_maximum_annuel.personnes_seules / 12
        ceiling = (aspa.plafond_ressources.couples if couple else aspa.plafond_ressources.personnes_seules) / 12
        who = "une personne"
    lines = [Line(f"Montant maximum pour {who} ({euros(maximum * 12)} par an)", round(maximum, 2), MAXIMUM)]
    lines.append(r.line("Ressources du foyer retenues (trois derniers mois, ramenées au mois)", RESOURCES,
                        "asi_aspa_base_ressources", sign=-1))
    resources = -lines[-1].amount
    over = max(resources + maximum - ceiling, 0.0)  # only what passes the ceiling comes off
    lines += _step(f"Ressources sous le plafond du foyer ({euros(ceiling)} par mois) : non déduites",
                   resources - over)
    lines += _step("Montant négatif ramené à zéro", max(maximum - over, 0.0) - (maximum - over))
    result = _result(r, "ASPA du mois", "aspa")
    lines += _step("Non versée, ou cas d'un conjoint à l'ASI", _rest(lines, result) if abs(_rest(lines, result)) > 0.03
                   else 0.0)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]


# --- Allocation aux adultes handicapés -----------------------------------------------------------
def _aah(r: _Reader) -> list[Line]:
    maximum = float(r.parameters.prestations_sociales.prestations_etat_de_sante.invalidite.aah.montant)
    lines: list[Line] = []
    for person, name in r.people:
        if not r.person_value("aah_eligible", (r.month,), person):
            continue
        ceiling = r.line(f"Plafond de ressources ({name}, ramené au mois)", MAXIMUM,
                         "aah_plafond_ressources_deconjugalise", person=person)
        resources = r.line(f"Ressources retenues ({name} : revenus d'il y a deux ans, après abattements)",
                           RESOURCES, "aah_base_ressources_deconjugalisee", sign=-1, person=person)
        lines += [ceiling, resources]
        gap = ceiling.amount + resources.amount
        capped = min(maximum, max(gap, 0.0))
        lines += _step(f"Au plus le montant maximal de l'AAH ({euros(maximum)})", capped - gap)
        pension = r.line(f"Pension d'invalidité ou ASI ({name}) : l'AAH complète jusqu'au maximum", DEDUCTION,
                         "aah_base_non_cumulable", sign=-1, person=person)
        if pension.amount:
            lines.append(pension)
            lines += _step("Le complément ne descend pas sous zéro",
                           min(capped, max(maximum + pension.amount, 0.0)) - (capped + pension.amount))
        base = r.person_value("aah_base", (r.month,), person)
        lines += _step("Calcul avec les ressources du couple, plus favorable",
                       base - sum(line.amount for line in lines if line.counts and line.person in (person, "")))
    result = _result(r, "AAH du mois", "aah")
    lines += _step("Réduite pendant une hospitalisation ou une incarcération", _rest(lines, result)
                   if abs(_rest(lines, result)) > 0.03 else 0.0)
    lines += _step("Arrondi des centimes", _rest(lines, result))
    return lines + [result]
