"""`aidant-desk handout`: the same PDF as the app's « Imprimer le récapitulatif », headless.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from ..dossier import is_month
from ..store import StoreError, command_database, default_path

EXIT_REFUSED = 2
EXIT_STORE = 3


def _month(text: str) -> str:
    if not is_month(text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM")
    return text


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "handout", help="écrit le récapitulatif PDF à remettre à la personne",
        description="Calcule les aides du dossier et écrit le récapitulatif PDF : aides possibles, démarches, "
                    "documents, aides à vérifier et, si demandé, le prochain rendez-vous. Rien de la personne "
                    "(nom, date de naissance, revenus) n'y est imprimé.")
    parser.add_argument("dossier", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.pdf")
    parser.add_argument("--month", type=_month, metavar="AAAA-MM",
                        help="mois simulé (par défaut : celui du dossier, sinon le mois courant)")
    parser.add_argument("--appointment", type=int, metavar="NUMÉRO", help="rendez-vous de l'agenda à imprimer")
    parser.add_argument("--counselor", default="", metavar="PRÉNOM", help="prénom du conseiller, en en-tête")
    parser.add_argument("--with-received", action="store_true", help="liste aussi les aides déjà perçues")
    parser.add_argument("--database", type=Path, metavar="FICHIER",
                        help=f"fichier de données du poste (par défaut : {default_path()})")
    return parser


def run(args: argparse.Namespace) -> int:
    from ..agenda import PARIS, Agenda, AgendaError
    from ..catalogue import default_catalogue
    from ..dossier import Dossier, current_month
    from ..engine import Engine
    from ..site import load_site_settings
    from .delivery import prepare_handout
    from .options import HandoutOptions

    dossier = Dossier.load(args.dossier)  # an invalid dossier stops here, before the engine loads
    try:
        with command_database(args.database) as db:
            try:
                appointment = Agenda(db).get(args.appointment) if args.appointment is not None else None
            except AgendaError as error:
                print(f"Erreur : {error}", file=sys.stderr)
                return EXIT_REFUSED
            month = args.month or dossier.month or current_month()
            catalogue = default_catalogue()
            result = Engine(catalogue).simulate(dossier.with_month(month), month)
            options = HandoutOptions(include_received=args.with_received, counselor=args.counselor.strip())
            handout = prepare_handout(result, catalogue, options, load_site_settings(db), appointment)
            handout.save(args.output, db, at=datetime.now(PARIS))
    except StoreError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_STORE
    print(f"Récapitulatif écrit : {args.output}")
    return 0
