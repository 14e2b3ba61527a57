"""What the engine returns for one dossier: one AidResult per aid of the catalogue."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..catalogue.model import COUNTED_KINDS

ELIGIBLE, TO_CHECK, NOT_ELIGIBLE, UNAVAILABLE = "eligible", "to_check", "not_eligible", "unavailable"
STATUS_LABELS = {ELIGIBLE: "éligible", TO_CHECK: "à vérifier", NOT_ELIGIBLE: "non éligible",
                 UNAVAILABLE: "n'existait pas à cette date"}


@dataclass(frozen=True)
class AidResult:
    aid_id: str
    label: str
    category: str
    status: str  # eligible, to_check, not_eligible, unavailable (the aid did not exist that month)
    amount: float | None  # euros (or sessions); None for a right with no amount
    periodicity: str  # mensuelle, annuelle, ponctuelle, droit
    unit: str  # euros, eligibilite, seances
    reason: str
    estimated: bool = False  # depends on an estimated input (fiscal income N-2)
    already_received: bool = False  # declared in dossier.benefits_received
    computed_by: str = "openfisca-france"  # or "conditions"
    kind: str = "money"  # money, in_kind, loan_guarantee, bon_plan (catalogue KIND_LABELS)
    life_events: tuple[str, ...] = ()  # the catalogue's life events the aid belongs to
    beneficiaries: tuple[tuple[str, float], ...] = ()  # (person id, amount) for individual aids
    to_confirm: tuple[str, ...] = ()
    # Eligible, but the law lets the person have only one of it and `alternative_to`
    # (the better one): shown as « ou bien », never added to a total.
    alternative_to: str | None = None

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def counts_as_aid(self) -> bool:
        """Money or a right in kind: what « an aid found » means (a loan or a bon plan is not)."""
        return self.kind in COUNTED_KINDS

    @property
    def is_new_right(self) -> bool:
        return (self.status == ELIGIBLE and not self.already_received and self.alternative_to is None
                and self.counts_as_aid)

    @property
    def is_offer(self) -> bool:
        """A loan, a guarantee or a bon plan the person may use: shown, never counted."""
        return self.status == ELIGIBLE and not self.already_received and not self.counts_as_aid

    @property
    def monthly_amount(self) -> float:
        """Contribution to a monthly total: monthly aids only, euros only, one of alternatives."""
        if self.status != ELIGIBLE or self.unit != "euros" or self.periodicity != "mensuelle" or self.alternative_to:
            return 0.0
        return self.amount or 0.0

    @property
    def yearly_value(self) -> float:
        """Euros over a year, to rank aids of different periodicities; 0 without an amount."""
        if self.unit != "euros" or self.amount is None or self.alternative_to:
            return 0.0
        return self.amount * (12 if self.periodicity == "mensuelle" else 1)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["life_events"] = list(self.life_events)
        data["beneficiaries"] = [{"person": pid, "amount": amount} for pid, amount in self.beneficiaries]
        data["to_confirm"] = list(self.to_confirm)
        return data


def about(aid) -> dict:
    """What a result repeats of its catalogue entry (a catalogue Aid), in one place."""
    return {"aid_id": aid.id, "label": aid.label, "category": aid.category, "kind": aid.kind,
            "life_events": tuple(aid.life_events), "periodicity": aid.periodicity}


@dataclass(frozen=True)
class SimulationResult:
    month: str
    aids: tuple[AidResult, ...]
    fiscal_reference_income: float
    fiscal_income_estimated: bool
    openfisca_france_version: str
    openfisca_core_version: str
    rules_version: str = ""  # the catalogue's (a rules pack's version), '' for unversioned rules
    notes: tuple[str, ...] = field(default=())
    life_events: tuple[str, ...] = ()  # the dossier's, which rank the aids
    # The gross incomes and N-2 notice openfisca's rules turned the typed amounts into,
    # household by household: kept with a dossier, its next re-check starts from them.
    incomes_found: tuple[tuple[float, ...], ...] = field(default=(), compare=False)

    def by_relevance(self, aids) -> list[AidResult]:
        """The aids of the dossier's life events first, then the largest amounts, then by name."""
        events = set(self.life_events)
        return sorted(aids, key=lambda a: (not events & set(a.life_events), -a.yearly_value, a.label))

    def by_status(self, status: str) -> list[AidResult]:
        return [a for a in self.aids if a.status == status]

    @property
    def eligible(self) -> list[AidResult]:
        return self.by_status(ELIGIBLE)

    @property
    def to_check(self) -> list[AidResult]:
        return self.by_status(TO_CHECK)

    @property
    def not_eligible(self) -> list[AidResult]:
        return self.by_status(NOT_ELIGIBLE)

    @property
    def new_rights(self) -> list[AidResult]:
        """Money and rights in kind the person may claim and does not receive yet."""
        return [a for a in self.aids if a.is_new_right]

    @property
    def offers(self) -> list[AidResult]:
        """Loans, guarantees and bons plans open to the person."""
        return [a for a in self.aids if a.is_offer]

    @property
    def aids_found(self) -> list[AidResult]:
        """Eligible money and rights in kind, received or not: the headline count's aids."""
        return [a for a in self.eligible if a.counts_as_aid]

    def aid(self, aid_id: str) -> AidResult:
        return next(a for a in self.aids if a.aid_id == aid_id)

    @property
    def monthly_total(self) -> float:
        """Every monthly aid the household would have, received ones included."""
        return round(sum(a.monthly_amount for a in self.aids), 2)

    @property
    def new_rights_monthly_total(self) -> float:
        """The monthly aids not yet received: what the visit can add."""
        return round(sum(a.monthly_amount for a in self.new_rights), 2)

    def to_dict(self) -> dict:
        return {
            "month": self.month,
            "openfisca_france_version": self.openfisca_france_version,
            "openfisca_core_version": self.openfisca_core_version,
            "rules_version": self.rules_version,
            "fiscal_reference_income": self.fiscal_reference_income,
            "fiscal_income_estimated": self.fiscal_income_estimated,
            "monthly_total": self.monthly_total,
            "new_rights_monthly_total": self.new_rights_monthly_total,
            "notes": list(self.notes),
            "aids": [a.to_dict() for a in self.aids],
        }
