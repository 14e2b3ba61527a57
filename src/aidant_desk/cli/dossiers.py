"""`aidant-desk dossiers`: the dossiers kept on the desk, headless — list and search,
keep a dossier file under a name, export, import, delete on request, purge. And
`aidant-desk recheck`: every kept dossier computed again under today's rules.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..desk import Consent, InvalidData, KeptDossier, StoreError, french_date, month_label, state_text
from .common import EXIT_FILE, EXIT_INVALID, database_option, error, opened_desk


def add_parser(subparsers) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    database_option(common)
    named = argparse.ArgumentParser(add_help=False)
    named.add_argument("--name", required=True, metavar="NOM", help="le nom sous lequel retrouver la personne")
    named.add_argument("--consent", action="store_true",
                       help="la personne accepte que le poste garde son dossier (obligatoire)")

    parser = subparsers.add_parser("dossiers", help="les dossiers gardés sur le poste (chiffrés)")
    sub = parser.add_subparsers(dest="dossiers_command", required=True)
    listing = sub.add_parser("list", parents=[common], help="liste les dossiers, dernière visite d'abord")
    listing.add_argument("--search", default="", metavar="TEXTE", help="garde ceux dont le nom contient ce texte")
    keep = sub.add_parser("import", parents=[common, named], help="garde un fichier dossier sous un nom")
    keep.add_argument("file", type=Path, metavar="FICHIER.json")
    export = sub.add_parser("export", parents=[common], help="écrit un dossier en fichier (sans son nom)")
    export.add_argument("id", type=int, metavar="NUMÉRO")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.json")
    delete = sub.add_parser("delete", parents=[common], help="efface un dossier (droit à l'effacement)")
    delete.add_argument("id", type=int, metavar="NUMÉRO")
    sub.add_parser("purge", parents=[common], help="efface les dossiers dont la durée de conservation est passée")
    subparsers.add_parser("recheck", parents=[common],
                          help="recalcule tous les dossiers gardés avec les règles d'aujourd'hui et dit ce qui change")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        with opened_desk(args.database) as desk:
            return _command(desk, args)
    except StoreError as problem:
        return error(problem, EXIT_FILE)
    except InvalidData as problem:
        return error(problem.describe(), EXIT_INVALID)


def _command(desk, args: argparse.Namespace) -> int:
    if args.command == "recheck":
        return _recheck(desk)
    shelf = desk.dossiers
    command = args.dossiers_command
    if command == "list":
        kept = shelf.list(args.search)
        for dossier in kept:
            print(_line(dossier, date.today()))
        if not kept:
            print("Aucun dossier." if not args.search else f"Aucun dossier dont le nom contient « {args.search} ».")
    elif command == "import":
        consent = Consent(args.consent, date.today() if args.consent else None)
        print(f"Dossier gardé sous le n° {shelf.import_file(args.file, args.name, consent)}.")
    elif command == "export":
        print(f"Dossier n° {args.id} écrit dans {shelf.export(args.id, args.output)} (sans son nom).")
    elif command == "delete":
        shelf.delete(args.id)
        print(f"Dossier n° {args.id} effacé.")
    elif command == "purge":
        dossiers, files = desk.purge_expired()
        print(f"Durée de conservation : {shelf.retention_months()} mois. "
              f"{dossiers} dossier(s) et {files} fichier(s) en cours effacés.")
    return 0


def _recheck(desk) -> int:
    report = desk.recheck(progress=lambda done, total: print(f"  {done}/{total} dossiers recalculés", file=sys.stderr))
    first = f" (dont {report.first_time} calculé(s) pour la première fois)" if report.first_time else ""
    print(f"{report.checked} dossier(s) revérifié(s){first} ; des aides changent pour {len(report.changed)}.")
    for changed in report.changed:
        print(f"n° {changed.dossier_id} — {changed.name} ({month_label(changed.month)}) :")
        for aid in changed.changes:
            print(f"  {aid.label} : {state_text(aid.before)} → {state_text(aid.after)}")
    for dossier_id, name, why in report.refused:
        print(f"n° {dossier_id} — {name} : non recalculable ({why})")
    return 0


def _line(dossier: KeptDossier, today: date) -> str:
    """'n° 3 — Amandine Q. — dernière visite le 02/12/2026 — 7 aides — effacé le 02/12/2027'."""
    aids = "pas encore calculé" if dossier.aids_found is None else f"{dossier.aids_found} aide(s)"
    purge = f"effacé le {french_date(dossier.purge_on)}" + (" (bientôt)" if dossier.purge_soon(today) else "")
    return " — ".join([f"n° {dossier.id}", dossier.name, f"dernière visite le {french_date(dossier.updated_at)}",
                       aids, purge])
