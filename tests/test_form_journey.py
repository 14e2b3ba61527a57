"""The 30-year-old tenant's journey (issue 11, item 4), driven key by key: life event, birth
date, activity, housing, rent, commune, wage, in 8 actions or fewer, nothing pre-filled.

One action is a mouse click, a Tab or an Enter pressed on its own, or one field typed (its
text, then the Enter that enters it and moves on to the next question still to answer)."""
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidant_desk.app.resources_grid import SAME_COL

from .test_app import ENGINE_TIMEOUT_MS, home, window  # noqa: F401 - home and window are fixtures

MAX_ACTIONS = 8


class Counselor:
    """Types where the focus is, as a counselor does, and counts the actions."""

    def __init__(self, qtbot):
        self.qtbot, self.actions = qtbot, []

    def click(self, widget, what):
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.actions.append(what)

    def focused(self):
        return QApplication.focusWidget()

    def enter_field(self, text, what):
        """Type `text` key by key into the focused field, then Enter: one action."""
        for char in text:
            QTest.keyClicks(self.focused(), char)
        QTest.keyClick(self.focused(), Qt.Key.Key_Return)
        self.actions.append(what)


def test_a_new_dossier_assumes_nothing(qtbot, window):
    qtbot.mouseClick(window.start.buttons[""], Qt.MouseButton.LeftButton)
    form = window.form
    applicant = form.people.rows[0]
    assert applicant.birth.text() == "à saisir"
    assert applicant.activity.currentText() == "— à choisir —" and applicant.activity.value() == ""
    assert form.housing_status.currentText() == "— à choisir —"
    form.flush()
    summary = window.results.summary.text()
    assert "Le dossier n'est pas encore calculable" in summary
    for missing in ("Date de naissance du demandeur : à saisir", "Activité du demandeur : à choisir",
                    "Logement : à choisir"):
        assert missing in summary and missing in form.input_problems()
    assert window.results.result is None  # nothing computed from defaults
    # A child added: sensible defaults, but the birth date is typed.
    qtbot.mouseClick(form.people.add_button, Qt.MouseButton.LeftButton)
    child = form.people.rows[1]
    assert child.role.value() == "child" and child.activity.value() == "inactive"
    assert "Date de naissance de l'enfant (ligne 2) : à saisir" in form.input_problems()


def test_the_tenant_journey_in_eight_actions(qtbot, window):
    window.resize(1366, 768)  # the desk's screen: every question in view
    form = window.form
    who = Counselor(qtbot)
    who.click(window.start.buttons["demenagement"], "« Je déménage »")
    applicant = form.people.rows[0]
    assert who.focused() is applicant.birth  # the first answer still missing
    who.enter_field("3/5/96", "date de naissance")
    assert applicant.birth.date() == QDate(1996, 5, 3) and applicant.birth.text() == "03/05/1996"
    assert who.focused() is applicant.activity
    who.enter_field("Sal", "activité")
    assert applicant.activity.value() == "employed"
    if form.housing_status.value() != "tenant_unfurnished":
        assert who.focused() is form.housing_status
        who.enter_field("Loc", "logement")  # « Locataire (vide) », the first
    assert form.housing_status.value() == "tenant_unfurnished"
    assert who.focused() is form.rent, (who.focused().accessibleName(), form.rent.isVisibleTo(form))
    who.enter_field("550", "loyer")
    assert who.focused() is form.commune
    who.enter_field("Lyon", "commune")
    assert form.commune.code() == "69123"
    # The job chosen opened a wage row for the applicant: its « Même montant » cell.
    grid = form.resources
    assert grid.rows_of("p1") == [0]
    assert who.focused() is grid.table and grid.table.currentColumn() == SAME_COL, who.focused().accessibleName()
    computed_before = window.results.result
    who.enter_field("1400", "salaire net")
    qtbot.waitUntil(lambda: grid.table.item(0, SAME_COL).text() == "1400")  # the cell's editor closes

    assert len(who.actions) <= MAX_ACTIONS, who.actions
    # Results show with no further action, computed from the wage typed.
    qtbot.waitUntil(lambda: window.dossier is not None and window.dossier.resources
                    and window.results.result is not None and window.results.result is not computed_before,
                    timeout=ENGINE_TIMEOUT_MS)
    data = form.to_data()
    assert data["housing"] == {**data["housing"], "status": "tenant_unfurnished", "rent": 550, "commune": "69123"}
    assert data["resources"] == [{"person": "p1", "type": "wages", "same_every_month": 1400}]
    result = window.results.result
    assert {a.aid_id for a in result.aids} >= {"rsa", "ppa", "aide_logement"}
    assert result.aid("ppa").eligible and result.aid("ppa").amount > 0
    assert result.aid("aide_logement").status in ("eligible", "not_eligible")
    assert result.aid("rsa").status in ("eligible", "not_eligible")
    print(f"{len(who.actions)} actions: {who.actions}")
