"""A desk whose disk fills up: `aidant-desk sync` says so in French and exits 3, and
every count recorded before is still there once room is made. A real full disk: a
small tmpfs (needs the right to mount, which CI's container has as root)."""
import os
import subprocess
from datetime import datetime

import pytest

from aidant_desk.cli import main
from aidant_desk.store import open_database
from aidant_desk.sync import record_simulation

W48 = datetime(2026, 11, 25, 10, 30)


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"pas de tmpfs ici (mount : {done.stderr.decode().strip()})")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=False)  # detached even if a file is still open


def _fill(folder) -> None:
    """Every free byte taken, as by a download that filled the disk."""
    filler = os.open(folder / "remplissage", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(filler, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(filler)


def _counted(path) -> int:
    db = open_database(path).db
    try:
        return db.execute("SELECT COALESCE(SUM(recorded), 0) FROM activity_counts WHERE metric = 'simulations' AND key = ''").fetchone()[0]
    finally:
        db.close()


def test_sync_on_a_full_disk_says_so_and_loses_no_count(small_disk, capsys):
    path = small_disk / "desk.db"
    app = open_database(path).db  # the app has the file open (its journal exists) while the disk fills
    for _ in range(4):
        record_simulation(app, eligible_aids=["rsa"], new_rights=True, life_events=[], at=W48)
    before = _counted(path)
    _fill(small_disk)
    code = main(["sync", "--server", "http://127.0.0.1:9", "--token", "jeton-du-poste", "--database", str(path)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "disque plein" in err and "Traceback" not in err
    os.remove(small_disk / "remplissage")
    app.close()
    assert before == 4 and _counted(path) == before


def test_a_full_disk_before_the_file_is_opened_is_said_too(small_disk, capsys):
    path = small_disk / "desk.db"
    db = open_database(path).db
    record_simulation(db, eligible_aids=["rsa"], new_rights=True, life_events=[], at=W48)
    db.close()
    _fill(small_disk)
    code = main(["sync", "--status", "--database", str(path)])
    err = capsys.readouterr().err
    assert code == 3 and "espace disque" in err and "Traceback" not in err
    os.remove(small_disk / "remplissage")
    assert _counted(path) == 1


def test_the_app_says_the_same_in_french_when_its_background_work_meets_a_full_disk(small_disk):
    import sqlite3

    from aidant_desk.app.runner import french_message

    path = small_disk / "desk.db"
    app = open_database(path).db
    _fill(small_disk)
    with pytest.raises(sqlite3.OperationalError) as caught:  # what the sync lane meets
        for _ in range(50):
            record_simulation(app, eligible_aids=["rsa"], new_rights=True, life_events=[], at=W48)
    message = french_message(caught.value)
    assert message.startswith("La base de données du poste ne peut pas être écrite (disque plein)")
    assert "full" not in message
    os.remove(small_disk / "remplissage")
    app.close()
