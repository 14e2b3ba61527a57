"""Fixtures for the central endpoint: a real uvicorn server on 127.0.0.1 (port 0) in
a thread, fault injection in front of it, on SQLite and on PostgreSQL.

Import the fixtures you use by name into the test module.
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.responses import JSONResponse

from aidant_desk.central.app import create_app
from aidant_desk.central.plausibility import KnownKeys
from aidant_desk.central.cli import listening_socket
from aidant_desk.central.server import server_config
from aidant_desk.central.storage import CentralStore

ROOT = Path(__file__).resolve().parents[1]
START_POSTGRES = ROOT / "scripts" / "start-postgres"
BATCHES = "/api/v1/batches"
STARTUP_SECONDS = 10


class Faults:
    """ASGI wrapper that misbehaves on purpose, one planned fault per batch request:
    'error_500' answers 500 without touching the store; 'slow' waits `delay` seconds
    before handling (the desk times out first); 'lose_ack' stores then answers 500;
    'hang_after_store' stores then holds the answer until `release` is set."""

    def __init__(self, app, delay: float = 1.0):
        self.app = app
        self.delay = delay
        self.plan: list[str] = []
        self.batch_requests = 0
        self.finished = 0  # batch requests fully handled, whatever their fate
        self.stored = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != BATCHES:
            return await self.app(scope, receive, send)
        self.batch_requests += 1
        try:
            await self._handle(scope, receive, send)
        finally:
            self.finished += 1

    async def _handle(self, scope, receive, send):
        fault = self.plan.pop(0) if self.plan else None
        if fault == "error_500":
            return await _failure(scope, receive, send)
        if fault == "slow":
            await asyncio.sleep(self.delay)
            return await self.app(scope, receive, send)
        if fault in ("lose_ack", "hang_after_store"):
            async def swallow(message):  # the real acknowledgement never leaves the server
                pass

            await self.app(scope, receive, swallow)
            self.stored.set()
            if fault == "hang_after_store":
                for _ in range(200):  # at most 10 s
                    if self.release.is_set():
                        break
                    await asyncio.sleep(0.05)
            return await _failure(scope, receive, send)
        return await self.app(scope, receive, send)


async def _failure(scope, receive, send):
    await JSONResponse({"detail": "panne simulée"}, status_code=500)(scope, receive, send)


class ServerThread:
    """uvicorn serving app on 127.0.0.1, on a free port, in a daemon thread."""

    def __init__(self, app, **limits):
        self.sock = listening_socket("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        # The server's own configuration (its timeouts and limits), quieter.
        self.server = uvicorn.Server(server_config(app, log_level="error", **limits))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        for _ in range(STARTUP_SECONDS * 100):
            if self.server.started:
                return self
            self.thread.join(0.01)
        raise RuntimeError("le serveur de test n'a pas démarré")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(STARTUP_SECONDS)
        self.sock.close()


@dataclass
class Central:
    url: str
    store: CentralStore
    faults: Faults

    def enrol(self, name: str = "France Services Marseille 3e", departement: str = "13") -> str:
        return self.store.add_site(name, departement)[1]


# Each test module that imports postgres_dsn gets its own session fixture: the
# server they share is kept here, started once and stopped by its starter.
_POSTGRES: dict[str, str] = {}


@pytest.fixture(scope="session")
def postgres_dsn():
    """A PostgreSQL DSN: from .ci/run (AIDANT_TEST_POSTGRES_DSN), else a server started
    here with scripts/start-postgres; the tests skip, visibly, only if none can start."""
    if os.environ.get("AIDANT_TEST_POSTGRES_DSN"):
        yield os.environ["AIDANT_TEST_POSTGRES_DSN"]
        return
    if "failure" in _POSTGRES:
        pytest.skip(_POSTGRES["failure"])
    if "AIDANT_TEST_POSTGRES_DSN" in _POSTGRES:
        yield _POSTGRES["AIDANT_TEST_POSTGRES_DSN"]
        return
    started = subprocess.run([str(START_POSTGRES), "--no-install"], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        reason = (started.stderr.strip().splitlines() or ["raison inconnue"])[-1]
        _POSTGRES["failure"] = f"PostgreSQL ne peut pas être démarré ici, tests PostgreSQL ignorés : {reason}"
        pytest.skip(_POSTGRES["failure"])
    for line in started.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        _POSTGRES[name] = value.strip("'")
    yield _POSTGRES["AIDANT_TEST_POSTGRES_DSN"]
    subprocess.run([str(START_POSTGRES), "stop"], env={**os.environ, **_POSTGRES}, timeout=60, check=False)


def empty_postgres(dsn: str) -> str:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return dsn


@pytest.fixture(params=["sqlite", "postgresql"])
def central_store(request, tmp_path):
    """A fresh, empty central database, as on a first run."""
    if request.param == "sqlite":
        target = tmp_path / "central.db"
    else:
        target = empty_postgres(request.getfixturevalue("postgres_dsn"))
    store = CentralStore(target)
    yield store
    store.close()


@pytest.fixture(scope="session")
def catalogue_export(tmp_path_factory):
    """The catalogue as `aidant-desk rules export --format json` writes it: the central
    server is given it to know the aid and life-event ids."""
    from aidant_desk.desk import export_rules

    folder = tmp_path_factory.mktemp("catalogue")
    export_rules(None, "json", folder)
    return folder


@pytest.fixture
def central(central_store, catalogue_export):
    """A real central server on 127.0.0.1, with fault injection in front of it."""
    faults = Faults(create_app(central_store, KnownKeys.from_export(catalogue_export)))
    with ServerThread(faults) as server:
        yield Central(server.url, central_store, faults)
        faults.release.set()


@pytest.fixture
def dead_url():
    """An address where nothing answers: a bound port that does not listen."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
