"""JSON Schema validation that speaks French and names the field.

Used for dossiers and for the rule files: a counselor or a contributor reads these
messages, so they say which field is wrong and what is expected, never a traceback.
"""
from __future__ import annotations

import math
import re
import reprlib
from dataclasses import dataclass
from typing import Any, Iterable

from jsonschema import Draft202012Validator

_TYPE_NAMES = {
    "number": "un nombre",
    "integer": "un nombre entier",
    "string": "un texte",
    "boolean": "vrai ou faux (true/false)",
    "array": "une liste",
    "object": "un ensemble de champs",
    "null": "vide (null)",
}

# Format hints by the regular expression a field must match.
_PATTERN_HINTS = {
    r"^\d{4}-\d{2}-\d{2}$": "une date au format AAAA-MM-JJ",
    r"^\d{4}-(0[1-9]|1[0-2])$": "un mois au format AAAA-MM",
    r"^(\d{5}|2[AB]\d{3})$": "un code INSEE de commune à 5 caractères (par exemple 13055)",
    r"^[a-z0-9_]+$": "un identifiant en minuscules, chiffres et _",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (a field path) and what, in French."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field} : {self.message}" if self.field else self.message


class InvalidData(ValueError):
    """Raised with every problem found, so a person can fix them all at once."""

    def __init__(self, problems: Iterable[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.describe())

    def __reduce__(self):  # sent back whole from a worker process, problems and all
        return InvalidData, (self.problems, self.source)

    def describe(self) -> str:
        head = f"{self.source} : " if self.source else ""
        lines = [f"- {p}" for p in self.problems]
        return f"{head}{len(self.problems)} erreur(s)\n" + "\n".join(lines)


def field_path(parts: Iterable[Any]) -> str:
    """['people', 1, 'birth_date'] -> 'people[1].birth_date'."""
    text = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            part = str(part) if str(part).strip() else f"« {part} »"  # a field named "" is still named
            text += f".{part}" if text else part
    return text


# A value quoted in a message, cut short: a list of a million items, or YAML aliases nested
# ten deep (a billion items), would otherwise take minutes to write out and fill the screen.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 3, 60, 60, 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = _SHORT.maxfrozenset = 6


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"« {value} »"
    if isinstance(value, (int, list, tuple, dict, set, frozenset)):
        return _SHORT.repr(value)
    return str(value)


def _message(error) -> tuple[list[Any], str]:
    """The field path and the French message for one jsonschema error."""
    path = list(error.absolute_path)
    kind, arg, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        # One error per missing field; jsonschema names it in its message only.
        named = re.match(r"^'(.+)' is a required property$", error.message)
        missing = named.group(1) if named else next((name for name in arg if name not in value), arg[0])
        return path + [missing], "champ obligatoire manquant"
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted((k for k in value if k not in allowed), key=str)  # YAML keys may be numbers, null...
        return path + extra[:1], "champ inconnu (vérifiez l'orthographe)"
    if kind == "type":
        wanted = arg if isinstance(arg, list) else [arg]
        names = " ou ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        return path, f"doit être {names}, pas {_fmt(value)}"
    if kind == "enum":
        choices = ", ".join(_fmt(c) for c in arg)
        return path, f"valeur {_fmt(value)} inconnue ; valeurs possibles : {choices}"
    if kind == "const":
        return path, f"doit valoir {_fmt(arg)}, pas {_fmt(value)}"
    if kind in ("minimum", "exclusiveMinimum"):
        return path, f"doit être au moins {arg}, pas {_fmt(value)}"
    if kind in ("maximum", "exclusiveMaximum"):
        return path, f"ne doit pas dépasser {arg}, pas {_fmt(value)}"
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(arg, "une valeur au bon format")
        return path, f"{_fmt(value)} n'est pas {hint}"
    if kind == "propertyNames":
        return path, f"nom de champ invalide {_fmt(value)}"
    if kind == "minItems":
        return path, f"il faut au moins {arg} élément(s)"
    if kind == "maxItems":
        return path, f"pas plus de {arg} élément(s)"
    if kind == "minLength":
        return path, f"texte trop court (au moins {arg} caractères)"
    if kind == "maxLength":
        return path, f"texte trop long (au plus {arg} caractères)"
    if kind == "oneOf":
        return path, "ne correspond à aucune des formes permises (voir le schéma)"
    return path, f"valeur invalide {_fmt(value)}"


def _leaf_errors(error):
    """For oneOf/anyOf, the deepest errors say more than 'matches no branch'."""
    if error.context:
        best = max(error.context, key=lambda e: len(e.absolute_path))
        yield from _leaf_errors(best)
    else:
        yield error


def _not_finite(data: Any, path: tuple = ()) -> Iterable[tuple]:
    """Where NaN or an infinity is: every JSON Schema bound lets them through (NaN > 100 is false).
    JSON files cannot hold them, but YAML (.nan, .inf) and the app's own dicts can."""
    if isinstance(data, float) and not math.isfinite(data):
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _not_finite(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _not_finite(value, path + (i,))


def schema_problems(data: Any, schema: dict) -> list[Problem]:
    """Every problem in data against schema, in document order, in French."""
    problems = [Problem(field_path(where), "n'est pas un nombre fini (NaN ou infini) : indiquez un nombre")
                for where in _not_finite(data)]
    for error in Draft202012Validator(schema).iter_errors(data):
        for leaf in _leaf_errors(error):
            parts, message = _message(leaf)
            problems.append(Problem(field_path(parts), message))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: p.field)
