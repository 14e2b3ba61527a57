"""Shared fixtures. Qt runs headless; the engine is loaded once per test session."""
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test touches the developer's own keyring: the dossiers' key goes to a file in the test's home.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
# openfisca's parameters cached for this session and the processes it starts, not in the user's cache.
os.environ.setdefault("AIDANT_DESK_CACHE", tempfile.mkdtemp(prefix="aidant-desk-cache-"))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
MONTH = "2026-11"  # tests fix the simulated month, never "today"


@pytest.fixture(scope="session")
def catalogue():
    from aidant_desk.catalogue import load_catalogue

    return load_catalogue(RULES)


@pytest.fixture(scope="session")
def engine(catalogue):
    from aidant_desk.engine import Engine

    return Engine(catalogue)


@pytest.fixture(scope="session")
def tbs():
    from aidant_desk.engine import tax_benefit_system

    return tax_benefit_system()


def example(name: str):
    from aidant_desk.dossier import Dossier

    return Dossier.load(EXAMPLES / f"{name}.json")


@pytest.fixture(scope="session")
def engine_client(qapp):
    """The app's engine process, started once for the Qt tests."""
    from aidant_desk.app.engine_client import EngineClient

    client = EngineClient()
    client.start()
    yield client
    client.stop()


# Hypothesis (tests/test_fuzz_*.py): « ci » by default, few examples and the same ones every run;
# HYPOTHESIS_PROFILE=fuzz (scripts/fuzz) tries many more, new ones each time. Nothing is written in the repository.
from hypothesis import settings as _hypothesis_settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir as _hypothesis_home  # noqa: E402

_hypothesis_home(os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or tempfile.mkdtemp(prefix="aidant-desk-hypothesis-"))

_hypothesis_settings.register_profile("ci", max_examples=50, derandomize=True, database=None, deadline=None)
_hypothesis_settings.register_profile("fuzz", max_examples=200, database=None, deadline=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
