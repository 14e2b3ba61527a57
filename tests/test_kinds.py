"""Kinds of result (rules/aids/*.yaml `kind`): only money and rights in kind count as
an aid found; loans, guarantees and bons plans are shown apart. And an aid to check
never reads « droit ouvert ». The three dossiers are those a new user tried (issue 10)."""
from datetime import datetime

import pytest
import yaml

from aidant_desk.agenda import PARIS
from aidant_desk.desk import Desk
from aidant_desk.dossier import Dossier
from aidant_desk.engine.results import AidResult, SimulationResult
from aidant_desk.report import amount_text, results_table

from .conftest import MONTH, RULES, example

# A single person aged 30 moving in Lyon on 1 400 € net (written by hand).
MOVING_IN_LYON = {
    "format_version": 2, "month": MONTH, "life_events": ["demenagement"],
    "people": [{"id": "p", "role": "applicant", "birth_date": "1996-03-10", "activity": "employed"}],
    "couple": "single",
    "housing": {"status": "tenant_unfurnished", "rent": 650, "charges": 50, "commune": "69123",
                "move_in_date": "2026-11-01"},
    "resources": [{"person": "p", "type": "wages", "same_every_month": 1400}],
    "fiscal_reference_income": 15120,
}
NOT_AIDS = {"loan_guarantee", "bon_plan"}


def kinds() -> dict[str, str]:
    return {data["id"]: data["kind"] for data in
            (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((RULES / "aids").glob("*.yaml")))}


def test_the_schemes_the_issue_names_are_not_aids():
    kind = kinds()
    assert kind["bail_reel_solidaire"] == "bon_plan"
    assert kind["livret_epargne_populaire_eligibilite"] == "bon_plan"
    assert kind["gratuite_musees_monuments"] == "bon_plan"
    assert kind["visale_eligibilite"] == "loan_guarantee"
    assert kind["css_gratuite"] == "in_kind" and kind["rsa"] == "money"


@pytest.fixture(scope="module")
def three(engine):
    dossiers = [Dossier.from_dict(MOVING_IN_LYON), example("parent_isole_deux_enfants"), example("couple_trois_enfants")]
    return engine.batch([d.with_month(MONTH) for d in dossiers])


def test_no_bon_plan_or_loan_is_counted_as_a_right(three):
    kind = kinds()
    for result in three:
        assert result.new_rights, "each of these households has money to claim"
        assert not {a.aid_id for a in result.new_rights} & {i for i, k in kind.items() if k in NOT_AIDS}
        assert all(kind[a.aid_id] in NOT_AIDS for a in result.offers)
        assert all(kind[a.aid_id] not in NOT_AIDS for a in result.aids_found)
    # The moving tenant in Lyon is offered the bons plans, apart.
    assert "livret_epargne_populaire_eligibilite" in {a.aid_id for a in three[0].offers}


def test_no_aid_to_check_reads_droit_ouvert(three):
    for result in three:
        assert result.to_check
        for aid in result.to_check:
            assert "droit ouvert" not in amount_text(aid)
        table = results_table(result)
        section = table.split("Aides à vérifier avec la personne")[1].split("\n\n")[0]
        assert "droit ouvert" not in section and "à vérifier" in section


def test_the_aids_of_the_life_event_come_first_then_the_largest():
    def aid(aid_id, amount, periodicity, events=()):
        return AidResult(aid_id, aid_id, "logement", "eligible", amount, periodicity, "euros", "", life_events=events)

    result = SimulationResult(MONTH, (aid("af", 150.0, "mensuelle"), aid("ars", 400.0, "annuelle"),
                                      aid("aide_logement", 90.0, "mensuelle", ("demenagement",)),
                                      aid("locapass", 1200.0, "ponctuelle", ("demenagement",))),
                              0.0, False, "176.1.8", "44.7.1", life_events=("demenagement",))
    # Moving: its aids first (90 € a month is 1 080 € a year, under the 1 200 € loan), then 1 800 € a year, then 400 €.
    assert [a.aid_id for a in result.by_relevance(result.aids)] == ["locapass", "aide_logement", "af", "ars"]


def hand_made(aid_id: str, kind: str) -> AidResult:
    return AidResult(aid_id, aid_id, "epargne", "eligible", None, "droit", "eligibilite", "", kind=kind)


def test_a_visit_with_only_a_bon_plan_finds_no_aid(tmp_path):
    only_bons_plans = SimulationResult(MONTH, (hand_made("livret_epargne_populaire_eligibilite", "bon_plan"),
                                               hand_made("visale_eligibilite", "loan_guarantee")),
                                       15120.0, False, "176.1.8", "44.7.1")
    with Desk(tmp_path / "desk.db", now=lambda: datetime(2026, 11, 24, 10, tzinfo=PARIS)) as desk:
        desk.finish_visit(only_bons_plans, [])
        rows = dict(desk.db.execute("SELECT metric, SUM(recorded) FROM activity_counts GROUP BY metric").fetchall())
    assert rows == {"simulations": 1}


def test_the_dashboard_defines_an_aid_found():
    from aidant_desk.central.dashboard import render_dashboard

    figures = {"suppression_threshold": 11, "by_week": [], "by_departement": [], "by_site": [], "by_aid": [],
               "by_life_event": [], "totals": {"simulations": 0, "simulations_with_aid": 0, "appointments": 0}}
    html = render_dashboard(figures)
    assert "Définitions" in html and "bons plans" in html and "ne comptent pas" in html
