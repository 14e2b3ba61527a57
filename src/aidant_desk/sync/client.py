"""HTTP client for the central endpoint, on the standard library (urllib): one batch,
one POST, and a French reason whenever it is not acknowledged."""
from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request

from .. import __version__

BATCHES_PATH = "/api/v1/batches"


class SendFailure(Exception):
    """A batch was not acknowledged. kind says what to do next:
    TRANSIENT: the network or the server; try again later.
    REFUSED: the device token; sending other batches is pointless.
    REJECTED: this batch; keep it and go on with the others."""

    TRANSIENT, REFUSED, REJECTED = "transient", "refused", "rejected"

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


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
        raise _http_failure(error.code, server_url) from error
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


def _http_failure(status: int, server_url: str) -> SendFailure:
    if status in (401, 403):
        return SendFailure(SendFailure.REFUSED, f"jeton refusé par le serveur {server_url} : vérifiez le jeton de "
                                                "l'appareil (donné par « aidant-central site add »)")
    if status == 413:
        return SendFailure(SendFailure.REJECTED, "lot refusé par le serveur : trop gros")
    if status == 429 or status >= 500:
        return SendFailure(SendFailure.TRANSIENT, f"le serveur {server_url} a répondu par une erreur ({status})")
    return SendFailure(SendFailure.REJECTED, f"lot refusé par le serveur (code {status}) : format non reconnu ; "
                                             "mettez Aidant Desk à jour")


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
