"""HTTP client for the central endpoint, on the standard library (urllib): one batch,
one POST, and a French reason whenever it is not acknowledged; with how long the
server asks to wait (Retry-After) when it says so."""
from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from .. import __version__

BATCHES_PATH = "/api/v1/batches"
# The longest wait a server's Retry-After is followed for (a wrong header cannot
# stop a desk for days); beyond it, the desk tries again after this.
MAX_RETRY_AFTER = 3600.0


class SendFailure(Exception):
    """A batch was not acknowledged. kind says what to do next:
    TRANSIENT: the network or the server; try again later.
    REFUSED: the device token; sending other batches is pointless.
    REJECTED: this batch; keep it and go on with the others.
    retry_after: seconds the server asked to wait before the next try (Retry-After
    on a 429 or a 503), at most MAX_RETRY_AFTER; None when it did not say."""

    TRANSIENT, REFUSED, REJECTED = "transient", "refused", "rejected"

    def __init__(self, kind: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


def post_batch(server_url: str, token: str, body: str, idempotency_key: str, timeout: float) -> str:
    """Send one batch; return the server's acknowledgement ('stored' or 'duplicate')."""
    request = urllib.request.Request(
        server_url.rstrip("/") + BATCHES_PATH, data=body.encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                 "User-Agent": f"aidant-desk/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        wait = error.headers.get("Retry-After") if error.headers else None
        raise _http_failure(error.code, server_url, wait) from error
    except TimeoutError as error:
        raise SendFailure(SendFailure.TRANSIENT, f"le serveur {server_url} n'a pas répondu à temps ({timeout:g} s)") from error
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise SendFailure(SendFailure.TRANSIENT, f"serveur injoignable ({server_url}) : {_reason(error)}") from error
    return _acknowledgement(answer, idempotency_key)


def _acknowledgement(answer: bytes, idempotency_key: str) -> str:
    try:
        ack = json.loads(answer)
        if ack["idempotency_key"] == idempotency_key and ack["status"] in ("stored", "duplicate"):
            return ack["status"]
    except (ValueError, KeyError, TypeError):
        pass
    raise SendFailure(SendFailure.TRANSIENT, "réponse inattendue du serveur : le lot est gardé et sera renvoyé")


def _http_failure(status: int, server_url: str, retry_after_header: str | None = None) -> SendFailure:
    if status in (401, 403):
        return SendFailure(SendFailure.REFUSED, f"jeton refusé par le serveur {server_url} : vérifiez le jeton de "
                                                "l'appareil (donné par « aidant-central site add », ou le nouveau "
                                                "après « aidant-central site rotate »)")
    if status == 413:
        return SendFailure(SendFailure.REJECTED, "lot refusé par le serveur : trop gros")
    if status in (429, 503):
        wait = retry_after(retry_after_header)
        if status == 429:
            message = f"le serveur {server_url} reçoit trop de requêtes de ce poste (429)"
        else:
            message = f"le serveur {server_url} est momentanément indisponible (503)"
        if wait is not None:
            message += f" : il demande d'attendre {wait:.0f} s avant le prochain essai"
        return SendFailure(SendFailure.TRANSIENT, message, retry_after=wait)
    if status >= 500:
        return SendFailure(SendFailure.TRANSIENT, f"le serveur {server_url} a répondu par une erreur ({status})")
    return SendFailure(SendFailure.REJECTED, f"lot refusé par le serveur (code {status}) : format non reconnu ; "
                                             "mettez Aidant Desk à jour")


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: whole seconds or an HTTP date,
    between 0 and MAX_RETRY_AFTER; None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        seconds = (moment - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):
        return "délai dépassé"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(reason, socket.gaierror):
        return "adresse introuvable (réseau absent ?)"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected)):
        return "connexion coupée"
    return "réseau indisponible"
