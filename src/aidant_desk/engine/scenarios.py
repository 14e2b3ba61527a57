"""Scenarios built on the engine: a life event's before/after, and the earnings ladder.
Each is one vectorised simulation."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..dossier import Dossier, Resource
from ..dossier.life_events import apply_event
from .core import Engine, tax_benefit_system
from .results import SimulationResult

LADDER_STEPS = 41  # 0 to 2 SMIC by 5 % of a SMIC
SMIC_MULTIPLE = 2.0


@dataclass(frozen=True)
class AidChange:
    aid_id: str
    label: str
    before: float
    after: float
    before_status: str
    after_status: str
    unit: str = "euros"  # "participation": what the person pays (CSS), not an aid received

    @property
    def difference(self) -> float:
        """Money received more (or less) each time; none for a participation."""
        return round(self.after - self.before, 2) if self.unit == "euros" else 0.0


@dataclass(frozen=True)
class Comparison:
    event_id: str
    before: SimulationResult
    after: SimulationResult
    resources_before: float = 0.0  # the household's resources of the month as typed, aids aside
    resources_after: float = 0.0

    @property
    def changes(self) -> list[AidChange]:
        """Every aid whose status or amount differs, in catalogue order."""
        out = []
        for b, a in zip(self.before.aids, self.after.aids):
            before, after = b.amount or 0.0, a.amount or 0.0
            if b.status != a.status or abs(after - before) >= 0.01:
                out.append(AidChange(b.aid_id, b.label, before, after, b.status, a.status, b.unit))
        return out

    @property
    def monthly_difference(self) -> float:
        return round(self.after.monthly_total - self.before.monthly_total, 2)


def compare_event(engine: Engine, dossier: Dossier, event_id: str, changes: dict) -> Comparison:
    """The dossier before and after the life event, in its month."""
    month = dossier.month
    after = apply_event(dossier, event_id, month, changes).with_month(month)
    before_result, after_result = engine.scenarios(dossier, [after])
    return Comparison(event_id, before_result, after_result,
                      resources_before=round(sum(r.amount(month) for r in dossier.resources), 2),
                      resources_after=round(sum(r.amount(month) for r in after.resources), 2))


@dataclass(frozen=True)
class LadderPoint:
    earnings: float  # applicant's net monthly wages
    aids_total: float  # monthly aids
    disposable_income: float  # all net resources of the month + monthly aids
    per_aid: dict  # aid id -> monthly amount


@dataclass(frozen=True)
class Cliff:
    aid_id: str
    label: str
    earnings: float  # first step where the aid is gone


@dataclass(frozen=True)
class EarningsLadder:
    month: str
    smic_net: float
    points: tuple[LadderPoint, ...]  # 0 to 2 SMIC
    cliffs: tuple[Cliff, ...]
    current: LadderPoint  # at the applicant's wages today
    working: bool  # the applicant earns wages today
    labels: dict  # aid id -> label, for the aids on any point
    chosen: LadderPoint | None = None  # at the wages the counselor typed (« si le salaire passe à »)


def smic_net_monthly(month: str) -> float:
    """Net monthly wage of a full-time job at the SMIC, computed by openfisca-france."""
    smic = tax_benefit_system().parameters(month + "-01").marche_travail.salaire_minimum.smic
    return net_wage(month, round(smic.smic_b_horaire * smic.nb_heures_travail_mensuel, 2))


def net_wage(month: str, gross: float) -> float:
    """The net of a gross monthly wage, computed by openfisca-france."""
    from openfisca_core.simulation_builder import SimulationBuilder

    simulation = SimulationBuilder().build_from_entities(tax_benefit_system(), {
        "individus": {"x": {"salaire_de_base": {month: gross}, "date_naissance": {"ETERNITY": "1980-01-01"}}},
    })
    return round(float(simulation.calculate("salaire_net", month)[0]), 2)


def current_wages(dossier: Dossier) -> float:
    """The applicant's net wages in the dossier's month (a gross amount converted by openfisca)."""
    month, applicant = dossier.month, dossier.applicant.id
    total = 0.0
    for r in dossier.resources:
        if r.person == applicant and r.type == "wages" and r.amount(month):
            total += net_wage(month, r.amount(month)) if r.basis == "gross" else r.amount(month)
    return round(total, 2)


def earnings_ladder(engine: Engine, dossier: Dossier, steps: int = LADDER_STEPS,
                    chosen: float | None = None) -> EarningsLadder:
    """Aids and disposable income as the applicant's wages go from 0 to 2 SMIC, the same
    wages over the 13 months (a settled job), in the dossier's month; and at today's
    wages and at `chosen` wages, in the same vectorised run."""
    month = dossier.month
    smic = smic_net_monthly(month)
    applicant = dossier.applicant.id
    others = tuple(r for r in dossier.resources if not (r.person == applicant and r.type == "wages"))
    other_income = sum(r.amount(month) for r in others)
    today = current_wages(dossier)
    levels = [round(SMIC_MULTIPLE * smic * i / (steps - 1), 2) for i in range(steps)]
    extra = [today] + ([round(chosen, 2)] if chosen is not None else [])
    variants = []
    for wage in levels + extra:
        wages = (Resource(person=applicant, type="wages", same_every_month=wage),) if wage else ()
        people = tuple(replace(p, activity="employed") if p.id == applicant and wage else p for p in dossier.people)
        variants.append(dossier.replace(resources=others + wages, people=people))
    results = engine.batch(variants)
    points = []
    for wage, result in zip(levels + extra, results):
        per_aid = {a.aid_id: a.monthly_amount for a in result.aids if a.monthly_amount}
        total = round(sum(per_aid.values()), 2)
        points.append(LadderPoint(wage, total, round(wage + other_income + total, 2), per_aid))
    grid = points[:steps]
    cliffs = [
        Cliff(aid_id, results[i].aid(aid_id).label, grid[i].earnings)
        for i in range(1, len(grid))
        for aid_id in grid[i - 1].per_aid
        if aid_id not in grid[i].per_aid
    ]
    labels = {a.aid_id: a.label for result in results for a in result.aids if a.monthly_amount}
    return EarningsLadder(month, smic, tuple(grid), tuple(cliffs), current=points[steps], working=today > 0,
                          labels=labels, chosen=points[steps + 1] if chosen is not None else None)
