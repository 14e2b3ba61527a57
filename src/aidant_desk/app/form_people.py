"""The people of the household: one line per person in a grid, and under it the details
that apply to this person only. Each per-person field is declared once, in PERSON_FIELDS."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from ..desk import ACTIVITIES, ROLES, SCHOOL_LEVELS, Catalogue, condition_holds
from .form_fields import APPLIES, GIVEN, Amount, Check, Choice, Date, Field, FieldTable, Percent, Text
from .widgets import CHOOSE, FlowLayout, describe

TO_TYPE = "à saisir"  # what a date still to type shows


@dataclass(frozen=True)
class PersonField(Field):
    """A person.* question: its key after « person. » is its key in each person's entry."""

    column: str = ""  # header of its column on the person's line; none: a detail on the line under it
    caption: str = ""  # a detail amount's short caption beside it


PERSON_FIELDS = FieldTable(
    PersonField("person.first_name", "first_name", Text(width=80), name="Prénom (facultatif)",
                help="N'est jamais imprimé par défaut.", save=GIVEN, column="Prénom"),
    PersonField("person.role", "role", Choice(ROLES, letters=7), column="Rôle"),
    # Never assumed: a new person's birth date is typed (« 3/5/88 » will do).
    PersonField("person.birth_date", "birth", Date(TO_TYPE, past_only=True),
                help="Jour, mois, année : 3/5/88, 03/05/1988 ou 03051988. Pour un enfant à naître, la date prévue "
                     "(année sur 4 chiffres).", column="Naissance"),
    # A new applicant's activity is chosen (blank first entry); a dossier that leaves it out,
    # or a person added to the household, has none, as in the dossier.
    PersonField("person.activity", "activity", Choice(ACTIVITIES, letters=8, prompt=CHOOSE), default="inactive",
                column="Activité"),
    PersonField("person.school_level", "school", Choice(SCHOOL_LEVELS, letters=6), name="Scolarité", default="none",
                column="Scolarité"),
    PersonField("person.pregnant", "pregnant", Check("Enceinte")),
    PersonField("person.student_grant", "grant", Check("Boursier")),
    PersonField("person.dependent", "dependent", Check("À charge"), default=True),
    PersonField("person.shared_custody", "shared_custody", Check("Garde alternée"), name="Enfant en garde alternée",
                save=APPLIES),
    # Kept whatever the activity now: a fact about past work, that counts once the
    # person is a job-seeker (the "after" of a job loss, say).
    PersonField("person.ass_work_history", "ass_work_history", Check("ASS : 5 ans de salariat sur 10"),
                name="Condition de l'ASS : 5 ans de salariat", save=GIVEN),
    PersonField("person.parental_income", "parental_income", Amount(blank=None, width=100), name="Revenus des parents",
                save=APPLIES, caption="Revenus parents"),
    # A detail, not a column: the person's line then fits a 1280-pixel screen beside the results.
    PersonField("person.disability_rate", "disability", Percent(), name="Taux d'incapacité (%)", default=0,
                caption="Incapacité"),
    PersonField("person.alimony_paid", "alimony_paid", Amount(width=90), name="Pension alimentaire versée (mensuelle)",
                save=APPLIES, caption="Pension versée / mois"),
)
COLUMNS = [f for f in PERSON_FIELDS if f.column]
DETAILS = [f for f in PERSON_FIELDS if not f.column]


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
    """The widgets of one person (row.role, row.birth...): a line of the people grid, and
    under it the details (check boxes and amounts) that apply to this person only."""

    def __init__(self, person_id: str, questions: dict, data: dict):
        self.id = person_id
        self._questions = questions
        PERSON_FIELDS.make(self, questions)
        self.remove = describe(QToolButton(), "Retirer cette personne", "Retirer cette personne du foyer")
        self.remove.setText("✕")
        self._detail_widgets = [_labelled(f.caption, getattr(self, f.attr)) if f.caption else getattr(self, f.attr)
                                for f in DETAILS]
        self.details = QWidget()
        self.details.setAccessibleName("Précisions sur cette personne")
        line = FlowLayout(self.details, spacing=12)  # on two lines when they do not fit on one
        line.setContentsMargins(0, 0, 0, 4)
        for widget in self._detail_widgets:
            line.addWidget(widget)
        self.set_data(data)

    def widgets(self) -> list[QWidget]:
        """The main line, in column order (the remove button last)."""
        return [getattr(self, f.attr) for f in COLUMNS] + [self.remove]

    def columns(self) -> list[tuple[str, QWidget]]:
        return [(f.key, getattr(self, f.attr)) for f in COLUMNS]

    def detail_items(self) -> list[tuple[str, QWidget]]:
        """Each detail question with what to show or hide (an amount goes with its caption)."""
        return [(f.key, widget) for f, widget in zip(DETAILS, self._detail_widgets)]

    def amount_fields(self) -> list:
        return [getattr(self, f.attr) for f in PERSON_FIELDS if isinstance(f.kind, Amount)]

    def value_of(self, field: str):
        """The row's answer to a person.* question, for visible_when rules."""
        return PERSON_FIELDS.value(self, field)

    def applies(self, qid: str) -> bool:
        """The question's visible_when holds for this person (true without a rule)."""
        question = self._questions.get(qid)
        return question is None or condition_holds(question, self.value_of)

    def to_data(self) -> dict:
        return {"id": self.id, **PERSON_FIELDS.read(self, self.applies)["person"]}

    def set_data(self, p: dict) -> None:
        PERSON_FIELDS.fill(self, {"person": p})


class PeopleEditor(QWidget):
    """One line per person, and under it the details that apply to that person."""

    changed = Signal()
    activity_chosen = Signal(str, str)  # person id, activity: typed or picked, not loaded

    HEADERS = tuple(f.column for f in COLUMNS) + ("",)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self._questions = {q.id: q for q in catalogue.questions}
        self.rows: list[PersonRow] = []
        self._grid = QGridLayout()
        self._grid.setVerticalSpacing(2)
        self._grid.setHorizontalSpacing(4)
        self._headers = [QLabel(f"<b>{title}</b>") for title in self.HEADERS]
        for col, header in enumerate(self._headers):
            self._grid.addWidget(header, 0, col)
        self.add_button = describe(QPushButton("Ajouter une personne"), "Ajouter une personne au foyer")
        # A child by default; the birth date is left to type.
        self.add_button.clicked.connect(lambda: self.add_person(role="child"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self._hidden_columns: set[str] = set()

    def add_person(self, role: str = "child", birth: QDate | None = None, data: dict | None = None) -> PersonRow:
        if data is None:
            taken = {r.id for r in self.rows}
            number = len(self.rows) + 1
            while f"p{number}" in taken:
                number += 1
            data = {"id": f"p{number}", "role": role}
            if birth:
                data["birth_date"] = birth.toString(Qt.DateFormat.ISODate)
        row = PersonRow(data["id"], self._questions, data)
        for signal in PERSON_FIELDS.signals(row):
            signal.connect(lambda *_: self.changed.emit())
            signal.connect(lambda *_, r=row: self._apply_visibility(r))  # per-person rules follow the answers
        row.activity.currentIndexChanged.connect(lambda *_, r=row: self.activity_chosen.emit(r.id, r.activity.value()))
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
        self.changed.emit()

    def to_data(self) -> list[dict]:
        return [r.to_data() for r in self.rows]

    def set_data(self, people) -> None:
        self.clear()
        for p in people:
            self.add_person(data=p)

    def set_hidden_columns(self, hidden: set[str]) -> None:
        """Questions the life events leave out: their column, or their detail, in every row."""
        self._hidden_columns = hidden
        for f, header in zip(COLUMNS, self._headers):
            header.setVisible(f.key not in hidden)
        for row in self.rows:
            self._apply_visibility(row)

    def _apply_visibility(self, row: PersonRow) -> None:
        for qid, widget in row.columns():
            widget.setVisible(qid not in self._hidden_columns)
            # Per-person rules (visible_when on a person field) enable or disable the cell.
            widget.setEnabled(row.applies(qid))
        # A detail shows only where it applies (garde alternée for a child...).
        shown = False
        for qid, widget in row.detail_items():
            holds = row.applies(qid)
            widget.setEnabled(holds)
            widget.setVisible(holds and qid not in self._hidden_columns)
            shown = shown or (holds and qid not in self._hidden_columns)
        row.details.setVisible(shown)

    def refresh_rules(self) -> None:
        for row in self.rows:
            self._apply_visibility(row)
