"""The aidant-central command: serve the endpoint, enrol sites."""
from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from .storage import CentralStore, CentralStoreError, default_database

EXIT_ERROR = 1
EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidant-central", description="Serveur central d'Aidant Desk : reçoit les comptes anonymes des postes "
                                           "et publie les chiffres du programme.")
    sub = parser.add_subparsers(dest="command", required=True)
    database_help = (f"fichier SQLite (créé au premier lancement ; par défaut : {default_database()}) "
                     "ou adresse PostgreSQL postgresql://…")

    serve = sub.add_parser("serve", help="lance le serveur")
    serve.add_argument("--host", default="127.0.0.1",
                       help="adresse d'écoute (127.0.0.1 ; 0.0.0.0 derrière un proxy HTTPS)")
    serve.add_argument("--port", type=int, default=8765, help="port (8765 ; 0 : un port libre)")
    serve.add_argument("--database", help=database_help)
    serve.add_argument("--catalogue", required=True, type=Path, metavar="DOSSIER",
                       help="le catalogue exporté par « aidant-desk rules export --format json -o DOSSIER » : "
                            "seuls ses identifiants d'aides et d'événements de vie sont acceptés")

    site = sub.add_parser("site", help="gère les sites inscrits")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    add = site_sub.add_parser("add", help="inscrit un site et donne le jeton de son poste")
    add.add_argument("--name", required=True, help="nom du site, par exemple « France Services Marseille 3e »")
    add.add_argument("--departement", required=True, help="code du département, par exemple 13, 2A ou 974")
    add.add_argument("--database", help=database_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        store = CentralStore(args.database)
    except CentralStoreError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "serve":
            return _serve(store, args.host, args.port, args.catalogue)
        return _add_site(store, args.name, args.departement)
    finally:
        store.close()


def _add_site(store: CentralStore, name: str, departement: str) -> int:
    try:
        site, token = store.add_site(name, departement)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Site n° {site.id} « {site.name} » (département {site.departement}) inscrit.")
    print("Jeton de l'appareil, à saisir sur le poste ; il n'est affiché qu'une fois et le serveur n'en garde "
          "qu'une empreinte :")
    print(token)
    print(f"Sur le poste : aidant-desk sync --server ADRESSE_DU_SERVEUR --token {token}")
    return 0


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound here so that port 0 gives a free port to announce before serving. The
    protocol is named explicitly: asyncio sets TCP_NODELAY only on IPPROTO_TCP
    sockets, and without it every kept-alive request waits 40 ms (Nagle, delayed ACK)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _serve(store: CentralStore, host: str, port: int, catalogue: Path) -> int:
    import uvicorn

    from .app import create_app
    from .plausibility import KnownKeys

    try:
        known_keys = KnownKeys.from_export(catalogue)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_INVALID

    try:
        sock = listening_socket(host, port)
    except OSError as error:
        print(f"Erreur : impossible d'écouter sur {host}:{port} ({error.strerror}).", file=sys.stderr)
        return EXIT_ERROR
    url = f"http://{host}:{sock.getsockname()[1]}"
    print(f"Aidant Central écoute sur {url} — {store.describe()}.", flush=True)
    print(f"Tableau de bord : {url}/ ; API : {url}/api/v1/figures ; description : {url}/openapi.json. "
          "Arrêt : Ctrl+C.", flush=True)
    config = uvicorn.Config(create_app(store, known_keys), log_level="warning", access_log=False, lifespan="off",
                            server_header=False, timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn hands Ctrl+C back once it has shut down
        pass
    print("Aidant Central arrêté.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
