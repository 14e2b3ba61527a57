"""Engine layer: dossier -> openfisca-france situation -> per-aid results."""
from .core import OPENFISCA_CORE_VERSION, OPENFISCA_FRANCE_VERSION, Engine, build_simulation, tax_benefit_system
from .results import ELIGIBLE, NOT_ELIGIBLE, STATUS_LABELS, TO_CHECK, AidResult, SimulationResult

__all__ = [
    "OPENFISCA_CORE_VERSION", "OPENFISCA_FRANCE_VERSION", "Engine", "build_simulation", "tax_benefit_system",
    "ELIGIBLE", "NOT_ELIGIBLE", "STATUS_LABELS", "TO_CHECK", "AidResult", "SimulationResult",
]
