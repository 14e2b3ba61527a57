"""What the engine returns for one dossier: one AidResult per aid of the catalogue."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
    beneficiaries: tuple[tuple[str, float], ...] = ()  # (person id, amount) for individual aids
    to_confirm: tuple[str, ...] = ()
    # Eligible, but the law lets the person have only one of it and `alternative_to`
    # (the better one): shown as « ou bien », never added to a total.
    alternative_to: str | None = None

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def is_new_right(self) -> bool:
        return self.status == ELIGIBLE and not self.already_received and self.alternative_to is None

    @property
    def monthly_amount(self) -> float:
        """Contribution to a monthly total: monthly aids only, euros only, one of alternatives."""
        if self.status != ELIGIBLE or self.unit != "euros" or self.periodicity != "mensuelle" or self.alternative_to:
            return 0.0
        return self.amount or 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["beneficiaries"] = [{"person": pid, "amount": amount} for pid, amount in self.beneficiaries]
        data["to_confirm"] = list(self.to_confirm)
        return data


@dataclass(frozen=True)
class SimulationResult:
    month: str
    aids: tuple[AidResult, ...]
    fiscal_reference_income: float
    fiscal_income_estimated: bool
    openfisca_france_version: str
    openfisca_core_version: str
    notes: tuple[str, ...] = field(default=())

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
        return [a for a in self.aids if a.is_new_right]

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
            "fiscal_reference_income": self.fiscal_reference_income,
            "fiscal_income_estimated": self.fiscal_income_estimated,
            "monthly_total": self.monthly_total,
            "new_rights_monthly_total": self.new_rights_monthly_total,
            "notes": list(self.notes),
            "aids": [a.to_dict() for a in self.aids],
        }
