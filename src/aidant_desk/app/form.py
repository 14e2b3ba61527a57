"""The dossier form: one dense page in four sections, not a wizard. Each field is declared
once, in FORM_FIELDS (people: form_people.PERSON_FIELDS); which questions show comes from
rules/questions.yaml (catalogue.visibility), not from this code."""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..desk import (COUPLE, FORMAT_VERSION, HOUSING_STATUS, ROLES, Catalogue, communes, condition_holds, is_month,
                    relevant_questions, upgrade)
from .form_fields import APPLIES, GIVEN, Amount, Check, Choice, Date, Editor, Field, FieldTable, Kind
from .form_people import PERSON_FIELDS, PeopleEditor
from .resources_grid import BenefitsEditor, NoticeEditor, ResourcesGrid
from .widgets import CHOOSE, EnterMovesOn, describe

SECTIONS = (("foyer", "Foyer"), ("logement", "Logement"), ("ressources", "Ressources"), ("situation", "Situation"))


NOT_GIVEN = "non renseignée"  # what an optional date left empty shows
# The resource row a new activity opens in the grid, ready for its amount.
EARNINGS = {"employed": "wages", "apprentice": "wages", "self_employed": "self_employment"}

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

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Enter with the suggestions open takes the commune typed (or the only one
        suggested), then moves on as Enter does in any field."""
        popup = self.completer().popup()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and popup.isVisible():
            index = popup.currentIndex()
            if index.isValid():
                self.setText(index.data())
            else:
                typed = communes.fold(self.text().strip())
                named = [c for c in self._choices if communes.fold(c.split(" — ")[0]) == typed]
                if len(named) == 1 or len(self._choices) == 1:
                    self.setText((named or list(self._choices))[0])
            popup.hide()
            event.accept()
            self.editingFinished.emit()  # the commune is taken
            # A fresh Enter, through the event filters: the form's moves on.
            QCoreApplication.sendEvent(self, QKeyEvent(QEvent.Type.KeyPress, event.key(),
                                                       Qt.KeyboardModifier.NoModifier))
            return
        super().keyPressEvent(event)

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


class MonthEdit(QLineEdit):
    """The simulated month, typed AAAA-MM: the one place the form keeps it.
    `monthChanged` says when a new valid month is entered."""

    monthChanged = Signal(str)

    def __init__(self, name: str, help_text: str = "", parent=None):
        super().__init__(parent)
        describe(self, name, help_text)
        self._month = ""  # the last valid month entered: what a field left empty stands for
        self.editingFinished.connect(self._entered)

    def month(self) -> str:
        """What is typed (a typing error is then reported by the dossier's checks)."""
        return self.text().strip() or self._month

    def set_month(self, month: str) -> None:
        self.setText(month)
        self._entered()

    def _entered(self) -> None:
        text = self.text().strip()
        if is_month(text) and text != self._month:
            self._month = text
            self.monthChanged.emit(text)


class Commune(Kind):
    """A commune, typed by name; the dossier keeps its INSEE code."""

    signal = "editingFinished"

    def make(self, name, help_text, owner):
        return CommuneEdit(name, help_text)

    def get(self, widget):
        return widget.code()

    def set(self, widget, value):
        widget.set_code(value)


@dataclass(frozen=True)
class FormField(Field):
    """A household field and where it shows: in its question's section, in a row beside
    the question's label, or across the section (wide)."""

    section: str = ""  # when the key is not a question's
    wide: bool = False
    title: str = ""  # a wide field's title: the question's label in bold, then this
    note: bool = False  # the help stays in view under the field
    beside: str = ""  # the part of the widget beside the label (notice.toggle); the rest spans under the row


FORM_FIELDS = FieldTable(
    FormField("people", "people", Editor(lambda form, _: PeopleEditor(form.catalogue)), section="foyer", wide=True,
              default=()),
    FormField("couple", "couple", Choice(COUPLE), default="single"),
    FormField("recently_separated", "recently_separated", Check("Séparation depuis moins de 18 mois"),
              name="Séparation récente"),
    # Chosen for a new dossier (a blank first entry); a dossier leaving it out is hosted free.
    FormField("housing.status", "housing_status", Choice(HOUSING_STATUS, prompt=CHOOSE), default="hosted_free"),
    FormField("housing.social_housing", "social_housing", Check("Logement social (HLM)"), name="Logement social"),
    FormField("housing.rent", "rent", Amount()),
    FormField("housing.charges", "charges", Amount()),
    FormField("housing.shared", "shared", Check("Colocation")),
    # What a status makes meaningless is left out (a tenant's landlord, a buyer's loan).
    FormField("housing.room_only", "room_only", Check("Une chambre seulement"), save=APPLIES),
    FormField("housing.landlord_family", "landlord_family", Check("Loué par un proche parent"), save=APPLIES),
    FormField("housing.hosting_contribution", "hosting_contribution", Check("Participe aux frais du logement"),
              save=APPLIES),
    FormField("housing.loan_date", "loan_date", Date(NOT_GIVEN), save=APPLIES),
    FormField("housing.commune", "commune", Commune(), name="Commune", save=GIVEN),
    FormField("housing.move_in_date", "move_in", Date(NOT_GIVEN), save=GIVEN),
    FormField("resources", "resources", Editor(lambda form, _: ResourcesGrid()), wide=True, default=()),
    # Where to find it on the notice, under the amount.
    FormField("fiscal_reference_income", "fiscal_income", Amount(blank=None, placeholder="inconnu : sera estimé"),
              name="Revenu fiscal de référence N-2", note=True),
    FormField("tax_notice_incomes", "notice", Editor(lambda form, help_text: NoticeEditor(help_text), empty=[]),
              save=GIVEN, beside="toggle", default=()),
    FormField("assets.savings", "savings", Amount()),
    FormField("assets.property_rental_value", "property_value", Amount()),
    FormField("benefits_received", "benefits", Editor(lambda form, _: BenefitsEditor(form.catalogue)), wide=True,
              title="(montant mensuel ; les 3 mois précédents seulement s'ils diffèrent)", default={}),
)


class DossierForm(QWidget):
    """Edits one dossier; emits `changed` (debounced) after each edit. The widgets are the
    attributes FORM_FIELDS names (form.rent, form.people...)."""

    changed = Signal()
    DEBOUNCE_MS = 300

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self._questions = {q.id: q for q in catalogue.questions}
        self.life_events: list[str] = []
        self.full_check = True
        self.label = ""
        self._loading = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda *_: self.changed.emit())

        FORM_FIELDS.make(self, self._questions)
        self.month_edit = MonthEdit("Mois simulé (AAAA-MM)", "Le mois pour lequel les aides sont calculées.")
        self.events_label = QLabel()
        self.events_label.setWordWrap(True)

        self.sections: dict[str, QGroupBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)  # the pane is narrow: the scroll area's frame is margin enough
        for key, title in SECTIONS:
            box = QGroupBox(title)
            box.setAccessibleName(f"Section {title}")
            self.sections[key] = box
            layout.addWidget(box)
        layout.addStretch(1)
        self._rows: dict[str, tuple[QWidget, ...]] = {}  # what shows or hides with each question
        self._lay_out_fields()
        situation = QFormLayout(self.sections["situation"])
        situation.addRow("Mois simulé", self.month_edit)
        situation.addRow("Point de départ", self.events_label)

        for signal in FORM_FIELDS.signals(self) + [self.month_edit.editingFinished]:
            signal.connect(self._edited)
        self._enter = EnterMovesOn(self, jump=self._next_to_answer)
        for widget in self.findChildren(QWidget):
            widget.installEventFilter(self._enter)
        self.people.changed.connect(self._people_changed)
        self.people.activity_chosen.connect(self._activity_chosen)
        self.couple.currentIndexChanged.connect(lambda *_: self._declarants_changed())
        # A new simulated month moves the grids' month columns; amounts stay on their months.
        self.month_edit.monthChanged.connect(self.resources.set_month)
        self.month_edit.monthChanged.connect(self.benefits.set_month)

    def _lay_out_fields(self) -> None:
        """Each section lists its fields in table order; consecutive rows share one form
        layout, so their labels line up."""
        stacks: dict[str, QVBoxLayout] = {}
        forms: dict[str, QFormLayout] = {}  # the rows being filled in each section
        for f in FORM_FIELDS:
            q = self._questions.get(f.key)
            section = f.section or q.section
            if section not in stacks:
                stacks[section] = QVBoxLayout(self.sections[section])
                stacks[section].setContentsMargins(6, 6, 6, 6)
            widget = getattr(self, f.attr)
            if f.wide:
                forms.pop(section, None)
                shown = [widget]
                if f.title:
                    title = QLabel(f"<b>{q.label}</b> {f.title}")
                    title.setWordWrap(True)
                    stacks[section].addWidget(title)
                    shown.insert(0, title)
                stacks[section].addWidget(widget)
            else:
                if section not in forms:
                    forms[section] = QFormLayout()
                    stacks[section].addLayout(forms[section])
                beside = getattr(widget, f.beside) if f.beside else widget
                field = self._with_note(beside, q.help) if f.note else beside
                label = QLabel(q.label)
                label.setBuddy(beside)
                forms[section].addRow(label, field)
                shown = [label, field]
                if f.beside:
                    forms[section].addRow(widget)  # across the whole width
                    shown.append(widget)
            if q:
                self._rows[f.key] = tuple(shown)

    @staticmethod
    def _with_note(field: QWidget, text: str) -> QWidget:
        box = QWidget()
        lines = QVBoxLayout(box)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.addWidget(field)
        note = QLabel(text)
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        lines.addWidget(note)
        return box

    # --- rules from rules/questions.yaml -------------------------------------------
    def _applies(self, qid: str) -> bool:
        """The question's visible_when holds now: its answer means something."""
        q = self._questions.get(qid)
        return q is None or condition_holds(q, lambda key: FORM_FIELDS.value(self, key))

    def apply_visibility(self) -> None:
        relevant = relevant_questions(self.catalogue, self.life_events, self.full_check)
        for qid, widgets in self._rows.items():
            shown = qid in relevant and self._applies(qid)
            for widget in widgets:
                widget.setVisible(shown)
        self.people.set_hidden_columns({f.key for f in PERSON_FIELDS
                                        if f.key in self._questions and f.key not in relevant})
        names = [e.label for e in self.catalogue.life_events if e.id in self.life_events]
        self.events_label.setText(" ; ".join(names) if names else "Bilan complet des droits")

    def _edited(self) -> None:
        if self._loading:
            return
        self.apply_visibility()
        self._debounce.start()

    def _people_changed(self) -> None:
        for row in self.people.rows:  # a person added later: Enter moves on in their fields too
            for widget in row.widgets() + [row.details] + row.details.findChildren(QWidget):
                widget.installEventFilter(self._enter)
        self.resources.set_people([(r.id, r.first_name.text() or ROLES[r.role.value()]) for r in self.people.rows])
        self.people.refresh_rules()
        self._declarants_changed()

    def _declarants_changed(self) -> None:
        """Who the tax notice names: the applicant, and a married or pacsé spouse."""
        declarants = [r for r in self.people.rows if r.role.value() == "applicant"]
        if self.couple.value() in ("married", "pacs"):
            declarants += [r for r in self.people.rows if r.role.value() == "spouse"][:1]
        self.notice.set_declarants([(r.id, r.first_name.text() or ROLES[r.role.value()]) for r in declarants])

    def _activity_chosen(self, person: str, activity: str) -> None:
        """A job chosen: its earnings get a row in the resources grid, for the amount."""
        if not self._loading and activity in EARNINGS and not self.resources.rows_of(person):
            self.resources.add_row(person, EARNINGS[activity])

    # --- what is still to answer ------------------------------------------------------
    def _whose(self, index: int, row) -> str:
        """« du demandeur », « de Léa », « de l'enfant (ligne 2) »."""
        role = row.role.value()
        if role == "applicant":
            return "du demandeur"
        if row.first_name.text().strip():
            return f"de {row.first_name.text().strip()}"
        named = {"spouse": "du conjoint", "child": "de l'enfant"}.get(role, "de la personne")
        return f"{named} (ligne {index + 1})"

    def missing(self) -> list[tuple[QWidget, str]]:
        """The answers a dossier cannot be computed without, still not given: each widget
        with what to tell the counselor."""
        out = []
        for index, row in enumerate(self.people.rows):
            whose = self._whose(index, row)
            if Date.blank(row.birth):
                out.append((row.birth, f"Date de naissance {whose} : à saisir"))
            if not row.activity.value():
                out.append((row.activity, f"Activité {whose} : à choisir"))
        if not self.housing_status.value():
            out.append((self.housing_status, "Logement : à choisir"))
        return out

    def _journey(self) -> list[tuple[QWidget, bool, object]]:
        """The questions a first interview goes through, in order: each widget, whether it
        is still blank, and how to put the focus on it."""
        steps = []
        for row in self.people.rows:
            steps.append((row.birth, Date.blank(row.birth), row.birth.setFocus))
            steps.append((row.activity, not row.activity.value(), row.activity.setFocus))
        steps.append((self.housing_status, not self.housing_status.value(), self.housing_status.setFocus))
        steps.append((self.rent, not self.rent.text().strip(), self.rent.setFocus))
        steps.append((self.commune, not self.commune.text().strip(), self.commune.setFocus))
        for row in range(self.resources.table.rowCount()):
            blank = self.resources.empty_row(row)
            steps.append((self.resources.table, blank, lambda r=row: self.resources.focus_amount(r)))
        return steps

    def _next_to_answer(self, field: QWidget):
        """Enter in one of the journey's questions goes to the next one still blank (an
        earlier one answered already is passed over); elsewhere, to the next field."""
        steps = self._journey()
        at = next((i for i, (widget, _, _) in enumerate(steps) if widget is field), None)
        if at is None:
            return None
        for widget, blank, focus in steps[at + 1:]:
            if blank and widget.isVisibleTo(self) and widget.isEnabled():
                return focus
        return None

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
        # The first answer still missing there, else the section's first field.
        first = next((w for w, _ in self.missing() if box.isAncestorOf(w) and w.isVisible()), None)
        first = first or next((w for w in box.findChildren(QWidget)
                               if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible()), None)
        if first:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- dossier <-> widgets ---------------------------------------------------------
    @property
    def month(self) -> str:
        """The simulated month: what the month field holds."""
        return self.month_edit.month()

    def to_data(self) -> dict:
        """The dossier as JSON data; Dossier.from_dict validates it."""
        data = {"format_version": FORMAT_VERSION, "month": self.month, **FORM_FIELDS.read(self, self._applies),
                "life_events": list(self.life_events)}
        if self.label:
            data["label"] = self.label
        return data

    def input_problems(self) -> list[str]:
        """What keeps the dossier from being computed, named before any computation: the
        answers still missing (no default stands in for them), then the fields whose text
        is not a number."""
        missing = [text for _, text in self.missing()]
        amounts = [getattr(self, f.attr) for f in FORM_FIELDS if isinstance(f.kind, Amount)]
        amounts += [w for row in self.people.rows for w in row.amount_fields() if w.isEnabled()]
        problems = [f"{w.accessibleName()} : montant invalide" for w in amounts if not w.is_valid()]
        if self.commune.text().strip() and self.commune.code() is None:
            problems.append(f"Commune du logement : « {self.commune.text().strip()} » introuvable ; "
                            "choisissez-la dans la liste ou tapez son code INSEE")
        return missing + problems + self.notice.problems() + self.resources.problems() + self.benefits.problems()

    def load(self, dossier, month: str) -> None:
        self.load_data(dossier.to_dict(), month)

    def load_data(self, data: dict, month: str) -> None:
        """Fill the widgets from dossier JSON; a draft may lack fields (defaults then).
        An older format (an autosave of a previous version) is upgraded first."""
        data = upgrade(data)
        self._loading = True
        try:
            # The month first: the grids lay out their month columns before taking amounts.
            self.month_edit.set_month(month)
            FORM_FIELDS.fill(self, data)
            self.label = data.get("label", "")
            self.life_events = list(data.get("life_events", []))
        finally:
            self._loading = False
        self.apply_visibility()
        self._debounce.start()

    def new_dossier(self, month: str, life_events: list[str], full_check: bool) -> None:
        """An applicant and nothing assumed: birth date, activity and housing are to answer."""
        blank = {"format_version": FORMAT_VERSION, "month": month, "life_events": list(life_events),
                 "people": [{"id": "p1", "role": "applicant", "activity": ""}], "housing": {"status": ""}}
        self.load_data(blank, month)
        self.set_context(life_events, full_check)

    def flush(self) -> None:
        """Emit a pending change now (tests, smoke mode, saving)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

