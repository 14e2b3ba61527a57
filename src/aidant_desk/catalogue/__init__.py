"""Catalogue layer: the aids, life events and questions of rules/, validated."""
from .export import export_catalogue
from .loader import default_catalogue, load_catalogue, rules_dir
from .model import (
    CATEGORY_LABELS, COUNTED_KINDS, KIND_LABELS, PERIODICITY_LABELS, Aid, Alternative, Catalogue, Condition,
    ConditionsComputation,
    Criterion, LifeEvent, OpenfiscaComputation, Question,
)

__all__ = [
    "export_catalogue", "default_catalogue", "load_catalogue", "rules_dir",
    "CATEGORY_LABELS", "COUNTED_KINDS", "KIND_LABELS", "PERIODICITY_LABELS", "Aid", "Alternative", "Catalogue", "Condition",
    "ConditionsComputation", "Criterion", "LifeEvent", "OpenfiscaComputation", "Question",
]
