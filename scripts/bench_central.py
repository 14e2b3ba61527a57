#!/usr/bin/env python3
"""Benchmark of the central endpoint and of a desk's sync, on loopback (127.0.0.1).

Prints the central's ingest rate (uploads per second, target at least 500 on SQLite)
with p50 and p99 latency, and the time a desk takes to sync a week's counts (target
under 200 ms). The server runs as `aidant-central serve` in its own process, on a
fresh database in a temporary directory, and is stopped at the end.

    .venv/bin/python scripts/bench_central.py [--uploads 3000] [--clients 4] [--database postgresql://…]
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from aidant_desk.central.storage import CentralStore
from aidant_desk.store import open_database
from aidant_desk.sync import configure, record_appointment, record_handout, record_simulation, sync_now

AIDS = ["rsa", "ppa", "aah", "aide_logement", "css_gratuite", "ars", "paje_base", "af", "cf", "asf", "bourse_college",
        "cheque_energie"]
LIFE_EVENTS = ["naissance", "separation", "perte_emploi", "demenagement", "retraite", "handicap", "etudes",
               "difficultes_paiement"]
SITES = 20
WARM_UP = 50
SYNC_RUNS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai du serveur central et de la synchronisation d'un poste.")
    parser.add_argument("--uploads", type=int, default=3000, help="lots envoyés pour mesurer l'ingestion (3000)")
    parser.add_argument("--clients", type=int, default=4, help="connexions simultanées (4)")
    parser.add_argument("--database", help="base du serveur (par défaut : un fichier SQLite neuf)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or str(Path(tmp) / "central.db")
        store = CentralStore(database)
        tokens = [store.add_site(f"Site {i}", "13")[1] for i in range(SITES)]
        kind = "PostgreSQL" if store.postgres else "SQLite"
        store.close()
        server, url = _serve(database)
        try:
            rate, latencies = _ingest(url, tokens, args.uploads, args.clients)
            sync_times = [_desk_sync(Path(tmp) / f"desk{i}.db", url, tokens[i % SITES], i) for i in range(SYNC_RUNS)]
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(15)
    p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
    print(f"Banc d'essai Aidant Central — boucle locale 127.0.0.1, {kind}")
    print(f"  ingestion : {args.uploads} lots, {args.clients} connexions       : {rate:.0f} lots/s (cible ≥ 500)")
    print(f"  latence d'un dépôt                          : p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print(f"  synchronisation d'une semaine par un poste  : médiane {statistics.median(sync_times) * 1000:.0f} ms, "
          f"max {max(sync_times) * 1000:.0f} ms sur {SYNC_RUNS} postes (cible < 200 ms)")
    return 0


def _serve(database: str) -> tuple[subprocess.Popen, str]:
    from aidant_desk.desk import export_rules

    catalogue = Path(tempfile.mkdtemp(prefix="catalogue-"))  # the ids the server accepts
    export_rules(None, "json", catalogue)
    server = subprocess.Popen([sys.executable, "-m", "aidant_desk.central.cli", "serve", "--port", "0",
                               "--database", database, "--catalogue", str(catalogue)],
                              stdout=subprocess.PIPE, text=True)
    match = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline())
    if not match:
        server.kill()
        raise SystemExit("Le serveur central n'a pas démarré.")
    return server, match.group(0)


def _payload(key: int) -> bytes:
    """A busy site's week: every headline counter and a few released cells."""
    return json.dumps({
        "schema_version": 1, "idempotency_key": f"{key:064x}", "week": f"2025-W{key % 52 + 1:02d}",
        "totals": {"simulations": 140, "simulations_with_aid": 97, "simulations_with_new_rights": 41,
                   "handouts": 60, "appointments_desk": 25, "appointments_partner": 12},
        "aids": {"rsa": 52, "ppa": 38, "aide_logement": 31, "css_gratuite": 22, "af": 14},
        "life_events": {"perte_emploi": 33, "naissance": 18, "separation": 15},
    }).encode()


def _ingest(url: str, tokens: list[str], uploads: int, clients: int) -> tuple[float, list[float]]:
    host, port = url.removeprefix("http://").split(":")
    counter = iter(range(1, uploads + WARM_UP + 1))
    lock = threading.Lock()
    latencies: list[float] = []

    def client(index: int, count: int, record: bool) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[index % len(tokens)]}"}
        for _ in range(count):
            with lock:
                key = next(counter)
            start = time.perf_counter()
            connection.request("POST", "/api/v1/batches", body=_payload(key), headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            if response.status != 201:
                raise SystemExit(f"Dépôt refusé : {response.status}")
            if record:
                with lock:
                    latencies.append(elapsed)
        connection.close()

    client(0, WARM_UP, record=False)
    threads = [threading.Thread(target=client, args=(i, uploads // clients, True)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - start), latencies


def _desk_sync(path: Path, url: str, token: str, seed: int) -> float:
    """Record a busy week on a fresh desk (140 simulations, 60 handouts, 37
    appointments), then time sync_now: cutting the batch, sending it, the acknowledgement."""
    rng = random.Random(seed)
    db = open_database(path).db
    configure(db, server_url=url, token=token)
    monday = datetime(2026, 11, 23, 9, 0)
    for i in range(140):
        aids = rng.sample(AIDS, rng.randint(0, 4))
        record_simulation(db, eligible_aids=aids, new_rights=bool(aids) and rng.random() < 0.4,
                          life_events=[rng.choice(LIFE_EVENTS)], at=monday + timedelta(hours=i % 100))
    for i in range(60):
        record_handout(db, monday + timedelta(hours=i))
    for i in range(37):
        record_appointment(db, "desk" if i % 3 else "partner", monday + timedelta(hours=i))
    start = time.perf_counter()
    report = sync_now(db)
    elapsed = time.perf_counter() - start
    db.close()
    if report.error or report.sent != 1:
        raise SystemExit(f"Synchronisation en échec : {report.error}")
    return elapsed


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.exit(main())
