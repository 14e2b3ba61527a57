"""The central endpoint as a Starlette application.

Rules of the door for a batch: too many requests from the client's address, or then
with the token, 429 with Retry-After (rate_limit.py) and nothing read or written; no,
unknown, revoked or replaced token, 401; too big, 413; not JSON or
not the schema, or not plausible (plausibility.py: a count no desk makes, a week that
does not exist or has not begun, a key not in the catalogue), 422 and nothing written;
a key already seen for the site, stored once and acknowledged again (200).

Public: the programme's figures (/, /api/v1/figures), national, by week, département,
aid and life event, small cells suppressed. Per site (/admin, /api/v1/admin/figures):
administrators only, HTTP Basic with a password `aidant-central admin add` gives.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from datetime import date
from typing import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .dashboard import render_dashboard
from .figures import programme_figures
from .openapi import openapi_document
from .plausibility import KnownKeys, plausibility_problems
from .rate_limit import PER_ADDRESS_PER_MINUTE, PER_TOKEN_PER_MINUTE, RateLimiter
from .schema import payload_problems
from .storage import CentralStore, hash_token

# A week's batch with every aid of a large catalogue is a few kilobytes.
MAX_BODY_BYTES = 64 * 1024
BODY_TIMEOUT_S = 20.0  # a few kilobytes take well under a second, even on a poor line

log = logging.getLogger(__name__)


def create_app(store: CentralStore, known_keys: KnownKeys, max_body_bytes: int = MAX_BODY_BYTES,
               today: Callable[[], date] = date.today, per_token: int = PER_TOKEN_PER_MINUTE,
               per_address: int = PER_ADDRESS_PER_MINUTE, clock: Callable[[], float] = time.monotonic,
               body_timeout: float = BODY_TIMEOUT_S) -> Starlette:
    """per_token, per_address: requests a minute on the batch endpoint (0: no limit)."""
    by_token, by_address = RateLimiter(per_token, clock), RateLimiter(per_address, clock)

    async def receive_batch(request: Request) -> JSONResponse:
        # The address first, before the database is asked: guessing tokens is slowed too.
        wait = by_address.take(request.client.host if request.client else "")
        if wait is not None:
            return _too_many(wait, "depuis cette adresse")
        token = _bearer_token(request)
        site = await run_in_threadpool(store.site_for_token, token) if token else None
        if site is None:
            return _error(401, "Jeton d'appareil absent ou invalide.", headers={"WWW-Authenticate": "Bearer"})
        # Keyed by the hash: only valid tokens get a bucket, and no token is kept in clear.
        wait = by_token.take(hash_token(token))
        if wait is not None:
            return _too_many(wait, "avec ce jeton d'appareil")
        try:
            body = await asyncio.wait_for(_read_at_most(request, max_body_bytes), body_timeout)
        except asyncio.TimeoutError:
            log.info("Lot refusé : corps non reçu en %.0f s", body_timeout)
            return _error(408, f"Lot reçu trop lentement (plus de {body_timeout:.0f} s) ; rien n'a été enregistré.")
        except ClientDisconnect:  # the desk went away mid-body: one line, not a traceback
            log.info("Lot abandonné : le poste s'est déconnecté pendant l'envoi")
            return _error(400, "Connexion interrompue pendant l'envoi ; rien n'a été enregistré.")
        if body is None:
            return _error(413, f"Lot trop gros : au plus {max_body_bytes} octets.")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return _error(422, "Le lot n'est pas du JSON valide ; rien n'a été enregistré.")
        problems = payload_problems(payload)
        if problems:
            return _error(422, "Le lot ne respecte pas le schéma des comptes anonymes ; rien n'a été enregistré.",
                          problems=problems)
        problems = plausibility_problems(payload, known_keys, today())
        if problems:
            return _error(422, "Le lot n'est pas vraisemblable ; rien n'a été enregistré.", problems=problems)
        stored = await run_in_threadpool(store.ingest, site.id, payload)
        return JSONResponse({"status": "stored" if stored else "duplicate",
                             "idempotency_key": payload["idempotency_key"]}, status_code=201 if stored else 200)

    async def figures(request: Request) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(programme_figures, store))

    async def dashboard(request: Request) -> HTMLResponse:
        return HTMLResponse(render_dashboard(await run_in_threadpool(programme_figures, store)))

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(openapi_document())

    async def admin_only(request: Request) -> Response | None:
        """None for an administrator (HTTP Basic, over the HTTPS proxy); else the refusal.
        Every try counts against the address, as a batch's does."""
        wait = by_address.take(request.client.host if request.client else "")
        if wait is not None:  # before the password is checked: no guess is answered beyond the limit
            return _too_many(wait, "depuis cette adresse")
        name, password = _basic_credentials(request)
        if name is not None and await run_in_threadpool(store.admin_allowed, name, password):
            return None
        return _error(401, "Identifiant ou mot de passe d'administrateur absent ou invalide.",
                      headers={"WWW-Authenticate": 'Basic realm="Aidant Central", charset="UTF-8"'})

    async def admin_dashboard(request: Request) -> Response:
        refused = await admin_only(request)
        return refused or HTMLResponse(render_dashboard(await run_in_threadpool(programme_figures, store, True)))

    async def admin_figures(request: Request) -> Response:
        refused = await admin_only(request)
        return refused or JSONResponse(await run_in_threadpool(programme_figures, store, True))

    return Starlette(routes=[
        Route("/", dashboard),
        Route("/api/v1/batches", receive_batch, methods=["POST"]),
        Route("/api/v1/figures", figures),
        Route("/openapi.json", openapi),
        Route("/admin", admin_dashboard),
        Route("/api/v1/admin/figures", admin_figures),
    ])


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _read_at_most(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed limit (never read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _basic_credentials(request: Request) -> tuple[str | None, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, ""
    try:
        name, separator, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None, ""
    return (name, password) if separator else (None, "")


def _too_many(wait: int, where: str) -> JSONResponse:
    return _error(429, f"Trop de requêtes {where} : réessayez dans {wait} s ; rien n'a été enregistré.",
                  headers={"Retry-After": str(wait)})


def _error(status: int, detail: str, problems: list[str] | None = None, headers: dict | None = None) -> JSONResponse:
    content: dict = {"detail": detail}
    if problems:
        content["problems"] = problems
    return JSONResponse(content, status_code=status, headers=headers)
