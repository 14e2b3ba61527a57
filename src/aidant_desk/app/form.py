"""The dossier form: one dense page in four sections, not a wizard. Which questions
show comes from rules/questions.yaml (catalogue.visibility), not from this code."""
from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QLocale, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QDoubleSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import communes
from ..catalogue import Catalogue
from ..catalogue.visibility import condition_holds, relevant_questions
from ..dossier import FORMAT_VERSION, is_month
from ..dossier.migration import upgrade
from ..labels import ACTIVITIES, COUPLE, HOUSING_STATUS, ROLES, SCHOOL_LEVELS
from .resources_grid import BenefitsEditor, NoticeEditor, ResourcesGrid
from .widgets import AmountEdit, ChoiceCombo, EnterMovesOn, checkbox, date_edit, describe

SECTIONS = (("foyer", "Foyer"), ("logement", "Logement"), ("ressources", "Ressources"), ("situation", "Situation"))


def _labelled(text: str, field: QWidget) -> QWidget:
    """A short caption and its field, side by side, hidden or disabled together."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    caption = QLabel(text)
    caption.setBuddy(field)
    row.addWidget(caption)
    row.addWidget(field)
    return box


class PersonRow:
    """The widgets of one person: a line of the people grid, and under it the details
    (check boxes and amounts) that apply to this person only."""

    # Question id of each column of the main line, in order; None: always shown.
    COLUMNS = ("person.first_name", "person.role", "person.birth_date", "person.activity", "person.disability_rate",
               "person.school_level")
    # Question id of each detail, in the order they show on the second line.
    DETAILS = ("person.pregnant", "person.student_grant", "person.dependent", "person.shared_custody",
               "person.ass_work_history", "person.parental_income", "person.alimony_paid")

    def __init__(self, person_id: str, help_of):
        self.id = person_id
        self.first_name = describe(QLineEdit(), "Prénom (facultatif)", "N'est jamais imprimé par défaut.")
        self.first_name.setMaximumWidth(80)
        self.role = ChoiceCombo(ROLES, "Place dans le foyer")
        self.birth = date_edit("Date de naissance", help_of("person.birth_date")
                                or "Pour un enfant à naître, la date prévue.")
        self.activity = ChoiceCombo(ACTIVITIES, "Situation professionnelle", help_of("person.activity"))
        self.disability = describe(QDoubleSpinBox(), "Taux d'incapacité (%)", help_of("person.disability_rate"))
        self.disability.setDecimals(1)
        self.disability.setLocale(QLocale(QLocale.Language.French, QLocale.Country.France))  # 80,0 %
        self.disability.setRange(0, 100)
        self.disability.setSuffix(" %")
        self.disability.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)  # typed; narrow column
        self.school = ChoiceCombo(SCHOOL_LEVELS, "Scolarité", help_of("person.school_level"))
        # Combos narrow enough for a 1366-pixel screen; wider when there is room.
        for combo, letters in ((self.role, 7), (self.activity, 8), (self.school, 6)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)
        self.remove = describe(QToolButton(), "Retirer cette personne", "Retirer cette personne du foyer")
        self.remove.setText("✕")

        self.pregnant = checkbox("Enceinte", "Grossesse en cours", help_of("person.pregnant"))
        self.grant = checkbox("Boursier", "Boursier", help_of("person.student_grant"))
        self.dependent = checkbox("À charge", "Enfant à charge")
        self.dependent.setChecked(True)
        self.shared_custody = checkbox("Garde alternée", "Enfant en garde alternée", help_of("person.shared_custody"))
        self.ass_work_history = checkbox("ASS : 5 ans de salariat sur 10", "Condition de l'ASS : 5 ans de salariat",
                                         help_of("person.ass_work_history"))
        self.parental_income = AmountEdit("Revenus des parents", help_of("person.parental_income"))
        self.parental_income.setMaximumWidth(100)
        self.alimony_paid = AmountEdit("Pension alimentaire versée (mensuelle)", help_of("person.alimony_paid"))
        self.alimony_paid.setMaximumWidth(90)
        self._detail_widgets = (self.pregnant, self.grant, self.dependent, self.shared_custody, self.ass_work_history,
                                _labelled("Revenus parents", self.parental_income),
                                _labelled("Pension versée / mois", self.alimony_paid))
        self.details = QWidget()
        self.details.setAccessibleName("Précisions sur cette personne")
        line = QHBoxLayout(self.details)
        line.setContentsMargins(0, 0, 0, 4)
        line.setSpacing(12)
        for widget in self._detail_widgets:
            line.addWidget(widget)
        line.addStretch(1)
        self.birth.setDate(QDate(1990, 1, 1))

    def widgets(self) -> list[QWidget]:
        """The main line, in column order (the remove button last)."""
        return [self.first_name, self.role, self.birth, self.activity, self.disability, self.school, self.remove]

    def columns(self) -> list[tuple[str, QWidget]]:
        return list(zip(self.COLUMNS, self.widgets()))

    def detail_items(self) -> list[tuple[str, QWidget]]:
        """Each detail question with what to show or hide (an amount goes with its caption)."""
        return list(zip(self.DETAILS, self._detail_widgets))

    def signals(self) -> list:
        return [self.first_name.textChanged, self.role.currentIndexChanged, self.birth.dateChanged,
                self.activity.currentIndexChanged, self.disability.valueChanged, self.pregnant.toggled,
                self.school.currentIndexChanged, self.grant.toggled, self.parental_income.valueChanged,
                self.dependent.toggled, self.shared_custody.toggled, self.ass_work_history.toggled,
                self.alimony_paid.valueChanged]

    def amount_fields(self) -> list[AmountEdit]:
        return [self.parental_income, self.alimony_paid]

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
        if self.shared_custody.isChecked() and self.shared_custody.isEnabled():
            data["shared_custody"] = True
        # Kept whatever the activity now: a fact about past work, that counts once the
        # person is a job-seeker (the "after" of a job loss, say).
        if self.ass_work_history.isChecked():
            data["ass_work_history"] = True
        if self.alimony_paid.value() and self.alimony_paid.isEnabled():
            data["alimony_paid"] = self.alimony_paid.value()
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
        self.shared_custody.setChecked(p.get("shared_custody", False))
        self.ass_work_history.setChecked(p.get("ass_work_history", False))
        self.alimony_paid.set_value(p.get("alimony_paid") or None)


class PeopleEditor(QWidget):
    """One line per person, and under it the details that apply to that person."""

    changed = Signal()

    HEADERS = ("Prénom", "Rôle", "Naissance", "Activité", "Incapacité", "Scolarité", "")

    def __init__(self, help_of, questions: dict, parent=None):
        super().__init__(parent)
        self._help_of = help_of
        self._questions = questions
        self.rows: list[PersonRow] = []
        self._grid = QGridLayout()
        self._grid.setVerticalSpacing(2)
        self._headers = [QLabel(f"<b>{title}</b>") for title in self.HEADERS]
        for col, header in enumerate(self._headers):
            self._grid.addWidget(header, 0, col)
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
            row.activity.set_value("inactive")  # as in the dossier: no activity unless told
            if birth:
                row.birth.setDate(birth)
        for signal in row.signals():
            signal.connect(lambda *_: self.changed.emit())
        for signal in (row.role.currentIndexChanged, row.activity.currentIndexChanged, row.school.currentIndexChanged):
            signal.connect(lambda *_, r=row: self._apply_visibility(r))
        row.remove.clicked.connect(lambda: self.remove_person(row))
        self.rows.append(row)
        self._place(row, len(self.rows) - 1)
        self._apply_visibility(row)
        self.changed.emit()
        return row

    def _place(self, row: PersonRow, index: int) -> None:
        """Person `index` takes grid lines 2i+1 (main line) and 2i+2 (details)."""
        for col, widget in enumerate(row.widgets()):
            self._grid.addWidget(widget, 2 * index + 1, col)
        self._grid.addWidget(row.details, 2 * index + 2, 1, 1, len(self.HEADERS) - 1)

    def _forget(self, row: PersonRow) -> None:
        for widget in row.widgets() + [row.details]:
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()

    def remove_person(self, row: PersonRow) -> None:
        if row.role.value() == "applicant":
            return  # the applicant stays: a dossier always has one
        self._forget(row)
        self.rows.remove(row)
        for index, other in enumerate(self.rows):  # close the gap: no line is shared by two people
            for widget in other.widgets() + [other.details]:
                self._grid.removeWidget(widget)
            self._place(other, index)
        self.changed.emit()

    def clear(self) -> None:
        for row in list(self.rows):
            self._forget(row)
        self.rows.clear()

    def set_hidden_columns(self, hidden: set[str]) -> None:
        """Questions the life events leave out: their column, or their detail, in every row."""
        self._hidden_columns = hidden
        for qid, header in zip(PersonRow.COLUMNS, self._headers):
            header.setVisible(qid not in hidden)
        for row in self.rows:
            self._apply_visibility(row)

    def _holds(self, qid: str, row: PersonRow) -> bool:
        question = self._questions.get(qid)
        return question is None or condition_holds(question, row.value_of)

    def _apply_visibility(self, row: PersonRow) -> None:
        for qid, widget in row.columns():
            widget.setVisible(qid not in self._hidden_columns)
            # Per-person rules (visible_when on a person field) enable or disable the cell.
            widget.setEnabled(self._holds(qid, row))
        # A detail shows only where it applies (garde alternée for a child...).
        shown = False
        for qid, widget in row.detail_items():
            holds = self._holds(qid, row)
            widget.setEnabled(holds)
            widget.setVisible(holds and qid not in self._hidden_columns)
            shown = shown or (holds and qid not in self._hidden_columns)
        row.details.setVisible(shown)

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
        self.room_only = checkbox("Une chambre seulement", "Location d'une chambre", help_of("housing.room_only"))
        self.landlord_family = checkbox("Loué par un proche parent", "Propriétaire proche parent",
                                        help_of("housing.landlord_family"))
        self.hosting_contribution = checkbox("Participe aux frais du logement", "Participation aux frais",
                                             help_of("housing.hosting_contribution"))
        self.loan_date = date_edit("Date de signature du prêt", help_of("housing.loan_date"))
        self.resources = ResourcesGrid()
        self.fiscal_income = AmountEdit("Revenu fiscal de référence N-2", help_of("fiscal_reference_income"))
        self.fiscal_income.setPlaceholderText("inconnu : sera estimé")
        self.notice = NoticeEditor(help_of("tax_notice_incomes"))
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
                            ("housing.shared", self.shared), ("housing.room_only", self.room_only),
                            ("housing.landlord_family", self.landlord_family),
                            ("housing.hosting_contribution", self.hosting_contribution),
                            ("housing.loan_date", self.loan_date), ("housing.commune", self.commune),
                            ("housing.move_in_date", self.move_in)):
            self._add_row(housing, qid, widget)

        money = QVBoxLayout(self.sections["ressources"])
        money.addWidget(self.resources)
        money_form = QFormLayout()
        self._fiscal_help = QLabel(help_of("fiscal_reference_income"))
        self._fiscal_help.setWordWrap(True)
        self._fiscal_help.setStyleSheet("color: #444;")
        fiscal = QWidget()  # the amount, and under it where to find it on the notice
        fiscal_lines = QVBoxLayout(fiscal)
        fiscal_lines.setContentsMargins(0, 0, 0, 0)
        fiscal_lines.addWidget(self.fiscal_income)
        fiscal_lines.addWidget(self._fiscal_help)
        self._add_row(money_form, "fiscal_reference_income", fiscal)
        self._rows["fiscal_reference_income"][0].setBuddy(self.fiscal_income)
        self._add_row(money_form, "tax_notice_incomes", self.notice.toggle)
        money_form.addRow(self.notice)  # the detail grid, across the whole width
        self._add_row(money_form, "assets.savings", self.savings)
        self._add_row(money_form, "assets.property_rental_value", self.property_value)
        money.addLayout(money_form)
        self._benefits_title = QLabel("<b>Aides déjà perçues</b> (montant mensuel ; les 3 mois précédents "
                                      "seulement s'ils diffèrent)")
        self._benefits_title.setWordWrap(True)
        money.addWidget(self._benefits_title)
        money.addWidget(self.benefits)

        situation = QFormLayout(self.sections["situation"])
        situation.addRow("Mois simulé", self.month_edit)
        situation.addRow("Point de départ", self.events_label)

        for signal in (self.people.changed, self.couple.currentIndexChanged, self.recently_separated.toggled,
                       self.housing_status.currentIndexChanged, self.social_housing.toggled, self.rent.valueChanged,
                       self.charges.valueChanged, self.shared.toggled, self.commune.editingFinished,
                       self.move_in.dateChanged, self.resources.changed, self.fiscal_income.valueChanged,
                       self.savings.valueChanged, self.property_value.valueChanged, self.benefits.changed,
                       self.month_edit.editingFinished, self.room_only.toggled, self.landlord_family.toggled,
                       self.hosting_contribution.toggled, self.loan_date.dateChanged, self.notice.changed):
            signal.connect(self._edited)
        self._enter = EnterMovesOn(self)
        for widget in self.findChildren(QWidget):
            widget.installEventFilter(self._enter)
        self.people.changed.connect(self._people_changed)
        self.couple.currentIndexChanged.connect(lambda *_: self._declarants_changed())
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

    def _applies(self, qid: str) -> bool:
        """The question's visible_when holds now: its answer means something."""
        q = self._questions.get(qid)
        return q is None or condition_holds(q, self._value_of)

    def apply_visibility(self) -> None:
        relevant = relevant_questions(self.catalogue, self.life_events, self.full_check)
        for qid, (label, widget) in self._rows.items():
            q = self._questions.get(qid)
            shown = qid in relevant and (q is None or condition_holds(q, self._value_of))
            label.setVisible(shown)
            widget.setVisible(shown)
        self.people.set_hidden_columns({c for c in PersonRow.COLUMNS + PersonRow.DETAILS
                                        if c in self._questions and c not in relevant})
        self.notice.setVisible(not self.notice.toggle.isHidden())
        self.benefits.setVisible("benefits_received" in relevant)
        self._benefits_title.setVisible("benefits_received" in relevant)
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
        self._declarants_changed()

    def _declarants_changed(self) -> None:
        """Who the tax notice names: the applicant, and a married or pacsé spouse."""
        declarants = [r for r in self.people.rows if r.role.value() == "applicant"]
        if self.couple.value() in ("married", "pacs"):
            declarants += [r for r in self.people.rows if r.role.value() == "spouse"][:1]
        self.notice.set_declarants([(r.id, r.first_name.text() or ROLES[r.role.value()]) for r in declarants])

    def _month_changed(self) -> None:
        """A new simulated month moves the resources grid's window; amounts stay on their months."""
        text = self.month_edit.text().strip()
        if is_month(text) and text != self.month:
            self.month = text
            self.resources.set_month(text)
            self.benefits.set_month(text)

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
        # What a status makes meaningless is left out (a tenant's landlord, a buyer's loan).
        for key, box in (("room_only", self.room_only), ("landlord_family", self.landlord_family),
                         ("hosting_contribution", self.hosting_contribution)):
            if box.isChecked() and self._applies(f"housing.{key}"):
                housing[key] = True
        loan = self.loan_date.date()
        if housing["status"] == "first_time_buyer" and loan != self.loan_date.minimumDate():
            housing["loan_date"] = date(loan.year(), loan.month(), loan.day()).isoformat()
        data = {
            "format_version": FORMAT_VERSION,
            "month": self.month_edit.text().strip() or self.month,
            "people": [r.to_data() for r in self.people.rows],
            "couple": self.couple.value(),
            "recently_separated": self.recently_separated.isChecked(),
            "housing": housing,
            "resources": self.resources.to_data(),
            "fiscal_reference_income": self.fiscal_income.value(),
            "tax_notice_incomes": self.notice.to_data(),
            "assets": {"savings": self.savings.value() or 0.0, "property_rental_value": self.property_value.value() or 0.0},
            "benefits_received": self.benefits.to_data(),
            "life_events": list(self.life_events),
        }
        if not data["tax_notice_incomes"]:
            del data["tax_notice_incomes"]
        if self.label:
            data["label"] = self.label
        return data

    def input_problems(self) -> list[str]:
        """Fields whose text is not a number: named before any computation."""
        amounts = [self.rent, self.charges, self.fiscal_income, self.savings, self.property_value]
        amounts += [w for row in self.people.rows for w in row.amount_fields() if w.isEnabled()]
        problems = [f"{w.accessibleName()} : montant invalide" for w in amounts if not w.is_valid()]
        if self.commune.text().strip() and self.commune.code() is None:
            problems.append(f"Commune du logement : « {self.commune.text().strip()} » introuvable ; "
                            "choisissez-la dans la liste ou tapez son code INSEE")
        return problems + self.notice.problems() + self.resources.problems() + self.benefits.problems()

    def load(self, dossier, month: str) -> None:
        self.load_data(dossier.to_dict(), month)

    def load_data(self, data: dict, month: str) -> None:
        """Fill the widgets from dossier JSON; a draft may lack fields (defaults then).
        An older format (an autosave of a previous version) is upgraded first."""
        data = upgrade(data)
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
            self.room_only.setChecked(h.get("room_only", False))
            self.landlord_family.setChecked(h.get("landlord_family", False))
            self.hosting_contribution.setChecked(h.get("hosting_contribution", False))
            if h.get("loan_date"):
                y, m, d = (int(x) for x in h["loan_date"].split("-"))
                self.loan_date.setDate(QDate(y, m, d))
            else:
                self.loan_date.setDate(self.loan_date.minimumDate())
            self.month = month
            self.month_edit.setText(month)
            self.resources.set_month(month)
            self._people_changed()
            self.resources.set_data(data.get("resources", []))
            self.fiscal_income.set_value(data.get("fiscal_reference_income"))
            self.notice.set_data(data.get("tax_notice_incomes", []))
            assets = data.get("assets", {})
            self.savings.set_value(assets.get("savings") or None)
            self.property_value.set_value(assets.get("property_rental_value") or None)
            self.benefits.set_month(month)
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

