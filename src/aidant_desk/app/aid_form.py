"""The aid form of the « Catalogue des aides locales » window, generated from the
rules folder's schemas/aid.schema.json: one widget per property, chosen by its type and
enum, its help from the property's description; the condition rows speak the condition
vocabulary (facts, operators, values) in French and say what a value is read as."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable

import yaml
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..desk import (
    ACTIVITIES,
    HOUSING_STATUS,
    communes,
)
from ..validation import Problem
from .widgets import describe

# --- French words for the schema's field names and values -------------------------------
FIELD_LABELS = {
    "id": "Identifiant", "label": "Nom de l'aide", "short_label": "Nom court ou sigle", "description": "Description",
    "institution": "Organisme qui l'accorde", "category": "Rubrique", "kind": "Ce que la personne reçoit",
    "life_events": "Événements de vie", "periodicity": "Versement", "scope": "Portée",
    "computation": "Calcul", "computation.conditions": "Conditions",
    "computation.to_confirm": "À vérifier avec la personne", "computation.amount": "Montant (€)",
    "computation.amount_note": "Note sur le montant", "eligible_reason": "Phrase si l'aide est ouverte",
    "how_to_apply": "Comment la demander", "how_to_apply.instructions": "Démarche",
    "how_to_apply.contact": "À qui s'adresser", "how_to_apply.online": "Adresse en ligne",
    "how_to_apply.form": "Formulaire", "how_to_apply.automatic": "Versée sans demande",
    "documents": "Papiers à fournir", "legal_source": "Texte de référence", "legal_source.label": "Nom du texte",
    "legal_source.url": "Adresse du texte", "last_verified": "Vérifiée le", "criteria": "Critères openfisca",
}
ENUM_LABELS = {
    "category": {"logement": "Logement", "famille": "Famille", "sante": "Santé", "emploi": "Emploi",
                 "energie": "Énergie", "handicap": "Handicap", "retraite": "Retraite", "etudes": "Études",
                 "mobilite": "Mobilité", "justice": "Justice", "insertion": "Insertion", "jeunesse": "Jeunesse",
                 "loisirs": "Culture et loisirs", "epargne": "Épargne"},
    "kind": {"money": "De l'argent", "in_kind": "Un droit en nature (santé, carte, service)",
             "loan_guarantee": "Un prêt ou une garantie", "bon_plan": "Un bon plan"},
    "periodicity": {"mensuelle": "Chaque mois", "annuelle": "Chaque année", "ponctuelle": "Une fois",
                    "droit": "Un droit, sans montant"},
}
# Help for the fields whose schema property has no description.
HELP = {
    "id": "Le nom du fichier (aids/<identifiant>.yaml) : minuscules, chiffres et _. Calculé depuis le nom.",
    "category": "La rubrique où l'aide est rangée.",
    "institution": "Qui verse ou accorde l'aide.",
    "computation.amount_note": "Si le montant varie : ce que la personne doit savoir.",
    "how_to_apply.instructions": "La première phrase est imprimée sur le récapitulatif : le premier pas, court.",
    "how_to_apply.contact": "L'organisme à qui demander : le récapitulatif le nomme une fois.",
    "how_to_apply.online": "L'adresse du site de la démarche, en https://",
    "how_to_apply.form": "Le nom ou le numéro du formulaire (Cerfa…).",
    "documents": "Un papier par ligne, écrit comme sur les autres aides (« Pièce d'identité ou titre de séjour »).",
    "legal_source.label": "La délibération ou le règlement qui crée l'aide.",
    "legal_source.url": "Où lire ce texte, en https://",
    "last_verified": "Le jour où les conditions ont été vérifiées.",
}
PLACEHOLDERS = {
    "label": "Aide départementale au chauffage", "id": "calculé depuis le nom", "short_label": "facultatif",
    "institution": "Conseil départemental", "how_to_apply.contact": "Maison départementale de la solidarité",
    "how_to_apply.online": "https://…", "how_to_apply.form": "facultatif", "computation.amount": "150",
    "legal_source.url": "https://…", "documents": "Un papier par ligne", "computation.to_confirm": "Un point par ligne",
    "how_to_apply.instructions": "Première phrase : le premier pas, court.",
}
LONG_TEXT = {"description", "eligible_reason", "how_to_apply.instructions", "computation.amount_note"}
SKIPPED = {"criteria"}  # refusals explained by openfisca variables: no use for declarative conditions
SECTIONS = (
    ("L'aide", ("label", "id", "short_label", "description", "institution", "category", "kind", "periodicity",
                "life_events", "scope")),
    ("Qui y a droit", ("computation.conditions", "computation.to_confirm", "eligible_reason")),
    ("Montant", ("computation.amount", "computation.amount_note")),
    ("Comment la demander", ("how_to_apply.instructions", "how_to_apply.contact", "how_to_apply.online",
                             "how_to_apply.form", "how_to_apply.automatic", "documents")),
    ("Source", ("legal_source.label", "legal_source.url", "last_verified")),
)
OTHER_SECTION = "Autres champs"
# Replaces the generic « n'est pas une valeur au bon format » for these patterns.
PATTERN_MESSAGES = {"^https://": "l'adresse doit commencer par https://"}

FACT_LABELS = {
    "applicant.age": "Âge du demandeur",
    "applicant.activity": "Activité du demandeur",
    "applicant.disability_rate": "Taux d'incapacité du demandeur (%)",
    "applicant.is_student": "Le demandeur est étudiant",
    "household.adults": "Nombre d'adultes du foyer",
    "household.children": "Nombre d'enfants du foyer",
    "household.oldest_age": "Âge de la personne la plus âgée",
    "household.highest_disability_rate": "Taux d'incapacité le plus haut du foyer (%)",
    "household.others_oldest_age": "Âge du proche le plus âgé (sans le demandeur)",
    "household.others_highest_disability_rate": "Taux d'incapacité le plus haut d'un proche (%)",
    "household.youngest_child_age": "Âge du plus jeune enfant",
    "household.children_ages_this_year": "Âges des enfants cette année",
    "household.single_parent": "Parent seul",
    "household.couple": "Vit en couple",
    "household.pregnancy": "Grossesse en cours",
    "household.monthly_resources": "Ressources du foyer par mois (€)",
    "household.quotient_familial": "Quotient familial (€)",
    "household.fiscal_reference_income": "Revenu fiscal de référence N-2 (€)",
    "household.savings": "Épargne (€)",
    "housing.status": "Type de logement",
    "housing.departement": "Département (code)",
    "housing.region": "Région (code)",
    "housing.commune": "Commune (code INSEE)",
    "receives_any": "Perçoit déjà l'une de ces aides",
}
OP_LABELS = {"==": "est égal à", "!=": "est différent de", ">=": "au moins (>=)", "<=": "au plus (<=)",
             ">": "plus de (>)", "<": "moins de (<)", "in": "est l'un de", "not_in": "n'est aucun de",
             "contains": "contient"}
CONDITION_PARTS = {"fact": "fait", "op": "comparaison", "value": "valeur", "fail": "raison si non remplie",
                   "aids": "aides", "any": "tests"}

# What each fact holds (rules/README.md, engine/conditions.py): the editor checks the value's type.
NUMBER, BOOL, CODE, CHOICE, AGES, RECEIVES, ANY = "number", "bool", "code", "choice", "ages", "receives", "any"
FACT_KINDS = {
    **{f: NUMBER for f in ("applicant.age", "applicant.disability_rate", "household.adults", "household.children",
                           "household.oldest_age", "household.highest_disability_rate", "household.others_oldest_age",
                           "household.others_highest_disability_rate", "household.youngest_child_age",
                           "household.monthly_resources", "household.quotient_familial",
                           "household.fiscal_reference_income", "household.savings")},
    **{f: BOOL for f in ("applicant.is_student", "household.single_parent", "household.couple",
                         "household.pregnancy")},
    **{f: CODE for f in ("housing.departement", "housing.region", "housing.commune")},
    "applicant.activity": CHOICE, "housing.status": CHOICE,
    "household.children_ages_this_year": AGES, "receives_any": RECEIVES,
}
VOCABULARIES = {"applicant.activity": dict(ACTIVITIES), "housing.status": dict(HOUSING_STATUS)}
KIND_OPS = {
    NUMBER: ("==", "!=", ">=", "<=", ">", "<", "in", "not_in"), BOOL: ("==", "!="),
    CODE: ("==", "!=", "in", "not_in"), CHOICE: ("==", "!=", "in", "not_in"), AGES: ("contains",),
    RECEIVES: ("==", "!="),
}
DEFAULT_OPS = {NUMBER: "<=", BOOL: "==", CODE: "==", CHOICE: "in", AGES: "contains", RECEIVES: "=="}
KIND_HINTS = {
    NUMBER: "Un nombre : 1500 (un point pour les décimales : 12.5).",
    BOOL: "true (oui) ou false (non).",
    CODE: "Un code INSEE, lu comme du texte : 13, 2A ; plusieurs : [13, 84].",
    AGES: "Un âge, avec « contient » : 11.",
    RECEIVES: "true : la personne perçoit l'une de ces aides ; false : aucune.",
    ANY: "Une valeur : 13, true, [13, 2A].",
}
CODE_PATTERNS = {"housing.departement": r"\d{2,3}|2[AB]", "housing.region": r"\d{2}",
                 "housing.commune": r"\d{5}|2[AB]\d{3}"}
CODE_EXAMPLES = {"housing.departement": "un code de département (par exemple 13, 2A ou 974)",
                 "housing.region": "un code de région à 2 chiffres (par exemple 93)",
                 "housing.commune": "un code INSEE de commune à 5 caractères (par exemple 13055)"}
MISSING = object()


# --- small helpers ---------------------------------------------------------------------
def slug(text: str) -> str:
    """« Aide départementale au chauffage » -> aide_departementale_au_chauffage."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:60]


def get_path(data: dict, path: str, default=None):
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return default
        data = data[part]
    return data


def put_path(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def pop_path(data: dict, path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.get(part)
        if not isinstance(data, dict):
            return
    data.pop(last, None)


def is_empty(value) -> bool:
    """Nothing typed, as a file may say it explicitly (automatic: false, to_confirm: [])."""
    return value is None or value is False or (isinstance(value, (str, list, dict)) and not value)


def _resolve(node: dict, root: dict, value=None) -> dict:
    """The schema node that describes `value`: $ref followed, the oneOf branch whose fields it uses."""
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "oneOf" in node:
        branches = [_resolve(b, root) for b in node["oneOf"]]
        keys = set(value) if isinstance(value, dict) else set()
        node = next((b for b in branches if keys <= set(b.get("properties", {}))), branches[0])
    return node


def schema_order(value, node: dict, root: dict):
    """Keys in the schema's order, at every level (then any key the schema does not name)."""
    node = _resolve(node, root, value)
    if isinstance(value, dict):
        props = node.get("properties", {})
        keys = [k for k in props if k in value] + [k for k in value if k not in props]
        return {k: schema_order(value[k], props.get(k, {}), root) for k in keys}
    if isinstance(value, list):
        return [schema_order(v, node.get("items", {}), root) for v in value]
    return value


def field_title(where: str) -> str:
    """'computation.conditions[1].value' -> « Condition 2 › valeur »."""
    match = re.match(r"computation\.conditions\[(\d+)\](.*)$", where)
    if match:
        text, rest = f"Condition {int(match[1]) + 1}", match[2]
        group = re.match(r"\.any\[(\d+)\](.*)$", rest)
        if group:
            text, rest = f"{text} › test {int(group[1]) + 1}", group[2]
        part = rest.lstrip(".")
        return f"{text} › {CONDITION_PARTS.get(part, part)}" if part else text
    return FIELD_LABELS.get(re.sub(r"\[\d+\]", "", where), where)


def part_rank(where: str) -> tuple:
    """A condition's problems in the order of its widgets: fact, comparison, value, aids,
    then a group's tests, then the reason."""
    match = re.match(r"computation\.conditions\[(\d+)\](?:\.any\[(\d+)\])?\.?(\w*)$", where)
    if not match:
        return (where, 0, 0, 0)
    parts = ("any", "fact", "op", "value", "aids", "fail")
    rank = parts.index(match[3]) if match[3] in parts else len(parts)
    test = int(match[2]) if match[2] is not None else (float("inf") if match[3] == "fail" else -1)
    return ("", int(match[1]), test, rank)


def parse_value(fact: str, text: str):
    """The value as YAML: 13, true, [13, 2A]. A code (département, commune) is always
    text: « 13 » is the code 13, « 01 » keeps its zero."""
    return yaml.load(text, Loader=yaml.BaseLoader if FACT_KINDS.get(fact) == CODE else yaml.SafeLoader)


def value_text(fact: str, value) -> str:
    """What the value field shows for a value read from a file; parse_value reads it back the same."""
    if isinstance(value, list):
        return "[" + ", ".join(value_text(fact, v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        plain = re.fullmatch(r"[^\s,\[\]{}\"'#:&*!|>%@`][^,\[\]{}#]*?", value) is not None
        if plain and (FACT_KINDS.get(fact) == CODE or yaml.safe_load(value) == value):
            return value
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def described(value) -> str:
    """How the value was read, in words."""
    if isinstance(value, bool):
        return "vrai (true)" if value else "faux (false)"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte « {value} »"
    if isinstance(value, list):
        return "la liste " + ", ".join(f"« {v} »" if isinstance(v, str) else str(v) for v in value) if value \
            else "une liste vide"
    return "une valeur vide" if value is None else "une valeur composée"


@lru_cache(maxsize=1)
def _known_codes() -> dict[str, set[str]]:
    """Départements, régions and communes that exist (openfisca-france's list); empty if unreadable."""
    try:
        every = communes.all_communes()
    except (OSError, StopIteration, AttributeError, TypeError):
        return {}
    return {"housing.departement": {c.departement for c in every}, "housing.region": {c.region for c in every},
            "housing.commune": {c.code for c in every}}


def _item_problem(fact: str, kind: str, item) -> str:
    if kind in (NUMBER, AGES):
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            return f"doit être un nombre (par exemple 1500), pas {described(item)}"
    elif kind in (BOOL, RECEIVES):
        if not isinstance(item, bool):
            return f"vaut true (oui) ou false (non), pas {described(item)}"
    elif kind == CHOICE:
        vocabulary = VOCABULARIES[fact]
        if not isinstance(item, str) or item not in vocabulary:
            return f"« {item} » inconnu ; valeurs possibles : {', '.join(vocabulary)}"
    elif kind == CODE:
        known = _known_codes().get(fact)
        if not isinstance(item, str) or not re.fullmatch(CODE_PATTERNS[fact], item) or (known and item not in known):
            return f"« {item} » n'est pas {CODE_EXAMPLES[fact]}"
    return ""


def value_problems(fact: str, op: str, value) -> list[tuple[str, str]]:
    """What the engine could not compare (it would silently say « not met »): (part, message)."""
    kind = FACT_KINDS.get(fact, ANY)
    if kind == ANY:
        return []
    allowed = KIND_OPS[kind]
    if op not in allowed:
        return [("op", f"« {OP_LABELS.get(op, op)} » ne s'emploie pas avec ce fait ; choisissez "
                       + " ou ".join(f"« {OP_LABELS[o]} »" for o in allowed))]
    if op in ("in", "not_in"):
        if not isinstance(value, list):
            return [("value", "avec « est l'un de » ou « n'est aucun de », écrivez une liste entre crochets : "
                              "[13, 84]")]
        if not value:
            return [("value", "la liste est vide")]
        items = value
    elif isinstance(value, list):
        return [("value", "une seule valeur ici ; pour plusieurs, choisissez « est l'un de »")]
    else:
        items = [value]
    problem = next((p for p in (_item_problem(fact, kind, i) for i in items) if p), "")
    return [("value", problem)] if problem else []


# --- one widget per schema property ------------------------------------------------------
class Field:
    """A schema property's widget: value() is None when nothing is typed."""

    required = False

    def __init__(self, path: str, prop: dict, widget: QWidget):
        self.path, self.prop, self.widget = path, prop, widget

    def value(self):
        raise NotImplementedError

    def set(self, value) -> None:
        raise NotImplementedError

    def problems(self) -> list[Problem]:
        return []

    def connect(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def target(self, rest: str = "") -> QWidget:
        return self.widget


class TextField(Field):
    def __init__(self, path, prop):
        super().__init__(path, prop, QLineEdit())

    def value(self):
        return self.widget.text().strip() or None

    def set(self, value):
        self.widget.setText("" if value is None else str(value))

    def connect(self, callback):
        self.widget.textChanged.connect(lambda *_: callback())


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class LongTextField(Field):
    def __init__(self, path, prop):
        super().__init__(path, prop, _text_box(3 if path == "how_to_apply.instructions" else 2))

    def value(self):
        return self.widget.toPlainText().strip() or None

    def set(self, value):
        self.widget.setPlainText("" if value is None else str(value))

    def connect(self, callback):
        self.widget.textChanged.connect(callback)


class LinesField(LongTextField):
    """A list of texts, one per line."""

    def __init__(self, path, prop):
        Field.__init__(self, path, prop, _text_box(3))

    def value(self):
        lines = [line.strip() for line in self.widget.toPlainText().splitlines()]
        return [line for line in lines if line] or None

    def set(self, value):
        self.widget.setPlainText("\n".join(str(v) for v in value or []))


class NumberField(TextField):
    def __init__(self, path, prop):
        super().__init__(path, prop)
        self.integer = prop.get("type") == "integer"

    def _parsed(self):
        text = self.widget.text().replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return MISSING
        if number != number or number in (float("inf"), float("-inf")):
            return MISSING
        if number.is_integer():
            return int(number)
        return MISSING if self.integer else number

    def value(self):
        parsed = self._parsed()
        return None if parsed is MISSING else parsed

    def set(self, value):
        self.widget.setText("" if value is None else str(value).replace(".", ","))

    def problems(self):
        if self._parsed() is MISSING:
            return [Problem(self.path, f"doit être un nombre (par exemple 150 ou 12,50), pas « {self.widget.text()} »")]
        return []


class ChoiceField(Field):
    def __init__(self, path, prop, labels: dict[str, str]):
        super().__init__(path, prop, QComboBox())
        self.widget.addItem("— à choisir —", None)
        for value in prop["enum"]:
            self.widget.addItem(labels.get(value, value), value)

    def value(self):
        return self.widget.currentData()

    def set(self, value):
        index = self.widget.findData(value)
        if index < 0 and value is not None:  # a value this schema does not know: shown, and reported
            self.widget.addItem(f"{value} (inconnu)", value)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(max(index, 0))

    def connect(self, callback):
        self.widget.currentIndexChanged.connect(lambda *_: callback())


class BoolField(Field):
    def __init__(self, path, prop, text: str):
        super().__init__(path, prop, QCheckBox(text))

    def value(self):
        return True if self.widget.isChecked() else None

    def set(self, value):
        self.widget.setChecked(bool(value))

    def connect(self, callback):
        self.widget.toggled.connect(lambda *_: callback())


class DateField(Field):
    def __init__(self, path, prop):
        super().__init__(path, prop, QDateEdit())
        self.widget.setCalendarPopup(True)
        self.widget.setDisplayFormat("dd/MM/yyyy")
        self.set(None)

    def value(self):
        return self.widget.date().toString("yyyy-MM-dd")

    def set(self, value):
        parsed = QDate.fromString(str(value), "yyyy-MM-dd") if value else QDate()
        self.widget.setDate(parsed if parsed.isValid() else QDate.currentDate())

    def connect(self, callback):
        self.widget.dateChanged.connect(lambda *_: callback())


class FixedField(Field):
    """scope: an aid written here is local, always."""

    def __init__(self, path, prop, value, text: str):
        super().__init__(path, prop, QLabel(text))
        self.fixed = value

    def value(self):
        return self.fixed

    def set(self, value):
        pass

    def connect(self, callback):
        pass


class EventsField(Field):
    """The folder's life events, ticked; the file's order is kept."""

    def __init__(self, path, prop, events: list[tuple[str, str, str]]):
        super().__init__(path, prop, QListWidget())
        self._order: list[str] = []
        for event_id, label, description in events:
            self._add(event_id, label, description)
        rows = max(min(self.widget.count(), 8), 2)
        self.widget.setFixedHeight(self.widget.sizeHintForRow(0) * rows + 8 if self.widget.count() else 48)

    def _add(self, event_id: str, label: str, description: str = "") -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, event_id)
        item.setToolTip(description or event_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.widget.addItem(item)
        return item

    def items(self) -> list[QListWidgetItem]:
        return [self.widget.item(i) for i in range(self.widget.count())]

    def value(self):
        ticked = [i.data(Qt.ItemDataRole.UserRole) for i in self.items() if i.checkState() == Qt.CheckState.Checked]
        return [e for e in self._order if e in ticked] + [e for e in ticked if e not in self._order] or None

    def set(self, value):
        self._order = list(value or [])
        known = {i.data(Qt.ItemDataRole.UserRole): i for i in self.items()}
        for event_id in self._order:
            if event_id not in known:  # unknown to this folder: shown, and reported
                known[event_id] = self._add(event_id, f"{event_id} (inconnu)")
        for event_id, item in known.items():
            item.setCheckState(Qt.CheckState.Checked if event_id in self._order else Qt.CheckState.Unchecked)

    def connect(self, callback):
        self.widget.itemChanged.connect(lambda *_: callback())


# --- conditions ----------------------------------------------------------------------------
def _combo(values: list[str], labels: dict[str, str], name: str) -> QComboBox:
    combo = describe(QComboBox(), name)
    for value in values:
        combo.addItem(labels.get(value, value), value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class ConditionRow(QFrame):
    """One test: fact, comparison, value; and the reason shown when it fails (not inside a group)."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, facts: list[str], ops: list[str], with_fail: bool, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.fact = _combo(facts, FACT_LABELS, "Fait")
        for i, fact in enumerate(facts):
            self.fact.setItemData(i, fact, Qt.ItemDataRole.ToolTipRole)
        self.op = _combo(ops, OP_LABELS, "Comparaison")
        self.value = describe(QLineEdit(), "Valeur", "Écrite comme en YAML : 13, true, [13, 2A].")
        self.aids = describe(QLineEdit(), "Aides", "Identifiants des aides du catalogue, séparés par des virgules.")
        self.aids.setPlaceholderText("aides : rsa, ppa")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #444;")
        self.remove = describe(QPushButton("Retirer"), "Retirer cette condition")
        self.fail = describe(QLineEdit(), "Raison si la condition n'est pas remplie",
                             "La phrase affichée au conseiller quand la condition n'est pas remplie.")
        self.fail.setPlaceholderText("Raison affichée si ce n'est pas rempli")
        top = QHBoxLayout()
        top.addWidget(self.fact, 5)
        top.addWidget(self.op, 3)
        top.addWidget(self.value, 3)
        top.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.aids)
        layout.addWidget(self.hint)
        self.with_fail = with_fail
        if with_fail:
            layout.addWidget(self.fail)
        else:
            self.fail.hide()
        self._last_fact = None
        self.fact.currentIndexChanged.connect(self._fact_changed)
        for signal in (self.op.currentIndexChanged, self.value.textChanged, self.aids.textChanged,
                       self.fail.textChanged):
            signal.connect(lambda *_: self._edited())
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._fact_changed()

    def _fact_changed(self) -> None:
        fact = self.fact.currentData()
        kind = FACT_KINDS.get(fact, ANY)
        before = FACT_KINDS.get(self._last_fact, ANY)
        fitting = kind == before and self.op.currentData() in KIND_OPS.get(kind, OP_LABELS)
        if self._last_fact is not None and kind != ANY and not fitting:
            self.op.setCurrentIndex(max(self.op.findData(DEFAULT_OPS[kind]), 0))  # the comparison that fits
        if kind == RECEIVES and not self.value.text().strip():
            self.value.setText("true")
        self._last_fact = fact
        self.aids.setVisible(kind == RECEIVES)
        self._edited()

    def _edited(self) -> None:
        self.hint.setText(self._hint())
        self.changed.emit()

    def _hint(self) -> str:
        """Empty: what to write. Typed: how it is read (a code is always text)."""
        fact = self.fact.currentData()
        kind = FACT_KINDS.get(fact, ANY)
        text = self.value.text().strip()
        if not text:
            if kind == CHOICE:
                return "Valeurs : " + ", ".join(f"{k} ({v})" for k, v in VOCABULARIES[fact].items()) + "."
            return KIND_HINTS[kind]
        try:
            value = parse_value(fact, text)
        except yaml.YAMLError:
            return "Valeur illisible pour l'instant : écrivez par exemple 13, true ou [13, 2A]."
        if kind == CODE:
            return f"Lu : {described(value)} (un code est toujours lu comme du texte)."
        return f"Lu : {described(value)}."

    def data(self) -> tuple[dict, list[tuple[str, str]]]:
        """The test as the schema wants it, and what the editor finds wrong (part, message)."""
        fact, op = self.fact.currentData(), self.op.currentData()
        item: dict[str, Any] = {"fact": fact, "op": op}
        problems: list[tuple[str, str]] = []
        text = self.value.text().strip()
        if text:
            try:
                item["value"] = parse_value(fact, text)
            except yaml.YAMLError as error:
                item["value"] = text  # the schema accepts any value: the problem is said once, here
                mark = getattr(error, "problem_mark", None)
                where = f" (colonne {mark.column + 1})" if mark else ""
                problems.append(("value", f"valeur illisible{where} : écrivez par exemple 13, true ou [13, 2A]"))
            else:
                problems += value_problems(fact, op, item["value"])
        else:  # said here too: the schema names one missing field per condition
            problems.append(("value", "champ obligatoire manquant"))
        if self.with_fail and self.fail.text().strip():
            item["fail"] = self.fail.text().strip()
        elif self.with_fail:
            problems.append(("fail", "champ obligatoire manquant"))
        if FACT_KINDS.get(fact) == RECEIVES:
            aids = [a for a in re.split(r"[,;\s]+", self.aids.text()) if a]
            if aids:
                item["aids"] = aids
            else:
                problems.append(("aids", "indiquez au moins une aide (son identifiant, par exemple rsa)"))
        return item, problems

    def set_data(self, data: dict) -> None:
        fact = data.get("fact")
        if self.fact.findData(fact) < 0 and fact is not None:
            self.fact.addItem(f"{fact} (inconnu)", fact)
        self.fact.setCurrentIndex(max(self.fact.findData(fact), 0))
        if self.op.findData(data.get("op")) >= 0:
            self.op.setCurrentIndex(self.op.findData(data.get("op")))
        self.value.setText(value_text(fact, data["value"]) if "value" in data else "")
        self.aids.setText(", ".join(data.get("aids", ())))
        self.fail.setText(data.get("fail", ""))

    def target(self, part: str) -> QWidget:
        return {"fact": self.fact, "op": self.op, "aids": self.aids, "fail": self.fail}.get(part, self.value)


class GroupRow(QFrame):
    """« L'une de ces conditions suffit » : tests without a reason, and the group's reason."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, facts: list[str], ops: list[str], parent=None):
        super().__init__(parent)
        self.facts, self.ops = facts, ops
        self.setFrameShape(QFrame.Shape.Box)
        self.tests: list[ConditionRow] = []
        self.rows = QVBoxLayout()
        self.add_button = describe(QPushButton("+ Ajouter un test"), "Ajouter un test au groupe")
        self.remove = describe(QPushButton("Retirer le groupe"), "Retirer ce groupe de conditions")
        self.fail = describe(QLineEdit(), "Raison si aucun test n'est rempli")
        self.fail.setPlaceholderText("Raison affichée si aucun test n'est rempli")
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>L'une de ces conditions suffit :</b>"), 1)
        head.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(head)
        layout.addLayout(self.rows)
        layout.addWidget(self.add_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.fail)
        self.add_button.clicked.connect(lambda: self.add_test())
        self.fail.textChanged.connect(lambda *_: self.changed.emit())
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

    def add_test(self, data: dict | None = None) -> ConditionRow:
        row = ConditionRow(self.facts, self.ops, with_fail=False)
        if data:
            row.set_data(data)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self._remove_test)
        self.tests.append(row)
        self.rows.addWidget(row)
        self.changed.emit()
        return row

    def _remove_test(self, row: ConditionRow) -> None:
        self.tests.remove(row)
        self.rows.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.changed.emit()

    def data(self) -> tuple[dict, list[tuple[str, str]]]:
        tests, problems = [], []
        for j, row in enumerate(self.tests):
            test, found = row.data()
            tests.append(test)
            problems += [(f"any[{j}].{part}", message) for part, message in found]
        item: dict[str, Any] = {"any": tests}
        if len(tests) < 2:
            problems.append(("any", "un groupe « l'une de » compte au moins 2 tests"))
        if self.fail.text().strip():
            item["fail"] = self.fail.text().strip()
        else:
            problems.append(("fail", "champ obligatoire manquant"))
        return item, problems

    def set_data(self, data: dict) -> None:
        for test in data.get("any", ()):
            self.add_test(test)
        self.fail.setText(data.get("fail", ""))

    def target(self, rest: str) -> QWidget:
        match = re.match(r"\.any\[(\d+)\]\.?(\w*)", rest)
        if match and int(match[1]) < len(self.tests):
            return self.tests[int(match[1])].target(match[2])
        return self.fail


class ConditionsField(Field):
    """computation.conditions: all must hold; a group holds when one of its tests does."""

    def __init__(self, path, prop, schema: dict):
        super().__init__(path, prop, QWidget())
        condition = _resolve(prop.get("items", {}), schema)
        simple = next((b for b in (_resolve(b, schema) for b in schema["$defs"]["condition"]["oneOf"])
                       if "fact" in b.get("properties", {})), condition)
        self.facts = list(simple["properties"]["fact"]["enum"])
        self.ops = list(simple["properties"]["op"]["enum"])
        self.items: list[ConditionRow | GroupRow] = []
        self._callbacks: list[Callable[[], None]] = []
        self.rows = QVBoxLayout()
        self.rows.setSpacing(6)
        self.add_condition_button = describe(QPushButton("+ Ajouter une condition"), "Ajouter une condition")
        self.add_group_button = describe(QPushButton("+ Ajouter « l'une de ces conditions »"),
                                         "Ajouter un groupe de conditions dont une seule suffit")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_condition_button)
        buttons.addWidget(self.add_group_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.rows)
        layout.addLayout(buttons)
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button.clicked.connect(lambda: self.add_group())

    def _changed(self) -> None:
        for callback in self._callbacks:
            callback()

    def add_condition(self, data: dict | None = None) -> ConditionRow:
        row = ConditionRow(self.facts, self.ops, with_fail=True)
        if data:
            row.set_data(data)
        elif "housing.departement" in self.facts:  # what a local aid asks first
            row.fact.setCurrentIndex(row.fact.findData("housing.departement"))
        return self._add(row)

    def add_group(self, data: dict | None = None) -> GroupRow:
        group = GroupRow(self.facts, self.ops)
        if data:
            group.set_data(data)
        else:
            for _ in range(2):  # a group needs two tests at least
                group.add_test()
        return self._add(group)

    def _add(self, item):
        item.changed.connect(self._changed)
        item.remove_requested.connect(self._remove)
        self.items.append(item)
        self.rows.addWidget(item)
        self._changed()
        return item

    def _remove(self, item) -> None:
        self.items.remove(item)
        self.rows.removeWidget(item)
        item.hide()
        item.deleteLater()
        self._changed()

    def _collected(self) -> tuple[list[dict], list[Problem]]:
        values, problems = [], []
        for i, item in enumerate(self.items):
            value, found = item.data()
            values.append(value)
            problems += [Problem(f"{self.path}[{i}].{part}", message) for part, message in found]
        return values, problems

    def value(self):
        return self._collected()[0]

    def problems(self):
        return self._collected()[1]

    def set(self, value):
        for item in self.items:
            self.rows.removeWidget(item)
            item.hide()
            item.deleteLater()
        self.items = []
        for condition in value or []:
            self.add_group(condition) if "any" in condition else self.add_condition(condition)

    def connect(self, callback):
        self._callbacks.append(callback)

    def target(self, rest: str = "") -> QWidget:
        match = re.match(r"\[(\d+)\](.*)$", rest)
        if not match or int(match[1]) >= len(self.items):
            return self.add_condition_button
        item, tail = self.items[int(match[1])], match[2]
        if isinstance(item, GroupRow):
            return item.target(tail)
        return item.target(tail.lstrip("."))


# --- the generated form ------------------------------------------------------------------
def schema_leaves(schema: dict) -> list[tuple[str, dict, bool]]:
    """(path, property, required) for every property of the aid a widget edits; objects are
    walked into, and computation's declarative branch only (conditions)."""
    leaves = []

    def walk(node: dict, prefix: str) -> None:
        required = set(node.get("required", ()))
        for name, prop in node.get("properties", {}).items():
            path = prefix + name
            if path in SKIPPED:
                continue
            if "oneOf" in prop:
                branch = next((b for b in (_resolve(b, schema) for b in prop["oneOf"])
                               if "conditions" in b.get("properties", {})), None)
                if branch is not None:
                    walk(branch, path + ".")
                continue
            prop = _resolve(prop, schema)
            if prop.get("type") == "object" and "properties" in prop:
                walk(prop, path + ".")
            else:
                leaves.append((path, prop, name in required))

    walk(schema, "")
    return leaves


def required_objects(schema: dict) -> list[str]:
    """Objects the aid must have (how_to_apply, legal_source, computation): always written,
    so a missing field inside is named."""
    found = []

    def walk(node: dict, prefix: str) -> None:
        for name in node.get("required", ()):
            prop = node.get("properties", {}).get(name, {})
            if "oneOf" in prop or prop.get("type") == "object":
                found.append(prefix + name)
                if prop.get("type") == "object":
                    walk(prop, prefix + name + ".")

    walk(schema, "")
    return found


def make_field(path: str, prop: dict, schema: dict, events) -> Field | None:
    if path == "life_events":
        return EventsField(path, prop, events)
    if path == "computation.conditions":
        return ConditionsField(path, prop, schema)
    if path == "scope":
        return FixedField(path, prop, "local", "Locale : une aide du département ou de la commune")
    kind = prop.get("type")
    if "enum" in prop:
        return ChoiceField(path, prop, ENUM_LABELS.get(path, {}))
    if kind == "boolean":
        return BoolField(path, prop, FIELD_LABELS.get(path, path))
    if kind in ("number", "integer"):
        return NumberField(path, prop)
    if kind == "array" and prop.get("items", {}).get("type") == "string":
        return LinesField(path, prop)
    if kind == "string" and prop.get("format") == "date":
        return DateField(path, prop)
    if kind == "string":
        return LongTextField(path, prop) if path in LONG_TEXT else TextField(path, prop)
    return None  # kept as the file has it


def help_text(path: str, prop: dict) -> str:
    return " ".join(t for t in (prop.get("description", ""), HELP.get(path, "")) if t)


# --- the preview -------------------------------------------------------------------------
