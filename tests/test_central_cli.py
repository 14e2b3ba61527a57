"""`aidant-central`: one command starts the server on a fresh database, `site add`
gives a token, `aidant-desk sync` with it delivers counts the dashboard shows.
Run as real processes, on 127.0.0.1."""
import argparse
import base64
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime

import pytest

from aidant_desk.store import open_database
from aidant_desk.cli import sync as sync_cli
from aidant_desk.sync import record_appointment, record_simulation
from tests.central_fixtures import ROOT, catalogue_export, empty_postgres, dead_url, postgres_dsn  # noqa: F401 (fixtures)

CENTRAL = [sys.executable, "-m", "aidant_desk.central.cli"]


def central(*argv, **kwargs):
    return subprocess.run([*CENTRAL, *argv], capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "nouveau" / "central.db")  # not there yet: created on first run
    return empty_postgres(request.getfixturevalue("postgres_dsn"))


def serve(database, catalogue):
    """Start `aidant-central serve --port 0`; return the process and its address."""
    process = subprocess.Popen([*CENTRAL, "serve", "--port", "0", "--database", database, "--catalogue", catalogue],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()  # printed once the port is bound
    match = re.search(r"écoute sur (http://127\.0\.0\.1:\d+)", first)
    if not match:
        process.kill()
        raise AssertionError(f"le serveur n'a pas démarré : {first!r} {process.stderr.read()}")
    return process, match.group(1)


def test_serve_site_add_sync_then_the_dashboard(database, tmp_path, catalogue_export):
    added = central("site", "add", "--name", "France Services Marseille 3e", "--departement", "13",
                    "--database", database)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Site n° 1 « France Services Marseille 3e » (département 13) inscrit.\n")
    token = added.stdout.splitlines()[2]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)

    desk = open_database(tmp_path / "desk.db").db
    for i in range(11):
        record_simulation(desk, eligible_aids=["rsa"], new_rights=i < 2, life_events=["perte_emploi"],
                          at=datetime(2026, 11, 25, 10, 0))
    record_appointment(desk, "partner", datetime(2026, 11, 26, 15, 0))
    desk.close()

    admin = central("admin", "add", "Coordination nationale", "--database", database)
    assert admin.returncode == 0, admin.stderr
    password = admin.stdout.splitlines()[-1]

    process, url = serve(database, str(catalogue_export))
    try:
        parser = argparse.ArgumentParser()
        sync_cli.add_parser(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["sync", "--database", str(tmp_path / "desk.db"), "--server", url, "--token", token])
        assert sync_cli.run(args) == 0
        with urllib.request.urlopen(url + "/", timeout=5) as page:
            html = page.read().decode()
        credentials = base64.b64encode(f"Coordination nationale:{password}".encode()).decode()
        request = urllib.request.Request(url + "/admin", headers={"Authorization": f"Basic {credentials}"})
        with urllib.request.urlopen(request, timeout=5) as page:
            admin_html = page.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert "<strong>11</strong>simulations réalisées" in html
    assert "<strong>1</strong>rendez-vous pris" in html
    assert '<tr><td>rsa</td><td class="n">11</td></tr>' in html
    assert '<tr><td>perte_emploi</td><td class="n">11</td></tr>' in html
    assert "Marseille" not in html  # each site's figures: administrators only
    assert "<td>France Services Marseille 3e</td><td>13</td>" in admin_html
    assert out.endswith("Aidant Central arrêté.\n") and err == ""
    assert process.returncode == 0


def test_site_add_refuses_an_unknown_departement(tmp_path):
    done = central("site", "add", "--name", "Site", "--departement", "99", "--database", str(tmp_path / "c.db"))
    assert done.returncode == 2
    assert done.stderr == "Erreur : Département « 99 » inconnu : un code comme 13, 2A ou 974.\n"


def test_an_unreachable_postgresql_is_a_french_error(dead_url, catalogue_export):
    dsn = dead_url.replace("http://", "postgresql://postgres@") + "/aidant"
    done = central("serve", "--port", "0", "--database", dsn, "--catalogue", str(catalogue_export))
    assert done.returncode == 1
    assert done.stderr.startswith("Erreur : Connexion à PostgreSQL impossible")


def test_a_busy_port_is_a_french_error(tmp_path, catalogue_export):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = central("serve", "--port", str(port), "--database", str(tmp_path / "c.db"),
                       "--catalogue", str(catalogue_export))
    assert done.returncode == 1
    assert done.stderr.startswith(f"Erreur : impossible d'écouter sur 127.0.0.1:{port}")


ISOLATED = """
import sys
class OnlyCentral:
    def find_spec(self, name, path=None, target=None):
        if name.startswith('aidant_desk.') and not name.startswith('aidant_desk.central'):
            raise ImportError('le serveur central importe ' + name)
sys.meta_path.insert(0, OnlyCentral())
import aidant_desk.central.cli, aidant_desk.central.app
from aidant_desk.central.storage import CentralStore
from aidant_desk.central.app import create_app
from aidant_desk.central.plausibility import KnownKeys
create_app(CentralStore(sys.argv[1]), KnownKeys(frozenset(), frozenset()))
print(sorted(m for m in sys.modules if m.startswith('aidant_desk')))
"""


def test_the_central_package_imports_nothing_from_the_desk(tmp_path):
    done = subprocess.run([sys.executable, "-c", ISOLATED, str(tmp_path / "c.db")], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr
    modules = eval(done.stdout)
    assert all(m == "aidant_desk" or m.startswith("aidant_desk.central") for m in modules)


def test_site_tokens_never_read_as_a_command_line_option(tmp_path):
    """A token is typed after `--token`: one beginning with « - » made argparse refuse
    it (about one urlsafe token in 64). 200 tokens all parse as the option's value."""
    from aidant_desk.central.storage import CentralStore

    store = CentralStore(tmp_path / "central.db")
    parser = argparse.ArgumentParser()
    parser.add_argument("--token")
    try:
        for i in range(200):
            token = store.add_site(f"Site {i}", "13")[1]
            assert parser.parse_args(["--token", token]).token == token
    finally:
        store.close()
