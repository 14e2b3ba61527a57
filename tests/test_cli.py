"""The aidant-desk command, as a script or CI calls it."""
import json
import subprocess
import sys

import pytest

from aidant_desk.cli import main

from .conftest import EXAMPLES


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "aidant_desk.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_simulate_every_example_as_json(path, capsys):
    assert main(["simulate", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-11"
    assert data["openfisca_france_version"] == "176.1.8"
    assert data["aids"]
    for aid in data["aids"]:
        assert aid["reason"], aid["aid_id"]
        assert aid["status"] in ("eligible", "to_check", "not_eligible")
        assert aid["periodicity"] in ("mensuelle", "annuelle", "ponctuelle", "droit")
    assert any(a["status"] == "eligible" for a in data["aids"])


def test_simulate_table_in_french(capsys):
    assert main(["simulate", str(EXAMPLES / "parent_isole_deux_enfants.json")]) == 0
    out = capsys.readouterr().out
    assert "Simulation pour novembre 2026" in out
    assert "Aides possibles" in out and "Aides non ouvertes" in out
    assert "Prime d'activité" in out and "\u00a0€ par mois" in out


def test_invalid_dossier_exits_2_with_french_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1, "people": [{"id": "a", "role": "applicant", "birth_date": "1980-01-01",'
                   ' "activity": "worker"}], "housing": {"commune": "1305"}}', encoding="utf-8")
    done = run_cli("simulate", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "people[0].activity : valeur « worker » inconnue" in done.stderr
    assert "housing.commune" in done.stderr


def test_unknown_benefit_received_is_named(tmp_path, capsys):
    data = json.loads((EXAMPLES / "personne_seule_sans_revenu.json").read_text(encoding="utf-8"))
    data["benefits_received"] = {"rsa_jeune": 100}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["simulate", str(path)]) == 2
    assert "benefits_received.rsa_jeune : aide inconnue du catalogue" in capsys.readouterr().err


def test_month_option_overrides_the_dossier(capsys):
    assert main(["simulate", str(EXAMPLES / "retraite_petite_pension.json"), "--month", "2026-10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["month"] == "2026-10"


def test_bad_month_option_is_refused():
    done = run_cli("simulate", str(EXAMPLES / "retraite_petite_pension.json"), "--month", "novembre")
    assert done.returncode == 2 and "n'est pas un mois AAAA-MM" in done.stderr


@pytest.mark.parametrize("fmt,name", [("json", "aids.json"), ("csv", "aids.csv")])
def test_rules_export_command(tmp_path, fmt, name, capsys):
    assert main(["rules", "export", "--format", fmt, "-o", str(tmp_path)]) == 0
    assert (tmp_path / name).exists()


def test_unwritable_output_gives_a_french_message(tmp_path, capsys):
    target = tmp_path / "absent" / "sous-dossier" / "recap.pdf"
    assert main(["handout", str(EXAMPLES / "retraite_petite_pension.json"), "-o", str(target),
                 "--database", str(tmp_path / "desk.db")]) == 3
    err = capsys.readouterr().err
    assert "impossible de lire ou d'écrire" in err and "dossier introuvable" in err


def test_not_a_number_is_refused(tmp_path, capsys):
    bad = tmp_path / "nan.json"
    bad.write_text('{"format_version": 1, "month": "2026-11", "people": [{"id": "a", "role": "applicant", '
                   '"birth_date": "1980-01-01"}], "housing": {"rent": NaN}}', encoding="utf-8")
    assert main(["simulate", str(bad)]) == 2
    assert "« NaN » n'est pas un nombre" in capsys.readouterr().err


def test_birth_dates_are_checked_against_the_simulated_month(tmp_path, capsys):
    future = tmp_path / "futur.json"
    future.write_text('{"format_version": 1, "people": [{"id": "a", "role": "applicant", '
                      '"birth_date": "2031-01-01"}]}', encoding="utf-8")
    assert main(["simulate", str(future), "--month", "2026-11"]) == 2
    assert "people[0].birth_date : seul un enfant peut être à naître" in capsys.readouterr().err
