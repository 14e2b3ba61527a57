"""rules/: loading, every kind of error named by file and field in French, open-data export."""
import csv
import json
import shutil

import pytest
import yaml
from jsonschema import Draft202012Validator

from aidant_desk.catalogue import export_catalogue, load_catalogue
from aidant_desk.catalogue.visibility import relevant_questions
from aidant_desk.cli import main
from aidant_desk.dossier import InvalidData
from aidant_desk.dossier.life_events import TRANSFORMATIONS
from aidant_desk.engine.checks import openfisca_problems

from .conftest import RULES

# shared/reference/openfisca-aids.md lists these national aids; each that still exists
# in November 2026 must be in the catalogue (apl/alf/als are within aide_logement).
REFERENCE_AIDS = """rsa ppa aide_logement reduction_loyer_solidarite af cf ars paje_base paje_naissance asf aeeh
aah caah aspa asi ass css_participation_forfaitaire cheque_energie bourse_college bourse_lycee
bourse_criteres_sociaux contrat_engagement_jeune agepi aide_mobilite aide_permis_demandeur_emploi visale_eligibilite
locapass_eligibilite mobili_jeune logement_social_eligible pass_sport pass_culture
livret_epargne_populaire_eligibilite ada aide_mobilite_master aide_mobilite_parcoursup garantie_pret_etudiant_eligibilite
pret_formation_permis_eligibilite gratuite_musees_monuments carte_sncf_eleve_apprenti_eligibilite
seances_sante_psy_etudiant depart1825_montant_maximum bail_reel_solidaire""".split()


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def problems_in(rules):
    with pytest.raises(InvalidData) as caught:
        load_catalogue(rules)
    return [str(p) for p in caught.value.problems]


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_catalogue_covers_the_reference_and_more(catalogue):
    ids = {a.id for a in catalogue.aids}
    assert len(ids) >= 40
    assert set(REFERENCE_AIDS) <= ids
    assert len(catalogue.condition_aids) >= 5
    assert {e.id for e in catalogue.life_events} == {
        "demenagement", "difficultes_paiement", "naissance", "perte_emploi", "retraite", "separation", "handicap", "etudes"}


def test_every_variable_exists_in_the_installed_openfisca_france(catalogue):
    assert openfisca_problems(catalogue) == []


def test_each_life_event_brings_aids_and_has_a_transformation(catalogue):
    for event in catalogue.life_events:
        assert catalogue.aids_for_event(event.id), event.id
        assert event.id in TRANSFORMATIONS
        for change in event.changes:
            keyword = change["field"].split(".", 1)[1]
            assert keyword in TRANSFORMATIONS[event.id].__code__.co_varnames, (event.id, keyword)


def test_a_life_event_asks_fewer_questions_than_a_full_check(catalogue):
    full = relevant_questions(catalogue, [], full_check=True)
    moving = relevant_questions(catalogue, ["demenagement"], full_check=False)
    assert "housing.move_in_date" in moving and "person.pregnant" not in moving
    assert moving < full


def test_malformed_yaml_names_the_file_and_line(rules_copy):
    (rules_copy / "aids" / "rsa.yaml").write_text("id: rsa\nlabel: [pas fermé\n", encoding="utf-8")
    found = problems_in(rules_copy)
    assert any(p.startswith("rsa.yaml : YAML mal formé (ligne") for p in found), found


@pytest.mark.parametrize("change,where,words", [
    (lambda d: d.update(category="cuisine"), "ppa.yaml › category", "valeur « cuisine » inconnue"),
    (lambda d: d.pop("documents"), "ppa.yaml › documents", "champ obligatoire manquant"),
    (lambda d: d.update(colour="bleu"), "ppa.yaml › colour", "champ inconnu"),
    (lambda d: d["how_to_apply"].update(online="http://caf.fr"), "ppa.yaml › how_to_apply.online", "n'est pas"),
    (lambda d: d.update(id="prime_activite"), "ppa.yaml › id", "doit être égal au nom du fichier"),
    (lambda d: d.update(life_events=["vacances"]), "ppa.yaml › life_events[0]", "événement de vie « vacances » inconnu"),
    (lambda d: d["computation"]["openfisca"].update(period="week"), "ppa.yaml › computation.openfisca.period",
     "valeurs possibles"),
])
def test_wrong_field_names_file_and_field(rules_copy, change, where, words):
    edit_yaml(rules_copy / "aids" / "ppa.yaml", change)
    found = problems_in(rules_copy)
    assert any(p.startswith(where) and words in p for p in found), found


def test_every_missing_field_is_named(rules_copy):
    def drop(data):
        for field in ("documents", "legal_source", "last_verified"):
            data.pop(field)

    edit_yaml(rules_copy / "aids" / "ppa.yaml", drop)
    found = problems_in(rules_copy)
    for field in ("documents", "legal_source", "last_verified"):
        assert any(p.startswith(f"ppa.yaml › {field}") and "champ obligatoire manquant" in p for p in found), found


def test_unknown_question_in_a_life_event(rules_copy):
    edit_yaml(rules_copy / "life_events" / "demenagement.yaml", lambda d: d["questions"].append("housing.garden"))
    found = problems_in(rules_copy)
    assert any("demenagement.yaml › questions[" in p and "« housing.garden » inconnue" in p for p in found)


def test_unknown_openfisca_variable_is_caught_by_rules_check(rules_copy, capsys):
    edit_yaml(rules_copy / "aids" / "ppa.yaml", lambda d: d["computation"]["openfisca"].update(variable="prime_activite"))
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 2
    err = capsys.readouterr().err
    assert "ppa.yaml › computation.openfisca" in err and "« prime_activite » inconnue" in err


def test_wrong_entity_is_caught_by_rules_check(rules_copy, capsys):
    edit_yaml(rules_copy / "aids" / "aah.yaml", lambda d: d["computation"]["openfisca"].update(entity="famille"))
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 2
    assert "« aah » est de l'entité individu, pas famille" in capsys.readouterr().err


def test_rules_check_reports_the_count(capsys):
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Catalogue valide : ") and "aides" in out


def test_json_export_validates_against_its_schema(catalogue, tmp_path):
    written = export_catalogue(catalogue, RULES, "json", tmp_path)
    assert tmp_path / "aids.json" in written
    aids = json.loads((tmp_path / "aids.json").read_text(encoding="utf-8"))
    schema = json.loads((tmp_path / "aids.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(aids)) == []
    assert [a["id"] for a in aids] == [a.id for a in catalogue.aids]
    # The schema is the one a contributor edits, copied beside the data.
    assert (tmp_path / "schemas" / "aid.schema.json").read_bytes() == (RULES / "schemas" / "aid.schema.json").read_bytes()
    events = json.loads((tmp_path / "life_events.json").read_text(encoding="utf-8"))
    assert "rsa" in next(e for e in events if e["id"] == "perte_emploi")["aids"]


def test_export_schema_rejects_a_broken_aid(catalogue, tmp_path):
    export_catalogue(catalogue, RULES, "json", tmp_path)
    schema = json.loads((tmp_path / "aids.schema.json").read_text(encoding="utf-8"))
    aids = json.loads((tmp_path / "aids.json").read_text(encoding="utf-8"))
    aids[0]["category"] = "cuisine"
    assert list(Draft202012Validator(schema).iter_errors(aids))


def test_csv_export(catalogue, tmp_path):
    export_catalogue(catalogue, RULES, "csv", tmp_path)
    with (tmp_path / "aids.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(catalogue.aids)
    rsa = next(r for r in rows if r["id"] == "rsa")
    assert rsa["openfisca_variable"] == "rsa" and rsa["computed_by"] == "openfisca-france"
    assert "Relevé d'identité bancaire (RIB)" in rsa["documents"].split("|")


def test_an_organisms_first_steps_are_each_said_once(catalogue):
    from aidant_desk.catalogue.model import first_steps

    housing, ppa, asf, css, af = (catalogue.aid(i) for i in ("aide_logement", "ppa", "asf", "css_gratuite", "af"))
    # The housing aid's step extends the PPA's and the ASF's (« … sur caf.fr » + when): said once.
    assert ppa.how_to_apply["instructions"].startswith("Faire la demande en ligne sur caf.fr.")
    assert first_steps([ppa, housing, asf]) == ["Faire la demande en ligne sur caf.fr dès l'entrée dans le logement."]
    # Without it, the shorter step stays; a different organism's step is kept beside it;
    # an aid paid without asking brings no step.
    assert first_steps([ppa, asf]) == ["Faire la demande en ligne sur caf.fr."]
    assert first_steps([ppa, css, af]) == ["Faire la demande en ligne sur caf.fr.",
                                           "Faire la demande sur ameli.fr ou envoyer le formulaire à la CPAM."]


@pytest.mark.parametrize("content", ["", "# l'aide sera décrite plus tard\n"])
def test_an_emptied_aid_file_is_an_error_naming_it(rules_copy, content, capsys):
    from aidant_desk.cli import main

    (rules_copy / "aids" / "ppa.yaml").write_text(content, encoding="utf-8")
    assert any(p.startswith("ppa.yaml") and "fichier vide" in p for p in problems_in(rules_copy))
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 2
    err = capsys.readouterr().err
    assert "ppa.yaml" in err and "fichier vide" in err and "Catalogue valide" not in err


def test_a_broken_schema_is_named_in_french(rules_copy, capsys):
    from aidant_desk.cli import main

    schema = rules_copy / "schemas" / "aid.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8")[:200], encoding="utf-8")  # cut mid-file
    found = problems_in(rules_copy)
    assert found and found[0].startswith("schemas/aid.schema.json") and "schéma mal formé (ligne" in found[0]
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 2
    err = capsys.readouterr().err
    assert "aid.schema.json" in err and "Traceback" not in err
