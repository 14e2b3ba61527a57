"""The desk: the use cases (simulate, hand out, book, keep a dossier, sync, settings),
each counted once, over the opened store.

The app and the CLI import from here only: the Desk, and the plain data and French
formats its use cases take and return. Nothing below this layer counts or opens the
store on its own."""
from .. import communes
from ..agenda import PARIS, PARTNERS, Agenda, AgendaError, AgendaSettings, Appointment, export_ics, paris_time, summary
from ..bench import EXAMPLES, REFERENCE_EXAMPLE
from ..catalogue import Catalogue, default_catalogue
from ..catalogue.visibility import condition_holds, relevant_questions
from ..dossier import (FORMAT_VERSION, GROSS_TYPES, HISTORY_MONTHS, Dossier, InvalidData, Person, add_months,
                       current_month, is_month, month_label, window)
from ..dossier.migration import upgrade
from ..engine.explain import DETAIL, EXPLAINED, RESULT, Explanation, explanation_rows, explanation_text
from ..engine.core import OPENFISCA_FRANCE_VERSION
from ..engine.results import STATUS_LABELS, AidResult, SimulationResult
from ..engine.scenarios import Comparison, EarningsLadder
from ..engine.service import Answer as EngineAnswer
from ..engine.service import Compare, Explain, Ladder, Ready as EngineReady, Refusal as EngineRefusal
from ..engine.service import Request as EngineRequest
from ..engine.service import Simulate, Stop as EngineStop
from ..formatting import clock, euros, french_date, long_date, number, when
from ..handout import HandoutOptions, select_aids
from ..labels import (ACTIVITIES, AMOUNT_BASES, COUPLE, HOUSING_STATUS, NOTICE_INCOMES, RESOURCE_TYPES, ROLES,
                      SCHOOL_LEVELS, SELF_EMPLOYMENT_KINDS)
from ..report import amount_text, results_table
from ..site import SiteSettings
from ..logs import start_logging
from ..store import StoreError, default_path as default_store_path, sqlite_problem
from ..sync import NotConfigured, SyncReport
from .delivery import BuildHandout, Handout
from .desk import Desk
from .dossiers import MOST_RETENTION_MONTHS, Consent, KeptDossier, OpenedDossier, matching
from .recheck import AidChanged, DossierChanged, RecheckReport, state_text
from .rules import check_rules, export_rules
from .settings import DeskSettings
from .visit_summary import visit_summary

__all__ = [
    # the use cases
    "Desk", "DeskSettings", "Handout", "BuildHandout", "check_rules", "export_rules", "visit_summary",
    "Consent", "KeptDossier", "OpenedDossier", "MOST_RETENTION_MONTHS", "matching", "AidChanged", "DossierChanged", "RecheckReport", "state_text",
    "OPENFISCA_FRANCE_VERSION",
    # the engine process and its typed messages
    "EngineRequest", "Simulate", "Compare", "Explain", "Ladder", "EngineStop", "EngineReady", "EngineAnswer",
    "EngineRefusal",
    # dossiers, months and the catalogue
    "Dossier", "Person", "InvalidData", "FORMAT_VERSION", "GROSS_TYPES", "HISTORY_MONTHS", "add_months", "window",
    "current_month", "is_month", "month_label", "upgrade", "Catalogue", "default_catalogue", "condition_holds",
    "relevant_questions", "communes", "EXAMPLES", "REFERENCE_EXAMPLE",
    # French labels and formats
    "ACTIVITIES", "AMOUNT_BASES", "COUPLE", "HOUSING_STATUS", "NOTICE_INCOMES", "RESOURCE_TYPES", "ROLES",
    "SCHOOL_LEVELS", "SELF_EMPLOYMENT_KINDS", "clock", "euros", "french_date", "long_date", "number", "when",
    # results and the handout
    "SimulationResult", "AidResult", "STATUS_LABELS", "EXPLAINED", "Explanation", "explanation_rows", "explanation_text", "DETAIL", "RESULT", "Comparison", "EarningsLadder", "amount_text", "results_table",
    "HandoutOptions", "select_aids", "SiteSettings",
    # the agenda, the store and sync
    "PARIS", "PARTNERS", "Agenda", "AgendaError", "AgendaSettings", "Appointment", "export_ics", "paris_time",
    "summary", "StoreError", "sqlite_problem", "start_logging", "default_store_path", "NotConfigured", "SyncReport",
]
