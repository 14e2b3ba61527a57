"""Seeded households for the at-scale differential test, built FORWARD from their source.

The engine goes backward: from the nets a counselor types and the revenu fiscal de
référence (RFR) on the tax notice, it finds the gross amounts and the N-2 incomes by
inversion. This module goes the other way, as docs/dossier.md (« Comment le moteur s'en
sert ») describes the situation the engine must end up with:

1. `generate(seed)` picks a household and its ground truth at the source: each month's
   GROSS wage, unemployment benefit and pension (salaire_de_base, chomage_brut,
   retraite_brute), micro-entrepreneur turnover and the other monthly sources, and how
   the N-2 tax notice is known: its detail by declarant and category (path a), only its
   RFR (path b: the N-2 incomes are the 12 months' amounts by declarant and category,
   scaled), or nothing (path c: the N-2 incomes are the 12 months' amounts).
2. `forward(households, month, ...)` writes the openfisca-france situation by hand (the
   mapping below is this module's own; nothing of the engine's situation builder or
   tables is used), lets openfisca compute the monthly nets (salaire_net, chomage_net,
   retraite_nette) and each foyer's `rfr` of N-2, and writes the dossier (format 2) with
   those nets rounded to the cent and, on path b, the RFR openfisca found. The nets and
   the N-2 incomes depend on each other (the CSG rate of a pension or an unemployment
   benefit reads the RFR of N-2): the pass is iterated to a fixed point.
3. The same final situation gives, per household, the value of every catalogue aid that
   openfisca computes: what the engine must return for the dossier.

Readings chosen where docs/dossier.md leaves room (see the report of the test):
- A resource typed gross enters the « 12 months before M » (split weights of path b,
  estimate of path c) as typed, i.e. by its gross amount: the documented « ressources
  des 12 mois avant M » read literally. AIDANT_DIFF_GROSS_ESTIMATE=net reads it by the net
  openfisca derives from it instead (closer to the taxable amount a notice holds).
- Only declarants carry N-2 incomes (the notice has one entry per declarant): a
  dependent child's resources are not on it; a declarant absent from
  tax_notice_incomes has none.
- No resource to split an RFR by: everything on the applicant, in the category of their
  activity (retired: pensions, job_seeker: unemployment, self_employed: turnover,
  any other activity: wages).
- January: M-13 is December of N-2, which is a notice month; both are written (the
  gross of M-13, and the notice's twelfth as the taxable amount, an input that wins).
- A child born after the first day of M is not in the household; the aids that count
  an expected child (counts_unborn) are read on a twin household that includes it.
- Benefits received: the monthly euro aids of the catalogue (famille or individu); an
  individual one belongs to the applicant.
- Inputs the documentation does not name, mapped the usual way: activity -> activite
  (employed, self_employed and apprentice: actif, with apprenti for the apprentice);
  handicap when the disability rate is 50 % or more; a pupil or student is in a public
  establishment; a job seeker is in France Travail's category 1; social housing rented
  empty or furnished is locataire_hlm (and logement_conventionne).
- A notice that lists nobody is no notice: the generator never writes an empty
  tax_notice_incomes (the engine reads [] as absent).

Households the forward pass cannot write as generated: on path b an RFR of 0 from
positive incomes (all under the deductions) is given by its detail instead; nets that
keep oscillating around a CSG threshold switch the applicant's notice to its detail,
then lower another foyer's replacement incomes by 5 %; what still does not settle is
dropped (reported by the test).
"""
from __future__ import annotations

import copy
import os
import random
from dataclasses import dataclass, field
from datetime import date

# --- what the generator draws from ----------------------------------------------------

COMMUNES = {  # INSEE code: a typical monthly rent (unfurnished, hors charges) of a 2-3 room flat
    "75056": 1150,  # Paris
    "69123": 780,   # Lyon
    "13055": 700,   # Marseille
    "59350": 650,   # Lille
    "33063": 720,   # Bordeaux
    "31555": 680,   # Toulouse
    "67482": 660,   # Strasbourg
    "35238": 640,   # Rennes
    "63113": 560,   # Clermont-Ferrand
    "23096": 420,   # Guéret
    "97411": 600,   # Saint-Denis (La Réunion)
    "2A004": 750,   # Ajaccio
}
# Simulated months: most households in November 2026, some on the January edge, some in 2025.
MONTHS = (("2026-11", 0.80), ("2026-01", 0.11), ("2025-06", 0.09))
ADULT_ACTIVITIES = (("employed", 26), ("self_employed", 9), ("job_seeker", 15), ("student", 7),
                    ("apprentice", 4), ("retired", 17), ("inactive", 22))
HOUSING = (("tenant_unfurnished", 30), ("tenant_furnished", 8), ("tenant_hostel", 5), ("social", 18),
           ("hosted_free", 10), ("owner", 10), ("first_time_buyer", 9), ("homeless", 4))
DISABILITY_RATES = (30, 50, 60, 79, 80, 85, 100)
BENEFITS = ("rsa", "ppa", "aide_logement", "af", "cf", "asf", "paje_base", "aah", "aspa", "ass", "caah")
OTHER_SOURCES = ("sick_pay", "alimony", "grant", "internship", "training", "invalidity_pension", "rental_income")

# --- the hand-written mapping (dossier field -> openfisca-france input) ------------------

GROSS_SOURCE = {"wages": "salaire_de_base", "unemployment": "chomage_brut", "pension": "retraite_brute"}
NET_OF = {"wages": "salaire_net", "unemployment": "chomage_net", "pension": "retraite_nette"}
FIRST_RATIO = {"wages": 0.78, "unemployment": 0.93, "pension": 0.91}  # a first guess of net / gross
TURNOVER_MONTHLY = {"services": "rpns_auto_entrepreneur_CA_bic", "sales": "rpns_auto_entrepreneur_CA_achat_revente",
                    "liberal": "rpns_auto_entrepreneur_CA_bnc"}
# The notice's turnover: the micro regime's boxes (5KP services, 5KO sales, 5HQ liberal).
TURNOVER_YEARLY = {"services": "mbic_imps", "sales": "mbic_impv", "liberal": "mbnc_impo"}
SOURCE_OF = {"sick_pay": "indemnites_journalieres_maladie", "alimony": "pensions_alimentaires_percues",
             "grant": "bourse_enseignement_sup", "internship": "indemnites_stage",
             "training": "revenus_stage_formation_pro", "invalidity_pension": "pensions_invalidite",
             "rental_income": "revenus_locatifs"}
# Notice categories: the resource type each is read from, the taxable input it feeds.
CATEGORY_OF = {"wages": "wages", "pension": "pensions", "unemployment": "unemployment",
               "self_employment": "self_employment"}
TAXABLE_OF = {"wages": "salaire_imposable", "pensions": "retraite_imposable", "unemployment": "chomage_imposable"}
CATEGORY_OF_ACTIVITY = {"retired": "pensions", "job_seeker": "unemployment", "self_employed": "self_employment"}
ACTIVITE = {"employed": "actif", "self_employed": "actif", "apprentice": "actif", "job_seeker": "chomeur",
            "student": "etudiant", "retired": "retraite", "inactive": "inactif"}
SCOLARITE = {"none": "inconnue", "maternelle": "maternelle", "primaire": "primaire", "college": "college",
             "lycee": "lycee", "superieur": "enseignement_superieur"}
STATUT_MARITAL = {"married": "marie", "pacs": "pacse", "cohabiting": "celibataire", "single": "celibataire"}
OCCUPATION = {"tenant_unfurnished": "locataire_vide", "tenant_furnished": "locataire_meuble",
              "tenant_hostel": "locataire_foyer", "hosted_free": "loge_gratuitement", "owner": "proprietaire",
              "first_time_buyer": "primo_accedant", "homeless": "sans_domicile"}
# How a resource typed gross enters the 12 months' amounts (see the module docstring):
# "typed" (the amount as typed, gross) or "net" (the net openfisca derives from it).
ESTIMATE_GROSS_TYPED = os.environ.get("AIDANT_DIFF_GROSS_ESTIMATE", "typed")


# --- months ----------------------------------------------------------------------------

def shift(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Calendar:
    """The periods of the situation for simulated month M."""

    month: str

    @property
    def history(self) -> list[str]:  # M-13 .. M
        return [shift(self.month, k) for k in range(-13, 1)]

    @property
    def recorded(self) -> list[str]:  # M-12 .. M: what the dossier types
        return self.history[1:]

    @property
    def last_twelve(self) -> list[str]:  # M-12 .. M-1
        return self.history[1:-1]

    @property
    def older(self) -> list[str]:  # M-13 .. M-4: past benefits are inputs
        return self.history[:-4]

    @property
    def recent(self) -> list[str]:  # M-3 .. M-1
        return self.history[-4:-1]

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def n2(self) -> str:
        return str(self.year - 2)

    @property
    def notice_years(self) -> list[str]:  # turnover: N-3, N-2, N-1
        return [str(self.year - 3), str(self.year - 2), str(self.year - 1)]

    @property
    def notice_months(self) -> list[str]:
        """Every month of N-3 and N-2, and the months of N-1 before M-13."""
        months = [f"{y}-{m:02d}" for y in (self.year - 3, self.year - 2) for m in range(1, 13)]
        return months + [f"{self.year - 1}-{m:02d}" for m in range(1, 13)
                         if f"{self.year - 1}-{m:02d}" < self.history[0]]


# --- the generated household ---------------------------------------------------------------

@dataclass
class Source:
    """One resource at its source, M-12..M (M-13 repeats M-12)."""

    person: str
    type: str
    amounts: dict[str, float]  # gross for wages/unemployment/pension, else the source amount itself
    basis: str = "net"  # how the dossier types it (gross only for wages, unemployment, pension)
    kind: str = "services"  # self-employment turnover kind
    split: bool = False  # typed as two entries that add up


@dataclass
class Household:
    seed: int
    month: str
    people: list[dict]
    couple: str
    housing: dict
    sources: list[Source]
    notice: str  # "detail" (a), "rfr" (b), "estimate" (c)
    detail: dict[str, dict[str, float]] = field(default_factory=dict)  # path a: person -> category -> amount
    scale: float = 1.0  # path b: N-2 incomes = scale x the 12 months' amounts
    fallback: float = 0.0  # path b with nothing to split by: the applicant's N-2 amount
    recently_separated: bool = False
    fallback_used: bool = False  # path b with nothing to split the RFR by
    assets: dict = field(default_factory=dict)
    benefits_received: dict = field(default_factory=dict)
    description: str = ""
    # Filled by the forward pass.
    nets: dict = field(default_factory=dict)  # (person, type) -> {month: net}
    n2: dict = field(default_factory=dict)  # person -> {category: N-2 amount}
    rfr: float | None = None
    dossier: dict | None = None
    expected: dict = field(default_factory=dict)  # aid id -> value (None: unavailable that month)

    # who is who
    def person(self, pid: str) -> dict:
        return next(p for p in self.people if p["id"] == pid)

    @property
    def applicant(self) -> dict:
        return self.people[0]

    @property
    def spouse(self) -> dict | None:
        return next((p for p in self.people if p["role"] == "spouse"), None)

    @property
    def declarants(self) -> list[dict]:
        spouse = self.spouse if self.couple in ("married", "pacs") else None
        return [self.applicant] + ([spouse] if spouse else [])

    def born(self, p: dict) -> bool:
        return p["birth_date"] <= self.month + "-01"

    def dependents(self, with_unborn: bool = False) -> list[dict]:
        return [p for p in self.people if p["role"] == "child" and p.get("dependent", True)
                and (with_unborn or self.born(p))]

    def independents(self) -> list[dict]:
        """People with their own famille and foyer fiscal: a non-dependent child, another adult."""
        return [p for p in self.people if p["role"] == "other"
                or (p["role"] == "child" and not p.get("dependent", True))]

    def foyers(self) -> list[tuple[str, list[dict]]]:
        """(key, declarants) of each foyer fiscal: the applicant's, then one per other adult."""
        out = [("main", self.declarants)]
        if self.spouse and self.couple == "cohabiting":
            out.append((self.spouse["id"], [self.spouse]))
        out += [(p["id"], [p]) for p in self.independents()]
        return out

    @property
    def unborn(self) -> list[dict]:
        return [p for p in self.people if p["role"] == "child" and not self.born(p)]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted)
    return rng.choices(items, weights)[0]


def _birth(rng: random.Random, month: str, age: int) -> str:
    """A birth date giving `age` whole years on the first day of `month`."""
    first = date(int(month[:4]), int(month[5:7]), 1)
    latest = first.replace(year=first.year - age)
    earliest = first.replace(year=first.year - age - 1).toordinal() + 1
    return date.fromordinal(rng.randint(earliest, latest.toordinal())).isoformat()


def _expected_birth(rng: random.Random, month: str) -> str:
    m = shift(month, rng.randint(1, 8))
    return f"{m}-{rng.randint(1, 28):02d}"


def _money(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def _series(rng: random.Random, cal: Calendar, level: float, pattern: str | None = None) -> dict[str, float]:
    """Amounts over M-12..M: steady, stopped, started, changed or irregular."""
    months = cal.recorded
    pattern = pattern or _pick(rng, (("steady", 62), ("stopped", 11), ("started", 11), ("changed", 10),
                                     ("irregular", 6)))
    cut = rng.randint(2, 11)
    if pattern == "steady":
        return {m: level for m in months}
    if pattern == "stopped":
        return {m: (level if i < cut else 0.0) for i, m in enumerate(months)}
    if pattern == "started":
        return {m: (0.0 if i < cut else level) for i, m in enumerate(months)}
    if pattern == "changed":
        other = round(level * rng.uniform(0.5, 1.5), 2)
        return {m: (level if i < cut else other) for i, m in enumerate(months)}
    return {m: (round(level * rng.uniform(0.4, 1.4), 2) if rng.random() < 0.8 else 0.0) for m in months}


def _adult(rng, cal, pid, role, activity, age):
    p = {"id": pid, "role": role, "birth_date": _birth(rng, cal.month, age), "activity": activity}
    if activity == "student":
        p["school_level"] = "superieur"
        if rng.random() < 0.5:
            p["student_grant"] = True
        if rng.random() < 0.5:
            p["parental_income"] = float(rng.choice([0, 9000, 18000, 26000, 41000, 60000]))
    if rng.random() < (0.45 if activity == "inactive" else 0.08):
        p["disability_rate"] = rng.choice(DISABILITY_RATES)
    if activity == "job_seeker" and rng.random() < 0.5:
        p["ass_work_history"] = True
    if rng.random() < 0.05:
        p["alimony_paid"] = float(rng.choice([100, 150, 250, 400]))
    if rng.random() < 0.02:
        p["first_name"] = rng.choice(["Camille", "Dominique", "Sacha", "Claude"])
    return p


def _adult_age(rng, activity):
    if activity == "student":
        return rng.randint(18, 27)
    if activity == "apprentice":
        return rng.randint(18, 29)
    if activity == "retired":
        return rng.randint(60, 92)
    if activity == "job_seeker":
        return rng.randint(18, 63)
    return rng.randint(18, 66)


def _child(rng, cal, pid, age):
    p = {"id": pid, "role": "child", "birth_date": _birth(rng, cal.month, age)}
    if age <= 2:
        return p
    if age <= 17:
        p["activity"] = "student"
        p["school_level"] = ("maternelle" if age <= 5 else "primaire" if age <= 10 else
                             "college" if age <= 14 else "lycee")
        if age >= 16 and rng.random() < 0.15:
            p["activity"], p["school_level"] = "apprentice", "none"
        elif age >= 11 and rng.random() < 0.3:
            p["student_grant"] = True
        if rng.random() < 0.08:
            p["shared_custody"] = True
    else:
        p["activity"] = _pick(rng, (("student", 45), ("apprentice", 10), ("employed", 15), ("job_seeker", 15),
                                    ("inactive", 15)))
        if p["activity"] == "student":
            p["school_level"] = "superieur"
            if rng.random() < 0.4:
                p["student_grant"] = True
            if rng.random() < 0.5:
                p["parental_income"] = float(rng.choice([0, 12000, 20000, 30000, 45000]))
        if rng.random() < 0.3:
            p["dependent"] = False
    if rng.random() < 0.06:
        p["disability_rate"] = rng.choice(DISABILITY_RATES)
    return p


def _gross_level(rng, rtype, activity):
    if rtype == "wages":
        if activity == "apprentice":
            return _money(rng, 500, 1700)
        if activity in ("student", "retired", "job_seeker", "inactive"):
            return _money(rng, 150, 1100)
        return _money(rng, 300, 5200)
    if rtype == "unemployment":
        return _money(rng, 350, 2800)
    return _money(rng, 250, 3600)  # pension


def _resources(rng, cal, p, household_sources):
    """The resources of one person, by their activity."""
    pid, activity = p["id"], p.get("activity", "inactive")
    minor = p["role"] == "child" and _age(p, cal.month) < 16

    def gross(rtype, pattern=None):
        src = Source(pid, rtype, _series(rng, cal, _gross_level(rng, rtype, activity), pattern))
        if rng.random() < 0.15:
            src.basis = "gross"
        elif rng.random() < 0.06:
            src.split = True
        household_sources.append(src)

    if activity in ("employed", "apprentice") and not minor:
        gross("wages")
    elif activity == "self_employed":
        src = Source(pid, "self_employment", _series(rng, cal, _money(rng, 150, 7000)),
                     kind=rng.choice(["services", "sales", "liberal"]))
        src.split = rng.random() < 0.05
        household_sources.append(src)
        if rng.random() < 0.15:
            gross("wages")
    elif activity == "job_seeker":
        r = rng.random()
        if r < 0.35:  # lost a job during the year: wages, then unemployment benefit
            cut = rng.randint(2, 11)
            wage = _gross_level(rng, "wages", "employed")
            months = cal.recorded
            household_sources.append(Source(pid, "wages", {m: (wage if i < cut else 0.0) for i, m in enumerate(months)},
                                            basis="gross" if rng.random() < 0.15 else "net"))
            benefit = round(wage * rng.uniform(0.55, 0.75), 2)
            household_sources.append(Source(pid, "unemployment",
                                            {m: (0.0 if i < cut else benefit) for i, m in enumerate(months)},
                                            basis="gross" if rng.random() < 0.15 else "net"))
        elif r < 0.75:
            gross("unemployment")
        elif r < 0.85:
            household_sources.append(Source(pid, "training", _series(rng, cal, _money(rng, 200, 700))))
    elif activity == "student" and not minor:
        if rng.random() < 0.4:
            gross("wages")
        if p.get("student_grant") and rng.random() < 0.5:
            household_sources.append(Source(pid, "grant", _series(rng, cal, _money(rng, 100, 600), "steady")))
        if rng.random() < 0.1:
            household_sources.append(Source(pid, "internship", _series(rng, cal, _money(rng, 400, 700), "started")))
    elif activity == "retired":
        gross("pension")
        if rng.random() < 0.08:
            gross("wages")
    elif activity == "inactive" and not minor and p["role"] != "child":
        if p.get("disability_rate", 0) >= 50 and rng.random() < 0.4:
            household_sources.append(Source(pid, "invalidity_pension", _series(rng, cal, _money(rng, 200, 1100))))
    if p["role"] != "child" or not minor:
        if rng.random() < 0.06:
            household_sources.append(Source(pid, "sick_pay", _series(rng, cal, _money(rng, 300, 1400), "irregular")))
        if rng.random() < 0.04:
            household_sources.append(Source(pid, "rental_income", _series(rng, cal, _money(rng, 200, 900), "steady")))


def generate(seed: int, month: str | None = None) -> Household:
    """One household and its ground truth, fully determined by `seed`."""
    rng = random.Random(seed)
    month = month or _pick(rng, MONTHS)
    cal = Calendar(month)
    activity = _pick(rng, ADULT_ACTIVITIES)
    age = _adult_age(rng, activity)
    people = [_adult(rng, cal, "p1", "applicant", activity, age)]
    couple = _pick(rng, (("single", 46), ("married", 24), ("pacs", 12), ("cohabiting", 18)))
    if couple != "single":
        if activity == "retired":
            spouse_activity = _pick(rng, (("retired", 70), ("inactive", 20), ("employed", 10)))
        else:
            spouse_activity = _pick(rng, ADULT_ACTIVITIES)
        spouse_age = max(18, min(95, age + rng.randint(-8, 8)))
        if spouse_activity == "retired":
            spouse_age = max(spouse_age, 60)
        people.append(_adult(rng, cal, "p2", "spouse", spouse_activity, spouse_age))
    parent_age = min(_age(p, month) for p in people)
    max_child_age = min(24, parent_age - 16)
    n_children = _pick(rng, ((0, 38), (1, 22), (2, 22), (3, 12), (4, 6))) if max_child_age >= 0 else 0
    for i in range(n_children):
        people.append(_child(rng, cal, f"c{i + 1}", rng.randint(0, max_child_age)))
    if parent_age <= 44 and rng.random() < 0.16:
        people.append({"id": f"c{n_children + 1}", "role": "child", "birth_date": _expected_birth(rng, month)})
        mother = rng.choice([p for p in people if p["role"] in ("applicant", "spouse")])
        mother["pregnant"] = True
    elif parent_age <= 44 and rng.random() < 0.03:
        people[0]["pregnant"] = True
    if rng.random() < 0.07:
        other_activity = _pick(rng, ADULT_ACTIVITIES)
        people.append(_adult(rng, cal, "o1", "other", other_activity, _adult_age(rng, other_activity)))

    sources: list[Source] = []
    for p in people:
        if p["birth_date"] <= month + "-01":
            _resources(rng, cal, p, sources)
    # Alimony for a single parent, now and then.
    if couple == "single" and any(p["role"] == "child" for p in people) and rng.random() < 0.3:
        sources.append(Source("p1", "alimony", _series(rng, cal, _money(rng, 80, 450), "steady")))

    housing = _housing(rng, cal, people)
    household = Household(seed=seed, month=month, people=people, couple=couple, housing=housing, sources=sources,
                          notice="estimate")
    household.recently_separated = couple == "single" and rng.random() < 0.12
    savings = 0.0 if rng.random() < 0.55 else round(rng.choice([150, 800, 2500, 6000, 15000, 40000])
                                                       * rng.uniform(0.7, 1.3), 2)
    household.assets = {"savings": savings}
    if rng.random() < 0.04:
        household.assets["property_rental_value"] = float(rng.choice([1200, 3000, 6500]))
    if rng.random() < 0.22:
        household.benefits_received = _benefits(rng, cal)
    _notice(rng, household)
    return household


def _age(p: dict, month: str) -> int:
    b = date.fromisoformat(p["birth_date"])
    first = date(int(month[:4]), int(month[5:7]), 1)
    return first.year - b.year - ((first.month, first.day) < (b.month, b.day))


def _housing(rng, cal, people) -> dict:
    kind = _pick(rng, HOUSING)
    commune = rng.choice(list(COMMUNES))
    size = 0.6 + 0.12 * len(people)
    rent = round(COMMUNES[commune] * size * rng.uniform(0.7, 1.3))
    h: dict = {"commune": commune}
    if kind == "social":
        h.update(status=rng.choice(["tenant_unfurnished", "tenant_unfurnished", "tenant_furnished", "tenant_hostel"]),
                 social_housing=True, rent=float(round(rent * 0.65)), charges=float(rng.randint(40, 140)))
    elif kind.startswith("tenant"):
        h.update(status=kind, rent=float(rent if kind != "tenant_hostel" else round(rent * 0.6)),
                 charges=float(rng.randint(20, 120)))
        if kind != "tenant_hostel" and rng.random() < 0.12:
            h["shared"] = True
        if rng.random() < 0.05:
            h["room_only"] = True
        if rng.random() < 0.03:
            h["landlord_family"] = True
    elif kind == "first_time_buyer":
        h.update(status=kind, rent=float(round(rent * rng.uniform(0.8, 1.4))), charges=float(rng.randint(0, 150)))
        if rng.random() < 0.7:
            h["loan_date"] = f"{rng.randint(2008, cal.year - 1)}-{rng.randint(1, 12):02d}-15"
    else:
        h["status"] = kind
        if kind == "hosted_free" and rng.random() < 0.25:
            h["hosting_contribution"] = True
    if rng.random() < 0.8:
        h["move_in_date"] = f"{shift(cal.month, -rng.randint(1, 150))}-{rng.randint(1, 28):02d}"
    elif h["status"].startswith("tenant") and rng.random() < 0.5:  # moving in soon (Visale, Loca-Pass)
        h["move_in_date"] = f"{shift(cal.month, rng.randint(0, 2))}-{rng.randint(2, 28):02d}"
    if h["status"] == "homeless":
        h.pop("move_in_date", None)
    return h


def _benefits(rng, cal) -> dict:
    out = {}
    for aid in rng.sample(BENEFITS, rng.randint(1, 3)):
        amount = float(round(rng.uniform(40, 900), 2))
        r = rng.random()
        if r < 0.55:
            out[aid] = amount
        else:
            months = {}
            for m in rng.sample(cal.history[1:-1], rng.randint(1, 3)):
                months[m] = float(round(amount * rng.uniform(0.5, 1.2), 2))
            out[aid] = {"same_every_month": amount if r < 0.85 else 0.0, "months": months}
    return out


def _notice(rng, h: Household) -> None:
    """How the N-2 notice is known (the applicant's foyer)."""
    h.notice = _pick(rng, (("detail", 36), ("rfr", 36), ("estimate", 28)))
    if h.notice == "detail":
        for p in h.declarants:
            if rng.random() < 0.12:
                continue  # no entry: nothing declared
            amounts = {}
            activity = p.get("activity", "inactive")
            current = [s for s in h.sources if s.person == p["id"] and s.type in CATEGORY_OF]
            if current and rng.random() < 0.5:
                # The notice follows today's incomes, more or less.
                for s in current:
                    level = max(s.amounts.values())
                    factor = 0.8 if s.type in GROSS_SOURCE else 1.0
                    amounts[CATEGORY_OF[s.type]] = float(round(12 * level * factor * rng.uniform(0.6, 1.2)))
            else:
                # Another life two years ago: a job since lost, a pension not yet, nothing at all.
                category = rng.choice(["wages", "wages", "unemployment",
                                       "pensions" if activity == "retired" else "wages", "self_employment", None])
                if category:
                    level = rng.choice([2500, 9000, 14000, 21000, 30000, 52000])
                    amounts[category] = float(level + rng.randint(0, 999))
                if rng.random() < 0.2:
                    amounts["unemployment"] = float(rng.randint(1500, 14000))
            h.detail[p["id"]] = amounts
        if not h.detail:  # a notice that lists nobody is no notice: the applicant declared nothing
            h.detail[h.applicant["id"]] = {}
    elif h.notice == "rfr":
        h.scale = 0.0 if rng.random() < 0.1 else round(rng.uniform(0.45, 1.6), 3)
        h.fallback = 0.0 if rng.random() < 0.35 else float(rng.choice([3000, 8000, 15000, 24000, 40000]))


# --- the hand-built situation ------------------------------------------------------------------

def _per_month(months, value):
    return {m: value for m in months}


class Forward:
    """One openfisca-france situation for every household of one simulated month."""

    def __init__(self, households: list[Household], month: str, benefit_aids: list[tuple[str, str, str]]):
        self.households = households
        self.cal = Calendar(month)
        self.benefit_aids = benefit_aids  # (aid id, openfisca variable, entity) of monthly euro benefits

    # ids of each household's entities in the big situation
    @staticmethod
    def prefix(h: Household, twin: bool = False) -> str:
        return f"h{h.seed}{'u' if twin else ''}_"

    def situation(self) -> dict:
        situation: dict = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
        for h in self.households:
            self._household(situation, h, twin=False)
            if h.unborn:
                self._household(situation, h, twin=True)
        return situation

    def _household(self, s: dict, h: Household, twin: bool) -> None:
        cal, pre = self.cal, self.prefix(h, twin)
        people = [p for p in h.people if twin or h.born(p)]
        ids = {p["id"]: pre + p["id"] for p in people}
        for p in people:
            s["individus"][ids[p["id"]]] = self._person(h, p)
        dependents = [ids[p["id"]] for p in h.dependents(with_unborn=twin)]
        parents = [ids[h.applicant["id"]]] + ([ids[h.spouse["id"]]] if h.spouse else [])
        famille = {"parents": parents, "enfants": dependents,
                   "rsa_isolement_recent": _per_month(cal.history, bool(h.recently_separated)),
                   "proprietaire_proche_famille": _per_month(cal.history, bool(h.housing.get("landlord_family")))}
        self._benefits(famille, "famille", h.benefits_received)
        s["familles"][pre + "fam"] = famille
        for key, declarants in h.foyers():
            foyer = {"declarants": [ids[p["id"]] for p in declarants]}
            if key == "main":
                foyer["personnes_a_charge"] = dependents
            s["foyers_fiscaux"][pre + "ff_" + key] = foyer
        for p in h.independents():
            fam = {"parents": [ids[p["id"]]]}
            self._benefits(fam, "famille", {})
            s["familles"][pre + "fam_" + p["id"]] = fam
        s["menages"][pre + "men"] = self._menage(h, ids, people)

    def _person(self, h: Household, p: dict) -> dict:
        cal = self.cal
        hist = cal.history
        activity = p.get("activity", "inactive")
        level = p.get("school_level", "none")
        rate = float(p.get("disability_rate", 0))
        applicant = p["role"] == "applicant"
        data = {
            "date_naissance": {"ETERNITY": p["birth_date"]},
            "activite": _per_month(hist, ACTIVITE[activity]),
            "apprenti": _per_month(hist, activity == "apprentice"),
            "scolarite": _per_month(hist, SCOLARITE[level]),
            "statuts_etablissement_scolaire": _per_month(hist, "public" if level != "none" else "inconnu"),
            "boursier": _per_month(hist, bool(p.get("student_grant"))),
            "taux_incapacite": _per_month(hist, rate / 100),
            "handicap": _per_month(hist, rate >= 50),
            "enceinte": _per_month(hist, bool(p.get("pregnant"))),
            "garde_alternee": _per_month(hist, bool(p.get("shared_custody"))),
            "ass_precondition_remplie": _per_month(hist, bool(p.get("ass_work_history"))),
            "pensions_alimentaires_versees_individu": _per_month(hist, float(p.get("alimony_paid", 0.0))),
            "pole_emploi_categorie_demandeur_emploi": _per_month(
                hist, "categorie_1" if activity == "job_seeker" else "pas_de_categorie"),
            "livret_a": _per_month(hist, float(h.assets.get("savings", 0.0)) if applicant else 0.0),
            "valeur_locative_immo_non_loue": _per_month(
                hist, float(h.assets.get("property_rental_value", 0.0)) if applicant else 0.0),
        }
        if p["role"] in ("applicant", "spouse"):
            data["statut_marital"] = _per_month(hist, STATUT_MARITAL[h.couple])
        if "parental_income" in p:
            data["bourse_criteres_sociaux_base_ressources_parentale"] = {cal.month: float(p["parental_income"])}
        # Monthly sources, M-13 (= M-12) .. M.
        for src in h.sources:
            if src.person != p["id"]:
                continue
            if src.type in GROSS_SOURCE:
                variable = GROSS_SOURCE[src.type]
            elif src.type == "self_employment":
                variable = TURNOVER_MONTHLY[src.kind]
            else:
                variable = SOURCE_OF[src.type]
            values = data.setdefault(variable, {m: 0.0 for m in hist})
            for m in hist:
                values[m] += src.amounts[m if m != hist[0] else hist[1]]
        # The N-2 notice: taxable twelfths, turnover by year.
        kind = next((s.kind for s in h.sources if s.person == p["id"] and s.type == "self_employment"), "services")
        for category, amount in h.n2.get(p["id"], {}).items():
            if category == "self_employment":
                data[TURNOVER_YEARLY[kind]] = {y: float(amount) for y in cal.notice_years}
            else:
                values = data.setdefault(TAXABLE_OF[category], {})
                for m in cal.notice_months:
                    values[m] = amount / 12
        self._benefits(data, "individu", h.benefits_received if applicant else {})
        return data

    def _benefits(self, data: dict, entity: str, declared: dict) -> None:
        cal = self.cal
        for aid_id, variable, aid_entity in self.benefit_aids:
            if aid_entity != entity:
                continue
            raw = declared.get(aid_id)
            if isinstance(raw, dict):
                same, months = float(raw.get("same_every_month", 0.0)), raw.get("months", {})
            elif raw is not None:
                same, months = float(raw), {}
            else:
                same, months = 0.0, {}
            values = {m: float(months.get(m, same)) for m in cal.older}
            for m in cal.recent:
                if m in months:
                    values[m] = float(months[m])
                elif variable in ("rsa", "contrat_engagement_jeune"):
                    values[m] = 0.0
            data[variable] = values

    def _menage(self, h: Household, ids: dict, people: list[dict]) -> dict:
        hist = self.cal.history
        hs = h.housing
        status = OCCUPATION[hs["status"]]
        if hs.get("social_housing") and hs["status"] in ("tenant_unfurnished", "tenant_furnished"):
            status = "locataire_hlm"
        menage = {
            "personne_de_reference": [ids[h.applicant["id"]]],
            "conjoint": [ids[h.spouse["id"]]] if h.spouse else [],
            "enfants": [ids[p["id"]] for p in people if p["role"] == "child"],
            "autres": [ids[p["id"]] for p in people if p["role"] == "other"],
            "statut_occupation_logement": _per_month(hist, status),
            "loyer": _per_month(hist, float(hs.get("rent", 0.0))),
            "charges_locatives": _per_month(hist, float(hs.get("charges", 0.0))),
            "logement_conventionne": _per_month(hist, bool(hs.get("social_housing"))),
            "coloc": _per_month(hist, bool(hs.get("shared"))),
            "logement_chambre": _per_month(hist, bool(hs.get("room_only"))),
            "participation_frais": _per_month(hist, bool(hs.get("hosting_contribution"))),
            "depcom": _per_month(hist, hs["commune"]),
        }
        if hs.get("move_in_date"):
            menage["date_entree_logement"] = _per_month(hist, hs["move_in_date"])
        if hs.get("loan_date"):
            menage["aide_logement_date_pret_conventionne"] = {"ETERNITY": hs["loan_date"]}
        return menage


# --- the forward pass ----------------------------------------------------------------------

def _typed_twelve(h: Household, person: str) -> dict[str, float]:
    """A person's amounts over the 12 months before M, by notice category, as the dossier
    holds them: nets, and a resource typed gross by its gross or its net (ESTIMATE_GROSS_TYPED)."""
    cal = Calendar(h.month)
    totals: dict[str, float] = {}
    for src in h.sources:
        if src.person != person or src.type not in CATEGORY_OF:
            continue
        if src.type in GROSS_SOURCE:
            if src.basis == "gross" and ESTIMATE_GROSS_TYPED == "typed":
                amounts = src.amounts
            else:
                amounts = h.nets[src.person, src.type]
        else:
            amounts = src.amounts
        category = CATEGORY_OF[src.type]
        totals[category] = totals.get(category, 0.0) + sum(amounts[m] for m in cal.last_twelve)
    return {c: round(v, 2) for c, v in totals.items() if v > 0}


def _n2(h: Household) -> dict[str, dict[str, float]]:
    """Each declarant's N-2 incomes by category, from the nets known so far."""
    n2: dict[str, dict[str, float]] = {}
    for key, declarants in h.foyers():
        mode = h.notice if key == "main" else "estimate"
        if mode == "detail":
            for p in declarants:
                n2[p["id"]] = {c: v for c, v in h.detail.get(p["id"], {}).items() if v}
        elif mode == "estimate":
            for p in declarants:
                n2[p["id"]] = _typed_twelve(h, p["id"])
        else:
            weights = {p["id"]: _typed_twelve(h, p["id"]) for p in declarants}
            if sum(sum(w.values()) for w in weights.values()) > 0:
                for pid, w in weights.items():
                    n2[pid] = {c: v * h.scale for c, v in w.items() if v * h.scale}
            else:
                h.fallback_used = True
                applicant = h.applicant
                category = CATEGORY_OF_ACTIVITY.get(applicant.get("activity", "inactive"), "wages")
                n2[applicant["id"]] = {category: h.fallback} if h.fallback else {}
    return n2


def benefit_aids(catalogue) -> list[tuple[str, str, str]]:
    """The monthly euro benefits of the catalogue that can have been received (famille or individu)."""
    return [(a.id, a.openfisca.variable, a.openfisca.entity) for a in catalogue.openfisca_aids
            if a.openfisca.period == "month" and a.openfisca.unit == "euros" and not a.openfisca.amount_is_annual
            and a.openfisca.entity in ("famille", "individu")]


@dataclass
class ForwardRun:
    households: list[Household]
    dropped: list[Household]
    simulation: object
    forward: Forward
    rounds: int


def forward(households: list[Household], month: str, catalogue, build, max_rounds: int = 10) -> ForwardRun:
    """Nets and RFR from the sources, to a fixed point; then the dossiers and expected values."""
    cal = Calendar(month)
    for h in households:
        h.nets = {(s.person, s.type): {m: round(s.amounts[m] * FIRST_RATIO[s.type], 2) for m in cal.recorded}
                  for s in h.sources if s.type in GROSS_SOURCE}
    active = list(households)
    dropped: list[Household] = []
    aids = benefit_aids(catalogue)
    rounds = 0
    while True:
        rounds += 1
        for h in active:
            h.n2 = _n2(h)
        fwd = Forward(active, month, aids)
        simulation = build(fwd.situation())
        unsettled = _read_nets(active, simulation, cal)
        if not unsettled:
            break
        if rounds == 4:
            # Still moving: the nets oscillate around a CSG threshold of the RFR. The
            # applicant's notice is then given by its detail (nothing depends on the nets).
            for h in active:
                if h.seed in unsettled and h.notice != "detail":
                    _to_detail(h)
        if rounds in (6, 8):
            # Another foyer's estimate cannot be given otherwise: the ground truth moves off
            # the threshold (its replacement incomes 5 % lower); never settled, dropped.
            for h in active:
                if h.seed in unsettled:
                    _step_aside(h)
        if rounds >= max_rounds:
            dropped += [h for h in active if h.seed in unsettled]
            active = [h for h in active if h.seed not in unsettled]
            for h in active:
                h.n2 = _n2(h)
            fwd = Forward(active, month, aids)
            simulation = build(fwd.situation())
            _read_nets(active, simulation, cal)
            break
    for h in active:
        h.dossier = write_dossier(h)
    if active:
        expect(active, simulation, catalogue, month)
    return ForwardRun(active, dropped, simulation, fwd, rounds)


def _step_aside(h: Household) -> None:
    """Lower the pensions and unemployment benefits of the foyers other than the applicant's."""
    others = {p["id"] for key, declarants in h.foyers() if key != "main" for p in declarants}
    for src in h.sources:
        if src.person in others and src.type in ("pension", "unemployment"):
            src.amounts = {m: round(v * 0.95, 2) for m, v in src.amounts.items()}


def _to_detail(h: Household) -> None:
    h.notice = "detail"
    h.detail = {p["id"]: {c: round(v, 2) for c, v in h.n2.get(p["id"], {}).items()} for p in h.declarants}


def _read_nets(households: list[Household], simulation, cal: Calendar) -> set[int]:
    """Read openfisca's nets and RFR into the households; the seeds whose nets moved."""
    index = {pid: i for i, pid in enumerate(simulation.populations["individu"].ids)}
    foyer_index = {fid: i for i, fid in enumerate(simulation.populations["foyer_fiscal"].ids)}
    nets = {t: {m: simulation.calculate(NET_OF[t], m) for m in cal.recorded} for t in NET_OF}
    rfr = simulation.calculate("rfr", cal.n2)
    unsettled = set()
    for h in households:
        pre = Forward.prefix(h)
        for (person, rtype), old in h.nets.items():
            new = {m: round(float(nets[rtype][m][index[pre + person]]), 2) for m in cal.recorded}
            if new != old:
                unsettled.add(h.seed)
            h.nets[person, rtype] = new
        h.rfr = round(float(rfr[foyer_index[pre + "ff_main"]]), 2)
        # An RFR of 0 from positive incomes (all under the deductions) cannot be scaled
        # back to them: such a notice is given by its detail instead.
        if h.notice == "rfr" and h.rfr <= 0 and any(h.n2.get(p["id"]) for p in h.declarants):
            _to_detail(h)
            unsettled.add(h.seed)
    return unsettled


def _typed_series(amounts: dict[str, float], months: list[str]) -> tuple[float | None, dict[str, float]]:
    """(same_every_month, months) for a series: the most frequent value as the shortcut."""
    values = [round(amounts[m], 2) for m in months]
    common = max(set(values), key=values.count)
    exceptions = {m: v for m, v in zip(months, values) if v != common}
    return common, exceptions


def write_dossier(h: Household) -> dict:
    cal = Calendar(h.month)
    resources = []
    for src in h.sources:
        if src.type in GROSS_SOURCE and src.basis == "net":
            amounts = h.nets[src.person, src.type]
        else:
            amounts = src.amounts
        if not any(amounts[m] for m in cal.recorded):
            continue
        parts = [amounts]
        if src.split:
            share = {m: round(amounts[m] * 0.4, 2) for m in cal.recorded}
            parts = [share, {m: round(amounts[m] - share[m], 2) for m in cal.recorded}]
        for part in parts:
            same, months = _typed_series(part, cal.recorded)
            entry = {"person": src.person, "type": src.type}
            if same or not months:
                entry["same_every_month"] = same
            if months:
                entry["months"] = months
            if src.basis == "gross":
                entry["basis"] = "gross"
            if src.type == "self_employment":
                entry["self_employment_kind"] = src.kind
            resources.append(entry)
    dossier = {
        "format_version": 2,
        "month": h.month,
        "label": f"généré {h.seed}",
        "people": copy.deepcopy(h.people),
        "couple": h.couple,
        "housing": dict(h.housing),
        "resources": resources,
        "assets": dict(h.assets),
        "benefits_received": copy.deepcopy(h.benefits_received),
    }
    if h.recently_separated:
        dossier["recently_separated"] = True
    if h.notice == "detail":
        dossier["tax_notice_incomes"] = [{"person": pid, **amounts} for pid, amounts in h.detail.items()]
    elif h.notice == "rfr":
        dossier["fiscal_reference_income"] = h.rfr
    return dossier


def expect(households: list[Household], simulation, catalogue, month: str) -> None:
    """Each catalogue aid openfisca computes, read on the hand-built situation."""
    from openfisca_core.errors import ParameterNotFoundError

    index = {key: {eid: i for i, eid in enumerate(pop.ids)} for key, pop in simulation.populations.items()}
    for aid in catalogue.openfisca_aids:
        of = aid.openfisca
        period = month if of.period == "month" else month[:4]
        try:
            values = simulation.calculate(of.variable, period)
        except ParameterNotFoundError:
            values = None
        for h in households:
            if values is None:
                h.expected[aid.id] = None
                continue
            twin = of.counts_unborn and bool(h.unborn)
            pre = Forward.prefix(h, twin)
            if of.entity == "individu":
                people = [p for p in h.people if h.born(p)]
                v = [values[index["individu"][pre + p["id"]]] for p in people]
            else:
                key = {"famille": "fam", "menage": "men", "foyer_fiscal": "ff_main"}[of.entity]
                v = [values[index[of.entity][pre + key]]]
            if of.unit == "eligibilite":
                h.expected[aid.id] = any(bool(x) for x in v)
            else:
                combine = max if of.aggregate == "max" else sum
                h.expected[aid.id] = float(combine(float(x) for x in v))
