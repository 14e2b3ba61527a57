"""The central door lets slow clients go: a connection that sends no request is closed
after the header deadline, a body that does not come gets 408, a client that leaves
mid-body leaves one log line (not a traceback), and requests beyond the connection
limit get 503 at once. The server runs with its own configuration (server_config)."""
import json
import logging
import socket
import time

import pytest

from aidant_desk.central.app import create_app

from .central_fixtures import ServerThread, catalogue_export, central_store, postgres_dsn  # noqa: F401 (fixtures)

sqlite_only = pytest.mark.parametrize("central_store", ["sqlite"], indirect=True)


def _address(server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def _known_keys(catalogue_export):
    from aidant_desk.central.plausibility import KnownKeys

    return KnownKeys.from_export(catalogue_export)


def _site_token(store) -> str:
    return store.add_site("France Services Lille", "59")[1]


@sqlite_only
def test_a_client_that_sends_nothing_is_let_go(central_store, catalogue_export, caplog):
    app = create_app(central_store, _known_keys(catalogue_export))
    with caplog.at_level(logging.INFO, logger="aidant_desk.central"), ServerThread(app, header_timeout=0.5) as server:
        idle = socket.create_connection(_address(server), timeout=5)
        idle.sendall(b"POST /api/v1/batches HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        started = time.monotonic()
        assert idle.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 4
        idle.close()
    assert "pas de requête complète" in caplog.text


@sqlite_only
def test_a_body_that_does_not_come_gets_408_and_nothing_is_written(central_store, catalogue_export):
    token = _site_token(central_store)
    app = create_app(central_store, _known_keys(catalogue_export), body_timeout=0.5)
    with ServerThread(app) as server:
        slow = socket.create_connection(_address(server), timeout=5)
        slow.sendall(f"POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"schema".encode())
        answer = slow.recv(4096).decode()
        slow.close()
    assert answer.startswith("HTTP/1.1 408")
    assert "rien n'a été enregistré" in json.loads(answer.split("\r\n\r\n", 1)[1])["detail"]
    assert central_store._query("SELECT COUNT(*) FROM batches") == [(0,)]
    assert central_store._query("SELECT COUNT(*) FROM counts") == [(0,)]


@sqlite_only
def test_a_client_leaving_mid_body_leaves_one_line(central_store, catalogue_export, caplog):
    token = _site_token(central_store)
    app = create_app(central_store, _known_keys(catalogue_export))
    with caplog.at_level(logging.INFO), ServerThread(app) as server:
        for _ in range(5):
            gone = socket.create_connection(_address(server), timeout=5)
            gone.sendall(f"POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                         "Content-Length: 500\r\n\r\n{\"sch".encode())
            gone.close()
        time.sleep(0.5)
    lines = [r for r in caplog.records if "déconnecté pendant l'envoi" in r.getMessage()]
    assert len(lines) == 5
    assert not any(r.exc_info for r in caplog.records)  # no traceback logged
    assert "Traceback" not in caplog.text


@sqlite_only
def test_beyond_the_connection_limit_a_request_gets_503_at_once(central_store, catalogue_export):
    app = create_app(central_store, _known_keys(catalogue_export))
    with ServerThread(app, max_connections=2, header_timeout=30) as server:
        held = [socket.create_connection(_address(server), timeout=5) for _ in range(2)]
        time.sleep(0.2)
        extra = socket.create_connection(_address(server), timeout=5)
        extra.sendall(b"GET /api/v1/figures HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = extra.recv(1024).decode()
        for s in (*held, extra):
            s.close()
    assert answer.startswith("HTTP/1.1 503")
