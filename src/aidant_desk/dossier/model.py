"""The household as plain data: what the counselor fills in with the person.

A Dossier is immutable and holds no UI or engine concern. It is read from and written
to the JSON format described in docs/dossier.md and dossier.schema.json.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .migration import upgrade
from .months import add_months, is_month, window
from .vocabulary import GROSS_TYPES
from ..files import write_whole
from ..validation import InvalidData, Problem, schema_problems

FORMAT_VERSION = 2
SCHEMA_PATH = Path(__file__).with_name("dossier.schema.json")
SCHEMA: dict = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

# How many months before the simulated one the dossier records resources for.
HISTORY_MONTHS = 12
# A dossier file is a few kilobytes (the largest example: 3 kB). Past 1 MB it is not one,
# and reading it whole first would cost seconds and hundreds of megabytes.
MAX_FILE_BYTES = 1_000_000
# The years a simulated month may fall in: past them, dates cannot be computed (year 0, year 10000).
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class Person:
    id: str
    role: str  # applicant, spouse, child, other
    birth_date: date
    first_name: str = ""
    activity: str = "inactive"
    disability_rate: float = 0.0
    pregnant: bool = False
    school_level: str = "none"
    student_grant: bool = False
    dependent: bool = True
    parental_income: float | None = None  # a student's parents' revenu brut global N-2
    shared_custody: bool = False  # a child in garde alternée
    ass_work_history: bool = False  # 5 years of salaried work in the 10 before the last contract (ASS)
    alimony_paid: float = 0.0  # monthly, to someone outside the household

    def age(self, on: date) -> int:
        """Age in whole years on a date; negative for a child not yet born."""
        years = on.year - self.birth_date.year
        if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


@dataclass(frozen=True)
class Housing:
    status: str = "hosted_free"
    social_housing: bool = False
    rent: float = 0.0
    charges: float = 0.0
    shared: bool = False
    commune: str | None = None
    move_in_date: date | None = None
    landlord_family: bool = False  # the landlord is a close relative: no housing aid
    room_only: bool = False
    hosting_contribution: bool = False  # hosted against a contribution to costs
    loan_date: date | None = None  # a home-buyer's loan signature date

    @property
    def departement(self) -> str | None:
        """INSEE département code: 3 digits overseas (971...), else 2 (2A/2B for Corsica)."""
        if not self.commune:
            return None
        return self.commune[:3] if self.commune.startswith("97") else self.commune[:2]


@dataclass(frozen=True)
class Resource:
    person: str
    type: str
    same_every_month: float | None = None
    months: dict[str, float] = field(default_factory=dict)
    basis: str = "net"  # "gross" when the person reads a gross amount (a pension statement)
    self_employment_kind: str = "services"  # services, sales, liberal: amounts are the turnover

    def amount(self, month: str) -> float:
        """Net amount for one month; the shortcut wins over a month left empty."""
        if month in self.months:
            return float(self.months[month])
        return float(self.same_every_month or 0.0)


@dataclass(frozen=True)
class MonthlyAmounts:
    """A benefit already received: one amount every month, and months that differ."""

    same_every_month: float = 0.0
    months: dict[str, float] = field(default_factory=dict)

    def amount(self, month: str) -> float:
        return float(self.months.get(month, self.same_every_month))


@dataclass(frozen=True)
class NoticeIncome:
    """One declarant's incomes of year N-2 as the tax notice lists them (declared, before deductions)."""

    person: str
    wages: float = 0.0
    pensions: float = 0.0
    unemployment: float = 0.0
    self_employment: float = 0.0

    @property
    def amounts(self) -> dict[str, float]:
        """Category -> yearly amount."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "person"}


@dataclass(frozen=True)
class Assets:
    savings: float = 0.0
    property_rental_value: float = 0.0


@dataclass(frozen=True)
class Dossier:
    people: tuple[Person, ...]
    couple: str = "single"
    recently_separated: bool = False
    housing: Housing = Housing()
    resources: tuple[Resource, ...] = ()
    fiscal_reference_income: float | None = None
    assets: Assets = Assets()
    benefits_received: dict[str, MonthlyAmounts] = field(default_factory=dict)
    tax_notice_incomes: tuple[NoticeIncome, ...] = ()
    month: str | None = None
    label: str = ""
    life_events: tuple[str, ...] = ()

    # --- who is who -----------------------------------------------------------
    @property
    def applicant(self) -> Person:
        return next(p for p in self.people if p.role == "applicant")

    @property
    def spouse(self) -> Person | None:
        return next((p for p in self.people if p.role == "spouse"), None)

    @property
    def parents(self) -> list[Person]:
        """The applicant first, then a spouse: openfisca reads the first as the demandeur."""
        return [self.applicant] + ([self.spouse] if self.spouse else [])

    @property
    def children(self) -> list[Person]:
        return [p for p in self.people if p.role == "child"]

    @property
    def others(self) -> list[Person]:
        return [p for p in self.people if p.role == "other"]

    def unborn(self, month: str) -> list[Person]:
        """Children expected after the first day of the simulated month."""
        start = date.fromisoformat(month + "-01")
        return [c for c in self.children if c.birth_date > start]

    def born(self, month: str) -> "Dossier":
        """The household as benefits see it this month: without the children not yet born."""
        unborn = {c.id for c in self.unborn(month)}
        return dataclasses.replace(self, people=tuple(p for p in self.people if p.id not in unborn))

    @property
    def tax_household(self) -> list[Person]:
        """The applicant, a spouse and the dependent children: whose income the notice holds."""
        return self.parents + [c for c in self.children if c.dependent]

    @property
    def single_parent(self) -> bool:
        return self.couple == "single" and any(c.dependent for c in self.children)

    def resources_of(self, person_id: str) -> list[Resource]:
        return [r for r in self.resources if r.person == person_id]

    def monthly_resources(self, month: str) -> float:
        return sum(r.amount(month) for r in self.resources)

    def history(self, month: str) -> list[str]:
        """The simulated month and the HISTORY_MONTHS before it, oldest first."""
        return window(month, HISTORY_MONTHS)

    def with_month(self, month: str) -> "Dossier":
        return dataclasses.replace(self, month=month)

    def replace(self, **changes: Any) -> "Dossier":
        return dataclasses.replace(self, **changes)

    # --- JSON ------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, source: str = "") -> "Dossier":
        """Upgrade an older format, validate, then build; raises InvalidData listing every
        problem in French."""
        try:
            data = upgrade(data)
            problems = schema_problems(data, SCHEMA)
        except RecursionError:  # lists in lists, thousands deep: no dossier looks like that
            raise InvalidData([Problem("", "structure trop imbriquée : ce n'est pas un dossier")], source) from None
        if problems:
            raise InvalidData(problems, source)
        dossier = _build(data)
        problems = consistency_problems(dossier)
        if problems:
            raise InvalidData(problems, source)
        return dossier

    @classmethod
    def load(cls, path: str | Path) -> "Dossier":
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise InvalidData([Problem("", f"fichier trop gros ({size / 1_000_000:.1f} Mo) : un dossier fait "
                                               "quelques kilo-octets, la limite est de 1 Mo")], str(path))
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidData([Problem("", "fichier introuvable")], str(path)) from None
        except UnicodeDecodeError:
            raise InvalidData([Problem("", "fichier illisible : ce n'est pas du texte UTF-8, ni donc un dossier")],
                              str(path)) from None
        except OSError as exc:
            raise InvalidData([Problem("", f"fichier illisible ({exc.__class__.__name__})")], str(path)) from None
        return cls.from_dict(parse_json(text, str(path)), str(path))

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"format_version": FORMAT_VERSION}
        if self.month:
            data["month"] = self.month
        if self.label:
            data["label"] = self.label
        if self.life_events:
            data["life_events"] = list(self.life_events)
        data["people"] = [_person_dict(p) for p in self.people]
        data["couple"] = self.couple
        if self.recently_separated:
            data["recently_separated"] = True
        data["housing"] = _housing_dict(self.housing)
        data["resources"] = [_resource_dict(r) for r in self.resources]
        if self.fiscal_reference_income is not None:
            data["fiscal_reference_income"] = self.fiscal_reference_income
        data["assets"] = dataclasses.asdict(self.assets)
        data["benefits_received"] = {k: _benefit_dict(v) for k, v in self.benefits_received.items()}
        if self.tax_notice_incomes:
            data["tax_notice_incomes"] = [
                {"person": n.person, **{k: v for k, v in n.amounts.items() if v}} for n in self.tax_notice_incomes]
        return data

    def save(self, path: str | Path) -> None:
        write_whole(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2))


def parse_json(text: str | bytes, source: str = "") -> Any:
    """The JSON of a dossier file; InvalidData in French for what is not: bad syntax, NaN,
    a number of thousands of digits, nesting thousands deep."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _NotANumber as exc:
        raise InvalidData([Problem("", f"« {exc} » n'est pas un nombre : indiquez un montant")], source) from None
    except json.JSONDecodeError as exc:
        message = f"ce n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno})"
        raise InvalidData([Problem("", message)], source) from None
    except ValueError:  # Python refuses integers of more than 4 300 digits
        raise InvalidData([Problem("", "un nombre a des milliers de chiffres : ce n'est pas un montant")],
                          source) from None
    except RecursionError:
        raise InvalidData([Problem("", "structure trop imbriquée : ce n'est pas un dossier")], source) from None


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str):
    """NaN and Infinity are not amounts; Python's JSON reader would accept them."""
    raise _NotANumber(name)


# Fields written only when they differ from their default, so that files stay short.
_PERSON_OPTIONAL = {"first_name": "", "parental_income": None, "shared_custody": False,
                    "ass_work_history": False, "alimony_paid": 0.0}
_HOUSING_OPTIONAL = {"landlord_family": False, "room_only": False, "hosting_contribution": False}


def _person_dict(p: Person) -> dict:
    data = dataclasses.asdict(p)
    data["birth_date"] = p.birth_date.isoformat()
    return {k: v for k, v in data.items() if k not in _PERSON_OPTIONAL or v != _PERSON_OPTIONAL[k]}


def _housing_dict(h: Housing) -> dict:
    data = dataclasses.asdict(h)
    for key in ("move_in_date", "loan_date"):
        data[key] = data[key].isoformat() if data[key] else None
    return {k: v for k, v in data.items()
            if v is not None and (k not in _HOUSING_OPTIONAL or v != _HOUSING_OPTIONAL[k])}


def _resource_dict(r: Resource) -> dict:
    data: dict[str, Any] = {"person": r.person, "type": r.type}
    if r.same_every_month is not None:
        data["same_every_month"] = r.same_every_month
    if r.months:
        data["months"] = dict(sorted(r.months.items()))
    if r.basis != "net":
        data["basis"] = r.basis
    if r.type == "self_employment":
        data["self_employment_kind"] = r.self_employment_kind
    return data


def _benefit_dict(b: MonthlyAmounts) -> float | dict:
    if not b.months:
        return b.same_every_month
    return {"same_every_month": b.same_every_month, "months": dict(sorted(b.months.items()))}


def _benefit(raw) -> MonthlyAmounts:
    if isinstance(raw, dict):
        return MonthlyAmounts(float(raw.get("same_every_month", 0.0)),
                              {k: float(v) for k, v in raw.get("months", {}).items()})
    return MonthlyAmounts(float(raw))


def _parse_date(text: str) -> date:
    return date.fromisoformat(text)


def _build(data: dict) -> Dossier:
    """Turn schema-valid JSON into a Dossier; calendar errors become Problems."""
    problems: list[Problem] = []

    def checked_date(text: str | None, where: str) -> date | None:
        if text is None:
            return None
        try:
            return _parse_date(text)
        except ValueError:
            problems.append(Problem(where, f"« {text} » n'est pas une date qui existe"))
            return None

    people = []
    for i, raw in enumerate(data["people"]):
        birth = checked_date(raw["birth_date"], f"people[{i}].birth_date")
        fields = {k: v for k, v in raw.items() if k != "birth_date"}
        people.append(Person(birth_date=birth or date(1900, 1, 1), **fields))
    raw_housing = dict(data.get("housing", {}))
    for key in ("move_in_date", "loan_date"):
        if key in raw_housing:
            raw_housing[key] = checked_date(raw_housing[key], f"housing.{key}")
    if problems:
        raise InvalidData(problems)
    return Dossier(
        people=tuple(people),
        couple=data.get("couple", "single"),
        recently_separated=data.get("recently_separated", False),
        housing=Housing(**raw_housing),
        resources=tuple(
            Resource(
                person=r["person"],
                type=r["type"],
                same_every_month=r.get("same_every_month"),
                months={k: float(v) for k, v in r.get("months", {}).items()},
                basis=r.get("basis", "net"),
                self_employment_kind=r.get("self_employment_kind", "services"),
            )
            for r in data.get("resources", [])
        ),
        fiscal_reference_income=data.get("fiscal_reference_income"),
        assets=Assets(**data.get("assets", {})),
        benefits_received={k: _benefit(v) for k, v in data.get("benefits_received", {}).items()},
        tax_notice_incomes=tuple(NoticeIncome(**n) for n in data.get("tax_notice_incomes", [])),
        month=data.get("month"),
        label=data.get("label", ""),
        life_events=tuple(data.get("life_events", [])),
    )


def consistency_problems(d: Dossier) -> list[Problem]:
    """Rules across fields that a JSON Schema cannot say simply."""
    problems = []
    ids = [p.id for p in d.people]
    for i, pid in enumerate(ids):
        if pid in ids[:i]:
            problems.append(Problem(f"people[{i}].id", f"l'identifiant « {pid} » est déjà utilisé"))
    roles = [p.role for p in d.people]
    if roles.count("applicant") != 1:
        problems.append(Problem("people", "il faut exactement une personne de rôle « applicant » (demandeur)"))
    if roles.count("spouse") > 1:
        problems.append(Problem("people", "il ne peut y avoir qu'un conjoint (« spouse »)"))
    if "spouse" in roles and d.couple == "single":
        problems.append(Problem("couple", "un conjoint est déclaré : indiquez married, pacs ou cohabiting"))
    if "spouse" not in roles and d.couple != "single":
        problems.append(Problem("couple", f"« {d.couple} » demande un conjoint (rôle « spouse ») dans people"))
    for i, r in enumerate(d.resources):
        if r.person not in ids:
            problems.append(Problem(f"resources[{i}].person", f"aucune personne n'a l'identifiant « {r.person} »"))
        if r.same_every_month is None and not r.months:
            problems.append(Problem(f"resources[{i}]", "indiquez same_every_month ou des montants dans months"))
        if r.basis == "gross" and r.type not in GROSS_TYPES:
            problems.append(Problem(f"resources[{i}].basis", "un montant brut n'est admis que pour un salaire, une allocation chômage ou une retraite"))
    bases: dict[tuple[str, str], set[str]] = {}
    for r in d.resources:
        bases.setdefault((r.person, r.type), set()).add(r.basis)
    for (person, rtype), kinds in bases.items():
        if len(kinds) > 1:
            problems.append(Problem("resources", f"« {person} » a des montants {rtype} nets et bruts : choisissez l'un ou l'autre"))
    declarants = {p.id for p in d.people if p.role in ("applicant", "spouse")}
    seen = set()
    for i, n in enumerate(d.tax_notice_incomes):
        if n.person not in declarants:
            problems.append(Problem(f"tax_notice_incomes[{i}].person", f"« {n.person} » n'est ni le demandeur ni son conjoint"))
        if n.person in seen:
            problems.append(Problem(f"tax_notice_incomes[{i}].person", f"« {n.person} » figure deux fois"))
        seen.add(n.person)
    if d.housing.loan_date and d.housing.status != "first_time_buyer":
        problems.append(Problem("housing.loan_date", "la date du prêt ne vaut que pour un accédant (first_time_buyer)"))
    if d.month and is_month(d.month) and not FIRST_YEAR <= int(d.month[:4]) <= LAST_YEAR:
        problems.append(Problem("month", f"« {d.month} » : le mois simulé doit être entre {FIRST_YEAR} et {LAST_YEAR}"))
    elif d.month and is_month(d.month):
        start = _parse_date(d.month + "-01")
        for i, p in enumerate(d.people):
            if p.birth_date.year < 1900:
                problems.append(Problem(f"people[{i}].birth_date", "date de naissance trop ancienne"))
            if p.role != "child" and p.age(start) < 0:
                problems.append(Problem(f"people[{i}].birth_date", "seul un enfant peut être à naître"))
            if p.role == "child" and p.birth_date > _parse_date(add_months(d.month, 10) + "-01"):
                problems.append(Problem(f"people[{i}].birth_date", "naissance prévue plus de 9 mois après le mois simulé"))
    if d.month and not is_month(d.month):
        problems.append(Problem("month", f"« {d.month} » n'est pas un mois AAAA-MM"))
    return problems
