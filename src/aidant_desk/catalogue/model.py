"""The catalogue of aids, life events and questions, as read from rules/."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

CATEGORY_LABELS = {
    "logement": "Logement",
    "famille": "Famille",
    "sante": "Santé",
    "emploi": "Emploi",
    "energie": "Énergie",
    "handicap": "Handicap",
    "retraite": "Retraite",
    "etudes": "Études",
    "mobilite": "Mobilité",
    "justice": "Justice",
    "insertion": "Insertion",
    "jeunesse": "Jeunesse",
    "loisirs": "Culture et loisirs",
    "epargne": "Épargne",
}

# What the person receives. Only money and rights in kind count as an aid found (the
# programme's headline figure); loans, guarantees and bons plans are shown apart.
KIND_LABELS = {
    "money": "Aides en argent",
    "in_kind": "Droits en nature (santé, cartes, services)",
    "loan_guarantee": "Prêts et garanties",
    "bon_plan": "Bons plans",
}
COUNTED_KINDS = ("money", "in_kind")

PERIODICITY_LABELS = {
    "mensuelle": "par mois",
    "annuelle": "par an",
    "ponctuelle": "une fois",
    "droit": "droit ouvert",
}


@dataclass(frozen=True)
class OpenfiscaComputation:
    variable: str
    entity: str
    period: str  # month or year
    amount_is_annual: bool = False
    unit: str = "euros"  # euros, eligibilite, seances, participation (paid by the person)
    uses_fiscal_income: bool = False
    uses_parental_income: bool = False
    aggregate: str = "sum"  # sum or max over the household's people, for individual variables
    counts_unborn: bool = False  # read where the expected child is counted (prime à la naissance)


@dataclass(frozen=True)
class Condition:
    fact: str  # "" for a group of alternatives
    op: str
    value: Any
    fail: str
    aids: tuple[str, ...] = ()
    any: tuple["Condition", ...] = ()  # holds when one of these holds


@dataclass(frozen=True)
class ConditionsComputation:
    conditions: tuple[Condition, ...]
    to_confirm: tuple[str, ...] = ()
    amount: float | None = None
    amount_note: str = ""


@dataclass(frozen=True)
class Criterion:
    variable: str
    entity: str
    fail: str
    expected: bool = True
    period: str = "month"
    years_back: int = 0  # period year: that many years before the simulated month's year (2: N-2)
    # A limit instead of `expected`: a number, an openfisca variable or a parameter path
    # ("prestations_sociales.…"); the criterion holds when the value is within it.
    at_most: float | str | None = None
    at_least: float | str | None = None


@dataclass(frozen=True)
class Aid:
    id: str
    label: str
    description: str
    institution: str
    category: str
    kind: str  # a KIND_LABELS key
    life_events: tuple[str, ...]
    periodicity: str
    computation: OpenfiscaComputation | ConditionsComputation
    how_to_apply: dict
    documents: tuple[str, ...]
    legal_source: dict
    last_verified: str
    short_label: str = ""
    scope: str = "national"
    criteria: tuple[Criterion, ...] = ()
    eligible_reason: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def openfisca(self) -> OpenfiscaComputation | None:
        return self.computation if isinstance(self.computation, OpenfiscaComputation) else None

    @property
    def conditions(self) -> ConditionsComputation | None:
        return self.computation if isinstance(self.computation, ConditionsComputation) else None

    @property
    def contact(self) -> str:
        """Whom the person asks: how_to_apply.contact, else the institution."""
        return self.how_to_apply.get("contact") or self.institution

    @property
    def paid_without_asking(self) -> bool:
        """Paid when the organism knows the situation (how_to_apply.automatic): no step, no paper."""
        return bool(self.how_to_apply.get("automatic"))

    @property
    def first_step(self) -> str:
        """The first sentence of how to apply: the one step the handout and the summary give."""
        instructions = self.how_to_apply["instructions"].strip()
        match = re.match(r"(.+?[.!?])(\s|$)", instructions)
        return match.group(1) if match else instructions


def first_steps(aids) -> list[str]:
    """The first steps of the aids to ask, each said once: a step another one extends
    (« … sur caf.fr. » and « … sur caf.fr dès l'entrée dans le logement. ») is left out."""
    steps = list(dict.fromkeys(aid.first_step for aid in aids if not aid.paid_without_asking))
    return [step for step in steps
            if not any(other != step and other.startswith(step.rstrip(".!?")) for other in steps)]


@dataclass(frozen=True)
class LifeEvent:
    id: str
    label: str
    description: str
    questions: tuple[str, ...]
    changes: tuple[dict, ...]
    order: int = 0


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    label: str
    help: str = ""
    always: bool = False
    visible_when: dict | None = None


@dataclass(frozen=True)
class Alternative:
    """Aids the law does not let a person add up: one option or another (rules/alternatives.yaml)."""

    id: str
    options: tuple[tuple[str, ...], ...]
    reason: str
    legal_source: dict

    @property
    def aids(self) -> tuple[str, ...]:
        return tuple(a for option in self.options for a in option)


@dataclass(frozen=True)
class Catalogue:
    aids: tuple[Aid, ...]
    life_events: tuple[LifeEvent, ...]
    questions: tuple[Question, ...]
    alternatives: tuple[Alternative, ...] = ()
    # The pack's version ('' for unversioned rules); out of repr, so of the fingerprint: same rules, same results.
    version: str = field(default="", repr=False, compare=False)

    def aid(self, aid_id: str) -> Aid:
        return self._aids_by_id()[aid_id]

    @property
    def fingerprint(self) -> str:
        """Changes whenever an entry does: a dossier saved under other rules is re-checked."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]

    def _aids_by_id(self) -> dict[str, Aid]:
        return {a.id: a for a in self.aids}

    def has_aid(self, aid_id: str) -> bool:
        return aid_id in self._aids_by_id()

    @property
    def openfisca_aids(self) -> list[Aid]:
        return [a for a in self.aids if a.openfisca]

    @property
    def condition_aids(self) -> list[Aid]:
        return [a for a in self.aids if a.conditions]

    def aids_for_event(self, event_id: str) -> list[Aid]:
        return [a for a in self.aids if event_id in a.life_events]

    def life_event(self, event_id: str) -> LifeEvent:
        return next(e for e in self.life_events if e.id == event_id)
