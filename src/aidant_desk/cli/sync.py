"""`aidant-desk sync`: the app's "Synchroniser maintenant", headless.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
import sys

from ..desk import Desk, NotConfigured, StoreError
from .common import EXIT_FILE, EXIT_INVALID, database_option, error, opened_desk

EXIT_NOT_CONFIGURED = EXIT_INVALID  # no server or token, or a wrong one: the person can correct it
EXIT_SYNC_FAILED = EXIT_FILE  # the store or the network failed; the counts wait in the outbox


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sync", help="envoie les comptes d'activité anonymes au serveur central",
        description="Envoie au serveur central les comptes anonymes en attente sur ce poste, "
                    "puis affiche l'état de la synchronisation.")
    parser.add_argument("--server", metavar="ADRESSE",
                        help="adresse du serveur central, par exemple https://central.exemple.fr (gardée sur ce poste)")
    parser.add_argument("--token", metavar="JETON",
                        help="jeton de l'appareil donné par « aidant-central site add » (gardé sur ce poste)")
    database_option(parser)
    parser.add_argument("--status", action="store_true", help="affiche l'état sans rien envoyer")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDES",
                        help="attente maximale d'une réponse du serveur (10)")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        with opened_desk(args.database) as desk:
            return _sync(desk, args)
    except StoreError as problem:
        return error(problem, EXIT_SYNC_FAILED)


def _sync(desk: Desk, args: argparse.Namespace) -> int:
    try:
        desk.enrol(server_url=args.server, token=args.token)
    except ValueError as problem:
        return error(problem, EXIT_NOT_CONFIGURED)
    if args.status:
        _print_status(desk)
        return 0
    try:
        report = desk.sync(timeout=args.timeout)
    except NotConfigured as problem:
        return error(problem, EXIT_NOT_CONFIGURED)
    print(f"Lots envoyés : {report.sent}")
    _print_status(desk)
    if report.error:
        print(f"Erreur : {report.error}. Les comptes restent dans la boîte d'envoi de ce poste "
              f"({report.waiting} lot(s) en attente) et partiront à la prochaine synchronisation.",
              file=sys.stderr)
        return EXIT_SYNC_FAILED
    return 0


def _print_status(desk: Desk) -> None:
    for line in desk.sync_status_lines():
        print(line)
