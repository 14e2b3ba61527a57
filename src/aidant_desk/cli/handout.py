"""`aidant-desk handout`: the same PDF as the app's « Imprimer le récapitulatif », headless.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..desk import AgendaError, HandoutOptions, StoreError
from .common import EXIT_FILE, EXIT_INVALID, database_option, error, month_option, opened_desk


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "handout", help="écrit le récapitulatif PDF à remettre à la personne",
        description="Calcule les aides du dossier et écrit le récapitulatif PDF : aides possibles, démarches, "
                    "documents, aides à vérifier et, si demandé, le prochain rendez-vous. Rien de la personne "
                    "(nom, date de naissance, revenus) n'y est imprimé.")
    parser.add_argument("dossier", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.pdf")
    month_option(parser)
    parser.add_argument("--appointment", type=int, action="append", default=[], metavar="NUMÉRO",
                        help="rendez-vous de l'agenda à imprimer (répétable)")
    parser.add_argument("--counselor", default="", metavar="PRÉNOM", help="prénom du conseiller, en en-tête")
    parser.add_argument("--with-received", action="store_true", help="liste aussi les aides déjà perçues")
    database_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    with opened_desk(args.database) as desk:
        dossier = desk.open_dossier(args.dossier, args.month)  # an invalid dossier stops here, before the engine
        try:
            agenda = desk.agenda()
            appointments = [agenda.get(number) for number in args.appointment]
            options = HandoutOptions(include_received=args.with_received, counselor=args.counselor.strip())
            handout = desk.prepare_handout(desk.simulate(dossier), options, appointments)
            desk.save_handout(handout, args.output)
        except AgendaError as problem:
            return error(problem, EXIT_INVALID)
        except StoreError as problem:
            return error(problem, EXIT_FILE)
    print(f"Récapitulatif écrit : {args.output}")
    return 0
