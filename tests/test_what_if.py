"""What-if on the person's own figures: the earnings chart (today's wages marked, its
title by activity, round ticks, every aid at typed wages) and the before/after view,
where a blank field means « unchanged »."""
import json
import math

import pytest
from openfisca_core.simulation_builder import SimulationBuilder

from aidant_desk.app.chart import round_ticks, title_for
from aidant_desk.dossier import Dossier, Resource
from aidant_desk.dossier.life_events import disability, job_loss, retirement, separation, studies
from aidant_desk.engine.scenarios import compare_event, earnings_ladder

from .conftest import EXAMPLES, MONTH, example
from .test_app import ENGINE_TIMEOUT_MS


def data_of(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ ticks and title

@pytest.mark.parametrize("maximum", [95, 1000, 1441.6, 2883.2, 3400, 12_345])
def test_ticks_are_round_evenly_spaced_and_reach_the_top(maximum):
    ticks = round_ticks(maximum)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and len(ticks) <= 7
    assert all(b - a == pytest.approx(step) for a, b in zip(ticks, ticks[1:]))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5))
    assert ticks[-1] <= maximum < ticks[-1] + step


def test_the_chart_is_titled_by_what_the_person_does(engine):
    working = earnings_ladder(engine, example("parent_isole_deux_enfants").with_month(MONTH), steps=3)
    idle = earnings_ladder(engine, example("personne_seule_sans_revenu").with_month(MONTH), steps=3)
    assert working.working and title_for(working) == "Et si votre salaire change ?"
    assert not idle.working and title_for(idle) == "Et si vous reprenez un emploi ?"


# ------------------------------------------------------------------ today's wages and typed wages

def test_todays_wages_are_marked_from_the_dossier(engine):
    # The example's file says 1 400 € net every month.
    assert data_of("parent_isole_deux_enfants")["resources"] == [
        {"person": "parent", "type": "wages", "same_every_month": 1400}]
    dossier = example("parent_isole_deux_enfants").with_month(MONTH)
    ladder = earnings_ladder(engine, dossier, steps=3)
    assert ladder.current.earnings == 1400
    today = engine.simulate(dossier)
    assert ladder.current.aids_total == pytest.approx(today.monthly_total, abs=0.01)


def test_gross_wages_are_marked_at_their_net(engine, tbs):
    data = data_of("personne_seule_sans_revenu")
    data["people"][0]["activity"] = "employed"
    data["resources"] = [{"person": "demandeur", "type": "wages", "same_every_month": 2000, "basis": "gross"}]
    ladder = earnings_ladder(engine, Dossier.from_dict(data).with_month(MONTH), steps=3)
    by_hand = SimulationBuilder().build_from_entities(tbs, {"individus": {"x": {
        "salaire_de_base": {MONTH: 2000}, "date_naissance": {"ETERNITY": "1990-01-01"}}}})
    assert ladder.current.earnings == pytest.approx(float(by_hand.calculate("salaire_net", MONTH)[0]), abs=0.01)


def test_typed_wages_recompute_every_aid_in_the_same_run(engine):
    dossier = example("parent_isole_deux_enfants").with_month(MONTH)
    ladder = earnings_ladder(engine, dossier, steps=3, chosen=1800)
    # The same household with 1 800 € net every month, simulated alone.
    at_1800 = dossier.replace(resources=(Resource(person="parent", type="wages", same_every_month=1800),))
    alone = engine.simulate(at_1800)
    assert ladder.chosen.earnings == 1800
    assert ladder.chosen.per_aid == {a.aid_id: a.monthly_amount for a in alone.aids if a.monthly_amount}
    assert ladder.chosen.aids_total < ladder.current.aids_total  # the prime d'activité and housing aid fall
    assert len(ladder.points) == 3  # the chart's own points are left as they were


# ------------------------------------------------------------------ before / after: blank is unchanged

def household_with_unemployment_benefit() -> Dossier:
    data = data_of("personne_seule_sans_revenu")
    data["people"][0]["activity"] = "employed"
    data["resources"] = [{"person": "demandeur", "type": "wages", "same_every_month": 700},
                         {"person": "demandeur", "type": "unemployment", "same_every_month": 450}]
    return Dossier.from_dict(data)


def test_a_blank_allowance_keeps_the_one_the_dossier_has():
    dossier = household_with_unemployment_benefit()
    blank = job_loss(dossier, MONTH)
    assert blank.monthly_resources(MONTH) == 450  # wages stop; the allowance stays as typed
    assert job_loss(dossier, MONTH, unemployment_benefit=0).monthly_resources(MONTH) == 0
    assert job_loss(dossier, MONTH, unemployment_benefit=900).monthly_resources(MONTH) == 900


def test_every_event_field_left_blank_changes_nothing_it_names():
    dossier = household_with_unemployment_benefit()
    assert retirement(dossier, MONTH).monthly_resources(MONTH) == 0  # wages and allowance stop, no pension typed
    assert disability(dossier, MONTH) == dossier
    assert disability(dossier, MONTH, rate=80).applicant.disability_rate == 80
    assert studies(dossier, MONTH).monthly_resources(MONTH) == dossier.monthly_resources(MONTH)
    assert not studies(dossier, MONTH).applicant.student_grant
    assert studies(dossier, MONTH, grant=300).applicant.student_grant
    couple = example("couple_trois_enfants")
    assert separation(couple, MONTH).monthly_resources(MONTH) == sum(
        r.amount(MONTH) for r in couple.resources if r.person == couple.applicant.id)


def test_the_comparison_gives_the_resources_before_and_after(engine):
    dossier = household_with_unemployment_benefit().with_month(MONTH)
    comparison = compare_event(engine, dossier, "perte_emploi", {"job_loss.unemployment_benefit": None})
    assert (comparison.resources_before, comparison.resources_after) == (1150, 450)


# ------------------------------------------------------------------ on screen

def test_the_chart_tab_marks_today_and_lists_every_aid_at_typed_wages(qtbot, engine_client, catalogue, tmp_path,
                                                                        monkeypatch):
    from aidant_desk.app.main_window import MainWindow

    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path))
    window = MainWindow(catalogue, engine_client, MONTH)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: engine_client.is_ready, timeout=ENGINE_TIMEOUT_MS)
    window.load_dossier(example("parent_isole_deux_enfants"))
    window.tabs.setCurrentWidget(window.earnings)
    qtbot.waitUntil(lambda: window.earnings.chart.ladder is not None, timeout=ENGINE_TIMEOUT_MS)
    view = window.earnings
    assert view.title.text().startswith("<b>Et si votre salaire change ?</b>")
    assert "aujourd'hui : 1 400 € net par mois" in view.title.text().replace("\u202f", " ").replace("\u00a0", " ")
    view.wages.setText("1800")
    view.wages.editingFinished.emit()
    qtbot.waitUntil(lambda: view.chart.ladder.chosen is not None, timeout=ENGINE_TIMEOUT_MS)
    text = view.at_wages.text()
    for aid_id in {*view.chart.ladder.current.per_aid, *view.chart.ladder.chosen.per_aid}:
        assert catalogue.aid(aid_id).label in text, aid_id
    assert view.chart.grab().width() > 0  # paints with the marks


def test_the_comparison_says_a_blank_field_is_unchanged(qtbot, catalogue):
    from aidant_desk.app.comparison import ComparisonView

    view = ComparisonView(catalogue)
    qtbot.addWidget(view)
    view.show()
    view.select_event("perte_emploi")
    field = view.fields["job_loss.unemployment_benefit"]
    assert field.placeholderText() == "inchangé"
    assert view.blank_means.isVisible() and "vide ne change rien" in view.blank_means.text()
    assert view.changes() == {"job_loss.unemployment_benefit": None}
    view.select_event("naissance")  # nothing to type: nothing to explain
    assert not view.blank_means.isVisible()
