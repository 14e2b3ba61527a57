"""`aidant-desk sync`: French status, a non-zero exit when the server cannot be
reached, and the outbox kept."""
import argparse
from datetime import datetime

import pytest

from aidant_desk.store import open_database
from aidant_desk.cli import sync as cli
from aidant_desk.sync import record_handout, record_simulation
from aidant_desk.sync.outbox import waiting_count
from tests.central_fixtures import catalogue_export, central, central_store, dead_url, postgres_dsn  # noqa: F401 (fixtures)

# The command line is the same whatever the server's database: SQLite is enough here.
sqlite_only = pytest.mark.parametrize("central_store", ["sqlite"], indirect=True)

W48 = datetime(2026, 11, 25, 10, 30)


def run(*argv) -> int:
    parser = argparse.ArgumentParser(prog="aidant-desk")
    cli.add_parser(parser.add_subparsers(dest="command"))
    return cli.run(parser.parse_args(["sync", *argv]))


@pytest.fixture
def desk_path(tmp_path):
    path = tmp_path / "desk.db"
    db = open_database(path).db
    for _ in range(3):
        record_simulation(db, eligible_aids=["rsa"], new_rights=True, life_events=["naissance"], at=W48)
    record_handout(db, W48)
    db.close()
    return path


def waiting(path) -> int:
    db = open_database(path).db
    try:
        return waiting_count(db)
    finally:
        db.close()


def test_a_desk_not_enrolled_is_told_what_to_do(desk_path, capsys):
    assert run("--database", str(desk_path)) == cli.EXIT_NOT_CONFIGURED
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Ce poste n'est pas encore inscrit auprès du serveur central")
    assert "aidant-central site add" in err


def test_a_bad_server_address_is_refused(desk_path, capsys):
    assert run("--database", str(desk_path), "--server", "ftp://central") == cli.EXIT_NOT_CONFIGURED
    assert "Adresse de serveur invalide « ftp://central »" in capsys.readouterr().err


def test_unreachable_server_exits_non_zero_and_keeps_the_outbox(desk_path, dead_url, capsys):
    code = run("--database", str(desk_path), "--server", dead_url, "--token", "jeton", "--timeout", "1")
    assert code == cli.EXIT_SYNC_FAILED
    out, err = capsys.readouterr()
    assert "Lots envoyés : 0\n" in out and "Lots en attente d'envoi : 1\n" in out
    assert f"Dernière erreur : serveur injoignable ({dead_url}) : connexion refusée" in out
    assert err == (f"Erreur : serveur injoignable ({dead_url}) : connexion refusée. Les comptes restent dans la "
                   "boîte d'envoi de ce poste (1 lot(s) en attente) et partiront à la prochaine synchronisation.\n")
    assert waiting(desk_path) == 1


@sqlite_only
def test_sync_saves_the_settings_then_delivers(central, desk_path, capsys):
    code = run("--database", str(desk_path), "--server", central.url, "--token", central.enrol())
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"Lots envoyés : 1\nServeur central : {central.url}\nDernière synchronisation réussie : ")
    assert out.endswith("Lots en attente d'envoi : 0\nDernière erreur : aucune\n")
    assert waiting(desk_path) == 0
    # The address and token were kept: a plain `aidant-desk sync` works from now on.
    assert run("--database", str(desk_path)) == 0
    assert capsys.readouterr().out.startswith("Lots envoyés : 0\n")


@sqlite_only
def test_status_sends_nothing(central, desk_path, capsys):
    assert run("--database", str(desk_path), "--server", central.url, "--token", "t", "--status") == 0
    assert capsys.readouterr().out == (f"Serveur central : {central.url}\nDernière synchronisation réussie : jamais\n"
                                       "Lots en attente d'envoi : 0\nDernière erreur : aucune\n")
    assert central.faults.batch_requests == 0


def test_a_damaged_desk_file_is_reported_and_sync_goes_on(tmp_path, capsys):
    path = tmp_path / "desk.db"
    path.write_bytes(b"rien de lisible")
    assert run("--database", str(path), "--status") == 0
    out, err = capsys.readouterr()
    assert err.startswith(f"Attention : Le fichier de données {path} est illisible (ce n'est pas une base SQLite).")
    assert "Serveur central : non configuré" in out
