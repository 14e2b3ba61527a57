"""How the central endpoint is served by uvicorn: the limits a public door needs.

- A client that connects and does not send its request's headers within
  HEADER_TIMEOUT_S is let go (uvicorn alone holds it open for ever: 1 200 stalled
  connections were all kept).
- No more than MAX_CONNECTIONS requests at once: beyond, 503 at once.
- An idle kept-alive connection is closed after KEEP_ALIVE_S.
The body's own deadline is the application's (app.BODY_TIMEOUT_S).
"""
from __future__ import annotations

import asyncio
import logging

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

HEADER_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 500  # far above the desks' own rate (a batch a minute each), below what starves the server
KEEP_ALIVE_S = 5


def server_config(app, *, header_timeout: float = HEADER_TIMEOUT_S, max_connections: int = MAX_CONNECTIONS,
                  log_level: str = "warning") -> uvicorn.Config:
    return uvicorn.Config(app, http=_protocol(header_timeout), log_level=log_level, access_log=False,
                          lifespan="off", server_header=False, timeout_graceful_shutdown=5,
                          limit_concurrency=max_connections, timeout_keep_alive=KEEP_ALIVE_S)


def _protocol(header_timeout: float) -> type[H11Protocol]:
    class TimedH11Protocol(H11Protocol):
        """uvicorn's h11 protocol with a deadline for the first request's headers."""

        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._deadline = self.loop.call_later(header_timeout, self._too_slow)

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None:  # the headers are in: the request is the application's now
                self._cancel_deadline()

        def connection_lost(self, exc) -> None:
            self._cancel_deadline()
            super().connection_lost(exc)

        def _cancel_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.cycle is None and not self.transport.is_closing():
                log.info("Connexion fermée : pas de requête complète en %.0f s", header_timeout)
                self.transport.close()

    return TimedH11Protocol
