"""The tax-benefit system built from the cache is openfisca-france's own: the same
parameters at every date, the same variables and formulas, the same amounts as one
built the usual way (FranceTaxBenefitSystem()). A damaged, foreign or unwritable cache
costs time, never a result."""
import logging
import sys

import pytest
from openfisca_core.parameters import Parameter, ParameterNode, ParameterScale
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_france import FranceTaxBenefitSystem

from aidant_desk.engine import system_cache


@pytest.fixture(scope="module")
def usual():
    return FranceTaxBenefitSystem()


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _values(node, out=None) -> dict:
    """Every value of every parameter, by name and start date."""
    out = {} if out is None else out
    if isinstance(node, Parameter):
        out[node.name] = [(v.instant_str, v.value) for v in node.values_list]
    elif isinstance(node, ParameterScale):
        for i, bracket in enumerate(node.brackets):
            for key, child in bracket.children.items():
                out[f"{node.name}[{i}].{key}"] = [(v.instant_str, v.value) for v in child.values_list]
    else:
        assert isinstance(node, ParameterNode), type(node)
        for child in node.children.values():
            _values(child, out)
    return out


def _formulas(tbs) -> dict:
    return {name: {start: f.__code__.co_code for start, f in variable.formulas.items()}
            for name, variable in tbs.variables.items()}


# A couple with a child, rent and wages: housing aid, family and activity benefits.
SITUATION = {
    "individus": {"a": {"salaire_de_base": {"2026-11": 1500, "2026-10": 1500}, "date_naissance": {"ETERNITY": "1988-03-01"}},
                  "b": {"date_naissance": {"ETERNITY": "1990-06-01"}},
                  "c": {"date_naissance": {"ETERNITY": "2019-01-01"}}},
    "familles": {"f": {"parents": ["a", "b"], "enfants": ["c"],
                       "aide_logement": {"2026-11": None}, "ppa": {"2026-11": None}, "rsa": {"2026-11": None}}},
    "foyers_fiscaux": {"ff": {"declarants": ["a", "b"], "personnes_a_charge": ["c"]}},
    "menages": {"m": {"personne_de_reference": ["a"], "conjoint": ["b"], "enfants": ["c"],
                      "loyer": {"2026-11": 700}, "statut_occupation_logement": {"2026-11": "locataire_vide"},
                      "depcom": {"2026-11": "69123"}}},
}


def _amounts(tbs) -> dict:
    simulation = SimulationBuilder().build_from_entities(tbs, SITUATION)
    return {name: float(simulation.calculate(name, "2026-11")[0]) for name in ("aide_logement", "ppa", "rsa", "af")}


def test_the_cached_system_is_openfisca_frances_own(usual, cache_dir):
    first = system_cache.build()  # builds the parameters and writes the cache
    assert (cache_dir / system_cache.cache_name()).is_file()
    cached = system_cache.build()  # reads it
    assert type(cached) is FranceTaxBenefitSystem
    expected = _values(usual.parameters)
    assert len(expected) > 3000
    assert _values(first.parameters) == expected
    assert _values(cached.parameters) == expected
    assert _formulas(cached) == _formulas(usual)
    assert cached.cache_blacklist == usual.cache_blacklist
    amounts = _amounts(usual)
    assert amounts["aide_logement"] > 0 and amounts["ppa"] > 0  # the situation reaches the formulas
    assert _amounts(cached) == amounts


def test_a_damaged_cache_is_rebuilt(usual, cache_dir, caplog):
    system_cache.build()
    path = cache_dir / system_cache.cache_name()
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    with caplog.at_level(logging.WARNING):
        tbs = system_cache.build()
    assert "illisible" in caplog.text
    assert _values(tbs.parameters) == _values(usual.parameters)
    assert system_cache.read_cache() is not None  # written again, sound


def test_an_upgrade_reads_no_cache_of_the_version_before(cache_dir, monkeypatch):
    system_cache.build()
    monkeypatch.setattr(system_cache, "version", lambda name: "999.0.0")
    assert system_cache.read_cache() is None
    assert not (cache_dir / system_cache.cache_name()).exists()


def test_a_cache_folder_that_cannot_be_written_costs_time_only(usual, tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("AIDANT_DESK_CACHE", str(blocked / "cache"))
    with caplog.at_level(logging.WARNING):
        tbs = system_cache.build()
    assert "non écrit" in caplog.text
    assert _values(tbs.parameters) == _values(usual.parameters)


def test_a_bundle_reads_the_cache_written_into_it(cache_dir, tmp_path, monkeypatch, capsys):
    bundle = tmp_path / "bundle"
    assert system_cache.main([str(bundle / system_cache.BUNDLED_FOLDER)]) == 0
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert system_cache.cache_folders()[0] == bundle / system_cache.BUNDLED_FOLDER
    assert system_cache.read_cache() is not None
    assert not cache_dir.exists()  # found in the bundle: the user's folder untouched
