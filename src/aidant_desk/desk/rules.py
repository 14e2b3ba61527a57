"""The maintainer's use cases on the catalogue: check it against openfisca-france,
publish it as open data."""
from __future__ import annotations

from pathlib import Path

from ..catalogue import Catalogue, export_catalogue, load_catalogue, rules_dir
from ..dossier import InvalidData


def check_rules(rules: Path | None = None) -> Catalogue:
    """The catalogue, valid and consistent with openfisca-france; InvalidData naming every problem."""
    from ..engine.checks import openfisca_problems

    rules = rules or rules_dir()
    catalogue = load_catalogue(rules)
    problems = openfisca_problems(catalogue)
    if problems:
        raise InvalidData(problems, str(rules))
    return catalogue


def export_rules(rules: Path | None, file_format: str, output: Path) -> list[Path]:
    rules = rules or rules_dir()
    return export_catalogue(load_catalogue(rules), rules, file_format, output)
