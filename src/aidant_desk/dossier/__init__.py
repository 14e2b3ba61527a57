"""Domain layer: the dossier (household data), its validation and its months.

Standard library and jsonschema only: no engine, no Qt.
"""
from .model import (FORMAT_VERSION, GROSS_TYPES, HISTORY_MONTHS, SCHEMA, SCHEMA_PATH, Assets, Dossier, Housing,
                    MonthlyAmounts, NoticeIncome, Person, Resource)
from .months import add_months, current_month, first_day, is_month, month_label, window
from ..validation import InvalidData, Problem, schema_problems

__all__ = [
    "FORMAT_VERSION", "GROSS_TYPES", "HISTORY_MONTHS", "SCHEMA", "SCHEMA_PATH", "Assets", "Dossier", "Housing",
    "MonthlyAmounts", "NoticeIncome", "Person", "Resource",
    "add_months", "current_month", "first_day", "is_month", "month_label", "window",
    "InvalidData", "Problem", "schema_problems",
]
