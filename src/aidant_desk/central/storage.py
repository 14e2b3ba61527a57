"""The central database: sites with their hashed device tokens, the batches already
seen (idempotency) and the summed counts. SQLite by default, PostgreSQL given a DSN.

One SQL text serves both engines: written with '?' placeholders, handed to psycopg
with '%s'. Writes go through one lock-guarded connection; the primary keys keep
ingest exactly-once even when several server processes share a PostgreSQL database.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .schema import BREAKDOWNS, HEADLINE

SCHEMA_VERSION = 1
DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$")
# Group columns the figures may be summed by; never built from user input.
_GROUPS = {"week": "c.week", "site": "c.site_id", "departement": "s.departement"}


class CentralStoreError(RuntimeError):
    """The database cannot be opened or used; the message is French."""


@dataclass(frozen=True)
class Site:
    id: int
    name: str
    departement: str
    revoked_at: str | None = None  # set by `aidant-central site revoke`; cleared by `site rotate`


class UnknownSite(ValueError):
    """No site, or more than one, answers to what was given; the message is French."""


def default_database() -> str:
    """$AIDANT_CENTRAL_DATABASE, else a SQLite file in the per-user data directory."""
    if os.environ.get("AIDANT_CENTRAL_DATABASE"):
        return os.environ["AIDANT_CENTRAL_DATABASE"]
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return str(Path(data) / "aidant-central" / "central.db")


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def hash_token(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough, and lets us look them up."""
    return hashlib.sha256(token.encode()).hexdigest()


class CentralStore:
    def __init__(self, target: str | Path | None = None):
        self.target = str(target or default_database())
        self.postgres = is_postgres(self.target)
        self._lock = threading.Lock()
        self._conn = self._connect()
        self._create_schema()

    def describe(self) -> str:
        if self.postgres:
            info = self._conn.info
            return f"PostgreSQL, base {info.dbname} sur {info.host}:{info.port}"
        return f"SQLite, fichier {self.target}"

    def close(self) -> None:
        self._conn.close()

    def add_site(self, name: str, departement: str) -> tuple[Site, str]:
        """Enrol a site; return it with its device token, which is stored only hashed."""
        name = _normal_name(name)
        if not name or len(name) > 200:
            raise ValueError("Le nom du site doit faire entre 1 et 200 caractères.")
        departement = departement.strip().upper()
        if not DEPARTEMENT.match(departement):
            raise ValueError(f"Département « {departement} » inconnu : un code comme 13, 2A ou 974.")
        token = _new_token()
        with self._transaction() as cursor:
            cursor.execute(self._sql("INSERT INTO sites (name, departement, token_hash, created_at) "
                                     "VALUES (?, ?, ?, ?) RETURNING id"),
                           (name, departement, hash_token(token), _now()))
            site_id = cursor.fetchone()[0]
        return Site(site_id, name, departement), token

    def site_for_token(self, token: str) -> Site | None:
        """The active site whose device token this is; None for an unknown, revoked or
        replaced token. Looked up by its hash (indexed), then the hashes compared in
        constant time, so that the comparison never tells how much of a hash matched."""
        presented = hash_token(token)
        rows = self._query("SELECT s.id, s.name, s.departement, s.token_hash FROM sites s "
                           "WHERE s.token_hash = ? AND NOT EXISTS "
                           "(SELECT 1 FROM site_revocations r WHERE r.site_id = s.id)", (presented,))
        for site_id, name, departement, stored in rows:
            if hmac.compare_digest(stored.encode(), presented.encode()):
                return Site(site_id, name, departement)
        return None

    def add_admin(self, name: str) -> str:
        """A reader of the per-site view, or a new password for one; the password is
        returned once and stored only as a salted scrypt hash."""
        name = _normal_name(name)
        if not name or len(name) > 100:
            raise ValueError("le nom de l'administrateur doit faire de 1 à 100 caractères")
        password = secrets.token_urlsafe(18)
        with self._transaction() as cursor:
            cursor.execute(self._sql("DELETE FROM admins WHERE name = ?"), (name,))
            cursor.execute(self._sql("INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)"),
                           (name, _password_hash(password), _now()))
        return password

    def admin_allowed(self, name: str, password: str) -> bool:
        rows = self._query("SELECT password_hash FROM admins WHERE name = ?", (_normal_name(name),))
        # A hash is computed even for an unknown name: the answer takes the same time.
        stored = rows[0][0] if rows else _password_hash("", salt=b"\0" * 16)
        salt_hex = stored.split("$")[1]
        return bool(rows) and hmac.compare_digest(stored, _password_hash(password, bytes.fromhex(salt_hex)))

    def sites(self) -> list[Site]:
        return [Site(*row) for row in self._query(
            "SELECT s.id, s.name, s.departement, r.revoked_at FROM sites s "
            "LEFT JOIN site_revocations r ON r.site_id = s.id ORDER BY s.id")]

    def find_site(self, reference: str) -> Site:
        """The site named by its number (as `site add` and `site list` show it) or by
        its exact name; UnknownSite, in French, when none or several answer."""
        reference = _normal_name(reference)
        sites = self.sites()
        if reference.isdigit():
            for site in sites:
                if site.id == int(reference):
                    return site
        named = [site for site in sites if site.name.casefold() == reference.casefold()]
        if len(named) == 1:
            return named[0]
        if named:
            numbers = ", ".join(str(site.id) for site in named)
            raise UnknownSite(f"Plusieurs sites s'appellent « {reference} » (n° {numbers}) : "
                              "désignez-le par son numéro.")
        raise UnknownSite(f"Aucun site « {reference} » : « aidant-central site list » donne les numéros et noms.")

    def revoke_site(self, site_id: int) -> bool:
        """Stop the site's device token at once; its counts already received stay.
        The stored hash is replaced too, by that of a token nobody is given, so the old
        token is refused even by a server that predates revocations. False if the
        site was already revoked."""
        with self._transaction() as cursor:
            cursor.execute(self._sql("INSERT INTO site_revocations (site_id, revoked_at) VALUES (?, ?) "
                                     "ON CONFLICT DO NOTHING"), (site_id, _now()))
            if cursor.rowcount == 0:
                return False
            cursor.execute(self._sql("UPDATE sites SET token_hash = ? WHERE id = ?"),
                           (hash_token(_new_token()), site_id))
        return True

    def rotate_token(self, site_id: int) -> str:
        """Give the site a new device token (returned once, stored only hashed): the old
        one is refused from the next request. A revoked site is active again."""
        token = _new_token()
        with self._transaction() as cursor:
            cursor.execute(self._sql("UPDATE sites SET token_hash = ? WHERE id = ?"), (hash_token(token), site_id))
            if cursor.rowcount != 1:
                raise UnknownSite(f"Aucun site n° {site_id}.")
            cursor.execute(self._sql("DELETE FROM site_revocations WHERE site_id = ?"), (site_id,))
        return token

    def ingest(self, site_id: int, payload: dict) -> bool:
        """Store a validated batch once; False if its key was already seen for this site."""
        week = payload["week"]
        rows = [(site_id, week, metric, "", int(value)) for metric, value in payload["totals"].items() if value]
        rows += [(site_id, week, metric, key, int(value))
                 for metric in BREAKDOWNS for key, value in payload[metric].items()]
        with self._transaction() as cursor:
            cursor.execute(self._sql("INSERT INTO batches (site_id, idempotency_key, week, received_at) "
                                     "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
                           (site_id, payload["idempotency_key"], week, _now()))
            if cursor.rowcount == 0:
                return False
            cursor.executemany(self._sql(
                "INSERT INTO counts (site_id, week, metric, key, value) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (site_id, week, metric, key) DO UPDATE SET value = counts.value + excluded.value"), rows)
        return True

    def headline(self, by: str | None = None) -> list[tuple[object, str, int]]:
        """(group, metric, total) for the headline counters, by 'week', 'site',
        'departement', or over everything (group None)."""
        column = _GROUPS[by] if by else None
        rows = self._query(
            f"SELECT {column or 'NULL'}, c.metric, SUM(c.value) FROM counts c JOIN sites s ON s.id = c.site_id "
            f"WHERE c.key = '' GROUP BY {column + ', ' if column else ''}c.metric")
        return [(key, metric, int(total)) for key, metric, total in rows if metric in HEADLINE]

    def breakdown(self, metric: str) -> list[tuple[str, int]]:
        """(key, total) for one breakdown ('aids' or 'life_events'), all sites and weeks."""
        rows = self._query("SELECT key, SUM(value) FROM counts WHERE metric = ? AND key <> '' GROUP BY key", (metric,))
        return [(key, int(total)) for key, total in rows]

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def _connect(self):
        if self.postgres:
            import psycopg

            try:
                return psycopg.connect(self.target, autocommit=True, connect_timeout=10)
            except psycopg.Error as error:
                raise CentralStoreError(f"Connexion à PostgreSQL impossible ({error}).") from error
        path = Path(self.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below).
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise CentralStoreError(f"Le fichier {path} n'est pas une base utilisable ({error}).") from error
        return conn

    def _connection(self):
        # A PostgreSQL restart breaks the connection: the request failing then gets
        # a 500 and its desk retries; the next request reconnects.
        if self.postgres and self._conn.closed:
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[object]:
        with self._lock:
            conn = self._connection()
            if self.postgres:
                with conn.transaction():
                    yield conn.cursor()
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn.cursor()
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._connection().execute(self._sql(sql), params).fetchall()

    def _create_schema(self) -> None:
        identity = ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" if self.postgres
                    else "INTEGER PRIMARY KEY AUTOINCREMENT")
        with self._transaction() as cursor:
            for statement in (
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                f"CREATE TABLE IF NOT EXISTS sites (id {identity}, name TEXT NOT NULL, departement TEXT NOT NULL, "
                "token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS batches (site_id BIGINT NOT NULL REFERENCES sites (id), "
                "idempotency_key TEXT NOT NULL, week TEXT NOT NULL, received_at TEXT NOT NULL, "
                "PRIMARY KEY (site_id, idempotency_key))",
                "CREATE TABLE IF NOT EXISTS counts (site_id BIGINT NOT NULL REFERENCES sites (id), "
                "week TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL, value BIGINT NOT NULL, "
                "PRIMARY KEY (site_id, week, metric, key))",
                # Added after schema 1 was released; created here on older databases
                # too (no version bump: a server without it still refuses a revoked
                # token, whose hash revoke_site replaces).
                "CREATE TABLE IF NOT EXISTS site_revocations (site_id BIGINT PRIMARY KEY REFERENCES sites (id), "
                "revoked_at TEXT NOT NULL)",
                # Who may read the per-site view (/admin): a name and a scrypt hash of the password.
                "CREATE TABLE IF NOT EXISTS admins (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
                "created_at TEXT NOT NULL)",
            ):
                cursor.execute(statement)
            cursor.execute("SELECT version FROM schema_version")
            row = cursor.fetchone()
            if row is None:
                cursor.execute(self._sql("INSERT INTO schema_version (version) VALUES (?)"), (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise CentralStoreError(f"Cette base a le schéma {row[0]}, plus récent que celui d'Aidant Central "
                                        f"({SCHEMA_VERSION}) : mettez le serveur à jour.")


def _normal_name(name: str) -> str:
    return " ".join(name.split())


def _new_token() -> str:
    # A token starting with « - » would read as an option in
    # `aidant-desk sync --token …` (one urlsafe token in 64): draw again.
    token = "-"
    while token.startswith("-"):
        token = secrets.token_urlsafe(32)
    return token


def _password_hash(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
