"""`aidant-desk sync`: the app's "Synchroniser maintenant", headless.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..store import StoreError, command_database, default_path
from .service import sync_now
from .status import NotConfigured, configure, status_lines, sync_status

EXIT_NOT_CONFIGURED = 2
EXIT_SYNC_FAILED = 3


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sync", help="envoie les comptes d'activité anonymes au serveur central",
        description="Envoie au serveur central les comptes anonymes en attente sur ce poste, "
                    "puis affiche l'état de la synchronisation.")
    parser.add_argument("--server", metavar="ADRESSE",
                        help="adresse du serveur central, par exemple https://central.exemple.fr (gardée sur ce poste)")
    parser.add_argument("--token", metavar="JETON",
                        help="jeton de l'appareil donné par « aidant-central site add » (gardé sur ce poste)")
    parser.add_argument("--database", type=Path, metavar="FICHIER",
                        help=f"fichier de données du poste (par défaut : {default_path()})")
    parser.add_argument("--status", action="store_true", help="affiche l'état sans rien envoyer")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDES",
                        help="attente maximale d'une réponse du serveur (10)")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        with command_database(args.database) as db:
            return _sync(db, args)
    except StoreError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_SYNC_FAILED


def _sync(db, args: argparse.Namespace) -> int:
    try:
        configure(db, server_url=args.server, token=args.token)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_NOT_CONFIGURED
    if args.status:
        _print_status(db)
        return 0
    try:
        report = sync_now(db, timeout=args.timeout)
    except NotConfigured as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_NOT_CONFIGURED
    print(f"Lots envoyés : {report.sent}")
    _print_status(db)
    if report.error:
        print(f"Erreur : {report.error}. Les comptes restent dans la boîte d'envoi de ce poste "
              f"({report.waiting} lot(s) en attente) et partiront à la prochaine synchronisation.",
              file=sys.stderr)
        return EXIT_SYNC_FAILED
    return 0


def _print_status(db) -> None:
    for line in status_lines(sync_status(db)):
        print(line)
