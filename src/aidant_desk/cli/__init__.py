"""The aidant-desk command: everything the app shows, headless."""
from __future__ import annotations

import argparse
import errno
import json
import sqlite3
import sys
from pathlib import Path

from ..desk import EXPLAINED, InvalidData, sqlite_problem, start_logging
from . import agenda as agenda_cli, dossiers as dossiers_cli, handout as handout_cli, rules as rules_cli, sync as sync_cli
from .common import EXIT_FILE, EXIT_INVALID, month_option

OS_ERRORS = {
    errno.ENOENT: "dossier introuvable", errno.EACCES: "accès refusé", errno.EPERM: "accès refusé",
    errno.ENOSPC: "disque plein", errno.EROFS: "support en lecture seule", errno.EISDIR: "c'est un dossier",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aidant-desk", description="Simulateur d'aides sociales pour les conseillers France Services.")
    parser.add_argument("--smoke", type=Path, metavar="DOSSIER",
                        help="ouvre la fenêtre hors écran, calcule le dossier, enregistre une capture et quitte")
    parser.add_argument("--screenshot", type=Path, default=Path("aidant-desk.png"), help="capture du mode --smoke")
    parser.add_argument("--open", type=Path, metavar="DOSSIER", help="ouvre l'application sur ce dossier")
    sub = parser.add_subparsers(dest="command")

    sim = sub.add_parser("simulate", help="calcule les aides d'un dossier")
    sim.add_argument("dossier", type=Path)
    month_option(sim)
    sim.add_argument("--json", action="store_true", help="résultat en JSON")
    sim.add_argument("--explain", metavar="AIDE",
                     help=f"détaille le calcul du montant d'une aide ({', '.join(EXPLAINED)})")

    situation = sub.add_parser("situation", help="écrit la situation OpenFisca calculée (JSON, pour l'API Web "
                                                 "d'OpenFisca)")
    situation.add_argument("dossier", type=Path)
    month_option(situation)
    situation.add_argument("-o", "--output", type=Path, help="fichier à écrire (par défaut : la sortie standard)")

    rules_cli.add_parser(sub)
    sync_cli.add_parser(sub)
    handout_cli.add_parser(sub)
    agenda_cli.add_parser(sub)
    dossiers_cli.add_parser(sub)

    bench = sub.add_parser("bench", help="mesure les performances du moteur")
    bench.add_argument("--batch", type=int, default=1000, help="taille du lot (1000)")
    bench.add_argument("--sample", type=int, default=5, help="dossiers calculés un par un pour extrapoler (5)")
    bench.add_argument("--recheck", type=int, metavar="N",
                       help="mesure plutôt la revérification de N dossiers gardés (cible : 10 000 en moins de 60 s)")
    bench.add_argument("--cold", action="store_true",
                       help="mesure seulement le démarrage à froid, avant et après le cache (cible : moteur prêt en moins de 2 s)")
    return parser


SUBCOMMANDS = {"rules": rules_cli, "sync": sync_cli, "handout": handout_cli, "agenda": agenda_cli, "dossiers": dossiers_cli,
               "recheck": dossiers_cli}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.smoke:  # a check run logs in its own home, once it has one
        start_logging()
    try:
        if args.command == "simulate":
            return _simulate(args)
        if args.command == "situation":
            return _situation(args)
        if args.command in SUBCOMMANDS:
            return SUBCOMMANDS[args.command].run(args)
        if args.command == "bench":
            from ..bench import run_benchmark, run_cold_start_benchmark, run_recheck_benchmark

            if args.cold:
                return run_cold_start_benchmark()
            if args.recheck:
                return run_recheck_benchmark(args.recheck)
            return run_benchmark(batch_size=args.batch, sample=args.sample)
        from .. import app  # Qt only for the window

        if args.smoke:
            return app.smoke(args.smoke, args.screenshot)
        return app.run(args.open)
    except InvalidData as error:
        print(f"Erreur : {error.describe()}", file=sys.stderr)
        return EXIT_INVALID
    except sqlite3.DatabaseError as error:  # the desk's database on a full, read-only or failing disk
        print(f"Erreur : {sqlite_problem(error)}.", file=sys.stderr)
        return EXIT_FILE
    except OSError as error:  # an unwritable output path, a full disk...
        where = f" {error.filename}" if error.filename else ""
        reason = OS_ERRORS.get(error.errno, "erreur du système")
        print(f"Erreur : impossible de lire ou d'écrire{where} ({reason}). Choisissez un autre emplacement.",
              file=sys.stderr)
        return EXIT_FILE


def _simulate(args) -> int:
    from ..desk import Desk, explanation_text, results_table

    desk = Desk()
    dossier = desk.open_dossier(args.dossier, args.month)
    result = desk.simulate(dossier)
    explanation = desk.explain(dossier, args.explain) if args.explain else None
    if args.json:
        data = result.to_dict()
        if explanation is not None:
            data["explanation"] = explanation.to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(results_table(result))
        if explanation is not None:
            print()
            print(explanation_text(explanation))
    return 0


def _situation(args) -> int:
    from ..desk import Desk
    from ..files import write_whole

    desk = Desk()
    text = json.dumps(desk.situation(desk.open_dossier(args.dossier, args.month)), ensure_ascii=False, indent=2)
    if args.output:
        write_whole(args.output, (text + "\n").encode("utf-8"))
        print(args.output)
    else:
        print(text)
    return 0
