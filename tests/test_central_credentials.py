"""Device tokens: revoked and rotated by `aidant-central site revoke|rotate` on the
database itself, stored only hashed, compared in constant time; rate limits on the
batch endpoint (429 + Retry-After, nothing written) and a desk that waits as told;
a desk whose site was given a new token delivers its outbox with it, exactly once.
Against a real server on 127.0.0.1, on SQLite and on PostgreSQL."""
import hmac
import math
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from starlette.responses import JSONResponse

from aidant_desk.central import cli
from aidant_desk.central.app import create_app
from aidant_desk.central.figures import programme_figures
from aidant_desk.central.plausibility import KnownKeys
from aidant_desk.central.rate_limit import RateLimiter
from aidant_desk.central.storage import hash_token
from aidant_desk.store import open_database
from aidant_desk.sync import configure, record_handout, record_simulation, status_lines, sync_now, sync_status
from aidant_desk.sync.client import MAX_RETRY_AFTER, retry_after
from aidant_desk.sync.service import WAIT_WITHIN_SYNC
from tests.central_fixtures import (  # noqa: F401 (fixtures)
    BATCHES, Central, Faults, ServerThread, catalogue_export, central, central_store, postgres_dsn,
)

ZERO = {"simulations": 0, "simulations_with_aid": 0, "simulations_with_new_rights": 0,
        "handouts": 0, "appointments_desk": 0, "appointments_partner": 0}
REFUSED = {"detail": "Jeton d'appareil absent ou invalide."}
W48 = datetime(2026, 11, 25, 10, 30)
W49 = datetime(2026, 12, 2, 9, 0)
FAST = {"timeout": 2.0, "tries": 1}


def batch(key_digit: str, week: str = "2026-W48", **totals) -> dict:
    return {"schema_version": 1, "idempotency_key": key_digit * 64, "week": week,
            "totals": {**ZERO, **totals}, "aids": {}, "life_events": {}}


def post(http, token, payload):
    return http.post(BATCHES, json=payload, headers={"Authorization": f"Bearer {token}"})


def simulations(store) -> int:
    return programme_figures(store)["totals"]["simulations"]


def central_cli(store, *argv, capsys) -> tuple[int, str, str]:
    """`aidant-central …` in this process, on the server's own database (not HTTP)."""
    code = cli.main([*argv, "--database", store.target])
    out, err = capsys.readouterr()
    return code, out, err


def printed_token(out: str) -> str:
    token = out.splitlines()[out.splitlines().index(
        "Jeton de l'appareil, à saisir sur le poste ; il n'est affiché qu'une fois et le serveur n'en garde "
        "qu'une empreinte :") + 1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    return token


@pytest.fixture
def http(central):
    with httpx.Client(base_url=central.url, trust_env=False, timeout=5) as client:
        yield client


# --- revoke -----------------------------------------------------------------


def test_a_revoked_token_is_refused_at_once_and_its_counts_stay(central, http, capsys):
    token = central.enrol("France Services Marseille 3e", "13")
    other = central.enrol("France Services Ajaccio", "2A")
    assert post(http, token, batch("a", simulations=7)).status_code == 201
    code, out, err = central_cli(central.store, "site", "revoke", "1", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Jeton du site n° 1 « France Services Marseille 3e » révoqué")
    answer = post(http, token, batch("b", simulations=5))
    assert answer.status_code == 401
    assert answer.json() == REFUSED
    assert answer.headers["www-authenticate"] == "Bearer"
    assert simulations(central.store) == 7                      # received before: kept, the refused one not added
    assert post(http, other, batch("c", simulations=2)).status_code == 201  # the other site is untouched
    assert simulations(central.store) == 9
    code, out, _ = central_cli(central.store, "site", "list", capsys=capsys)
    lines = out.splitlines()
    assert lines[0].startswith("n° 1\t« France Services Marseille 3e »\tdépartement 13\trévoqué le ")
    assert lines[1] == "n° 2\t« France Services Ajaccio »\tdépartement 2A\tactif"


def test_revoking_twice_says_so(central, capsys):
    central.enrol("Site A", "13")
    assert central_cli(central.store, "site", "revoke", "Site A", capsys=capsys)[0] == 0
    code, out, _ = central_cli(central.store, "site", "revoke", "Site A", capsys=capsys)
    assert code == 0 and out.startswith("Le jeton du site n° 1 « Site A » était déjà révoqué")


def test_an_unknown_or_ambiguous_site_is_a_french_error(central, capsys):
    central.enrol("Site A", "13")
    central.enrol("Site A", "2A")
    code, out, err = central_cli(central.store, "site", "revoke", "Site Z", capsys=capsys)
    assert (code, out) == (cli.EXIT_INVALID, "")
    assert err == "Erreur : Aucun site « Site Z » : « aidant-central site list » donne les numéros et noms.\n"
    code, _, err = central_cli(central.store, "site", "rotate", "site a", capsys=capsys)
    assert code == cli.EXIT_INVALID
    assert err == "Erreur : Plusieurs sites s'appellent « site a » (n° 1, 2) : désignez-le par son numéro.\n"
    code, _, err = central_cli(central.store, "site", "rotate", "9", capsys=capsys)
    assert code == cli.EXIT_INVALID and err.startswith("Erreur : Aucun site « 9 »")


def test_a_database_from_before_revocations_gets_them_when_opened(tmp_path, capsys):
    """Schema 1 as first released had no site_revocations table: opening creates it."""
    from aidant_desk.central.storage import CentralStore

    path = tmp_path / "central.db"
    store = CentralStore(path)
    token = store.add_site("Site A", "13")[1]
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE site_revocations")
    conn.commit()
    conn.close()
    assert cli.main(["site", "revoke", "1", "--database", str(path)]) == 0
    store = CentralStore(path)
    try:
        assert store.site_for_token(token) is None and store.sites()[0].revoked_at is not None
    finally:
        store.close()


# --- rotate -----------------------------------------------------------------


def test_rotate_prints_a_new_token_and_the_old_one_is_refused_at_once(central, http, capsys):
    old = central.enrol("France Services Marseille 3e", "13")
    assert post(http, old, batch("a", simulations=4)).status_code == 201
    code, out, err = central_cli(central.store, "site", "rotate", "France Services Marseille 3e", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Nouveau jeton pour le site n° 1 « France Services Marseille 3e » : l'ancien est refusé")
    new = printed_token(out)
    assert new != old
    assert f"aidant-desk sync --server ADRESSE_DU_SERVEUR --token {new}" in out
    answer = post(http, old, batch("b", simulations=3))
    assert (answer.status_code, answer.json()) == (401, REFUSED)
    assert post(http, new, batch("b", simulations=3)).status_code == 201
    assert post(http, new, batch("a", simulations=4)).status_code == 200  # same site: its keys still known
    assert simulations(central.store) == 4 + 3


def test_rotating_a_revoked_site_makes_it_active_again(central, http, capsys):
    old = central.enrol("Site A", "13")
    central_cli(central.store, "site", "revoke", "1", capsys=capsys)
    code, out, _ = central_cli(central.store, "site", "rotate", "1", capsys=capsys)
    assert code == 0 and "Ce site était révoqué : il est de nouveau actif avec ce jeton." in out
    new = printed_token(out)
    assert post(http, old, batch("a", simulations=1)).status_code == 401
    assert post(http, new, batch("a", simulations=1)).status_code == 201
    assert central.store.sites()[0].revoked_at is None


# --- stored hashed, compared in constant time --------------------------------


def raw_database(store) -> tuple[str, str]:
    """Every row of every table; and everything in the database's files (for SQLite,
    its file and WAL, old page versions included; for PostgreSQL, the rows again)."""
    if store.postgres:
        import psycopg

        with psycopg.connect(store.target) as conn:
            tables = [row[0] for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
            rows = repr({table: conn.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables})
        return rows, rows
    path = Path(store.target)
    files = b"".join(file.read_bytes() for file in path.parent.glob(path.name + "*"))
    return "\n".join(sqlite3.connect(path).iterdump()), files.decode("latin-1")


def test_tokens_are_stored_only_hashed(central, http, capsys):
    first = central.enrol("Site A", "13")
    second = central.enrol("Site B", "13")
    code, out, _ = central_cli(central.store, "site", "rotate", "2", capsys=capsys)
    rotated = printed_token(out)
    post(http, first, batch("a", simulations=1))
    rows, files = raw_database(central.store)
    for token in (first, second, rotated):
        assert token not in rows and token not in files
    assert hash_token(first) in rows and hash_token(rotated) in rows
    assert hash_token(second) not in rows  # replaced, not kept beside the new one


def test_the_hashes_are_compared_with_compare_digest(central, http, monkeypatch):
    token = central.enrol()
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert post(http, token, batch("a", simulations=1)).status_code == 201
    expected = hash_token(token).encode()
    assert calls == [(expected, expected)]
    # The comparison decides: were it to say no, the site would be refused.
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    assert post(http, token, batch("b", simulations=1)).status_code == 401
    assert simulations(central.store) == 1


# --- rate limits ---------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def limits():
    """(per token, per address) a minute; a test sets its own with parametrize."""
    return 60, 120


@pytest.fixture
def limited(limits, central_store, catalogue_export, clock):
    """A server with the test's rate limits, on the fake clock."""
    per_token, per_address = limits
    app = create_app(central_store, KnownKeys.from_export(catalogue_export), per_token=per_token,
                     per_address=per_address, clock=clock)
    faults = Faults(app)
    with ServerThread(faults) as server:
        yield Central(server.url, central_store, faults)


@pytest.mark.parametrize("limits", [(3, 100)], ids=["3-100"])
def test_over_the_limit_per_token_is_429_with_retry_after_and_nothing_written(limited, clock):
    token = limited.enrol()
    with httpx.Client(base_url=limited.url, trust_env=False, timeout=5) as http:
        for digit in "123":
            assert post(http, token, batch(digit, simulations=2)).status_code == 201
        answer = post(http, token, batch("4", simulations=50))
        wait = math.ceil(60 / 3)  # one request regained every 60 / 3 s
        assert answer.status_code == 429
        assert answer.headers["retry-after"] == str(wait)
        assert answer.json() == {"detail": f"Trop de requêtes avec ce jeton d'appareil : réessayez dans {wait} s ; "
                                           "rien n'a été enregistré."}
        assert simulations(limited.store) == 3 * 2
        clock.now += wait - 1
        assert post(http, token, batch("4", simulations=50)).status_code == 429
        clock.now += 1
        again = post(http, token, batch("4", simulations=50))
        assert again.json()["status"] == "stored"  # the refused request had not taken its key
        assert simulations(limited.store) == 3 * 2 + 50


@pytest.mark.parametrize("limits", [(100, 3)], ids=["100-3"])
def test_over_the_limit_per_address_is_429_whatever_the_token(limited, clock):
    tokens = [limited.enrol(f"Site {i}", "13") for i in range(3)]
    with httpx.Client(base_url=limited.url, trust_env=False, timeout=5) as http:
        assert post(http, "jeton-devine", batch("1", simulations=1)).status_code == 401  # guesses count too
        assert post(http, tokens[0], batch("1", simulations=1)).status_code == 201
        assert post(http, tokens[1], batch("1", simulations=1)).status_code == 201
        answer = post(http, tokens[2], batch("1", simulations=1))
        assert answer.status_code == 429
        assert answer.headers["retry-after"] == str(math.ceil(60 / 3))
        assert answer.json()["detail"].startswith("Trop de requêtes depuis cette adresse : réessayez dans ")
        assert simulations(limited.store) == 2
        assert post(http, "jeton-devine", batch("2", simulations=1)).status_code == 429  # no database look-up


def test_the_bucket_refills_and_forgets_full_buckets(clock):
    limiter = RateLimiter(6, clock, max_keys=2)  # one request back every 10 s
    assert [limiter.take("a") for _ in range(6)] == [None] * 6
    assert limiter.take("a") == 10
    clock.now += 4
    assert limiter.take("a") == 6  # a refused request takes nothing
    clock.now += 6
    assert limiter.take("a") is None
    limiter.take("b")
    clock.now += 60
    limiter.take("c")  # a third key: the full buckets are dropped, "c" stays
    assert list(limiter._buckets) == ["c"]
    assert RateLimiter(0, clock).take("a") is None  # 0: no limit


def test_the_serve_options_set_the_limits():
    args = cli._parser().parse_args(["serve", "--catalogue", "c"])
    assert (args.rate_per_token, args.rate_per_address) == (60, 120)
    args = cli._parser().parse_args(["serve", "--catalogue", "c", "--rate-per-token", "5", "--rate-per-address", "0"])
    assert (args.rate_per_token, args.rate_per_address) == (5, 0)


@pytest.mark.parametrize("header,seconds", [
    ("7", 7.0),
    ("0", 0.0),
    (" 120 ", 120.0),
    ("999999", MAX_RETRY_AFTER),
    (None, None),
    ("", None),
    ("bientôt", None),
    ("-5", None),
])
def test_retry_after_is_read_in_seconds_and_capped(header, seconds):
    assert retry_after(header) == seconds


def test_retry_after_may_be_an_http_date():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now) == 0.0
    assert retry_after(format_datetime(now + timedelta(days=3), usegmt=True), now) == MAX_RETRY_AFTER


# --- the desk honours Retry-After -----------------------------------------------


class Throttle:
    """Answers the next batch requests with plan's (status, Retry-After) before
    letting them through to the real endpoint."""

    def __init__(self, app):
        self.app = app
        self.plan: list[tuple[int, str]] = []
        self.refused = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == BATCHES and self.plan:
            status, wait = self.plan.pop(0)
            self.refused += 1
            return await JSONResponse({"detail": "Patientez."}, status_code=status,
                                      headers={"Retry-After": wait})(scope, receive, send)
        return await self.app(scope, receive, send)


@pytest.fixture
def throttled(central_store, catalogue_export):
    throttle = Throttle(create_app(central_store, KnownKeys.from_export(catalogue_export)))
    with ServerThread(throttle) as server:
        yield throttle, Central(server.url, central_store, Faults(throttle))


def desk_db(tmp_path, url, token):
    db = open_database(tmp_path / "desk.db").db
    configure(db, server_url=url, token=token)
    return db


def record_simulations(db, count: int, at: datetime) -> None:
    for _ in range(count):
        record_simulation(db, eligible_aids=["rsa"], new_rights=False, life_events=["naissance"], at=at)


@pytest.mark.parametrize("status", [429, 503])
def test_a_short_retry_after_is_waited_out_within_the_sync(throttled, tmp_path, clock, status):
    throttle, server = throttled
    db = desk_db(tmp_path, server.url, server.enrol())
    record_simulations(db, 3, W48)
    throttle.plan = [(status, "3")]
    slept = []
    report = sync_now(db, timeout=2.0, tries=3, sleep=slept.append)
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert throttle.refused == 1 and len(slept) == 1 and slept[0] >= 3  # the backoff alone is under 1 s
    assert simulations(server.store) == 3
    db.close()


@pytest.mark.parametrize("status", [429, 503])
def test_a_long_retry_after_ends_the_sync_and_the_background_waits_it_out(throttled, tmp_path, status):
    throttle, server = throttled
    db = desk_db(tmp_path, server.url, server.enrol())
    record_simulations(db, 3, W48)
    record_handout(db, W49)
    wait = 1200  # 20 minutes: more than the backoff after a first failure (at most 30 s)
    assert wait > WAIT_WITHIN_SYNC
    throttle.plan = [(status, str(wait))]
    failed_at = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    slept = []
    report = sync_now(db, timeout=2.0, tries=3, now=failed_at, sleep=slept.append)
    assert (report.sent, report.waiting) == (0, 2)                # nothing lost: both batches wait
    assert slept == [] and throttle.refused == 1                  # no retry, no other batch tried
    assert f"il demande d'attendre {wait} s avant le prochain essai" in report.error
    assert f"Dernière erreur : {report.error}" in status_lines(sync_status(db))
    next_attempt = sync_status(db).next_attempt_at
    assert timedelta(seconds=wait) <= next_attempt - failed_at < timedelta(seconds=wait + 5)
    early = sync_now(db, force=False, now=failed_at + timedelta(seconds=wait - 1), **FAST)
    assert early.postponed and throttle.refused == 1 and simulations(server.store) == 0
    later = sync_now(db, force=False, now=failed_at + timedelta(seconds=wait + 1), **FAST)
    assert (later.postponed, later.sent, later.waiting, later.error) == (False, 2, 0, None)
    assert simulations(server.store) == 3
    db.close()


def test_a_retry_after_beyond_an_hour_is_capped(throttled, tmp_path):
    throttle, server = throttled
    db = desk_db(tmp_path, server.url, server.enrol())
    record_simulations(db, 1, W48)
    throttle.plan = [(429, str(10 * 24 * 3600))]
    failed_at = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    sync_now(db, now=failed_at, sleep=lambda s: None, **FAST)
    waited = sync_status(db).next_attempt_at - failed_at
    assert timedelta(seconds=MAX_RETRY_AFTER) <= waited < timedelta(seconds=MAX_RETRY_AFTER + 5)
    db.close()


@pytest.mark.parametrize("limits", [(1, 100)], ids=["1-100"])
def test_the_desk_waits_as_the_real_rate_limit_says(limited, tmp_path, clock):
    """One batch a minute for the token: of two weeks waiting, one goes now, the
    other once the server's Retry-After is over (the server's clock and the desk's
    sleep are the same fake clock)."""
    db = desk_db(tmp_path, limited.url, limited.enrol())
    record_simulations(db, 2, W48)
    record_simulations(db, 5, W49)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    first = sync_now(db, timeout=2.0, tries=3, now=start, sleep=clock.sleep)
    assert (first.sent, first.waiting) == (1, 1)
    assert "reçoit trop de requêtes de ce poste (429)" in first.error
    assert simulations(limited.store) == 2
    assert sync_status(db).next_attempt_at - start >= timedelta(seconds=60)
    clock.now += 60
    later = sync_now(db, force=False, now=start + timedelta(seconds=61), sleep=clock.sleep, **FAST)
    assert (later.sent, later.waiting, later.error) == (1, 0, None)
    assert simulations(limited.store) == 2 + 5
    db.close()


# --- a desk through a rotation, end to end ---------------------------------------


@pytest.fixture
def desk(tmp_path, central):
    db = desk_db(tmp_path, central.url, central.enrol("France Services Marseille 3e", "13"))
    yield db
    db.close()


def test_a_desk_keeps_its_batch_through_a_rotation_and_delivers_it_once(central, desk, capsys):
    record_simulations(desk, 12, W48)
    assert sync_now(desk, **FAST).sent == 1
    record_simulations(desk, 4, W49)
    record_handout(desk, W49)
    code, out, _ = central_cli(central.store, "site", "rotate", "1", capsys=capsys)
    assert code == 0
    new_token = printed_token(out)

    refused = sync_now(desk, **FAST)                       # still the old token
    assert (refused.sent, refused.waiting) == (0, 1)
    assert refused.error.startswith(f"jeton refusé par le serveur {central.url} : vérifiez le jeton")
    assert "aidant-central site rotate" in refused.error
    assert f"Dernière erreur : {refused.error}" in status_lines(sync_status(desk))
    assert simulations(central.store) == 12

    configure(desk, token=new_token)                       # as `aidant-desk sync --token NOUVEAU` does
    delivered = sync_now(desk, **FAST)
    assert (delivered.sent, delivered.waiting, delivered.error) == (1, 0, None)
    totals = programme_figures(central.store)["totals"]
    assert (totals["simulations"], totals["handouts"]) == (12 + 4, 1)
    assert [row["week"] for row in programme_figures(central.store)["by_week"]] == ["2026-W48", "2026-W49"]


def test_a_batch_stored_under_the_old_token_is_not_counted_again_under_the_new(central, desk, capsys):
    record_simulations(desk, 6, W48)
    central.faults.plan = ["lose_ack"]                     # stored, but the desk never hears it
    assert sync_now(desk, **FAST).waiting == 1
    assert simulations(central.store) == 6
    code, out, _ = central_cli(central.store, "site", "rotate", "1", capsys=capsys)
    configure(desk, token=printed_token(out))
    report = sync_now(desk, **FAST)                        # the server answers "duplicate"
    assert (report.sent, report.waiting, report.error) == (1, 0, None)
    assert simulations(central.store) == 6


def test_a_revoked_desk_keeps_its_batches(central, desk, capsys):
    record_simulations(desk, 3, W48)
    central_cli(central.store, "site", "revoke", "1", capsys=capsys)
    report = sync_now(desk, timeout=2.0, tries=3)
    assert (report.sent, report.waiting) == (0, 1)
    assert report.error.startswith("jeton refusé par le serveur")
    assert central.faults.batch_requests == 1              # refused: not retried
    assert simulations(central.store) == 0
