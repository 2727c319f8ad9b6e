"""The head-office HTTP service (Starlette, ASGI): sync protocol v1 over `HeadOffice`.

    POST /v1/sync/push      a store's events; per-event outcomes and acked_seq
    GET  /v1/sync/changes   ?since=<cursor>&limit=<n>: a page of snapshots
    GET  /v1/health         the service and its database answer

`create_app(db)` builds the app over a database; `app_from_env()` is the factory for
`uvicorn --factory headoffice.app:app_from_env` and for `lantern headoffice serve
--workers N`: the database comes from $LANTERN_HEADOFFICE_DB.

Every sync request carries `Authorization: Lantern-Store <store_id>:<secret>`; a missing,
wrong, unknown or revoked credential is `401 {"error": "unauthorized"}` and nothing else.
After several wrong credentials a client waits: `429` with `Retry-After` (throttle.py).
A malformed body or query is `400 {"error": "…"}` (`415` for a body that is not JSON);
no input is ever answered 5xx. The database work runs on worker
threads, so one slow push never stalls the others.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NewType

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.core.errors import LanternError
from headoffice.admin import Clock
from headoffice.auth import Verdict, parse_authorization
from headoffice.db import Database, DatabaseError, open_db
from headoffice.engine import HeadOffice, utc_now
from headoffice.protocol import BadRequest, Unauthorized, UnsupportedMediaType
from headoffice.throttle import Backoff, retry_after

log = logging.getLogger(__name__)

StoreId = NewType("StoreId", str)
MAX_BODY_BYTES = 16 * 1024 * 1024


def _office(request: Request) -> HeadOffice:
    office: HeadOffice = request.app.state.office
    return office


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


async def authenticated(request: Request) -> StoreId:
    """The store the request's credentials prove, or Unauthorized (401); TooManyAttempts
    (429) while the client backs off after wrong credentials (headoffice/throttle.py)."""
    creds = parse_authorization(request.headers.get("authorization"))
    if creds is None:
        raise Unauthorized("no Lantern-Store credentials")
    store_id, secret = creds
    throttle: Backoff = request.app.state.throttle
    client = _client(request)
    wait = throttle.wait(client)
    if wait and not _office(request).verified.presented_before(store_id, secret):
        raise TooManyAttempts(wait)  # at once: no database read, no thread
    verdict = await run_in_threadpool(
        _office(request).check_credentials, store_id, secret, may_hash=not wait
    )
    if verdict is Verdict.NOT_CHECKED:
        raise TooManyAttempts(wait)
    if verdict is Verdict.REFUSED:
        throttle.failed(client)
        raise Unauthorized(f"bad credentials for store {store_id!r}")
    if verdict is Verdict.VERIFIED:  # not a remembered one: a guesser may share the address
        throttle.succeeded(client)
    request.state.store_id = store_id
    return StoreId(store_id)


class TooManyAttempts(Exception):
    """The client presented wrong credentials too often: wait (HTTP 429, Retry-After)."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"too many wrong credentials from this address; wait {wait:.1f} s")
        self.wait = wait


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


async def json_body(request: Request) -> Any:
    """The body as JSON: UTF-8, at most MAX_BODY_BYTES, no NaN or Infinity, not nested
    beyond what the parser can take (deeper limits: protocol.check_values). A body sent
    with a content type must say JSON (415 otherwise)."""
    kind = request.headers.get("content-type")
    if kind is not None:
        media = kind.partition(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            raise UnsupportedMediaType(f"the body must be application/json, not {kind[:60]!r}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes: send smaller batches")
    chunks, size = [], 0
    async for chunk in request.stream():  # stop reading at the limit, even when chunked
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequest(
                f"the body is larger than {MAX_BODY_BYTES} bytes: send smaller batches"
            )
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8 text") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None
    except ValueError as e:
        raise BadRequest(f"the body is not JSON: {str(e)[:200]}") from None


# --- routes, by resource ---------------------------------------------------------------
async def push(request: Request) -> Response:
    store_id = await authenticated(request)
    body = await json_body(request)
    result = await run_in_threadpool(_office(request).push, store_id, body)
    return JSONResponse(result)


async def _paged(request: Request, read: Callable[[str, Any, Any], Any]) -> Response:
    """A paged read of this store's data: `since` and `limit`, nothing else."""
    store_id = await authenticated(request)
    q = request.query_params
    unknown = sorted(set(q) - {"since", "limit"})
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)}")
    return JSONResponse(await run_in_threadpool(read, store_id, q.get("since"), q.get("limit")))


async def changes(request: Request) -> Response:
    return await _paged(request, _office(request).changes)


async def stored_events(request: Request) -> Response:
    """This store's own stored events, for its recovery after a lost disk or a restore."""
    return await _paged(request, _office(request).stored_events)


async def health(request: Request) -> Response:
    try:
        return JSONResponse(await run_in_threadpool(_office(request).health))
    except Exception as e:
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable", "error": str(e)}, status_code=503)


SYNC_ROUTES = [
    Route("/v1/sync/push", push, methods=["POST"]),
    Route("/v1/sync/changes", changes, methods=["GET"]),
    Route("/v1/sync/events", stored_events, methods=["GET"]),
]
HEALTH_ROUTES = [Route("/v1/health", health, methods=["GET"])]


# --- errors and request logging -----------------------------------------------------------
async def _unauthorized(request: Request, exc: Exception) -> Response:
    log.warning("%s %s: 401 (%s)", request.method, request.url.path, exc)
    return JSONResponse(
        {"error": "unauthorized"}, status_code=401, headers={"WWW-Authenticate": "Lantern-Store"}
    )


async def _too_many(request: Request, exc: Exception) -> Response:
    wait = exc.wait if isinstance(exc, TooManyAttempts) else 1.0
    log.debug("%s %s from %s: 429", request.method, request.url.path, _client(request))
    return JSONResponse(
        {"error": "too many wrong credentials from this address: try again later"},
        status_code=429,
        headers={"Retry-After": retry_after(wait)},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and the like, as JSON like every other answer."""
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    detail = exc.detail if isinstance(exc, HTTPException) else str(exc)
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    return JSONResponse({"error": str(detail)}, status_code=status, headers=headers)


async def _bad_request(request: Request, exc: Exception) -> Response:
    store = getattr(request.state, "store_id", "-")
    status = 415 if isinstance(exc, UnsupportedMediaType) else 400
    log.warning("%s %s store=%s: %d %s", request.method, request.url.path, store, status, exc)
    return JSONResponse({"error": str(exc)}, status_code=status)


async def _failed(request: Request, exc: Exception) -> Response:
    store = getattr(request.state, "store_id", "-")
    log.error("%s %s store=%s: 500", request.method, request.url.path, store, exc_info=exc)
    if isinstance(exc, DatabaseError):  # its detail (host, path) is for the log only
        text = "head office cannot reach its database; try again later"
    elif isinstance(exc, LanternError):
        text = str(exc)
    else:
        text = f"internal error ({type(exc).__name__})"
    return JSONResponse({"error": text}, status_code=500)


class _RequestLog:
    """One log line per request: method, path, store, status, time. Plain ASGI (Starlette's
    BaseHTTPMiddleware costs about a millisecond per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = scope.setdefault("state", {})  # request.state: the store, once authenticated
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            log.info(
                "%s %s store=%s → %d in %.1f ms",
                scope["method"],
                scope["path"],
                state.get("store_id", "-"),
                status,
                (time.perf_counter() - start) * 1000,
            )


DB_ENV = "LANTERN_HEADOFFICE_DB"


def app_from_env() -> Starlette:
    """The app over $LANTERN_HEADOFFICE_DB, for a process uvicorn started (a worker):
    logging to stderr (INFO for head office's request lines) unless already set up."""
    import os
    import sys

    target = os.environ.get(DB_ENV)
    if not target:
        raise LanternError(f"set {DB_ENV} to the head-office database (a postgresql:// URL)")
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
            stream=sys.stderr,
        )
        logging.getLogger("headoffice").setLevel(logging.INFO)
    return create_app(target)


def create_app(
    db: str | Path | Database, *, clock: Clock = utc_now, throttle: Backoff | None = None
) -> Starlette:
    """The ASGI app over a head-office database: a SQLite path, a `postgresql://` URL
    (opened and migrated now, closed when the app shuts down), or an open Database.
    `throttle`: the back-off for wrong credentials (default: throttle.Backoff())."""
    owned = not isinstance(db, Database)
    database = open_db(db) if not isinstance(db, Database) else db
    office = HeadOffice(database, clock)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        log.info("head office serving %s (%s)", database.display, database.dialect.value)
        try:
            yield
        finally:
            if owned:
                database.close()

    app = Starlette(
        routes=[*SYNC_ROUTES, *HEALTH_ROUTES],
        exception_handlers={
            Unauthorized: _unauthorized,
            TooManyAttempts: _too_many,
            HTTPException: _http_error,
            BadRequest: _bad_request,
            LanternError: _failed,
            Exception: _failed,
        },
        middleware=[Middleware(_RequestLog)],
        lifespan=lifespan,
    )
    app.state.office = office
    app.state.throttle = throttle or Backoff()
    return app
