"""« Comment ce montant est calculé » : the lines of RSA, prime d'activité, housing aid, AF, ASF, ASPA, AAH
add up to the engine's amount, and each figure is openfisca's own variable, recomputed
here from a fresh simulation of the engine's situation."""
import json

import pytest

from aidant_desk.cli import main
from aidant_desk.dossier import Dossier, InvalidData
from aidant_desk.engine.core import build_simulation
from aidant_desk.engine.explain import DETAIL, RESOURCES, RESULT, explain, explanation_text

from .conftest import EXAMPLES, MONTH

PATHS = sorted(EXAMPLES.glob("*.json"))
AIDS = ["rsa", "ppa", "aide_logement", "af", "asf", "aspa", "aah"]
ENGINE_VARIABLE = {aid: aid for aid in AIDS}  # each result line is the aid's own openfisca variable


@pytest.fixture(scope="module")
def cases(engine):
    """Per example: the dossier, its engine result, a fresh simulation of its situation."""
    out = {}
    for path in PATHS:
        dossier = Dossier.load(path).with_month(MONTH)
        out[path.stem] = (dossier, engine.simulate(dossier), build_simulation(engine.situation([dossier])))
    return out


def recompute(simulation, line) -> float:
    """The line's variable, read by openfisca for d0_famille (or the person), averaged over its periods."""
    famille = simulation.populations["famille"]
    position = list(famille.ids).index("d0_famille")
    entity = simulation.tax_benefit_system.variables[line.variable].entity.key
    total = 0.0
    for period in line.periods:
        values = simulation.calculate(line.variable, period)
        if line.person:
            total += float(values[list(simulation.populations["individu"].ids).index(line.person)])
        elif entity == "individu":
            total += float(famille.sum(values)[position])  # openfisca's own sum over the famille's members
        else:
            total += float(values[position])
    return total / len(line.periods)


@pytest.mark.parametrize("aid_id", AIDS)
@pytest.mark.parametrize("name", [p.stem for p in PATHS])
def test_lines_add_up_to_the_engine_amount(engine, cases, name, aid_id):
    dossier, result, _ = cases[name]
    explanation = explain(engine, dossier, aid_id)
    aid = result.aid(aid_id)
    amount = float(aid.amount or 0.0)
    assert explanation.amount == amount
    assert explanation.lines[-1].role == RESULT
    assert explanation.lines[-1].amount == pytest.approx(amount, abs=0.005)
    if aid.eligible:
        assert abs(explanation.total() - amount) <= 1.0
    # No line hides a gap: the catch-all rounding of centimes stays a few cents.
    for line in explanation.lines:
        if line.label.startswith("Arrondi des centimes"):
            assert abs(line.amount) <= 0.03
    assert explanation.total() == pytest.approx(amount, abs=0.03)


@pytest.mark.parametrize("aid_id", AIDS)
@pytest.mark.parametrize("name", [p.stem for p in PATHS])
def test_each_figure_is_the_openfisca_variable_it_names(engine, cases, name, aid_id):
    dossier, _, simulation = cases[name]
    explanation = explain(engine, dossier, aid_id)
    named = [line for line in explanation.lines if line.variable]
    assert named, "an explanation shows openfisca's variables"
    for line in named:
        value = recompute(simulation, line)
        expected = value if line.role in (DETAIL, RESULT) else line.sign * value
        assert line.amount == pytest.approx(expected, abs=0.006), (line.label, line.variable)
    # The result is the aid's own variable, for the famille, at the month.
    assert explanation.lines[-1].variable == ENGINE_VARIABLE[aid_id]
    assert explanation.lines[-1].periods == (MONTH,)


@pytest.mark.parametrize("name", [p.stem for p in PATHS])
def test_rsa_resources_are_detailed_by_person_and_kind(engine, cases, name):
    dossier, _, simulation = cases[name]
    lines = list(explain(engine, dossier, "rsa").lines)
    resources = next(i for i, line in enumerate(lines) if line.role == RESOURCES)
    details = []
    for line in lines[resources + 1:]:
        if line.role != DETAIL:
            break
        details.append(line)
    assert sum(d.amount for d in details) == pytest.approx(-lines[resources].amount, abs=0.05)
    assert "août 2026" in lines[resources].label and "octobre 2026" in lines[resources].label


def test_expected_lines_for_a_working_single_parent(engine, cases):
    dossier, _, _ = cases["parent_isole_deux_enfants"]
    variables = {aid: [line.variable for line in explain(engine, dossier, aid).lines] for aid in AIDS}
    assert {"ppa_fictive_montant_forfaitaire", "ppa_bonification", "ppa_fictive_ressource_activite",
            "ppa_base_ressources", "ppa_forfait_logement", "ppa"} <= set(variables["ppa"])
    assert {"rsa_socle", "rsa_forfait_logement", "rsa_base_ressources", "rsa"} <= set(variables["rsa"])
    assert {"aide_logement_loyer_retenu", "aide_logement_charges", "aide_logement_participation_personnelle",
            "crds_logement", "aide_logement"} <= set(variables["aide_logement"])
    text = explanation_text(explain(engine, dossier, "aide_logement"))
    assert "Arrondi à l'euro inférieur" in text and "novembre 2026" in text


def test_unknown_or_unexplained_aid_is_refused_in_french(engine, cases):
    dossier, _, _ = cases["parent_isole_deux_enfants"]
    with pytest.raises(InvalidData, match="pas encore disponible"):
        explain(engine, dossier, "ars")
    with pytest.raises(InvalidData, match="inconnue"):
        explain(engine, dossier, "pas_une_aide")


def test_cli_prints_the_explanation_after_the_results(capsys):
    code = main(["simulate", str(EXAMPLES / "parent_isole_deux_enfants.json"), "--month", MONTH, "--explain", "rsa"])
    out = capsys.readouterr().out
    assert code == 0
    head, _, explanation = out.partition("Comment ce montant est calculé")
    assert "Prime d'activité" in head  # the results table comes first
    assert "Revenu de solidarité active, novembre 2026" in explanation
    assert "Montant forfaitaire du RSA" in explanation and "= RSA du mois" in explanation


def test_cli_json_includes_the_explanation(capsys):
    code = main(["simulate", str(EXAMPLES / "parent_isole_deux_enfants.json"), "--month", MONTH,
                 "--explain", "aide_logement", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    explanation = data["explanation"]
    assert explanation["aid_id"] == "aide_logement"
    amount = next(a["amount"] for a in data["aids"] if a["aid_id"] == "aide_logement")
    assert explanation["amount"] == amount
    assert sum(line["amount"] for line in explanation["lines"] if line["counts"]) == pytest.approx(amount, abs=0.03)


@pytest.mark.parametrize("aid_id", ["ars", "inexistante"])
def test_cli_explain_unavailable_exits_2(aid_id, capsys):
    code = main(["simulate", str(EXAMPLES / "parent_isole_deux_enfants.json"), "--month", MONTH, "--explain", aid_id])
    assert code == 2
    assert "explain" in capsys.readouterr().err


def test_the_alimony_received_comes_off_the_asf(engine):
    """A single parent with two children who receives 150 € of alimony a month."""
    data = json.loads((EXAMPLES / "parent_isole_deux_enfants.json").read_text(encoding="utf-8"))
    data["resources"].append({"person": data["people"][0]["id"], "type": "alimony", "same_every_month": 150})
    dossier = Dossier.from_dict(data).with_month(MONTH)
    explanation = explain(engine, dossier, "asf")
    maximum, pension = explanation.lines[0], explanation.lines[1]
    assert pension.role == RESOURCES and pension.amount == pytest.approx(-150)
    assert explanation.amount == pytest.approx(maximum.amount - 150, abs=0.01)
    assert explanation.total() == pytest.approx(explanation.amount, abs=0.01)
