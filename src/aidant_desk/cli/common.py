"""What every subcommand shares: exit codes, French errors on stderr, the month and
database options, and a desk opened for one command."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..desk import Desk, default_store_path, is_month

EXIT_INVALID = 2  # bad input or a refusal: the person can correct it
EXIT_FILE = 3  # a file or the store cannot be read or written


def error(problem: object, code: int) -> int:
    print(f"Erreur : {problem}", file=sys.stderr)
    return code


def month(text: str) -> str:
    if not is_month(text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM")
    return text


def month_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", type=month, metavar="AAAA-MM",
                        help="mois simulé (par défaut : celui du dossier, sinon le mois courant)")


def database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", type=Path, metavar="FICHIER",
                        help=f"fichier de données du poste (par défaut : {default_store_path()})")


@contextmanager
def opened_desk(database: Path | None) -> Iterator[Desk]:
    """A desk for one command: what was set aside in its store is said on stderr."""
    with Desk(database) as desk:
        try:
            yield desk
        finally:
            for notice in desk.notices:
                print(f"Attention : {notice}", file=sys.stderr)
