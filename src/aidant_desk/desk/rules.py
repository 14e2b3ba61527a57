"""The maintainer's use cases on the catalogue: check it against openfisca-france,
publish it as open data, sign it as a pack. And the desk's: trust a publisher's key,
install a pack, roll it back."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlite_utils import Database

from ..catalogue import Catalogue, export_catalogue, load_catalogue, rules_dir
from ..catalogue.packs import (PackRefused, build_pack, generate_keys, install, installed_rules, key_fingerprint,
                               read_pack, read_public_key, rollback, rules_version)
from ..dossier import InvalidData
from ..store import get_setting, set_setting

TRUSTED_KEYS = "trusted_rules_keys"  # setting: the publishers' public keys, a JSON list

log = logging.getLogger(__name__)

__all__ = ["PackRefused", "active_rules", "build_pack", "check_rules", "export_rules", "generate_keys",
           "install_pack", "key_fingerprint", "load_catalogue", "public_key", "rollback_pack", "rules_dir",
           "rules_version", "trust", "trust_key", "trusted_keys"]


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


def active_rules() -> str:
    """Which catalogue the desk loads, in French."""
    rules = rules_dir()
    version = rules_version(rules)
    if rules == installed_rules():
        return f"paquet de règles {version} installé sur ce poste ({rules})"
    return f"règles {version} ({rules})" if version else f"règles intégrées ({rules})"


def trusted_keys(db: Database) -> set[str]:
    return set(json.loads(get_setting(db, TRUSTED_KEYS) or "[]"))


def public_key(key_file: Path) -> str:
    """The publisher's key in the file; PackRefused, in French, when it is none."""
    return read_public_key(key_file.read_text(encoding="ascii", errors="replace"))


def trust(db: Database, key: str) -> None:
    """Packs signed with this public key (read by `public_key`) may be installed on the desk from now on."""
    set_setting(db, TRUSTED_KEYS, json.dumps(sorted(trusted_keys(db) | {key})))


def trust_key(db: Database, key_file: Path) -> str:
    key = public_key(key_file)
    trust(db, key)
    return key


def install_pack(db: Database, pack_file: Path) -> Catalogue:
    """The pack verified, checked like `rules check`, then made the desk's catalogue;
    PackRefused, in French, leaves the catalogue in use as it was."""
    pack = read_pack(pack_file, trusted_keys(db))

    def check(rules: Path) -> None:
        try:
            check_rules(rules)
        except InvalidData as error:
            raise PackRefused(f"Les règles {pack.version} ne passent pas la vérification, rien n'a été changé :\n"
                              f"{error.describe()}") from None

    install(pack, check)
    log.info("Paquet de règles %s installé", pack.version)
    return load_catalogue(rules_dir())


def rollback_pack() -> Catalogue:
    """Back to the catalogue in use before the last install."""
    rollback()
    return load_catalogue(rules_dir())
