"""Desk to central, end to end, against a real server on 127.0.0.1, with faults
injected: server down, 500s, timeouts, the acknowledgement lost after the server
stored the batch, the desk killed between send and acknowledgement. After recovery,
every count arrives exactly once. Runs on SQLite and on PostgreSQL."""
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from aidant_desk.central.figures import programme_figures
from aidant_desk.store import open_database
from aidant_desk.sync import (
    configure, record_appointment, record_handout, record_simulation, status_lines, sync_now, sync_status,
)
from tests.central_fixtures import catalogue_export, central, central_store, dead_url, postgres_dsn  # noqa: F401 (fixtures)

W48 = datetime(2026, 11, 25, 10, 30)
W49 = datetime(2026, 12, 2, 9, 0)
W50 = datetime(2026, 12, 9, 16, 0)
FAST = {"timeout": 2.0, "tries": 1}


@pytest.fixture
def desk(tmp_path, central):
    opened = open_database(tmp_path / "desk.db")
    configure(opened.db, server_url=central.url, token=central.enrol())
    yield opened.db
    opened.db.close()


def record_week_48(db):
    """12 simulations: all find rsa, 4 also css, 3 with new rights; 11 start from
    naissance, 1 from demenagement. 2 handouts, 3 desk and 1 partner appointments."""
    for i in range(12):
        record_simulation(db, eligible_aids=["rsa", "css_gratuite"] if i < 4 else ["rsa"], new_rights=i < 3,
                          life_events=["naissance"] if i < 11 else ["demenagement"], at=W48)
    record_handout(db, W48)
    record_handout(db, W48)
    for kind in ("desk", "desk", "desk", "partner"):
        record_appointment(db, kind, W48)


WEEK_48 = {"simulations": 12, "simulations_with_aid": 12, "simulations_with_new_rights": 3,
           "handouts": 2, "appointments_desk": 3, "appointments_partner": 1, "appointments": 4}


def figures(central):
    return programme_figures(central.store)


def test_counts_arrive_once_and_the_dashboard_shows_them(central, desk):
    record_week_48(desk)
    report = sync_now(desk, **FAST)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    shown = figures(central)
    assert shown["totals"] == WEEK_48
    assert shown["by_week"] == [{"week": "2026-W48", **WEEK_48}]
    assert shown["by_aid"] == [{"aid": "rsa", "simulations": 12}]       # css: 4, kept on the desk
    assert shown["by_life_event"] == [{"life_event": "naissance", "simulations": 11}]
    with urllib.request.urlopen(central.url + "/", timeout=5) as page:
        html = page.read().decode()
    assert "<strong>12</strong>simulations réalisées" in html
    assert "<strong>4</strong>rendez-vous pris" in html
    assert "semaine 48 de 2026" in html and "css_gratuite" not in html


def test_server_down_keeps_the_outbox_until_it_comes_back(central, desk, dead_url):
    record_week_48(desk)
    configure(desk, server_url=dead_url)
    report = sync_now(desk, **FAST)
    assert (report.sent, report.waiting) == (0, 1)
    assert report.error == f"serveur injoignable ({dead_url}) : connexion refusée"
    assert "Lots en attente d'envoi : 1" in status_lines(sync_status(desk))
    configure(desk, server_url=central.url)
    report = sync_now(desk, **FAST)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert sync_status(desk).last_error is None
    assert figures(central)["totals"] == WEEK_48


def test_500s_are_retried_with_backoff_within_a_sync(central, desk):
    record_week_48(desk)
    central.faults.plan = ["error_500", "error_500"]
    report = sync_now(desk, timeout=2.0, tries=3)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert central.faults.batch_requests == 3
    assert figures(central)["totals"] == WEEK_48


def test_500s_beyond_the_tries_keep_the_batch_for_later(central, desk):
    record_week_48(desk)
    central.faults.plan = ["error_500"] * 2
    report = sync_now(desk, timeout=2.0, tries=2)
    assert (report.sent, report.waiting) == (0, 1)
    assert report.error == f"le serveur {central.url} a répondu par une erreur (500)"
    assert figures(central)["totals"]["simulations"] == 0
    assert sync_now(desk, **FAST).sent == 1
    assert figures(central)["totals"] == WEEK_48


def test_a_timeout_then_a_retry_counts_once(central, desk):
    record_week_48(desk)
    central.faults.plan = ["slow"]  # handled 1 s late, after the desk gave up and retried
    report = sync_now(desk, timeout=0.3, tries=2)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    for _ in range(100):  # let the slow request finish: it is stored or found a duplicate
        if central.faults.finished == 2:
            break
        time.sleep(0.05)
    assert central.faults.finished == 2
    assert figures(central)["totals"] == WEEK_48


def test_an_acknowledgement_lost_after_storing_counts_once(central, desk):
    record_week_48(desk)
    central.faults.plan = ["lose_ack"]
    report = sync_now(desk, **FAST)
    assert (report.sent, report.waiting) == (0, 1)
    assert figures(central)["totals"] == WEEK_48  # stored, but the desk cannot know
    report = sync_now(desk, **FAST)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert figures(central)["totals"] == WEEK_48


KILLED_DESK = """
import sys
from aidant_desk.store import open_database
from aidant_desk.sync import sync_now
sync_now(open_database(sys.argv[1]).db, timeout=30, tries=1)
"""


def test_a_desk_killed_between_send_and_acknowledgement_counts_once(central, desk, tmp_path):
    record_week_48(desk)
    central.faults.plan = ["hang_after_store"]
    process = subprocess.Popen([sys.executable, "-c", KILLED_DESK, str(tmp_path / "desk.db")])
    try:
        assert central.faults.stored.wait(30), "le lot n'est jamais arrivé au serveur"
    finally:
        process.kill()
        process.wait(10)
    central.faults.release.set()
    assert figures(central)["totals"] == WEEK_48
    restarted = open_database(tmp_path / "desk.db").db  # as after a reboot
    report = sync_now(restarted, **FAST)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert figures(central)["totals"] == WEEK_48


def test_a_refused_token_stops_the_sync_and_keeps_everything(central, desk):
    record_week_48(desk)
    record_handout(desk, W49)
    configure(desk, token="jeton-inconnu")
    report = sync_now(desk, timeout=2.0, tries=3)
    assert (report.sent, report.waiting) == (0, 2)
    assert report.error.startswith("jeton refusé par le serveur")
    assert central.faults.batch_requests == 1  # no retry, no second batch: the token is wrong


def test_background_sync_waits_out_its_backoff(central, desk, dead_url):
    record_week_48(desk)
    configure(desk, server_url=dead_url)
    failed_at = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    sync_now(desk, now=failed_at, **FAST)
    next_attempt = sync_status(desk).next_attempt_at
    # First failure: between 15 and 30 s later (equal jitter on a 30 s base).
    assert timedelta(seconds=15) <= next_attempt - failed_at <= timedelta(seconds=30)
    configure(desk, server_url=central.url)
    early = sync_now(desk, force=False, now=failed_at + timedelta(seconds=10), **FAST)
    assert early.postponed and early.waiting == 1 and central.faults.batch_requests == 0
    later = sync_now(desk, force=False, now=failed_at + timedelta(seconds=31), **FAST)
    assert (later.postponed, later.sent, later.waiting) == (False, 1, 0)


def test_after_weeks_of_faults_every_count_arrives_exactly_once(central, desk, dead_url):
    record_week_48(desk)
    configure(desk, server_url=dead_url)
    sync_now(desk, **FAST)                                      # offline at a home visit
    for _ in range(8):                                          # W49: 8 simulations with css_gratuite
        record_simulation(desk, eligible_aids=["css_gratuite"], new_rights=True, life_events=["naissance"], at=W49)
    configure(desk, server_url=central.url)
    central.faults.plan = ["error_500", "lose_ack"]
    first = sync_now(desk, **FAST)                              # W48 fails (500), nothing after it tried
    assert (first.sent, first.waiting) == (0, 2)
    second = sync_now(desk, **FAST)                             # W48 stored but its ack lost
    assert (second.sent, second.waiting) == (0, 2)
    record_appointment(desk, "partner", W50)
    third = sync_now(desk, **FAST)
    assert (third.sent, third.waiting, third.error) == (3, 0, None)
    shown = figures(central)
    assert shown["totals"] == {"simulations": 20, "simulations_with_aid": 20, "simulations_with_new_rights": 11,
                               "handouts": 2, "appointments_desk": 3, "appointments_partner": 2, "appointments": 5}
    # css_gratuite: 4 in W48 + 8 in W49 = 12, released in W49; naissance 11 (W48) then 8 waiting.
    assert shown["by_aid"] == [{"aid": "css_gratuite", "simulations": 12}, {"aid": "rsa", "simulations": 12}]  # ties by name
    assert shown["by_life_event"] == [{"life_event": "naissance", "simulations": 11}]
    assert [row["week"] for row in shown["by_week"]] == ["2026-W48", "2026-W49", "2026-W50"]
