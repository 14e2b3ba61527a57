"""Every validation error names the field and says in French what is wrong."""
import copy
import json
from datetime import date

import pytest

from aidant_desk.dossier import Dossier, InvalidData

from .conftest import EXAMPLES

VALID = {
    "format_version": 1,
    "month": "2026-11",
    "people": [
        {"id": "a", "role": "applicant", "birth_date": "1980-01-01", "activity": "employed"},
        {"id": "b", "role": "spouse", "birth_date": "1982-05-05"},
        {"id": "c", "role": "child", "birth_date": "2015-03-03", "school_level": "college"},
    ],
    "couple": "married",
    "housing": {"status": "tenant_unfurnished", "rent": 600, "charges": 50, "commune": "13055"},
    "resources": [{"person": "a", "type": "wages", "same_every_month": 1500}],
    "fiscal_reference_income": 16000,
    "assets": {"savings": 100},
    "benefits_received": {"af": 150},
}


def problems_of(data):
    with pytest.raises(InvalidData) as caught:
        Dossier.from_dict(data)
    return {p.field: p.message for p in caught.value.problems}


def mutated(path, value):
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()

CASES = [
    (("format_version",), 3, "format_version", "doit valoir 2"),
    (("format_version",), DELETE, "format_version", "champ obligatoire manquant"),
    (("people",), [], "people", "au moins 1"),
    (("people", 0, "role"), "boss", "people[0].role", "valeur « boss » inconnue"),
    (("people", 0, "birth_date"), "01/01/1980", "people[0].birth_date", "date au format AAAA-MM-JJ"),
    (("people", 0, "birth_date"), DELETE, "people[0].birth_date", "champ obligatoire manquant"),
    (("people", 0, "activity"), "worker", "people[0].activity", "valeurs possibles"),
    (("people", 0, "disability_rate"), 120, "people[0].disability_rate", "ne doit pas dépasser 100"),
    (("people", 0, "pregnant"), "False", "people[0].pregnant", "vrai ou faux"),
    (("people", 0, "nickname"), "x", "people[0].nickname", "champ inconnu"),
    (("couple",), "together", "couple", "valeurs possibles"),
    (("housing", "status"), "castle", "housing.status", "valeurs possibles"),
    (("housing", "rent"), -5, "housing.rent", "doit être au moins 0"),
    (("housing", "rent"), "600", "housing.rent", "doit être un nombre"),
    (("housing", "commune"), "13000 Marseille", "housing.commune", "code INSEE"),
    (("resources", 0, "type"), "lottery", "resources[0].type", "valeurs possibles"),
    (("resources", 0, "months"), {"2026-13": 10}, "resources[0].months", "n'est pas un mois au format AAAA-MM"),
    (("fiscal_reference_income",), "beaucoup", "fiscal_reference_income", "doit être un nombre ou vide"),
    (("assets", "savings"), -1, "assets.savings", "au moins 0"),
    (("benefits_received",), {"af": -3}, "benefits_received.af", "au moins 0"),
    (("month",), "2026-13", "month", "mois au format AAAA-MM"),
]


@pytest.mark.parametrize("path,value,field,words", CASES, ids=[c[2] + ":" + c[3][:12] for c in CASES])
def test_schema_errors_name_the_field_in_french(path, value, field, words):
    found = problems_of(mutated(path, value))
    assert field in found, found
    assert words in found[field]


def test_impossible_date_is_named():
    found = problems_of(mutated(("people", 0, "birth_date"), "2026-02-30"))
    assert "n'est pas une date qui existe" in found["people[0].birth_date"]


@pytest.mark.parametrize("change,field,words", [
    (lambda d: d["people"].append({"id": "a", "role": "other", "birth_date": "1990-01-01"}), "people[3].id", "déjà utilisé"),
    (lambda d: d["people"][0].update(role="other"), "people", "exactement une personne"),
    (lambda d: d["people"].append({"id": "z", "role": "spouse", "birth_date": "1990-01-01"}), "people", "qu'un conjoint"),
    (lambda d: d.update(couple="single"), "couple", "un conjoint est déclaré"),
    (lambda d: d["people"].pop(1), "couple", "demande un conjoint"),
    (lambda d: d["resources"][0].update(person="nobody"), "resources[0].person", "aucune personne"),
    (lambda d: d["resources"][0].pop("same_every_month"), "resources[0]", "same_every_month ou des montants"),
    (lambda d: d["people"][0].update(birth_date="2027-01-01"), "people[0].birth_date", "seul un enfant"),
    (lambda d: d["people"][2].update(birth_date="2028-01-01"), "people[2].birth_date", "plus de 9 mois"),
])
def test_consistency_errors(change, field, words):
    data = copy.deepcopy(VALID)
    change(data)
    found = problems_of(data)
    assert words in found[field], found


def test_every_problem_is_reported_at_once():
    data = mutated(("couple",), "together")
    data["housing"]["rent"] = -1
    assert set(problems_of(data)) == {"couple", "housing.rent"}


def test_malformed_and_missing_files_give_french_messages(tmp_path):
    broken = tmp_path / "cassé.json"
    broken.write_text('{"format_version": 1,', encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        Dossier.load(broken)
    assert "pas un JSON valide (ligne 1" in str(caught.value)
    with pytest.raises(InvalidData) as caught:
        Dossier.load(tmp_path / "absent.json")
    assert "fichier introuvable" in str(caught.value)


def test_round_trip_keeps_everything(tmp_path):
    dossier = Dossier.from_dict(VALID)
    path = tmp_path / "d.json"
    dossier.save(path)
    again = Dossier.load(path)
    assert again == dossier
    assert json.loads(path.read_text(encoding="utf-8"))["people"][2]["school_level"] == "college"


def test_same_every_month_and_explicit_months():
    data = copy.deepcopy(VALID)
    data["resources"][0]["months"] = {"2026-10": 900}
    dossier = Dossier.from_dict(data)
    wages = dossier.resources[0]
    assert wages.amount("2026-10") == 900
    assert wages.amount("2026-09") == 1500


def test_household_helpers():
    dossier = Dossier.from_dict(VALID)
    assert dossier.applicant.id == "a" and dossier.spouse.id == "b"
    assert [c.id for c in dossier.children] == ["c"]
    assert not dossier.single_parent
    assert dossier.applicant.age(date(2026, 11, 1)) == 46
    assert len(dossier.history("2026-11")) == 13


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_examples_are_valid(path):
    dossier = Dossier.load(path)
    assert dossier.month == "2026-11"
