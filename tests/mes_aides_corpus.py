"""openfisca-france's mes-aides.gouv.fr corpus, read two ways.

1. Upstream: each corpus file's input as-is through the pinned openfisca-france, compared
   with its `output`. The expected values that no longer hold are the upstream drift,
   kept in data/mes-aides/upstream_drift.json (regenerate: `python -m tests.mes_aides_corpus`).
2. Converter: a corpus input -> an Aidant Desk dossier (docs/dossier.md, version 2), or the
   precise reasons why the dossier cannot express it.

The corpus files are vendored unchanged in data/mes-aides (see its README).
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

CORPUS = Path(__file__).resolve().parent / "data" / "mes-aides"
DRIFT_FILE = CORPUS / "upstream_drift.json"
KNOWN_MISMATCHES_FILE = CORPUS / "known_mismatches.json"
# A comparison never asks for more than a euro (a corpus margin may allow more).
DEFAULT_MARGIN = 1.0


# --- the corpus ------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    name: str  # file name
    month: str  # the tested period, YYYY-MM
    input: dict
    output: dict
    absolute_margin: float | None
    relative_margin: float | None

    def tolerance(self, expected: float) -> float:
        """The corpus margin (absolute, or relative to the expected value), at least 1 €."""
        margins = [DEFAULT_MARGIN]
        if self.absolute_margin is not None:
            margins.append(float(self.absolute_margin))
        if self.relative_margin is not None:
            margins.append(abs(float(self.relative_margin) * float(expected)))
        return max(margins)

    @property
    def person_ids(self) -> list[str]:
        return list(self.input["individus"])


def _month(period: str) -> str:
    """'month:2015-01' or '2018-01' -> '2015-01'."""
    text = str(period).split(":")[-1] if str(period).startswith("month:") else str(period)
    return text[:7]


def load_case(path: Path) -> Case:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Case(
        name=path.name,
        month=_month(data["period"]),
        input=data["input"],
        output=data["output"],
        absolute_margin=data.get("absolute_error_margin"),
        relative_margin=data.get("relative_error_margin"),
    )


def load_corpus() -> list[Case]:
    return [load_case(p) for p in sorted(CORPUS.glob("*.yaml"))]


def same(expected, computed, tolerance: float) -> bool:
    if isinstance(expected, bool):
        return bool(computed) == expected
    return math.isfinite(float(computed)) and abs(float(computed) - float(expected)) <= tolerance


# --- 1. upstream: the corpus input as-is through openfisca-france ----------------------
GROUPS = {"famille": "familles", "foyer_fiscal": "foyers_fiscaux", "menage": "menages"}


def _role_ids(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def upstream_situation(case: Case) -> dict:
    """The corpus' single-entity input in the plural shape build_from_entities reads."""
    data = copy.deepcopy(case.input)
    situation = {"individus": data["individus"]}
    for singular, plural in GROUPS.items():
        situation[plural] = {singular: data.get(singular, {})}
    return situation


def expected_rows(case: Case, entity_of) -> list[tuple[str, int | None, float | bool]]:
    """(variable, person index or None, expected value) for every expected output. A list
    gives one value per person, in the input's order of `individus`; a single value for a
    variable of persons holds for each person (as openfisca's test runner reads it)."""
    rows = []
    for variable, value in case.output.items():
        if isinstance(value, list):
            rows += [(variable, i, v) for i, v in enumerate(value)]
        elif entity_of(variable) == "individu":
            rows += [(variable, i, value) for i in range(len(case.person_ids))]
        else:
            rows.append((variable, None, value))
    return rows


def upstream_simulation(tbs, case: Case, without_rfr: bool = False):
    """The corpus file alone in its simulation (sharing one would change what openfisca
    computes: an input given for one household becomes the default for the others)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    situation = upstream_situation(case)
    if without_rfr:
        situation["foyers_fiscaux"]["foyer_fiscal"].pop("rfr", None)
    builder = SimulationBuilder()
    builder.set_default_period(case.month)
    return builder.build_from_entities(tbs, situation)


def upstream_rows(tbs, case: Case, simulation) -> list[tuple[str, int | None, float | bool, float | bool]]:
    """(variable, person index, expected, computed) of every expected output."""
    rows = []
    for variable, person, expected in expected_rows(case, lambda v: tbs.variables[v].entity.key):
        values = simulation.calculate(variable, case.month)
        value = values[person or 0]
        value = bool(value) if values.dtype == bool else round(float(value), 2)
        rows.append((variable, person, expected, value))
    return rows


_UPSTREAM_ROWS: dict[str, list] = {}  # computed once per process: the converter and the drift check share them


def upstream_values(tbs, case: Case) -> list[tuple[str, int | None, float | bool, float | bool]]:
    """openfisca-france's value of every expected output of a corpus file, its input as-is."""
    if case.name not in _UPSTREAM_ROWS:
        _UPSTREAM_ROWS[case.name] = upstream_rows(tbs, case, upstream_simulation(tbs, case))
    return _UPSTREAM_ROWS[case.name]


def openfisca_holds(case: Case, expected, computed) -> bool:
    """openfisca's own test runner (openfisca_core.tools.assert_near): float32 values, the
    file's margins exactly (no 1 € floor)."""
    if isinstance(expected, bool):
        return bool(computed) == expected
    diff = abs(np.float32(expected) - np.float32(computed))
    if case.absolute_margin is None and case.relative_margin is None:
        return diff <= 0
    if case.absolute_margin is not None and diff > case.absolute_margin:
        return False
    return case.relative_margin is None or diff <= abs(case.relative_margin * np.float32(expected))


def drift_rows(case: Case, rows, margins_only: bool = False) -> list[dict]:
    """The expected values openfisca no longer gives within the tolerance (the file's
    margin, at least 1 €). With margins_only: those within 1 € but outside the file's own
    margin, as openfisca's test runner reads it."""
    drift = []
    for variable, person, expected, computed in rows:
        tolerance = 0.0 if isinstance(expected, bool) else case.tolerance(expected)
        holds = same(expected, computed, tolerance)
        if (holds and not openfisca_holds(case, expected, computed)) if margins_only else not holds:
            row = {"file": case.name, "variable": variable}
            if person is not None:
                row["person"] = person
            row.update(expected=expected, computed=computed, tolerance=round(tolerance, 2))
            drift.append(row)
    return drift


def upstream_drift(tbs, cases: list[Case], margins_only: bool = False) -> list[dict]:
    """The expected values openfisca-france no longer gives, with the value it gives."""
    values = upstream_values_of(tbs, cases)
    return [row for case in cases for row in drift_rows(case, values[case.name], margins_only)]


def drift_key(row: dict) -> tuple:
    return (row["file"], row["variable"], row.get("person"))


def write_drift(tbs) -> list[dict]:
    from importlib.metadata import version

    cases = load_corpus()
    drift = upstream_drift(tbs, cases)
    data = {
        "openfisca_france": version("OpenFisca-France"),
        "corpus": "openfisca-france a7038ee49132b842612b2e3d1ca0ba202c6a796d tests/mes-aides.gouv.fr",
        "tolerance": "the file's margin (absolute_error_margin, or relative_error_margin x expected), "
                     "at least 1 euro; booleans exactly",
        "drift": drift,
        "about_within_1_euro_only": "values within 1 euro but outside the file's own margin as openfisca's test "
                                    "runner reads it (float32, no floor): not drift here, listed as evidence",
        "within_1_euro_only": upstream_drift(tbs, cases, margins_only=True),
    }
    DRIFT_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return drift


def read_drift() -> list[dict]:
    return json.loads(DRIFT_FILE.read_text(encoding="utf-8"))["drift"]


# --- 2. converter: a corpus input -> an Aidant Desk dossier ------------------------------
FIRST_MONTH = "2015-01"  # the engine simulates from January 2015 on
HISTORY = 12  # the dossier records M-12 .. M

# Monthly resources: corpus variable -> (dossier resource type, basis or self-employment kind).
NET_RESOURCES = {"salaire_net": "wages", "chomage_net": "unemployment", "retraite_nette": "pension"}
GROSS_RESOURCES = {"salaire_de_base": "wages", "chomage_brut": "unemployment", "retraite_brute": "pension"}
TAXABLE = {"salaire_imposable": "wages", "chomage_imposable": "unemployment", "retraite_imposable": "pensions"}
SOURCE_RESOURCES = {
    "indemnites_journalieres_maladie": "sick_pay",
    "pensions_alimentaires_percues": "alimony",
    "bourse_enseignement_sup": "grant",
    "indemnites_stage": "internship",
    "revenus_stage_formation_pro": "training",
    "pensions_invalidite": "invalidity_pension",
    "revenus_locatifs": "rental_income",
}
TAXABLE_OF = {"wages": "salaire_imposable", "unemployment": "chomage_imposable", "pension": "retraite_imposable"}
TURNOVER = {"rpns_auto_entrepreneur_CA_bic": "services", "rpns_auto_entrepreneur_CA_achat_revente": "sales",
            "rpns_auto_entrepreneur_CA_bnc": "liberal"}
ACTIVITY = {"actif": "employed", "chomeur": "job_seeker", "etudiant": "student", "retraite": "retired",
            "inactif": "inactive"}
SCHOOL = {"inconnue": "none", "maternelle": "maternelle", "primaire": "primaire", "college": "college",
          "lycee": "lycee", "enseignement_superieur": "superieur"}
HOUSING = {"locataire_vide": ("tenant_unfurnished", False), "locataire_hlm": ("tenant_unfurnished", True),
           "locataire_meuble": ("tenant_furnished", False), "locataire_foyer": ("tenant_hostel", False),
           "loge_gratuitement": ("hosted_free", False), "proprietaire": ("owner", False),
           "primo_accedant": ("first_time_buyer", False), "sans_domicile": ("homeless", False)}
# Components of aide_logement the corpus also lists; consistent with it, they say nothing more.
HOUSING_AID_PARTS = ("apl", "als", "alf")
# Read by openfisca only together with sick pay (rsa_indemnites_journalieres_activite).
SICK_PAY_INPUTS = ("indemnites_journalieres_maladie", "indemnites_journalieres_accident_travail",
                   "indemnites_journalieres_maladie_professionnelle")
ROLE_KEYS = {"famille": ("parents", "enfants"), "foyer_fiscal": ("declarants", "personnes_a_charge"),
             "menage": ("personne_de_reference", "conjoint", "enfants", "autres")}


@dataclass
class Conversion:
    case: Case
    dossier: dict | None  # None when not representable
    causes: list[str]  # why not representable (empty when it is)
    notes: list[str]  # choices made where the corpus is looser than the dossier

    @property
    def representable(self) -> bool:
        return not self.causes


def _period_text(period) -> str:
    from openfisca_core import periods

    return str(periods.period(str(period)))


def _add_months(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _amount(value) -> float:
    if isinstance(value, str):  # openfisca YAML tests accept arithmetic: '400 * 12'
        from openfisca_core.commons import eval_expression

        value = eval_expression(value)
    return float(value)


class _Reader:
    """Walks one corpus file: every input is either read into the dossier or checked to
    hold openfisca's default; anything else is a cause of non-representability."""

    def __init__(self, tbs, case: Case, aid_of: dict[str, str]):
        self.tbs = tbs
        self.case = case
        self.M = case.month
        self.history = [_add_months(self.M, -k) for k in range(HISTORY, -1, -1)]
        self.past = self.history[:-1]
        self.N2 = str(int(self.M[:4]) - 2)
        self.aid_of = aid_of  # openfisca variable -> catalogue aid id
        self.causes: list[str] = []
        self.notes: list[str] = []

    def cause(self, text: str) -> None:
        if text not in self.causes:
            self.causes.append(text)

    def by_period(self, value) -> dict[str, object]:
        if isinstance(value, dict):
            return {_period_text(p): v for p, v in value.items()}
        return {self.M: value}

    def is_default(self, name: str, value) -> bool:
        variable = self.tbs.variables[name]
        default = variable.default_value
        if variable.value_type.__name__ == "Enum":
            return value == default.name
        if variable.value_type in (bool, int, float):
            return _amount(value) == float(default)
        return str(value) == str(default)

    def check_default(self, name: str, values: dict, who: str = "") -> None:
        if name not in self.tbs.variables:
            self.cause(f"unknown variable {name}")
        elif any(not self.is_default(name, v) for v in values.values()):
            self.cause(f"input {name}{who}")

    def constant(self, name: str, values: dict, who: str = ""):
        """The single value a variable takes over the months given (or a cause)."""
        distinct = {json.dumps(v, default=str) for v in values.values()}
        if len(distinct) > 1:
            self.cause(f"{name} changes from month to month{who}")
        return next(iter(values.values()))

    def monthly(self, name: str, values: dict, who: str = "", allow_n2: bool = False) -> dict[str, float]:
        """Amounts of the history months M-12..M; a non-zero amount elsewhere is a cause
        (year N-2 left to the caller when allow_n2)."""
        months = {}
        for period, value in values.items():
            amount = _amount(value)
            if period in self.history:
                months[period] = amount
            elif period == self.N2 and allow_n2:
                continue
            elif amount:
                self.cause(f"input {name} {self.where(period)}{who}")
        return months

    def where(self, period: str) -> str:
        if period == self.N2:
            return "of year N-2"
        if len(period) == 7:
            return "before M-12" if period < self.history[0] else "after M"
        if period.isdigit():
            return f"of year N{int(period) - int(self.M[:4]):+d}"
        return f"over {period}"

    def upstream(self, without_rfr: bool = False):
        """The corpus input as openfisca reads it (optionally without its rfr input): for
        what the corpus implies without giving it (a taxable amount of year N-2 given gross
        or net only), and to check that an input the dossier cannot hold changes nothing."""
        key = "_upstream_without_rfr" if without_rfr else "_upstream"
        if not hasattr(self, key):
            setattr(self, key, upstream_simulation(self.tbs, self.case, without_rfr))
        return getattr(self, key)

    def upstream_value(self, variable: str, period: str, pid: str) -> float:
        simulation = self.upstream()
        index = simulation.populations["individu"].ids.index(pid)
        return float(simulation.calculate_add(variable, period)[index])


def convert(tbs, case: Case, catalogue) -> Conversion:
    """The dossier of one corpus file, or why the dossier cannot express it."""
    aid_of = {a.openfisca.variable: a.id for a in catalogue.openfisca_aids}
    r = _Reader(tbs, case, aid_of)
    dossier = _convert(r)
    return Conversion(case, None if r.causes else dossier, r.causes, r.notes)


def _convert(r: _Reader) -> dict:
    case, M = r.case, r.M
    inp = case.input
    if M < FIRST_MONTH:
        r.cause(period_cause(M))
    famille, foyer, menage = inp.get("famille", {}), inp.get("foyer_fiscal", {}), inp.get("menage", {})
    parents, children = _role_ids(famille.get("parents")), _role_ids(famille.get("enfants"))
    declarants, dependents = _role_ids(foyer.get("declarants")), _role_ids(foyer.get("personnes_a_charge"))
    everyone = list(inp["individus"])
    if len(parents) > 2:
        r.cause(f"{len(parents)} adults in famille")
    if set(declarants) != set(parents):
        r.cause("declarants differ from the famille's parents")
    if set(dependents) != set(children):
        r.cause("famille children differ from the foyer's personnes à charge")
    if set(parents) | set(children) != set(everyone):
        r.cause("a person outside the famille")
    menage_roles = {k: _role_ids(menage.get(k)) for k in ROLE_KEYS["menage"]}
    if menage_roles["personne_de_reference"][:1] != parents[:1]:
        r.cause("menage's personne de référence is not the first parent")
    if menage_roles["conjoint"] != parents[1:2]:
        r.cause("menage's conjoint is not the second parent")
    if set(menage_roles["enfants"]) != set(children) or menage_roles["autres"]:
        r.cause("menage's children differ from the famille's")
    applicant = parents[0] if parents else everyone[0]
    role = {pid: "applicant" if pid == applicant else "spouse" if pid in parents else "child" for pid in everyone}

    people, resources, notice = [], [], {}
    benefits: dict[str, dict[str, float]] = {}
    statuses = {}
    for pid, data in inp["individus"].items():
        person, statut = _person(r, pid, data, role[pid], resources, notice, benefits)
        people.append(person)
        statuses[pid] = statut
    couple = _couple(r, parents, statuses)
    _famille_inputs(r, famille, benefits)
    dossier: dict = {"format_version": 2, "month": M, "label": case.name, "people": people, "couple": couple}
    if famille_flag(r, famille, "rsa_isolement_recent"):
        dossier["recently_separated"] = True
    dossier["housing"] = _housing(r, menage, famille)
    dossier["resources"] = resources
    rfr = _foyer_inputs(r, foyer)
    if rfr is not None and notice and not r.causes:  # (an upstream check: only when it can matter)
        rfr = _rfr_with_notice(r, rfr)
    if rfr is not None:
        dossier["fiscal_reference_income"] = rfr
    # The N-2 notice as the corpus gives it: its taxable amounts, or none at all (0), which
    # the dossier says with an empty detail (without one, the engine would estimate it).
    if rfr is None or notice:
        dossier["tax_notice_incomes"] = [{"person": pid, **notice.get(pid, {})} for pid in parents]
    savings = _applicant_amount(r, inp["individus"], "livret_a", applicant)
    rental_value = _applicant_amount(r, inp["individus"], "valeur_locative_immo_non_loue", applicant)
    dossier["assets"] = {"savings": savings, "property_rental_value": rental_value}
    dossier["benefits_received"] = benefits
    return dossier


def _rfr_with_notice(r: _Reader, rfr: float) -> float | None:
    """The corpus gives an rfr and the N-2 incomes. The dossier holds both only when they
    agree (the engine then uses the incomes): openfisca's rfr from those incomes must be
    the rfr given. mes-aides often gives another figure (the declared total, or 0); it is
    dropped when openfisca computes the same expected outputs without it, else a cause."""
    without = r.upstream(without_rfr=True)
    computed = float(without.calculate("rfr", r.N2)[0])
    if abs(computed - rfr) <= 1:
        return rfr
    given = [value for *_, value in upstream_values(r.tbs, r.case)]
    if given == [value for *_, value in upstream_rows(r.tbs, r.case, without)]:
        r.notes.append(f"rfr input not the N-2 incomes' rfr, same outputs without it, dropped: {rfr:.0f} given, "
                       f"{computed:.0f} computed")
        return None
    r.cause("input rfr inconsistent with the N-2 incomes given")
    return rfr


def famille_flag(r: _Reader, famille: dict, name: str) -> bool:
    if name not in famille:
        return False
    return bool(r.constant(name, r.by_period(famille[name])))


def _applicant_amount(r: _Reader, individus: dict, name: str, applicant: str) -> float:
    """An amount the dossier holds for the applicant only (savings, rental value): the
    months openfisca reads (M-3..M) must agree; someone else's must be 0."""
    amount = 0.0
    for pid, data in individus.items():
        if name not in data:
            continue
        values = {p: _amount(v) for p, v in r.by_period(data[name]).items()}
        if pid != applicant:
            if any(values.values()):
                r.cause(f"input {name} of a person other than the applicant")
            continue
        recent = {p: v for p, v in values.items() if p in r.history[-4:]}
        stale = {p: v for p, v in values.items() if p not in recent and v}
        if stale:
            # A value given before M-3 only (year:2012:3) reaches M-3..M through
            # openfisca's dispatch only when the period covers them.
            r.cause(f"input {name} outside M-3..M")
        if recent:
            amount = float(r.constant(name, recent))
    return amount


def _person(r: _Reader, pid: str, data: dict, role: str, resources: list, notice: dict, benefits: dict):
    who = "" if role == "applicant" else f" ({role})"
    person: dict = {"id": pid, "role": role}
    statut = None
    gross: dict[str, dict[str, float]] = {}
    net: dict[str, dict[str, float]] = {}
    handled = set()

    def take(name):
        handled.add(name)
        return r.by_period(data[name]) if name in data else None

    birth = take("date_naissance")
    if birth is None:
        r.cause("a person without date_naissance")
        birth_date = "1970-01-01"
    else:
        birth_date = str(r.constant("date_naissance", birth))
    person["birth_date"] = birth_date
    # Ages: the dossier has the birth date, and the age at M must be openfisca's from it.
    # mes-aides freezes the age of M over the months before (taken from the birth date
    # instead), and often counts an age in months one more than openfisca's: taken from
    # the birth date when the age in years agrees.
    ages = {name: take(name) or {} for name in ("age", "age_en_mois")}
    if r.M in ages["age"] and int(ages["age"][r.M]) != _age(birth_date, r.M, "years"):
        r.cause("input age inconsistent with date_naissance")
    if r.M in ages["age_en_mois"]:
        given, computed = int(ages["age_en_mois"][r.M]), _age(birth_date, r.M, "months")
        if abs(given - computed) > 1 or given // 12 != computed // 12:
            r.cause("input age_en_mois inconsistent with date_naissance")
        elif given != computed:
            r.notes.append(f"age_en_mois one month off date_naissance, taken from the date: {given} given{who}")

    activite = take("activite")
    activity = ACTIVITY[str(r.constant("activite", activite))] if activite else "inactive"
    etudiant = take("etudiant")
    if etudiant and any(bool(v) for v in etudiant.values()):
        if activite and activity != "student":
            r.cause("etudiant true with another activite")
        activity = "student"
    handicap = take("handicap")
    handicap = bool(r.constant("handicap", handicap)) if handicap else False
    rate = take("taux_incapacite")
    rate = _amount(r.constant("taux_incapacite", rate)) if rate else 0.0
    if handicap != (rate >= 0.5):
        r.cause("handicap true without taux_incapacite >= 50 %" if handicap
                else "taux_incapacite >= 50 % with handicap false")
    if rate:
        person["disability_rate"] = round(rate * 100, 2)
    for name, key in (("enceinte", "pregnant"), ("boursier", "student_grant"), ("garde_alternee", "shared_custody"),
                      ("ass_precondition_remplie", "ass_work_history")):
        values = take(name)
        if values and bool(r.constant(name, values)):
            person[key] = True
    scolarite = take("scolarite")
    if scolarite:
        level = str(r.constant("scolarite", scolarite))
        if level not in SCHOOL:
            r.cause(f"scolarite {level}")
        elif SCHOOL[level] != "none":
            person["school_level"] = SCHOOL[level]
    marital = take("statut_marital")
    if marital:
        statut = str(r.constant("statut_marital", marital))
    charge = take("enfant_a_charge")
    if charge and any(bool(v) != (role == "child") for v in charge.values()):
        r.cause("enfant_a_charge true for a parent (attached to another tax household)" if role != "child"
                else "enfant_a_charge false for a personne à charge")
    echelon = take("bourse_criteres_sociaux_echelon")
    if echelon and (activity == "student" or any(int(v) != -1 for v in echelon.values())):
        # -1 (no grant step) is what openfisca computes for a non-student (checked on the
        # corpus files); a student's step is an input the dossier does not hold.
        r.cause("input bourse_criteres_sociaux_echelon")
    arret = take("date_arret_de_travail")
    if arret and any(not r.is_default("date_arret_de_travail", v) for v in arret.values()):
        sick = any(_amount(v) for name in SICK_PAY_INPUTS for v in r.by_period(data.get(name, {})).values())
        if sick:  # read only with sick pay
            r.cause("input date_arret_de_travail with sick pay")
    alimony_paid = take("pensions_alimentaires_versees_individu")
    if alimony_paid:
        months = r.monthly("pensions_alimentaires_versees_individu", alimony_paid, who)
        if months:
            amount = r.constant("pensions_alimentaires_versees_individu", months, who)
            if amount:
                person["alimony_paid"] = abs(amount)
    handled.update(("livret_a", "valeur_locative_immo_non_loue"))  # read with the household

    # Resources, month by month.
    for name, rtype in NET_RESOURCES.items():
        values = take(name)
        if values:
            net[rtype] = r.monthly(name, values, who, allow_n2=True)
    for name, rtype in GROSS_RESOURCES.items():
        values = take(name)
        if values:
            gross[rtype] = r.monthly(name, values, who, allow_n2=True)
    for rtype in sorted(set(net) | set(gross)):
        n, g = net.get(rtype, {}), gross.get(rtype, {})
        if any(v for v in n.values()) or not any(v for v in g.values()):
            if any(g.get(m) and not n.get(m) for m in g):
                r.cause(f"{rtype}: gross given for a month without net{who}")
            months = {m: v for m, v in n.items() if v}
            if months:
                resources.append({"person": pid, "type": rtype, "months": months})
        else:
            resources.append({"person": pid, "type": rtype, "basis": "gross",
                              "months": {m: v for m, v in g.items() if v}})
    for name, rtype in SOURCE_RESOURCES.items():
        values = take(name)
        if values:
            months = {m: v for m, v in r.monthly(name, values, who).items() if v}
            if months:
                resources.append({"person": pid, "type": rtype, "months": months})
    for name, kind in TURNOVER.items():
        values = take(name)
        if values:
            months = {m: v for m, v in r.monthly(name, values, who).items() if v}
            if months:
                resources.append({"person": pid, "type": "self_employment", "self_employment_kind": kind,
                                  "months": months})
                if activity == "employed":
                    activity = "self_employed"
    # The N-2 notice: the taxable amounts of year N-2, as given, or as openfisca derives
    # them from the gross or net the corpus gives for that year.
    for name, category in TAXABLE.items():
        values = take(name) or {}
        r.monthly(name, values, who, allow_n2=True)  # history months: openfisca recomputes them
        sources = [n for n, t in list(NET_RESOURCES.items()) + list(GROSS_RESOURCES.items())
                   if TAXABLE_OF[t] == name and _amount(r.by_period(data.get(n, {})).get(r.N2, 0))]
        if r.N2 in values:
            amount = _amount(values[r.N2])
        elif sources and role == "child":
            amount = 1.0  # some N-2 income: the cause below, no need to compute it
        elif sources and not r.causes:  # (an upstream computation: only when it can matter)
            amount = r.upstream_value(name, r.N2, pid)
            r.notes.append(f"N-2 taxable amount derived by openfisca from the N-2 gross/net: {name} from "
                           f"{', '.join(sources)}{who}")
        else:
            continue
        if amount and role == "child":
            r.cause("N-2 taxable income of a child")
        elif amount:
            notice.setdefault(pid, {})[category] = round(amount, 2)
    # Benefits the person received.
    for name in ("aah", "caah", "ass", "asi"):
        values = take(name)
        if values:
            _benefit(r, name, values, benefits, holder=role == "applicant")
    for name, values in data.items():
        if name not in handled:
            r.check_default(name, r.by_period(values), who)
    if activity != "inactive":
        person["activity"] = activity
    return person, statut


def _age(birth: str, month: str, unit: str) -> int:
    """openfisca-france's age at the first day of the month (ir.py, age and age_en_mois)."""
    days = np.datetime64(month + "-01") - np.datetime64(birth) + np.timedelta64(1, "D")
    return int(days.astype("timedelta64[Y]" if unit == "years" else "timedelta64[M]").astype(int))


def _benefit(r: _Reader, name: str, values: dict, benefits: dict, holder: bool = True) -> None:
    """Benefits received: the past months go to benefits_received when any is non-zero; a
    benefit given before M-12 too must be the same every month (same_every_month)."""
    if r.M in values:
        r.cause(f"input {name} at the simulated month")
    amounts = {p: _amount(v) for p, v in values.items() if p != r.M}
    older = {p: v for p, v in amounts.items() if len(p) == 7 and p < r.history[0]}
    months = r.monthly(name, {p: v for p, v in amounts.items() if p not in older})
    if not any(months.values()) and not any(older.values()):
        return
    if not holder:
        r.cause(f"input {name} received by someone other than the applicant")
    elif name not in r.aid_of:
        r.cause(f"input {name} received (not in the catalogue)")
    elif any(older.values()):
        if len(set(months.values()) | set(older.values())) > 1 or len(months) < len(r.past):
            r.cause(f"input {name} before M-12")
        else:
            benefits[r.aid_of[name]] = {"same_every_month": round(next(iter(months.values())), 2)}
    else:
        benefits[r.aid_of[name]] = {"same_every_month": 0, "months": {m: round(v, 2) for m, v in months.items()}}


def _famille_inputs(r: _Reader, famille: dict, benefits: dict) -> None:
    housing_aid = r.by_period(famille.get("aide_logement", {}))
    for name, value in famille.items():
        if name in ROLE_KEYS["famille"] or name in ("rsa_isolement_recent", "proprietaire_proche_famille"):
            continue
        values = r.by_period(value)
        if name in HOUSING_AID_PARTS:
            parts = {p: _amount(v) for p, v in values.items() if _amount(v)}
            if any(abs(v - _amount(housing_aid.get(p, 0))) > 0.01 for p, v in parts.items()):
                r.cause(f"input {name} not matching aide_logement")
            continue
        variable = r.tbs.variables.get(name)
        if variable is not None and variable.definition_period == "month" and (
                name in r.aid_of or name in ("acs", "paje_clca")):
            _benefit(r, name, values, benefits)
        else:
            r.check_default(name, values)


def _couple(r: _Reader, parents: list[str], statuses: dict) -> str:
    known = {statuses[p] for p in parents if statuses[p] is not None}
    if len(parents) == 1:
        if known - {"celibataire", "divorce", "veuf", "jeune_veuf"}:
            r.cause(f"statut_marital {known.pop()} without a spouse")
        elif known - {"celibataire"}:
            r.cause(f"statut_marital {known.pop()}")
        return "single"
    # Two declarants of one foyer: openfisca reads them as pacsés unless told married.
    if "marie" in known:
        if known != {"marie"}:
            r.cause("partners' statut_marital differ")
        if any(statuses[p] is None for p in parents):
            r.notes.append("one partner's statut_marital marie, the other's unset: couple married")
        return "married"
    if known - {"pacse"}:
        r.cause(f"couple declared jointly with statut_marital {sorted(known - {'pacse'})[0]}")
    return "pacs"


def _housing(r: _Reader, menage: dict, famille: dict) -> dict:
    housing: dict = {}
    for name, value in menage.items():
        if name in ROLE_KEYS["menage"]:
            continue
        values = r.by_period(value)
        recent = {p: v for p, v in values.items() if p in r.history}
        if name == "statut_occupation_logement":
            status = str(r.constant(name, values))
            if status not in HOUSING:
                r.cause(f"statut_occupation_logement {status}")
                continue
            housing["status"], social = HOUSING[status]
            if social:
                housing["social_housing"] = True
        elif name == "depcom":
            housing["commune"] = str(r.constant(name, values)).zfill(5)
        elif name in ("loyer", "charges_locatives"):
            key = "rent" if name == "loyer" else "charges"
            amount = _amount(r.constant(name, recent or values))
            if amount:
                housing[key] = round(amount, 2)
        elif name in ("coloc", "logement_chambre", "participation_frais"):
            key = {"coloc": "shared", "logement_chambre": "room_only", "participation_frais": "hosting_contribution"}[name]
            if bool(r.constant(name, values)):
                housing[key] = True
        elif name == "aide_logement_date_pret_conventionne":
            housing["loan_date"] = str(r.constant(name, values))
        else:
            r.check_default(name, values)
    if "status" not in housing:
        r.cause("statut_occupation_logement non_renseigne (the dossier has no such status)")
    if "loan_date" in housing and housing.get("status") != "first_time_buyer":
        r.cause("loan date for a household that is not a first-time buyer")
    if famille_flag(r, famille, "proprietaire_proche_famille"):
        housing["landlord_family"] = True
    return housing


def _foyer_inputs(r: _Reader, foyer: dict) -> float | None:
    rfr = None
    for name, value in foyer.items():
        if name in ROLE_KEYS["foyer_fiscal"]:
            continue
        values = r.by_period(value)
        if name == "rfr":
            for period, amount in values.items():
                if period == r.N2:
                    rfr = _amount(amount)
                elif _amount(amount):
                    r.cause(f"input rfr of {period} (not year N-2)")
        else:
            r.check_default(name, values)
    return rfr


def period_cause(month: str) -> str:
    return f"period {month[:4]} before 2015 (engine starts 2015-01)"


def convert_corpus(tbs, catalogue, cases: list[Case] | None = None) -> list[Conversion]:
    cases = cases or load_corpus()
    _WORK.update(tbs=tbs, catalogue=catalogue, cases=cases)
    results = _in_workers(_convert_one, range(len(cases)))
    for _, rows in results:
        _UPSTREAM_ROWS.update(rows)
    return [conversion for conversion, _ in results]


def upstream_values_of(tbs, cases: list[Case]) -> dict[str, list]:
    """upstream_values of many files, in parallel."""
    _WORK.update(tbs=tbs, cases=cases)
    missing = [i for i, case in enumerate(cases) if case.name not in _UPSTREAM_ROWS]
    for name, rows in _in_workers(_upstream_one, missing):
        _UPSTREAM_ROWS[name] = rows
    return {case.name: _UPSTREAM_ROWS[case.name] for case in cases}


# Work shared with forked worker processes (openfisca computes one file in about a second:
# the corpus goes faster on every core).
_WORK: dict = {}


def _convert_one(index: int):
    case = _WORK["cases"][index]
    conversion = convert(_WORK["tbs"], case, _WORK["catalogue"])
    rows = {case.name: _UPSTREAM_ROWS[case.name]} if case.name in _UPSTREAM_ROWS else {}
    return conversion, rows


def _upstream_one(index: int):
    case = _WORK["cases"][index]
    return case.name, upstream_values(_WORK["tbs"], case)


def _in_workers(func, items) -> list:
    import multiprocessing
    import os

    items = list(items)
    workers = min(len(os.sched_getaffinity(0)), 8)
    if workers < 2 or len(items) < 8 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(x) for x in items]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(func, items, chunksize=1)


def cause_counts(conversions: list[Conversion]) -> dict[str, int]:
    """How many files each cause makes non-representable (a file may have several)."""
    counts: dict[str, int] = {}
    for c in conversions:
        for cause in c.causes:
            counts[cause] = counts.get(cause, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def note_counts(conversions: list[Conversion]) -> dict[str, int]:
    """How many files each kind of convention (a note's text before ': ') was applied to."""
    counts: dict[str, int] = {}
    for c in conversions:
        for kind in {n.split(": ")[0] for n in c.notes}:
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --- 3. through the engine ------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One expected value of a representable file, as the engine computes it."""

    file: str
    variable: str  # the corpus output (an openfisca variable)
    person: int | None
    aid: str  # the catalogue aid computing it
    expected: float | bool
    engine: float | bool
    tolerance: float

    @property
    def key(self) -> tuple:
        return (self.file, self.variable, self.person)

    @property
    def holds(self) -> bool:
        return same(self.expected, self.engine, self.tolerance)


def catalogue_aids(catalogue) -> dict:
    """openfisca variable -> the catalogue aid computing it."""
    return {a.openfisca.variable: a for a in catalogue.openfisca_aids}


def engine_rows(engine, tbs, catalogue, conversions: list[Conversion]) -> list[Row]:
    """Every expected value of the representable files that a catalogue aid computes,
    against the engine (files grouped by month, one batch each)."""
    from aidant_desk.dossier import Dossier

    aids = catalogue_aids(catalogue)
    by_month: dict[str, list[Conversion]] = {}
    for c in conversions:
        if c.representable and any(v in aids for v in c.case.output):
            by_month.setdefault(c.case.month, []).append(c)
    rows = []
    for month, group in sorted(by_month.items()):
        results = engine.batch([Dossier.from_dict(c.dossier, c.case.name).with_month(month) for c in group])
        for c, result in zip(group, results):
            for variable, person, expected in expected_rows(c.case, lambda v: tbs.variables[v].entity.key):
                if variable not in aids:
                    continue
                aid = result.aid(aids[variable].id)
                if isinstance(expected, bool):
                    value = aid.status == "eligible"
                elif person is not None:
                    value = dict(aid.beneficiaries).get(c.case.person_ids[person], 0.0)
                else:
                    value = aid.amount or 0.0
                tolerance = 0.0 if isinstance(expected, bool) else c.case.tolerance(expected)
                rows.append(Row(c.case.name, variable, person, aid.aid_id, expected, value, round(tolerance, 2)))
    return rows


def read_known_mismatches() -> list[dict]:
    return json.loads(KNOWN_MISMATCHES_FILE.read_text(encoding="utf-8"))["mismatches"]


def mismatch_key(row: dict) -> tuple:
    return (row["file"], row["variable"], row.get("person"))


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from aidant_desk.engine import tax_benefit_system

    rows = write_drift(tax_benefit_system())
    print(f"{len(rows)} expected values drift upstream -> {DRIFT_FILE}")

