"""The visit summary « Copier le résumé »: plain text for the counselor's case notes.

Results and appointments are built by hand; every expected line is typed here from
those inputs, the example dossier and the catalogue's how_to_apply (rules/)."""
from dataclasses import replace
from datetime import date, datetime

import pytest

from aidant_desk.agenda import PARIS, Appointment
from aidant_desk.desk import visit_summary
from aidant_desk.dossier import Dossier
from aidant_desk.engine.results import AidResult, SimulationResult

from .conftest import EXAMPLES

NBSP = "\u00a0"
VISIT = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)

# (aid id, status, amount, periodicity, unit, already received)
AIDS = [
    ("aide_logement", "eligible", 254.0, "mensuelle", "euros", False),
    ("asf", "eligible", 403.57, "mensuelle", "euros", False),
    ("css_gratuite", "eligible", None, "droit", "eligibilite", False),
    ("ppa", "eligible", 335.7, "mensuelle", "euros", False),
    ("af", "eligible", 150.0, "mensuelle", "euros", False),  # paid without asking
    ("ars", "eligible", 881.68, "annuelle", "euros", False),  # paid without asking
    ("rsa", "eligible", 573.06, "mensuelle", "euros", True),  # already received: not in the summary
    ("cf", "not_eligible", None, "mensuelle", "euros", False),
    ("aide_juridictionnelle", "to_check", None, "ponctuelle", "eligibilite", False),
    ("pass_colo", "to_check", 200.0, "ponctuelle", "euros", False),
]

DESK_PAST = Appointment(
    id=7, uid="rdv-7@aidant-desk", kind="desk", start=datetime(2026, 12, 1, 14, 30, tzinfo=PARIS), duration=30,
    place="France Services de Lille Moulins, 12 rue de Valenciennes, 59000 Lille", with_whom="Julie",
    what_to_bring="Avis d'imposition 2026", note="Sonnez à l'interphone.", label="Mme Durand-Quesnel")
CANCELLED = Appointment(
    id=9, uid="rdv-9@aidant-desk", kind="desk", start=datetime(2026, 12, 2, 15, 0, tzinfo=PARIS), duration=30,
    place="France Services de Lille Moulins, 12 rue de Valenciennes, 59000 Lille", with_whom="Julie",
    status="cancelled", label="Mme Durand-Quesnel")
PARTNER = Appointment(
    id=8, uid="rdv-8@aidant-desk", kind="partner", start=datetime(2026, 12, 3, 9, 0, tzinfo=PARIS), duration=30,
    place="CAF du Nord, 82 rue Brûle-Maison, 59000 Lille", with_whom="CAF",
    what_to_bring="Bail\nQuittance de loyer", note="", label="")
LATER = Appointment(
    id=10, uid="rdv-10@aidant-desk", kind="desk", start=datetime(2026, 12, 10, 11, 15, tzinfo=PARIS), duration=45,
    place="France Services de Lille Moulins, 12 rue de Valenciennes, 59000 Lille", with_whom="Karim")


def hand_made_result(catalogue, aids=AIDS) -> SimulationResult:
    built = []
    for aid_id, status, amount, periodicity, unit, received in aids:
        aid = catalogue.aid(aid_id)
        built.append(AidResult(aid_id, aid.label, aid.category, status, amount, periodicity, unit, reason="",
                               already_received=received))
    return SimulationResult(month="2026-11", aids=tuple(built), fiscal_reference_income=15100.0,
                            fiscal_income_estimated=False, openfisca_france_version="176.1.8",
                            openfisca_core_version="44.7.1")


@pytest.fixture(scope="module")
def dossier():
    return Dossier.load(EXAMPLES / "parent_isole_deux_enfants.json")


def lines(text: str) -> list[str]:
    """The summary's lines, no-break spaces read as spaces."""
    return text.replace(NBSP, " ").split("\n")


@pytest.fixture(scope="module")
def summary(dossier, catalogue):
    return visit_summary(dossier, hand_made_result(catalogue), [LATER, PARTNER, CANCELLED, DESK_PAST],
                         catalogue=catalogue, on=VISIT, now=NOW)


def test_the_whole_summary_line_by_line(summary):
    # 403,57 + 335,70 + 254,00 + 150,00 = 1 143,27 € of new monthly rights.
    assert lines(summary) == [
        "Visite du 02/12/2026 — simulation pour novembre 2026",
        "Situation : parent seul, 2 enfants (8 et 12 ans), salarié·e, locataire (650 € de loyer), "
        "Marseille (13055).",
        "Aides à demander (6) — 1 143,27 € par mois en tout :",
        "- Allocation de soutien familial : 403,57 € par mois (CAF de votre département)",
        "- Prime d'activité : 335,70 € par mois (CAF de votre département)",
        "- Aide au logement (APL, ALF ou ALS) : 254,00 € par mois (CAF de votre département)",
        "- Allocations familiales : 150,00 € par mois (sans demande, CAF de votre département)",
        "- Allocation de rentrée scolaire : 881,68 € par an (sans demande, CAF de votre département)",
        "- Complémentaire santé solidaire gratuite : droit ouvert (CPAM (36 46) ou MSA)",
        "À vérifier (2) : Pass Colo ; Aide juridictionnelle.",
        "Prochaines étapes :",
        # The CAF's two steps, said once: the housing aid's extends the others'.
        "- Faire la demande en ligne sur caf.fr dès l'entrée dans le logement.",
        "- Faire la demande sur ameli.fr ou envoyer le formulaire à la CPAM.",
        "Prochain rendez-vous : jeudi 3 décembre 2026 à 9 h — CAF du Nord, 82 rue Brûle-Maison, 59000 Lille "
        "(avec CAF)",
    ]


def test_amounts_keep_their_no_break_spaces(summary):
    assert f"1{NBSP}143,27{NBSP}€ par mois en tout" in summary
    assert f"(650{NBSP}€ de loyer)" in summary


def test_received_and_closed_aids_are_left_out(summary):
    assert "Revenu de solidarité active" not in summary
    assert "Complément familial" not in summary


def test_the_next_appointment_is_the_earliest_coming_one_not_cancelled(dossier, catalogue):
    result = hand_made_result(catalogue)
    # Without the partner's, the next is a week later: the cancelled one of this afternoon never counts.
    text = visit_summary(dossier, result, [CANCELLED, LATER, DESK_PAST], catalogue=catalogue, on=VISIT, now=NOW)
    assert lines(text)[-1] == ("Prochain rendez-vous : jeudi 10 décembre 2026 à 11 h 15 — France Services de "
                               "Lille Moulins, 12 rue de Valenciennes, 59000 Lille (avec Karim)")
    # Before the desk appointment of 1 December, that one is next.
    text = visit_summary(dossier, result, [LATER, PARTNER, DESK_PAST], catalogue=catalogue, on=VISIT,
                         now=datetime(2026, 12, 1, 9, 0, tzinfo=PARIS))
    assert lines(text)[-1] == ("Prochain rendez-vous : mardi 1er décembre 2026 à 14 h 30 — France Services de "
                               "Lille Moulins, 12 rue de Valenciennes, 59000 Lille (avec Julie)")


@pytest.mark.parametrize("appointments", [(), (CANCELLED,), (DESK_PAST,)])
def test_no_booked_appointment_says_none(dossier, catalogue, appointments):
    text = visit_summary(dossier, hand_made_result(catalogue), appointments, catalogue=catalogue, on=VISIT, now=NOW)
    assert lines(text)[-1] == "Prochain rendez-vous : aucun"


def test_no_name_and_no_birth_date_by_default(dossier, catalogue):
    named = replace(dossier, people=tuple(replace(p, first_name=first) for p, first in
                                          zip(dossier.people, ("Amandine", "Lucas", "Inès"))))
    text = visit_summary(named, hand_made_result(catalogue), [DESK_PAST, PARTNER], catalogue=catalogue,
                         on=VISIT, now=NOW)
    for private in ("Amandine", "Lucas", "Inès", "Durand-Quesnel", "Sonnez",
                    "1988", "2014", "2018", "20/02", "03/06", "15/09", "15100", "15 100", "1 400", "1400"):
        assert private not in text.replace(NBSP, " "), private
    assert lines(text)[0] == "Visite du 02/12/2026 — simulation pour novembre 2026"
    # The ages in whole years stay.
    assert "2 enfants (8 et 12 ans)" in text


def test_the_name_option_heads_the_first_line(dossier, catalogue):
    text = visit_summary(dossier, hand_made_result(catalogue), catalogue=catalogue, name="Amandine Q.", on=VISIT,
                         now=NOW)
    assert lines(text)[0] == "Amandine Q. — Visite du 02/12/2026 — simulation pour novembre 2026"
    assert text.count("Amandine") == 1


def test_nothing_to_ask_nor_to_check(dossier, catalogue):
    result = hand_made_result(catalogue, [("rsa", "eligible", 573.06, "mensuelle", "euros", True),
                                          ("cf", "not_eligible", None, "mensuelle", "euros", False)])
    assert lines(visit_summary(dossier, result, catalogue=catalogue, on=VISIT, now=NOW)) == [
        "Visite du 02/12/2026 — simulation pour novembre 2026",
        "Situation : parent seul, 2 enfants (8 et 12 ans), salarié·e, locataire (650 € de loyer), "
        "Marseille (13055).",
        "Aides à demander : aucune nouvelle aide trouvée.",
        "Prochain rendez-vous : aucun",
    ]


def test_a_couple_with_a_baby_and_one_on_the_way(catalogue):
    dossier = Dossier.load(EXAMPLES / "couple_trois_enfants.json")
    # couple_trois_enfants: married, children born 2013, 2017 and 2022, in social housing in Lille.
    children = dossier.children
    baby = replace(children[0], id="bebe", birth_date=date(2026, 5, 10))  # 0 year old in November 2026
    coming = replace(children[0], id="attendu", birth_date=date(2027, 2, 1))
    dossier = replace(dossier, people=dossier.people + (baby, coming))
    text = visit_summary(dossier, hand_made_result(catalogue), catalogue=catalogue, on=VISIT, now=NOW)
    assert lines(text)[1] == ("Situation : couple (marié), 4 enfants (moins d'un an, 4, 9 et 13 ans), "
                              "1 enfant à naître, salarié·e, conjoint·e sans activité, "
                              "locataire en logement social (620 € de loyer), Lille (59350).")


def test_the_button_asks_for_the_summary_with_or_without_the_name(qtbot):
    from aidant_desk.app.results_panel import ResultsPanel

    panel = ResultsPanel()
    qtbot.addWidget(panel)
    assert panel.summary_button.text() == "Copier le résumé"
    assert panel.summary_with_name.text() == "avec le nom"
    assert not panel.summary_with_name.isChecked()
    with qtbot.waitSignal(panel.summary_requested, timeout=1000) as blocker:
        panel.summary_button.click()
    assert blocker.args == [False]
    panel.summary_with_name.setChecked(True)
    with qtbot.waitSignal(panel.summary_requested, timeout=1000) as blocker:
        panel.summary_button.click()
    assert blocker.args == [True]
