"""The aidant-desk command: everything the app shows, headless."""
from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from .dossier import InvalidData, current_month, is_month

EXIT_INVALID = 2
EXIT_FILE = 3
OS_ERRORS = {
    errno.ENOENT: "dossier introuvable", errno.EACCES: "accès refusé", errno.EPERM: "accès refusé",
    errno.ENOSPC: "disque plein", errno.EROFS: "support en lecture seule", errno.EISDIR: "c'est un dossier",
}


def _month_arg(text: str) -> str:
    if not is_month(text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aidant-desk", description="Simulateur d'aides sociales pour les conseillers France Services.")
    parser.add_argument("--smoke", type=Path, metavar="DOSSIER",
                        help="ouvre la fenêtre hors écran, calcule le dossier, enregistre une capture et quitte")
    parser.add_argument("--screenshot", type=Path, default=Path("aidant-desk.png"), help="capture du mode --smoke")
    parser.add_argument("--open", type=Path, metavar="DOSSIER", help="ouvre l'application sur ce dossier")
    sub = parser.add_subparsers(dest="command")

    sim = sub.add_parser("simulate", help="calcule les aides d'un dossier")
    sim.add_argument("dossier", type=Path)
    sim.add_argument("--month", type=_month_arg, help="mois simulé AAAA-MM (par défaut : celui du dossier, sinon le mois courant)")
    sim.add_argument("--json", action="store_true", help="résultat en JSON")

    rules = sub.add_parser("rules", help="vérifie ou publie le catalogue des aides")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="valide tous les fichiers de rules/")
    check.add_argument("--rules", type=Path, help="dossier des règles (par défaut : rules/)")
    export = rules_sub.add_parser("export", help="écrit le catalogue en données ouvertes")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--rules", type=Path)

    from .sync import cli as sync_cli

    sync_cli.add_parser(sub)

    from .agenda import cli as agenda_cli
    from .handout import cli as handout_cli

    handout_cli.add_parser(sub)
    agenda_cli.add_parser(sub)

    bench = sub.add_parser("bench", help="mesure les performances du moteur")
    bench.add_argument("--batch", type=int, default=1000, help="taille du lot (1000)")
    bench.add_argument("--sample", type=int, default=5, help="dossiers calculés un par un pour extrapoler (5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "simulate":
            return _simulate(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "sync":
            from .sync import cli as sync_cli

            return sync_cli.run(args)
        if args.command == "handout":
            from .handout import cli as handout_cli

            return handout_cli.run(args)
        if args.command == "agenda":
            from .agenda import cli as agenda_cli

            return agenda_cli.run(args)
        if args.command == "bench":
            from .bench import run_benchmark

            return run_benchmark(batch_size=args.batch, sample=args.sample)
        from . import app  # Qt only for the window

        if args.smoke:
            return app.smoke(args.smoke, args.screenshot)
        return app.run(args.open)
    except InvalidData as error:
        print(f"Erreur : {error.describe()}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:  # an unwritable output path, a full disk...
        where = f" {error.filename}" if error.filename else ""
        reason = OS_ERRORS.get(error.errno, "erreur du système")
        print(f"Erreur : impossible de lire ou d'écrire{where} ({reason}). Choisissez un autre emplacement.",
              file=sys.stderr)
        return EXIT_FILE


def _simulate(args) -> int:
    from .dossier import Dossier
    from .engine import Engine

    dossier = Dossier.load(args.dossier)
    month = args.month or dossier.month or current_month()
    result = Engine().simulate(dossier.with_month(month), month)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .report import results_table

        print(results_table(result))
    return 0


def _rules(args) -> int:
    from .catalogue import export_catalogue, load_catalogue, rules_dir

    rules = args.rules or rules_dir()
    catalogue = load_catalogue(rules)
    if args.rules_command == "check":
        from .engine.checks import openfisca_problems

        problems = openfisca_problems(catalogue)
        if problems:
            raise InvalidData(problems, str(rules))
        computed = len(catalogue.openfisca_aids)
        print(f"Catalogue valide : {len(catalogue.aids)} aides ({computed} calculées par openfisca-france, "
              f"{len(catalogue.aids) - computed} par conditions), {len(catalogue.life_events)} événements de vie, "
              f"{len(catalogue.questions)} questions.")
        return 0
    written = export_catalogue(catalogue, rules, args.format, args.output)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
