"""Dossier -> openfisca-france situation, with every period filled right.

The traps this module handles (see shared/reference/openfisca-aids.md):
- RSA and prime d'activité read the 3 months before the simulated one, housing aid
  the 12 months before the previous one: every resource is given month by month
  from M-13 to M (M-13 repeats M-12, the oldest month the dossier records).
- Benefits received enter other benefits' bases. RSA and the CEJ allowance are set to
  0 over M-3..M-1 (their own base would be circular); other monthly benefits are set
  to the declared amount, or 0, from M-4 back, and openfisca computes M-3..M-1 as if
  the present situation held.
- Family benefits, school grants, chèque énergie read the fiscal income of year N-2:
  the dossier's revenu fiscal de référence, or an estimate from the last 12 months.
- Only typed values go in (a text given to a boolean reads as true).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..catalogue import Catalogue
from ..dossier import HISTORY_MONTHS, Dossier, window

# Dossier resource type -> openfisca-france input variables. Each benefit reads its
# own variant: RSA and prime d'activité the net amounts, housing aid the taxable ones
# over the rolling year, ASPA the gross pension. The dossier records net amounts; the
# taxable and gross variants take the same value (for modest incomes, the only
# difference is CSG/CRDS, from which most are exempt or which is a few per cent).
RESOURCE_VARIABLES = {
    "wages": ("salaire_net", "salaire_imposable"),
    "self_employment": ("rpns_auto_entrepreneur_benefice",),
    "unemployment": ("chomage_net", "chomage_imposable"),
    "pension": ("retraite_nette", "retraite_imposable", "retraite_brute"),
    "sick_pay": ("indemnites_journalieres",),
    "alimony": ("pensions_alimentaires_percues",),
    "grant": ("bourse_enseignement_sup",),
    "internship": ("indemnites_stage",),
    "training": ("revenus_stage_formation_pro",),
    "invalidity_pension": ("pensions_invalidite",),
    "rental_income": ("revenus_locatifs",),
}

# Resources that make up taxable income, for the N-2 estimate.
TAXABLE_RESOURCES = {"wages", "self_employment", "unemployment", "pension", "sick_pay", "alimony", "invalidity_pension", "rental_income"}
# The 10 % standard deduction on wages and pensions, to estimate a revenu fiscal de référence.
STANDARD_DEDUCTION = 0.10

ACTIVITY = {
    "employed": "actif",
    "self_employed": "actif",
    "apprentice": "actif",
    "job_seeker": "chomeur",
    "student": "etudiant",
    "retired": "retraite",
    "inactive": "inactif",
}

HOUSING_STATUS = {
    "tenant_unfurnished": "locataire_vide",
    "tenant_furnished": "locataire_meuble",
    "tenant_hostel": "locataire_foyer",
    "hosted_free": "loge_gratuitement",
    "owner": "proprietaire",
    "first_time_buyer": "primo_accedant",
    "homeless": "sans_domicile",
}

MARITAL_STATUS = {"married": "marie", "pacs": "pacse", "cohabiting": "celibataire", "single": "celibataire"}

SCHOOL_LEVEL = {
    "none": "inconnue",
    "maternelle": "maternelle",
    "primaire": "primaire",
    "college": "college",
    "lycee": "lycee",
    "superieur": "enseignement_superieur",
}

ROLE_ORDER = {"applicant": 0, "spouse": 1, "child": 2, "other": 3}

# Benefits whose own base would be circular: always 0 over the three months before M.
CIRCULAR_BENEFITS = ("rsa", "contrat_engagement_jeune")
# The months openfisca computes as if the present situation held.
RECENT_MONTHS = 3


@dataclass(frozen=True)
class Periods:
    """Every period the situation of month M needs (computed once per batch)."""

    month: str

    @cached_property
    def history(self) -> list[str]:
        """M-13 .. M, oldest first."""
        return window(self.month, HISTORY_MONTHS + 1)

    @cached_property
    def recent(self) -> list[str]:
        return window(self.month, RECENT_MONTHS, include_current=False)

    @cached_property
    def older(self) -> list[str]:
        """M-13 .. M-4: months where past benefits are inputs, not computed."""
        return [m for m in self.history if m not in self.recent and m != self.month]

    @cached_property
    def family_base_months(self) -> list[str]:
        """The months family benefits may read their base at: the history and year M."""
        year = [f"{self.year}-{m:02d}" for m in range(1, 13)]
        return sorted(set(self.history) | set(year))

    @property
    def year(self) -> str:
        return self.month[:4]

    @property
    def previous_year(self) -> str:
        return str(int(self.year) - 1)

    @property
    def fiscal_year(self) -> str:
        """Year N-2, the tax notice's year of income."""
        return str(int(self.year) - 2)


def estimated_fiscal_income(dossier: Dossier, month: str, people=None) -> float:
    """Estimate a revenu fiscal de référence from the 12 months before M, from the
    resources of `people` (by default the tax household: parents, dependent children)."""
    members = {p.id for p in (dossier.tax_household if people is None else people)}
    months = window(month, HISTORY_MONTHS, include_current=False)
    taxable = sum(r.amount(m) for r in dossier.resources
                  if r.type in TAXABLE_RESOURCES and r.person in members for m in months)
    return round(taxable * (1 - STANDARD_DEDUCTION), 2)


def fiscal_income(dossier: Dossier, month: str) -> tuple[float, bool]:
    """(revenu fiscal de référence N-2, whether it is an estimate)."""
    if dossier.fiscal_reference_income is not None:
        return float(dossier.fiscal_reference_income), False
    return estimated_fiscal_income(dossier, month), True


def monthly_benefit_variables(catalogue: Catalogue) -> list[str]:
    """Monthly euro benefits that may enter another benefit's base."""
    return [
        a.openfisca.variable
        for a in catalogue.openfisca_aids
        if a.openfisca.period == "month" and a.openfisca.unit == "euros" and not a.openfisca.amount_is_annual
        and a.openfisca.entity in ("famille", "individu")
    ]


def _per_month(months: list[str], value) -> dict:
    return {m: value for m in months}


class SituationBuilder:
    """Builds one openfisca situation for one or many dossiers (a batch)."""

    def __init__(self, catalogue: Catalogue, month: str):
        self.catalogue = catalogue
        self.periods = Periods(month)
        self.benefits = monthly_benefit_variables(catalogue)
        self.situation: dict = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
        # Per dossier: the entity ids it owns, to read results back.
        self.households: list[dict] = []

    def add(self, dossier: Dossier) -> dict:
        """The dossier as benefits see it this month; a child still expected is only in a
        twin household, read for the aids that count an expected child (prime à la naissance)."""
        index = len(self.households)
        born = dossier.born(self.periods.month)
        ids = self._household(born, f"d{index}_")
        if len(born.people) != len(dossier.people):
            ids["with_unborn"] = self._household(dossier, f"d{index}n_")
        self.households.append(ids)
        return ids

    def _household(self, dossier: Dossier, prefix: str) -> dict:
        ids = {"persons": {}, "famille": prefix + "famille", "menage": prefix + "menage", "foyer": prefix + "foyer"}
        p = self.periods
        # Persons in role order too: some formulas read a group's first member.
        for person in sorted(dossier.people, key=lambda x: ROLE_ORDER[x.role]):
            pid = prefix + person.id
            ids["persons"][person.id] = pid
            self.situation["individus"][pid] = self._person(dossier, person)

        def pids(people):
            return [ids["persons"][x.id] for x in people]

        dependents = [c for c in dossier.children if c.dependent]
        # openfisca takes the first parent listed as the demandeur: the applicant.
        famille = {"parents": pids(dossier.parents), "enfants": pids(dependents)}
        famille["rsa_isolement_recent"] = _per_month(p.history, bool(dossier.recently_separated))
        income, _ = fiscal_income(dossier, p.month)
        # The revenu fiscal de référence stands for the family benefits' base (revenus N-2).
        famille["prestations_familiales_base_ressources"] = _per_month(p.family_base_months, income)
        self._past_benefits(dossier, famille, entity="famille", holder=True)
        self.situation["familles"][ids["famille"]] = famille

        declarants = [dossier.applicant] + ([dossier.spouse] if dossier.spouse and dossier.couple in ("married", "pacs") else [])
        self.situation["foyers_fiscaux"][ids["foyer"]] = {
            "declarants": pids(declarants),
            "personnes_a_charge": pids(dependents),
            "rfr": self._rfr(income),
        }
        # A cohabiting spouse, an independent child or another adult: own famille and foyer.
        for person in dossier.people:
            if person in declarants or person in dependents:
                continue
            pid = ids["persons"][person.id]
            if person.role == "spouse":
                # The couple's notice (or estimate) is on the applicant's foyer.
                self.situation["foyers_fiscaux"][pid + "_foyer"] = {"declarants": [pid], "rfr": self._rfr(0.0)}
            else:
                own = estimated_fiscal_income(dossier, p.month, [person])
                self.situation["familles"][pid + "_famille"] = {"parents": [pid]}
                self.situation["foyers_fiscaux"][pid + "_foyer"] = {"declarants": [pid], "rfr": self._rfr(own)}

        self.situation["menages"][ids["menage"]] = self._menage(dossier, ids, pids)
        return ids

    def _rfr(self, income: float) -> dict:
        # Year N-1 taken equal to N-2: without it openfisca rebuilds N-1 from the few
        # months of that year the situation holds (logement social reads both years).
        return {self.periods.fiscal_year: income, self.periods.previous_year: income}

    def _person(self, dossier: Dossier, person) -> dict:
        p = self.periods
        hist = p.history
        in_school = person.school_level != "none"
        activity = ACTIVITY[person.activity]
        if activity == "inactif" and in_school:
            activity = "etudiant"  # a pupil is in education, not without activity (CEJ, RSA)
        data: dict = {
            "date_naissance": {"ETERNITY": person.birth_date.isoformat()},
            "activite": _per_month(hist, activity),
            "taux_incapacite": _per_month(hist, person.disability_rate / 100.0),
            "handicap": _per_month(hist, person.disability_rate >= 50),
            "enceinte": _per_month(hist, bool(person.pregnant)),
            "scolarite": _per_month(hist, SCHOOL_LEVEL[person.school_level]),
            "boursier": _per_month(hist, bool(person.student_grant)),
            "apprenti": _per_month(hist, person.activity == "apprentice"),
            # Most pupils and students are in public establishments (school grants read it).
            "statuts_etablissement_scolaire": _per_month(hist, "public" if in_school else "inconnu"),
            # A registered job-seeker looking for full-time work: France Travail's category 1.
            "pole_emploi_categorie_demandeur_emploi": _per_month(
                hist, "categorie_1" if person.activity == "job_seeker" else "pas_de_categorie"),
            "livret_a": _per_month(hist, dossier.assets.savings if person.role == "applicant" else 0.0),
            "valeur_locative_immo_non_loue": _per_month(
                hist, dossier.assets.property_rental_value if person.role == "applicant" else 0.0),
        }
        if person.parental_income is not None:
            # Annual amount the grant's scale reads at the simulated month.
            data["bourse_criteres_sociaux_base_ressources_parentale"] = {p.month: float(person.parental_income)}
        if person.role in ("applicant", "spouse"):
            data["statut_marital"] = _per_month(hist, MARITAL_STATUS[dossier.couple])
        for resource in dossier.resources_of(person.id):
            for variable in RESOURCE_VARIABLES[resource.type]:
                amounts = data.setdefault(variable, {})
                for month in hist:
                    # M-13 is not recorded: it repeats M-12, the oldest recorded month.
                    source = month if month != hist[0] else hist[1]
                    amounts[month] = amounts.get(month, 0.0) + resource.amount(source)
        # A declared individual benefit (AAH, ASS...) belongs to the applicant.
        self._past_benefits(dossier, data, entity="individu", holder=person.role == "applicant")
        return data

    def _past_benefits(self, dossier: Dossier, data: dict, entity: str, holder: bool) -> None:
        p = self.periods
        for aid in self.catalogue.openfisca_aids:
            variable = aid.openfisca.variable
            if variable not in self.benefits or aid.openfisca.entity != entity:
                continue
            declared = dossier.benefits_received.get(aid.id, 0.0) if holder else 0.0
            values = _per_month(p.older, declared)
            if variable in CIRCULAR_BENEFITS:
                values.update(_per_month(p.recent, 0.0))
            data[variable] = values

    def _menage(self, dossier: Dossier, ids: dict, pids) -> dict:
        p = self.periods
        h = dossier.housing
        status = HOUSING_STATUS[h.status]
        if h.social_housing and h.status in ("tenant_unfurnished", "tenant_furnished"):
            status = "locataire_hlm"
        spouse = [dossier.spouse] if dossier.spouse else []
        menage = {
            "personne_de_reference": pids([dossier.applicant]),
            "conjoint": pids(spouse),
            "enfants": pids(dossier.children),
            "autres": pids(dossier.others),
            "statut_occupation_logement": _per_month(p.history, status),
            "loyer": _per_month(p.history, float(h.rent)),
            "charges_locatives": _per_month(p.history, float(h.charges)),
            "coloc": _per_month(p.history, bool(h.shared)),
            "logement_conventionne": _per_month(p.history, bool(h.social_housing)),
        }
        if h.commune:
            menage["depcom"] = _per_month(p.history, h.commune)
        if h.move_in_date:
            menage["date_entree_logement"] = {p.month: h.move_in_date.isoformat()}
        return menage
