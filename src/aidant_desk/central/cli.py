"""The aidant-central command: serve the endpoint; enrol, list, revoke sites and
give them a new device token; give an administrator a password for the per-site view.
The site and admin commands work on the database directly."""
from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from .rate_limit import PER_ADDRESS_PER_MINUTE, PER_TOKEN_PER_MINUTE
from .storage import CentralStore, CentralStoreError, Site, UnknownSite, default_database

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
    serve.add_argument("--rate-per-token", type=_per_minute, default=PER_TOKEN_PER_MINUTE, metavar="N",
                       help=f"lots acceptés par minute pour un même jeton d'appareil ({PER_TOKEN_PER_MINUTE} ; "
                            "0 : sans limite) ; au-delà, réponse 429 avec Retry-After")
    serve.add_argument("--rate-per-address", type=_per_minute, default=PER_ADDRESS_PER_MINUTE, metavar="N",
                       help=f"requêtes de dépôt acceptées par minute depuis une même adresse "
                            f"({PER_ADDRESS_PER_MINUTE} ; 0 : sans limite)")

    site = sub.add_parser("site", help="gère les sites inscrits")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    add = site_sub.add_parser("add", help="inscrit un site et donne le jeton de son poste")
    add.add_argument("--name", required=True, help="nom du site, par exemple « France Services Marseille 3e »")
    add.add_argument("--departement", required=True, help="code du département, par exemple 13, 2A ou 974")
    add.add_argument("--database", help=database_help)
    listing = site_sub.add_parser("list", help="liste les sites inscrits, avec leur numéro")
    listing.add_argument("--database", help=database_help)
    revoke = site_sub.add_parser("revoke", help="révoque le jeton d'un site : refusé dès la requête suivante, "
                                                "les comptes déjà reçus restent")
    revoke.add_argument("site", metavar="SITE", help="numéro du site (donné par « site add » et « site list ») "
                                                     "ou son nom exact")
    revoke.add_argument("--database", help=database_help)
    rotate = site_sub.add_parser("rotate", help="donne un nouveau jeton à un site ; l'ancien est refusé dès la "
                                                "requête suivante")
    rotate.add_argument("site", metavar="SITE", help="numéro du site (donné par « site add » et « site list ») "
                                                     "ou son nom exact")
    rotate.add_argument("--database", help=database_help)

    admin = sub.add_parser("admin", help="gère qui peut lire les chiffres de chaque site (/admin)")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    admin_add = admin_sub.add_parser("add", help="donne un mot de passe de lecture à un administrateur "
                                                 "(un nouveau, s'il en a déjà un)")
    admin_add.add_argument("name", metavar="NOM")
    admin_add.add_argument("--database", help=database_help)
    return parser


def _per_minute(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre entier de requêtes par minute, "
                                         "0 pour aucune limite")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        store = CentralStore(args.database)
    except CentralStoreError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "serve":
            return _serve(store, args.host, args.port, args.catalogue, args.rate_per_token, args.rate_per_address)
        if args.command == "admin":
            return _add_admin(store, args.name)
        if args.site_command == "add":
            return _add_site(store, args.name, args.departement)
        if args.site_command == "list":
            return _list_sites(store)
        try:
            site = store.find_site(args.site)
        except UnknownSite as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return EXIT_INVALID
        if args.site_command == "revoke":
            return _revoke_site(store, site)
        return _rotate_token(store, site)
    finally:
        store.close()


def _add_site(store: CentralStore, name: str, departement: str) -> int:
    try:
        site, token = store.add_site(name, departement)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Site n° {site.id} « {site.name} » (département {site.departement}) inscrit.")
    _print_token(token)
    return 0


def _add_admin(store: CentralStore, name: str) -> int:
    try:
        password = store.add_admin(name)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Administrateur « {name.strip()} » : lecture des chiffres de chaque site sur /admin. Mot de passe, "
          "affiché une fois (le serveur n'en garde qu'une empreinte) :")
    print(password)
    return 0


def _print_token(token: str) -> None:
    print("Jeton de l'appareil, à saisir sur le poste ; il n'est affiché qu'une fois et le serveur n'en garde "
          "qu'une empreinte :")
    print(token)
    print(f"Sur le poste : aidant-desk sync --server ADRESSE_DU_SERVEUR --token {token}")


def _list_sites(store: CentralStore) -> int:
    sites = store.sites()
    if not sites:
        print("Aucun site inscrit : « aidant-central site add » en inscrit un.")
    for site in sites:
        state = f"révoqué le {site.revoked_at}" if site.revoked_at else "actif"
        print(f"n° {site.id}\t« {site.name} »\tdépartement {site.departement}\t{state}")
    return 0


def _revoke_site(store: CentralStore, site: Site) -> int:
    if not store.revoke_site(site.id):
        print(f"Le jeton du site n° {site.id} « {site.name} » était déjà révoqué ; "
              "« aidant-central site rotate » lui en donne un nouveau.")
        return 0
    print(f"Jeton du site n° {site.id} « {site.name} » révoqué : son poste est refusé dès sa prochaine "
          "requête. Les comptes déjà reçus restent. « aidant-central site rotate » lui donne un nouveau jeton.")
    return 0


def _rotate_token(store: CentralStore, site: Site) -> int:
    token = store.rotate_token(site.id)
    print(f"Nouveau jeton pour le site n° {site.id} « {site.name} » : l'ancien est refusé dès la prochaine "
          "requête.")
    if site.revoked_at:
        print("Ce site était révoqué : il est de nouveau actif avec ce jeton.")
    _print_token(token)
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


def _serve(store: CentralStore, host: str, port: int, catalogue: Path, per_token: int = PER_TOKEN_PER_MINUTE,
           per_address: int = PER_ADDRESS_PER_MINUTE) -> int:
    import uvicorn

    from .app import create_app
    from .plausibility import KnownKeys
    from .server import server_config

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
    app = create_app(store, known_keys, per_token=per_token, per_address=per_address)
    try:
        uvicorn.Server(server_config(app)).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn hands Ctrl+C back once it has shut down
        pass
    print("Aidant Central arrêté.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
