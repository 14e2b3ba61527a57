"""French communes (INSEE code, name, département, région) from the list that
openfisca-france ships, for an offline commune search. Read without importing
openfisca-france, which would cost seconds."""
from __future__ import annotations

import csv
import importlib.util
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code, e.g. 13055
    name: str
    departement: str
    region: str

    @property
    def display(self) -> str:
        return f"{self.name} ({self.departement}) — {self.code}"


def _asset() -> Path:
    spec = importlib.util.find_spec("openfisca_france")
    package = Path(next(iter(spec.submodule_search_locations)))
    return next((package / "assets" / "zonage-communes").glob("*.csv"))


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Étienne' -> 'saint etienne'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.replace("-", " ").replace("'", " ").replace("’", " ").split())


_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@lru_cache(maxsize=1)
def all_communes() -> tuple[Commune, ...]:
    with _asset().open(encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter=";")
        return tuple(Commune(r["CODGEO"], r["LIBGEO"], r["DEP"], r["REG"]) for r in rows)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Commune]:
    return {c.code: c for c in all_communes()}


@lru_cache(maxsize=1)
def _folded() -> tuple[tuple[str, Commune], ...]:
    return tuple((fold(c.name), c) for c in all_communes())


def by_code(code: str | None) -> Commune | None:
    return _by_code().get(code) if code else None


def search(text: str, limit: int = 20) -> list[Commune]:
    """Communes whose name starts with text (then contains it), or whose code or
    département starts with it; accents and case ignored."""
    query = " ".join(_ABBREVIATIONS.get(w, w) for w in fold(text).split())
    if not query:
        return []
    if query[:2].isdigit() or query[:2] in ("2a", "2b"):
        return [c for c in all_communes() if c.code.lower().startswith(query)][:limit]
    starts = [c for name, c in _folded() if name.startswith(query)]
    contains = [c for name, c in _folded() if query in name and not name.startswith(query)]
    # Big towns first among equal matches: shorter names are usually the main commune.
    starts.sort(key=lambda c: (len(c.name), c.name))
    return (starts + contains)[:limit]
