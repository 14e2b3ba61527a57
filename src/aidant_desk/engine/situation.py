"""Dossier -> openfisca-france situation, with every period filled right.

The traps this module handles (see shared/reference/openfisca-aids.md):
- RSA and prime d'activité read the 3 months before the simulated one, housing aid
  the 12 months before the previous one: every resource is given month by month
  from M-13 to M (M-13 repeats M-12, the oldest month the dossier records).
- Benefits received enter other benefits' bases. RSA and the CEJ allowance are set to
  0 over M-3..M-1 (their own base would be circular); other monthly benefits are set
  to the declared amount, or 0, from M-4 back, and openfisca computes M-3..M-1 as if
  the present situation held.
- Family benefits, school grants, chèque énergie read the incomes of year N-2: they are
  given by declarant and category, from the notice's detail or split from the RFR, and
  openfisca builds every base (rfr, prestations_familiales_base_ressources) itself.
- Gross amounts are the source of net and taxable ones: found from the net typed.
- Only typed values go in (a text given to a boolean reads as true).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from ..catalogue import Catalogue
from ..dossier import HISTORY_MONTHS, Dossier, window
from ..dossier import vocabulary
from .incomes import NET_TOLERANCE, RFR_TOLERANCE, Household, SolutionCache, Unknown, solve

# Monthly resources -> the openfisca-france input each one feeds: its source variable.
MONTHLY_INPUT = {
    "sick_pay": "indemnites_journalieres_maladie",
    "alimony": "pensions_alimentaires_percues",
    "grant": "bourse_enseignement_sup",
    "internship": "indemnites_stage",
    "training": "revenus_stage_formation_pro",
    "invalidity_pension": "pensions_invalidite",
    "rental_income": "revenus_locatifs",
}
# Resources whose source is the gross amount: (gross input, the net openfisca derives
# from it, a first guess of net / gross for the inversion). Unemployment starts from
# gross = net: below the CSG floor (net kept at the SMIC level) many grosses give the
# same net, and the smallest, which is the net itself there, is the one taken.
GROSS_INPUT = {
    "wages": ("salaire_de_base", "salaire_net", 0.78),
    "unemployment": ("chomage_brut", "chomage_net", 1.0),
    "pension": ("retraite_brute", "retraite_nette", 0.91),
}
# A micro-entrepreneur's monthly turnover, by kind of activity.
TURNOVER_INPUT = {
    "services": "rpns_auto_entrepreneur_CA_bic",
    "sales": "rpns_auto_entrepreneur_CA_achat_revente",
    "liberal": "rpns_auto_entrepreneur_CA_bnc",
}

# The tax notice of year N-2: resource type -> category, category -> openfisca input.
NOTICE_CATEGORY = {"wages": "wages", "pension": "pensions", "unemployment": "unemployment",
                   "self_employment": "self_employment"}
NOTICE_TAXABLE = {"wages": "salaire_imposable", "pensions": "retraite_imposable", "unemployment": "chomage_imposable"}
# The notice's micro-enterprise boxes: 5KP (services), 5KO (sales), 5HQ (liberal).
NOTICE_TURNOVER = {"services": "mbic_imps", "sales": "mbic_impv", "liberal": "mbnc_impo"}
# With an RFR and no resource to split it by, it goes to the applicant's category.
ACTIVITY_CATEGORY = {"retired": "pensions", "job_seeker": "unemployment", "self_employed": "self_employment"}
# openfisca's rfr is about 90 % of declared incomes (the 10 % deduction): the first guess.
RFR_SHARE_GUESS = 0.9

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

# The order openfisca lists people in: the applicant first (the demandeur), then a spouse.
ROLE_ORDER = {"applicant": 0, "spouse": 1, "child": 2, "other": 3}


def _same_values(name: str, keys, values) -> None:
    missing = [v for v in values if v not in keys]
    _known_values(name, keys, values, missing)


def _known_values(name: str, keys, values, missing=()) -> None:
    unknown = [k for k in keys if k not in values]
    if missing or unknown:
        raise LookupError(f"engine/situation.py {name} does not follow dossier/vocabulary.py: "
                          f"no mapping for {list(missing)}, mapping of unknown values {unknown}")


def check_mappings() -> None:
    """Every value of the dossier's vocabularies has its openfisca mapping, and no mapping
    is of a value the vocabularies do not have: run at import, so that a value added to
    vocabulary.py without its mapping here fails loudly."""
    v = vocabulary
    _same_values("ACTIVITY", ACTIVITY, v.ACTIVITIES)
    _same_values("HOUSING_STATUS", HOUSING_STATUS, v.HOUSING_STATUS)
    _same_values("MARITAL_STATUS", MARITAL_STATUS, v.COUPLE)
    _same_values("SCHOOL_LEVEL", SCHOOL_LEVEL, v.SCHOOL_LEVELS)
    _same_values("ROLE_ORDER", ROLE_ORDER, v.ROLES)
    # A resource feeds its gross input, its turnover input (by kind), or its monthly input.
    _same_values("GROSS_INPUT", GROSS_INPUT, v.GROSS_TYPES)
    _same_values("MONTHLY_INPUT", MONTHLY_INPUT,
                 [t for t in v.RESOURCE_TYPES if t not in v.GROSS_TYPES and t != v.TURNOVER_TYPE])
    _same_values("TURNOVER_INPUT", TURNOVER_INPUT, v.SELF_EMPLOYMENT_KINDS)
    # The N-2 notice: every category is fed; micro-enterprise turnover goes in its boxes by kind.
    _known_values("NOTICE_CATEGORY", NOTICE_CATEGORY, v.RESOURCE_TYPES)
    _same_values("NOTICE_CATEGORY values", set(NOTICE_CATEGORY.values()), v.NOTICE_INCOMES)
    _same_values("NOTICE_TAXABLE", NOTICE_TAXABLE, [c for c in v.NOTICE_INCOMES if c != "self_employment"])
    _same_values("NOTICE_TURNOVER", NOTICE_TURNOVER, v.SELF_EMPLOYMENT_KINDS)
    _known_values("ACTIVITY_CATEGORY", ACTIVITY_CATEGORY, v.ACTIVITIES)
    _known_values("ACTIVITY_CATEGORY values", set(ACTIVITY_CATEGORY.values()), v.NOTICE_INCOMES)


check_mappings()

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
    def notice_months(self) -> list[str]:
        """Months whose taxable incomes come from the N-2 notice: every month of N-3 and
        N-2, and the months of N-1 before the history (which has the months' own amounts)."""
        years = [self.fiscal_year_before, self.fiscal_year]
        months = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
        months += [f"{self.previous_year}-{m:02d}" for m in range(1, 13)
                   if f"{self.previous_year}-{m:02d}" < self.history[0]]
        return months

    @cached_property
    def gross_months(self) -> list[str]:
        """History months whose amounts are the person's own (not the notice's)."""
        notice = set(self.notice_months)
        return [m for m in self.history if m not in notice]

    @property
    def notice_years(self) -> list[str]:
        return [self.fiscal_year_before, self.fiscal_year, self.previous_year]

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

    @property
    def fiscal_year_before(self) -> str:
        """Year N-3: months of year N-1 read family benefits' base there."""
        return str(int(self.year) - 3)


def notice_estimated(dossier: Dossier) -> bool:
    """Whether the N-2 incomes are estimated from the last 12 months (no notice typed)."""
    return dossier.fiscal_reference_income is None and not dossier.tax_notice_incomes


def yearly_amounts(dossier: Dossier, month: str, person_id: str) -> dict[str, float]:
    """A person's amounts over the 12 months before M, by notice category."""
    months = window(month, HISTORY_MONTHS, include_current=False)
    totals: dict[str, float] = {}
    for r in dossier.resources_of(person_id):
        category = NOTICE_CATEGORY.get(r.type)
        if category:
            totals[category] = totals.get(category, 0.0) + sum(r.amount(m) for m in months)
    return totals


def turnover_kind(dossier: Dossier, person_id: str) -> str:
    kinds = [r.self_employment_kind for r in dossier.resources_of(person_id) if r.type == "self_employment"]
    return kinds[0] if kinds else "services"


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
    """Builds one openfisca situation for one or many dossiers (a batch).

    Incomes that openfisca needs at their source but the dossier holds as the person
    reads them (net amounts, an RFR) are left as unknowns; `simulation()` finds them by
    openfisca's own rules (see incomes.py) and returns the simulation to compute on."""

    def __init__(self, catalogue: Catalogue, month: str):
        self.catalogue = catalogue
        self.periods = Periods(month)
        self.benefits = monthly_benefit_variables(catalogue)
        self.situation: dict = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
        # Per dossier: the entity ids it owns, to read results back.
        self.households: list[dict] = []
        self._unknowns: list[Household] = []
        self._of_dossier: list[list[Household]] = []  # each dossier's households, in _unknowns

    def add(self, dossier: Dossier, incomes_start: tuple = ()) -> dict:
        """The dossier as benefits see it this month; a child still expected is only in a
        twin household, read for the aids that count an expected child (prime à la naissance).
        `incomes_start`: its `incomes_found` of an earlier computation, where the search starts."""
        index = len(self.households)
        born = dossier.born(self.periods.month)
        first = len(self._unknowns)
        ids = self._household(born, f"d{index}_")
        if len(born.people) != len(dossier.people):
            ids["with_unborn"] = self._household(dossier, f"d{index}n_")
        mine = self._unknowns[first:]
        if len(incomes_start) == len(mine):
            for household, start in zip(mine, incomes_start):
                household.start = tuple(start)
        self.households.append(ids)
        self._of_dossier.append(mine)
        return ids

    def incomes_found(self, index: int) -> tuple[tuple[float, ...], ...]:
        """The index-th dossier's solved incomes (gross of each month, N-2 notice), household
        by household, once `simulation()` has run."""
        return tuple(household.found for household in self._of_dossier[index])

    def simulation(self, build, cache: SolutionCache | None = None):
        """Solve the unknown incomes into the situation, then the simulation to compute on."""
        simulation = solve(self._unknowns, lambda: build(self.situation), cache)
        return simulation if simulation is not None else build(self.situation)

    def _household(self, dossier: Dossier, prefix: str) -> dict:
        ids = {"persons": {}, "famille": prefix + "famille", "menage": prefix + "menage", "foyer": prefix + "foyer"}
        p = self.periods
        household = Household(key=p.month + json.dumps(_income_relevant(dossier), sort_keys=True))
        self._unknowns.append(household)
        # Persons in role order too: some formulas read a group's first member.
        for person in sorted(dossier.people, key=lambda x: ROLE_ORDER[x.role]):
            pid = prefix + person.id
            ids["persons"][person.id] = pid
            self.situation["individus"][pid] = self._person(dossier, person, pid, household)

        def pids(people):
            return [ids["persons"][x.id] for x in people]

        dependents = [c for c in dossier.children if c.dependent]
        # openfisca takes the first parent listed as the demandeur: the applicant.
        famille = {"parents": pids(dossier.parents), "enfants": pids(dependents)}
        famille["rsa_isolement_recent"] = _per_month(p.history, bool(dossier.recently_separated))
        famille["proprietaire_proche_famille"] = _per_month(p.history, bool(dossier.housing.landlord_family))
        self._past_benefits(dossier, famille, entity="famille", holder=True)
        self.situation["familles"][ids["famille"]] = famille

        declarants = [dossier.applicant] + ([dossier.spouse] if dossier.spouse and dossier.couple in ("married", "pacs") else [])
        self.situation["foyers_fiscaux"][ids["foyer"]] = {
            "declarants": pids(declarants),
            "personnes_a_charge": pids(dependents),
        }
        self._notice(dossier, declarants, ids, household)
        # A cohabiting spouse, an independent child or another adult: own famille and foyer,
        # whose notice is estimated from their own last 12 months.
        for person in dossier.people:
            if person in declarants or person in dependents:
                continue
            pid = ids["persons"][person.id]
            if person.role != "spouse":
                self.situation["familles"][pid + "_famille"] = {"parents": [pid]}
            self.situation["foyers_fiscaux"][pid + "_foyer"] = {"declarants": [pid]}
            self._write_notice(dossier, person, pid, yearly_amounts(dossier, p.month, person.id))

        self.situation["menages"][ids["menage"]] = self._menage(dossier, ids, pids)
        return ids

    # --- the tax notice of year N-2 ---------------------------------------------------
    def _notice(self, dossier: Dossier, declarants, ids: dict, household: Household) -> None:
        p = self.periods
        pid = ids["persons"]
        if dossier.tax_notice_incomes:
            given = {n.person: n for n in dossier.tax_notice_incomes}
            for person in declarants:
                n = given.get(person.id)
                self._write_notice(dossier, person, pid[person.id], n.amounts if n else {})
            return
        weights = {person.id: yearly_amounts(dossier, p.month, person.id) for person in declarants}
        if dossier.fiscal_reference_income is None:  # estimated: the last 12 months stand for N-2
            for person in declarants:
                self._write_notice(dossier, person, pid[person.id], weights[person.id])
            return
        total = sum(sum(w.values()) for w in weights.values())
        if total <= 0:
            applicant = dossier.applicant
            weights = {applicant.id: {ACTIVITY_CATEGORY.get(applicant.activity, "wages"): 1.0}}
            total = 1.0
        rfr = float(dossier.fiscal_reference_income)
        writes = []
        for person in declarants:
            shares = {c: w / total for c, w in weights.get(person.id, {}).items()}
            writes += self._write_notice(dossier, person, pid[person.id], {c: 0.0 for c in shares}, shares)
        if rfr <= 0:
            return
        # One unknown per foyer: the declared total, split as the resources are, whose
        # openfisca rfr must equal the RFR typed.
        household.unknowns.append(Unknown(
            writes=writes, read=("foyer_fiscal", ids["foyer"], "rfr"), period=p.fiscal_year,
            target=rfr, guess=rfr / RFR_SHARE_GUESS, slope=RFR_SHARE_GUESS, tolerance=RFR_TOLERANCE, stage=0))

    def _write_notice(self, dossier: Dossier, person, pid: str, amounts: dict[str, float],
                      shares: dict[str, float] | None = None) -> list:
        """Give openfisca a declarant's N-2 incomes by category: taxable amounts 1/12 a
        month, turnover by year. With `shares`, returns the writes (see
        incomes.Unknown) of an unknown total instead."""
        p = self.periods
        data = self.situation["individus"][pid]
        writes = []
        for category, amount in amounts.items():
            if category == "self_employment":
                variable, periods, factor = NOTICE_TURNOVER[turnover_kind(dossier, person.id)], p.notice_years, 1.0
            else:
                variable, periods, factor = NOTICE_TAXABLE[category], p.notice_months, 1 / 12
            values = data.setdefault(variable, {})
            for period in periods:
                values[period] = amount * factor
                if shares is not None:
                    writes.append((values, variable, pid, period, shares[category] * factor))
        return writes

    # --- people -------------------------------------------------------------------------
    def _person(self, dossier: Dossier, person, pid: str, household: Household) -> dict:
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
            "garde_alternee": _per_month(hist, bool(person.shared_custody)),
            "ass_precondition_remplie": _per_month(hist, bool(person.ass_work_history)),
            "pensions_alimentaires_versees_individu": _per_month(hist, float(person.alimony_paid)),
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
        self._resources(dossier, person, pid, data, household)
        # A declared individual benefit (AAH, ASS...) belongs to the applicant.
        self._past_benefits(dossier, data, entity="individu", holder=person.role == "applicant")
        return data

    def _resources(self, dossier: Dossier, person, pid: str, data: dict, household: Household) -> None:
        """Monthly amounts M-13..M at their source; several resources of a type add up."""
        hist = self.periods.history
        totals: dict[tuple[str, str], dict[str, float]] = {}
        for resource in dossier.resources_of(person.id):
            if resource.type in GROSS_INPUT:
                key = (resource.type, resource.basis)
            elif resource.type == "self_employment":
                key = (TURNOVER_INPUT[resource.self_employment_kind], "source")
            else:
                key = (MONTHLY_INPUT[resource.type], "source")
            amounts = totals.setdefault(key, {})
            for month in hist:
                # M-13 is not recorded: it repeats M-12, the oldest recorded month.
                source = month if month != hist[0] else hist[1]
                amounts[month] = amounts.get(month, 0.0) + resource.amount(source)
        for (kind, basis), amounts in totals.items():
            if basis == "source":
                data[kind] = amounts
                continue
            gross_variable, net_variable, ratio = GROSS_INPUT[kind]
            gross = data.setdefault(gross_variable, {})
            for month in self.periods.gross_months:
                amount = amounts[month]
                if basis == "gross" or amount <= 0:
                    gross[month] = amount
                    continue
                # The gross whose openfisca net is the net typed.
                household.unknowns.append(Unknown(
                    writes=[(gross, gross_variable, pid, month, 1.0)], read=("individu", pid, net_variable), period=month,
                    target=amount, guess=amount / ratio, slope=ratio, tolerance=NET_TOLERANCE))

    # --- benefits received, housing -------------------------------------------------------
    def _past_benefits(self, dossier: Dossier, data: dict, entity: str, holder: bool) -> None:
        p = self.periods
        for aid in self.catalogue.openfisca_aids:
            variable = aid.openfisca.variable
            if variable not in self.benefits or aid.openfisca.entity != entity:
                continue
            declared = dossier.benefits_received.get(aid.id) if holder else None
            values = {m: declared.amount(m) if declared else 0.0 for m in p.older}
            for month in p.recent:
                if declared and month in declared.months:  # a month the person knows
                    values[month] = declared.months[month]
                elif variable in CIRCULAR_BENEFITS:
                    values[month] = 0.0
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
            "logement_chambre": _per_month(p.history, bool(h.room_only)),
            "participation_frais": _per_month(p.history, bool(h.hosting_contribution)),
        }
        if h.commune:
            menage["depcom"] = _per_month(p.history, h.commune)
        if h.move_in_date:
            menage["date_entree_logement"] = {p.month: h.move_in_date.isoformat()}
        if h.loan_date:
            menage["aide_logement_date_pret_conventionne"] = {"ETERNITY": h.loan_date.isoformat()}
        return menage


def _income_relevant(dossier: Dossier) -> dict:
    """What the solved incomes depend on: the dossier less what only benefits read."""
    data = dossier.to_dict()
    for key in ("label", "life_events", "benefits_received", "assets", "month"):
        data.pop(key, None)
    data["housing"] = {"commune": dossier.housing.commune}  # overseas CSG rates
    return data
