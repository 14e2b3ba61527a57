"""`aidant-desk rules`: check and publish the catalogue; sign it as a pack (keygen,
pack), and on a desk trust a publisher, install a pack, roll it back.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..desk import StoreError
from ..desk.rules import (PackRefused, active_rules, build_pack, check_rules, export_rules, generate_keys,
                          install_pack, key_fingerprint, public_key, rollback_pack, rules_dir, trust_key)
from .common import EXIT_FILE, EXIT_INVALID, database_option, error, opened_desk


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rules", help="vérifie, publie, signe ou installe le catalogue des aides")
    sub = parser.add_subparsers(dest="rules_command", required=True)
    check = sub.add_parser("check", help="valide tous les fichiers de rules/")
    check.add_argument("--rules", type=Path, help="dossier des règles (par défaut : le catalogue actif du poste)")
    export = sub.add_parser("export", help="écrit le catalogue en données ouvertes")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--rules", type=Path)

    keygen = sub.add_parser("keygen", help="crée la paire de clés qui signe les paquets de règles d'un éditeur")
    keygen.add_argument("-o", "--output", type=Path, required=True, metavar="DOSSIER")
    pack = sub.add_parser("pack", help="écrit un paquet de règles signé et versionné")
    pack.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.zip")
    pack.add_argument("--key", type=Path, required=True, metavar="CLÉ_PRIVÉE", help="écrite par « rules keygen »")
    pack.add_argument("--version", required=True, metavar="VERSION", help="par exemple 2026.12.1")
    pack.add_argument("--rules", type=Path, help="dossier des règles (par défaut : le catalogue actif du poste)")

    trust = sub.add_parser("trust", help="accepte sur ce poste les paquets signés par cette clé publique")
    trust.add_argument("key", type=Path, metavar="CLÉ_PUBLIQUE")
    install = sub.add_parser("install", help="vérifie un paquet de règles et en fait le catalogue du poste")
    install.add_argument("file", type=Path, metavar="FICHIER.zip")
    sub.add_parser("rollback", help="revient au catalogue d'avant la dernière installation")
    for command in (trust, install):
        database_option(command)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        return _command(args)
    except PackRefused as problem:
        return error(problem, EXIT_INVALID)
    except StoreError as problem:
        return error(problem, EXIT_FILE)


def _command(args: argparse.Namespace) -> int:
    command = args.rules_command
    if command == "check":
        catalogue = check_rules(args.rules)
        computed = len(catalogue.openfisca_aids)
        print(f"Catalogue valide : {len(catalogue.aids)} aides ({computed} calculées par openfisca-france, "
              f"{len(catalogue.aids) - computed} par conditions), {len(catalogue.life_events)} événements de vie, "
              f"{len(catalogue.questions)} questions.")
        if args.rules is None:
            print(f"Catalogue actif : {active_rules()}")
    elif command == "export":
        for path in export_rules(args.rules, args.format, args.output):
            print(path)
    elif command == "keygen":
        private, public = generate_keys(args.output)
        print(f"Clé privée (à garder secrète, elle signe les paquets) : {private}")
        print(f"Clé publique (à installer sur les postes : aidant-desk rules trust) : {public}")
        print(f"Empreinte à donner aux postes, qui la vérifient avant d'accepter la clé : "
              f"{key_fingerprint(public_key(public))}")
    elif command == "pack":
        check_rules(args.rules)  # a pack that a desk would refuse is not written
        print(build_pack(args.rules or rules_dir(), args.output, args.key, args.version))
    elif command == "rollback":
        rollback_pack()
        print(f"Retour effectué. Catalogue actif : {active_rules()}")
    else:
        with opened_desk(args.database) as desk:
            if command == "trust":
                print(f"Clé acceptée sur ce poste, empreinte {key_fingerprint(trust_key(desk.db, args.key))}")
            else:
                catalogue = install_pack(desk.db, args.file)
                print(f"Règles {catalogue.version} installées : {len(catalogue.aids)} aides. "
                      f"Catalogue actif : {active_rules()}")
    return 0
