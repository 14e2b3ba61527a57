"""The dossier form: one dense page in four sections, not a wizard. Which questions
show comes from rules/questions.yaml (catalogue.visibility), not from this code."""
from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QLocale, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QDoubleSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import communes
from ..catalogue import Catalogue
from ..catalogue.visibility import condition_holds, relevant_questions
from ..dossier import FORMAT_VERSION, is_month
from ..labels import ACTIVITIES, COUPLE, HOUSING_STATUS, ROLES, SCHOOL_LEVELS
from .resources_grid import BenefitsEditor, ResourcesGrid
from .widgets import AmountEdit, ChoiceCombo, EnterMovesOn, checkbox, date_edit, describe

SECTIONS = (("foyer", "Foyer"), ("logement", "Logement"), ("ressources", "Ressources"), ("situation", "Situation"))


class PersonRow:
    """The widgets of one person, on one line of the people grid."""

    COLUMNS = ("person.first_name", "person.role", "person.birth_date", "person.activity", "person.disability_rate",
               "person.pregnant", "person.school_level", "person.student_grant", "person.parental_income",
               "person.dependent")

    def __init__(self, person_id: str, help_of):
        self.id = person_id
        self.first_name = describe(QLineEdit(), "Prénom (facultatif)", "N'est jamais imprimé par défaut.")
        self.first_name.setMaximumWidth(90)
        self.role = ChoiceCombo(ROLES, "Place dans le foyer")
        self.birth = date_edit("Date de naissance", help_of("person.birth_date")
                                or "Pour un enfant à naître, la date prévue.")
        self.activity = ChoiceCombo(ACTIVITIES, "Situation professionnelle", help_of("person.activity"))
        self.disability = describe(QDoubleSpinBox(), "Taux d'incapacité (%)", help_of("person.disability_rate"))
        self.disability.setDecimals(1)
        self.disability.setLocale(QLocale(QLocale.Language.French, QLocale.Country.France))  # 80,0 %
        self.disability.setRange(0, 100)
        self.disability.setSuffix(" %")
        self.pregnant = checkbox("Enceinte", "Grossesse en cours", help_of("person.pregnant"))
        self.school = ChoiceCombo(SCHOOL_LEVELS, "Scolarité", help_of("person.school_level"))
        self.grant = checkbox("Boursier", "Boursier", help_of("person.student_grant"))
        self.parental_income = AmountEdit("Revenus des parents", help_of("person.parental_income"))
        self.parental_income.setMaximumWidth(110)
        self.dependent = checkbox("À charge", "Enfant à charge")
        self.dependent.setChecked(True)
        self.remove = QPushButton("Retirer")
        describe(self.remove, "Retirer cette personne")
        self.birth.setDate(QDate(1990, 1, 1))

    def widgets(self) -> list[QWidget]:
        return [self.first_name, self.role, self.birth, self.activity, self.disability, self.pregnant, self.school,
                self.grant, self.parental_income, self.dependent, self.remove]

    def value_of(self, field: str):
        """The row's answer to a person.* question, for visible_when rules."""
        return {
            "person.role": self.role.value(),
            "person.activity": self.activity.value(),
            "person.school_level": self.school.value(),
        }.get(field)

    def to_data(self) -> dict:
        d = self.birth.date()
        data = {
            "id": self.id,
            "role": self.role.value(),
            "birth_date": date(d.year(), d.month(), d.day()).isoformat(),
            "activity": self.activity.value(),
            "disability_rate": self.disability.value(),
            "pregnant": self.pregnant.isChecked(),
            "school_level": self.school.value(),
            "student_grant": self.grant.isChecked(),
            "dependent": self.dependent.isChecked(),
        }
        if self.first_name.text().strip():
            data["first_name"] = self.first_name.text().strip()
        if self.parental_income.value() is not None and self.parental_income.isEnabled():
            data["parental_income"] = self.parental_income.value()
        return data

    def set_data(self, p: dict) -> None:
        self.first_name.setText(p.get("first_name", ""))
        self.role.set_value(p["role"])
        y, m, d = (int(x) for x in p["birth_date"].split("-"))
        self.birth.setDate(QDate(y, m, d))
        self.activity.set_value(p.get("activity", "inactive"))
        self.disability.setValue(float(p.get("disability_rate", 0)))
        self.pregnant.setChecked(p.get("pregnant", False))
        self.school.set_value(p.get("school_level", "none"))
        self.grant.setChecked(p.get("student_grant", False))
        self.dependent.setChecked(p.get("dependent", True))
        self.parental_income.set_value(p.get("parental_income"))


class PeopleEditor(QWidget):
    changed = Signal()

    HEADERS = ("Prénom", "Rôle", "Naissance", "Activité", "Incapacité", "Grossesse", "Scolarité", "Bourse",
               "Revenus parents", "À charge", "")

    def __init__(self, help_of, questions: dict, parent=None):
        super().__init__(parent)
        self._help_of = help_of
        self._questions = questions
        self.rows: list[PersonRow] = []
        self._grid = QGridLayout()
        for col, title in enumerate(self.HEADERS):
            self._grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.add_button = describe(QPushButton("Ajouter une personne"), "Ajouter une personne au foyer")
        self.add_button.clicked.connect(lambda: self.add_person(role="child", birth=QDate(2015, 1, 1)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self._hidden_columns: set[str] = set()

    def add_person(self, role: str = "child", birth: QDate | None = None, data: dict | None = None) -> PersonRow:
        taken = {r.id for r in self.rows}
        number = len(self.rows) + 1
        while f"p{number}" in taken:
            number += 1
        row = PersonRow(data["id"] if data else f"p{number}", self._help_of)
        if data:
            row.set_data(data)
        else:
            row.role.set_value(role)
            if birth:
                row.birth.setDate(birth)
        line = len(self.rows) + 1
        for col, widget in enumerate(row.widgets()):
            self._grid.addWidget(widget, line, col)
        for signal in (row.first_name.textChanged, row.role.currentIndexChanged, row.birth.dateChanged,
                       row.activity.currentIndexChanged, row.disability.valueChanged, row.pregnant.toggled,
                       row.school.currentIndexChanged, row.grant.toggled, row.parental_income.valueChanged,
                       row.dependent.toggled):
            signal.connect(lambda *_: self.changed.emit())
        row.remove.clicked.connect(lambda: self.remove_person(row))
        self.rows.append(row)
        self._apply_visibility(row)
        self.changed.emit()
        return row

    def remove_person(self, row: PersonRow) -> None:
        if row.role.value() == "applicant":
            return  # the applicant stays: a dossier always has one
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self.rows.remove(row)
        self.changed.emit()

    def clear(self) -> None:
        for row in list(self.rows):
            for widget in row.widgets():
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self.rows.clear()

    def set_hidden_columns(self, hidden: set[str]) -> None:
        self._hidden_columns = hidden
        for col, qid in enumerate(PersonRow.COLUMNS):
            header = self._grid.itemAtPosition(0, col)
            if header:
                header.widget().setVisible(qid not in hidden)
        for row in self.rows:
            self._apply_visibility(row)

    def _apply_visibility(self, row: PersonRow) -> None:
        for qid, widget in zip(PersonRow.COLUMNS, row.widgets()):
            widget.setVisible(qid not in self._hidden_columns)
        # Per-person rules (visible_when on a person field) enable or disable the cell.
        for qid, widget in zip(PersonRow.COLUMNS, row.widgets()):
            question = self._questions.get(qid)
            if question is not None:
                widget.setEnabled(condition_holds(question, row.value_of))

    def refresh_rules(self) -> None:
        for row in self.rows:
            self._apply_visibility(row)


INSEE_CODE = re.compile(r"^(\d{5}|2[ABab]\d{3})$")


class CommuneEdit(QLineEdit):
    """Type a commune's name; the INSEE code is found offline."""

    def __init__(self, name: str = "Commune", help_text: str = "", parent=None):
        super().__init__(parent)
        describe(self, name, help_text or "Tapez le nom de la commune ; le code INSEE est retrouvé sans connexion.")
        self.setPlaceholderText("Nom de la commune ou code INSEE")
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(completer)
        self._choices: dict[str, str] = {}
        self.textEdited.connect(self._suggest)

    def _suggest(self, text: str) -> None:
        found = communes.search(text, limit=15)
        self._choices = {c.display: c.code for c in found}
        self._model.setStringList(list(self._choices))

    def code(self) -> str | None:
        text = self.text().strip()
        if text in self._choices:
            return self._choices[text]
        if " — " in text:
            text = text.rsplit(" — ", 1)[1]
        # Any INSEE code is kept, arrondissements (75101, 13201...) included, though the
        # offline list only names communes.
        if INSEE_CODE.match(text):
            return text.upper()
        found = communes.search(text, limit=1)
        return found[0].code if found and communes.fold(found[0].name) == communes.fold(text) else None

    def set_code(self, code: str | None) -> None:
        commune = communes.by_code(code)
        self.setText(commune.display if commune else (code or ""))


class DossierForm(QWidget):
    """Edits one dossier; emits `changed` (debounced) after each edit."""

    changed = Signal()
    DEBOUNCE_MS = 300

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self._questions = {q.id: q for q in catalogue.questions}
        self.life_events: list[str] = []
        self.full_check = True
        self.month = ""
        self.label = ""
        self._loading = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda *_: self.changed.emit())

        help_of = self._help_of
        self.people = PeopleEditor(help_of, self._questions)
        self.couple = ChoiceCombo(COUPLE, "Vie en couple", help_of("couple"))
        self.recently_separated = checkbox("Séparation depuis moins de 18 mois", "Séparation récente", help_of("recently_separated"))
        self.housing_status = ChoiceCombo(HOUSING_STATUS, "Logement", help_of("housing.status"))
        self.social_housing = checkbox("Logement social (HLM)", "Logement social", help_of("housing.social_housing"))
        self.rent = AmountEdit("Loyer mensuel hors charges", help_of("housing.rent"))
        self.charges = AmountEdit("Charges mensuelles", help_of("housing.charges"))
        self.shared = checkbox("Colocation", "Colocation", help_of("housing.shared"))
        self.commune = CommuneEdit(help_text=help_of("housing.commune"))
        self.move_in = date_edit("Date d'entrée dans le logement", help_of("housing.move_in_date"))
        self.resources = ResourcesGrid()
        self.fiscal_income = AmountEdit("Revenu fiscal de référence N-2", help_of("fiscal_reference_income"))
        self.fiscal_income.setPlaceholderText("inconnu : sera estimé")
        self.savings = AmountEdit("Épargne disponible", help_of("assets.savings"))
        self.property_value = AmountEdit("Valeur locative des biens non loués", help_of("assets.property_rental_value"))
        self.benefits = BenefitsEditor(catalogue)
        self.month_edit = describe(QLineEdit(), "Mois simulé (AAAA-MM)", "Le mois pour lequel les aides sont calculées.")
        self.events_label = QLabel()
        self.events_label.setWordWrap(True)

        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self.sections: dict[str, QGroupBox] = {}
        layout = QVBoxLayout(self)
        for key, title in SECTIONS:
            box = QGroupBox(title)
            box.setAccessibleName(f"Section {title}")
            self.sections[key] = box
            layout.addWidget(box)
        layout.addStretch(1)

        foyer = QVBoxLayout(self.sections["foyer"])
        foyer.addWidget(self.people)
        couple_form = QFormLayout()
        self._add_row(couple_form, "couple", self.couple)
        self._add_row(couple_form, "recently_separated", self.recently_separated)
        foyer.addLayout(couple_form)

        housing = QFormLayout(self.sections["logement"])
        for qid, widget in (("housing.status", self.housing_status), ("housing.social_housing", self.social_housing),
                            ("housing.rent", self.rent), ("housing.charges", self.charges),
                            ("housing.shared", self.shared), ("housing.commune", self.commune),
                            ("housing.move_in_date", self.move_in)):
            self._add_row(housing, qid, widget)

        money = QVBoxLayout(self.sections["ressources"])
        money.addWidget(self.resources)
        money_form = QFormLayout()
        self._add_row(money_form, "fiscal_reference_income", self.fiscal_income)
        self._fiscal_help = QLabel(help_of("fiscal_reference_income"))
        self._fiscal_help.setWordWrap(True)
        self._fiscal_help.setStyleSheet("color: #444;")
        money_form.addRow("", self._fiscal_help)
        self._add_row(money_form, "assets.savings", self.savings)
        self._add_row(money_form, "assets.property_rental_value", self.property_value)
        money.addLayout(money_form)
        money.addWidget(QLabel("<b>Aides déjà perçues</b> (montant mensuel)"))
        money.addWidget(self.benefits)

        situation = QFormLayout(self.sections["situation"])
        situation.addRow("Mois simulé", self.month_edit)
        situation.addRow("Point de départ", self.events_label)

        for signal in (self.people.changed, self.couple.currentIndexChanged, self.recently_separated.toggled,
                       self.housing_status.currentIndexChanged, self.social_housing.toggled, self.rent.valueChanged,
                       self.charges.valueChanged, self.shared.toggled, self.commune.editingFinished,
                       self.move_in.dateChanged, self.resources.changed, self.fiscal_income.valueChanged,
                       self.savings.valueChanged, self.property_value.valueChanged, self.benefits.changed,
                       self.month_edit.editingFinished):
            signal.connect(self._edited)
        self._enter = EnterMovesOn(self)
        for widget in self.findChildren(QWidget):
            widget.installEventFilter(self._enter)
        self.people.changed.connect(self._people_changed)
        self.month_edit.editingFinished.connect(self._month_changed)

    # --- rules from rules/questions.yaml -------------------------------------------
    def _help_of(self, qid: str) -> str:
        q = self._questions.get(qid)
        return q.help if q else ""

    def _add_row(self, form: QFormLayout, qid: str, widget: QWidget) -> None:
        q = self._questions.get(qid)
        label = QLabel(q.label if q else qid)
        label.setBuddy(widget)
        form.addRow(label, widget)
        self._rows[qid] = (label, widget)

    def _value_of(self, field: str):
        return {
            "couple": self.couple.value(),
            "housing.status": self.housing_status.value(),
        }.get(field)

    def apply_visibility(self) -> None:
        relevant = relevant_questions(self.catalogue, self.life_events, self.full_check)
        for qid, (label, widget) in self._rows.items():
            q = self._questions.get(qid)
            shown = qid in relevant and (q is None or condition_holds(q, self._value_of))
            label.setVisible(shown)
            widget.setVisible(shown)
        self._fiscal_help.setVisible(self.fiscal_income.isVisible())
        self.people.set_hidden_columns({c for c in PersonRow.COLUMNS if c in self._questions and c not in relevant})
        self.benefits.setVisible("benefits_received" in relevant)
        names = [e.label for e in self.catalogue.life_events if e.id in self.life_events]
        self.events_label.setText(" ; ".join(names) if names else "Bilan complet des droits")

    def _edited(self) -> None:
        if self._loading:
            return
        self.apply_visibility()
        self._debounce.start()

    def _people_changed(self) -> None:
        self.resources.set_people([(r.id, r.first_name.text() or ROLES[r.role.value()]) for r in self.people.rows])
        self.people.refresh_rules()

    def _month_changed(self) -> None:
        """A new simulated month moves the resources grid's window; amounts stay on their months."""
        text = self.month_edit.text().strip()
        if is_month(text) and text != self.month:
            self.month = text
            self.resources.set_month(text)

    def set_context(self, life_events: list[str], full_check: bool) -> None:
        self.life_events, self.full_check = list(life_events), full_check
        self.apply_visibility()
        self._debounce.start()

    def focus_section(self, key: str) -> None:
        box = self.sections[key]
        scroll = self.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        if scroll is not None:
            scroll.ensureWidgetVisible(box)
        first = next((w for w in box.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible()), None)
        if first:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- dossier <-> widgets ---------------------------------------------------------
    def to_data(self) -> dict:
        """The dossier as JSON data; Dossier.from_dict validates it."""
        d = self.move_in.date()
        housing = {
            "status": self.housing_status.value(),
            "social_housing": self.social_housing.isChecked(),
            "rent": self.rent.value() or 0.0,
            "charges": self.charges.value() or 0.0,
            "shared": self.shared.isChecked(),
        }
        code = self.commune.code()
        if code:
            housing["commune"] = code
        if d != self.move_in.minimumDate():
            housing["move_in_date"] = date(d.year(), d.month(), d.day()).isoformat()
        data = {
            "format_version": FORMAT_VERSION,
            "month": self.month_edit.text().strip() or self.month,
            "people": [r.to_data() for r in self.people.rows],
            "couple": self.couple.value(),
            "recently_separated": self.recently_separated.isChecked(),
            "housing": housing,
            "resources": self.resources.to_data(),
            "fiscal_reference_income": self.fiscal_income.value(),
            "assets": {"savings": self.savings.value() or 0.0, "property_rental_value": self.property_value.value() or 0.0},
            "benefits_received": self.benefits.to_data(),
            "life_events": list(self.life_events),
        }
        if self.label:
            data["label"] = self.label
        return data

    def input_problems(self) -> list[str]:
        """Fields whose text is not a number: named before any computation."""
        amounts = [self.rent, self.charges, self.fiscal_income, self.savings, self.property_value]
        problems = [f"{w.accessibleName()} : montant invalide" for w in amounts if not w.is_valid()]
        if self.commune.text().strip() and self.commune.code() is None:
            problems.append(f"Commune du logement : « {self.commune.text().strip()} » introuvable ; "
                            "choisissez-la dans la liste ou tapez son code INSEE")
        return problems + self.resources.problems() + self.benefits.problems()

    def load(self, dossier, month: str) -> None:
        self.load_data(dossier.to_dict(), month)

    def load_data(self, data: dict, month: str) -> None:
        """Fill the widgets from dossier JSON; a draft may lack fields (defaults then)."""
        self._loading = True
        try:
            self.people.clear()
            for p in data["people"]:
                self.people.add_person(data=p)
            self.couple.set_value(data.get("couple", "single"))
            self.recently_separated.setChecked(data.get("recently_separated", False))
            h = data.get("housing", {})
            self.housing_status.set_value(h.get("status", "hosted_free"))
            self.social_housing.setChecked(h.get("social_housing", False))
            self.rent.set_value(h.get("rent") or None)
            self.charges.set_value(h.get("charges") or None)
            self.shared.setChecked(h.get("shared", False))
            self.commune.set_code(h.get("commune"))
            if h.get("move_in_date"):
                y, m, d = (int(x) for x in h["move_in_date"].split("-"))
                self.move_in.setDate(QDate(y, m, d))
            else:
                self.move_in.setDate(self.move_in.minimumDate())
            self.month = month
            self.month_edit.setText(month)
            self.resources.set_month(month)
            self._people_changed()
            self.resources.set_data(data.get("resources", []))
            self.fiscal_income.set_value(data.get("fiscal_reference_income"))
            assets = data.get("assets", {})
            self.savings.set_value(assets.get("savings") or None)
            self.property_value.set_value(assets.get("property_rental_value") or None)
            self.benefits.set_data(data.get("benefits_received", {}))
            self.label = data.get("label", "")
            self.life_events = list(data.get("life_events", []))
        finally:
            self._loading = False
        self.apply_visibility()
        self._debounce.start()

    def new_dossier(self, month: str, life_events: list[str], full_check: bool) -> None:
        from ..dossier import Dossier, Person

        blank = Dossier(people=(Person(id="p1", role="applicant", birth_date=date(1990, 1, 1)),), month=month,
                        life_events=tuple(life_events))
        self.load(blank, month)
        self.set_context(life_events, full_check)

    def flush(self) -> None:
        """Emit a pending change now (tests, smoke mode, saving)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

