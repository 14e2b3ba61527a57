"""Where the catalogue, the fonts and the examples are: inside the installed package.

pyproject.toml maps the sub-packages aidant_desk.rules, aidant_desk.fonts and aidant_desk.examples
onto the repository's rules/, resources/fonts/ and examples/, so a wheel holds them as real folders
next to the code. An editable install (pip install -e .) runs from the checkout, and setuptools'
editable finder cannot import such data folders (they have no __init__.py: pypa/setuptools#4943):
there the folders are read in the project the install records (direct_url.json, PEP 610).
"""
from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

DISTRIBUTION = "aidant-desk"
# Folder inside the installed package -> folder in the repository (pyproject's package-dir).
SOURCES = {"rules": "rules", "fonts": "resources/fonts", "examples": "examples"}


def rules_dir() -> Path:
    """The catalogue shipped with the package (AIDANT_DESK_RULES is read by catalogue.rules_dir)."""
    return _data_dir("rules")


def fonts_dir() -> Path:
    return _data_dir("fonts")


def examples_dir() -> Path:
    return _data_dir("examples")


def _data_dir(name: str) -> Path:
    package = resources.files(__package__)
    if not isinstance(package, Path):  # a zipped install: no folder to hand to reportlab or glob
        raise RuntimeError(f"aidant_desk est installé dans une archive ({package}) : installez-le dans un dossier.")
    installed = package / name
    if installed.is_dir():
        return installed
    checkout = _editable_project()
    if checkout is not None and package.resolve().is_relative_to(checkout.resolve()):
        source = checkout / SOURCES[name]
        if source.is_dir():
            return source
    raise FileNotFoundError(f"Dossier de données « {name} » introuvable dans {package} : "
                            "réinstallez aidant-desk (pip install .).")


def _editable_project() -> Path | None:
    """The checkout of an editable install, None for any other install."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not recorded:
        return None
    origin = json.loads(recorded)
    url = urlparse(origin.get("url", ""))
    if url.scheme != "file" or not origin.get("dir_info", {}).get("editable"):
        return None
    return Path(url2pathname(url.path))
