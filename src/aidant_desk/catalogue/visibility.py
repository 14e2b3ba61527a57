"""Which questions the form shows: rules/questions.yaml decides, not widget code."""
from __future__ import annotations

from typing import Any

from .model import Catalogue, Question


def relevant_questions(catalogue: Catalogue, life_events: list[str] | tuple[str, ...], full_check: bool) -> set[str]:
    """Questions the chosen life events bring (all of them for a full check)."""
    if full_check or not life_events:
        return {q.id for q in catalogue.questions}
    asked = {q.id for q in catalogue.questions if q.always}
    for event in catalogue.life_events:
        if event.id in life_events:
            asked.update(event.questions)
    return asked


def condition_holds(question: Question, value_of) -> bool:
    """visible_when: value_of(field) is one of the listed values (true without a rule)."""
    rule = question.visible_when
    return rule is None or value_of(rule["field"]) in rule["in"]


def visible_questions(catalogue: Catalogue, life_events, full_check: bool, values: dict[str, Any]) -> set[str]:
    """Household-level questions shown now, given the answers so far."""
    relevant = relevant_questions(catalogue, life_events, full_check)
    return {q.id for q in catalogue.questions if q.id in relevant and condition_holds(q, values.get)}
