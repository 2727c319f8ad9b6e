"""The HTTP client for head office (docs/sync-protocol.md).

- Every request carries `Authorization: Lantern-Store <store_id>:<secret>`. The secret is
  never logged, never part of an error text and hidden from repr().
- A timeout, a refused connection, a 5xx answer: tried again, at most `attempts` times in
  all, after exponential backoff with jitter (`backoff` × 2^n, capped at `max_backoff`,
  each wait a random 50–100 % of that), then `HeadOfficeUnreachable`. `on_failure` hears
  of every failed attempt at once (the till's offline caps must not wait for the retries).
- 401: `Unauthorized` at once (retrying the same credentials cannot help).
- 429 (head office backs off a client after wrong credentials): wait its `Retry-After`
  and try again, within the same `attempts`; a longer wait than `max_retry_after` (10 s:
  a round must stay short enough for the till to stop promptly), or no attempt left:
  `RateLimited`, which carries the wait so the sync loop waits as long.
- Any other 4xx: `Refused` at once, with head office's error text: head office was
  reached and refuses the request, so trying again unchanged cannot help; a manager must
  see it (it is not "unreachable").
- A 2xx whose body is not the JSON the protocol describes ("a head office that answers
  garbage"), or another status: `HeadOfficeUnreachable` at once, naming what was wrong.
Both pushing and pulling are safe to repeat, so a retry never changes the outcome.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from desktop.core.errors import InvalidInput, LanternError
from desktop.sync.protocol import (
    ChangesPage,
    Malformed,
    PushAnswer,
    StoredEvents,
    parse_changes,
    parse_push,
    parse_stored_events,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0


class SyncError(LanternError):
    """A sync round could not complete; the store keeps working offline."""


class HeadOfficeUnreachable(SyncError):
    """No usable answer from head office: timeout, refused connection, an error status or
    an answer that is not a Lantern sync answer. The round is retried later."""


class Unauthorized(SyncError):
    """Head office refused this store's credentials (HTTP 401)."""


class BadAddress(SyncError):
    """The head-office address in the store's settings is not a usable URL: a configuration
    error for a manager to correct (Settings), not a network failure."""


def check_base_url(url: str) -> str:
    """The head-office address cleaned (no trailing slash), or InvalidInput naming what is
    wrong. The one rule for the Settings tab, `lantern store connect` and the client:
    http:// or https://, a host, an optional port of digits, an optional path; nothing else
    (so `http://127.0.0.1:1http://…`, a paste gone wrong, is refused before it is saved)."""
    text = url.strip().rstrip("/")
    problem = _url_problem(text)
    if problem:
        raise InvalidInput(f"the head-office address {text!r} is not valid: {problem}")
    return text


def _url_problem(text: str) -> str | None:
    if not text.startswith(("http://", "https://")):
        return "it must start with http:// or https://"
    if any(c.isspace() for c in text) or not text.isascii():
        return "it must not contain spaces or non-ASCII characters"
    rest = text.split("://", 1)[1]
    if "://" in rest:
        return "it holds more than one address (pasted twice?)"
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError for a port that is not a number from 0 to 65535
    except ValueError as e:
        return f"the port is not a number from 1 to 65535 ({e})"
    if not parts.hostname:
        return "there is no host name after the //"
    if port == 0:
        return "the port is not a number from 1 to 65535"
    if parts.query or parts.fragment or "@" in parts.netloc:
        return "only a host, a port and a path are allowed (no ?, # or @)"
    try:
        httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as e:
        return str(e)
    return None


class Refused(SyncError):
    """Head office answered with a 4xx other than 401 and 429: it was reached and refuses
    the request as it is (a malformed push, a batch too large). Nothing was applied; the
    events wait at the store until the cause is fixed."""


class RateLimited(HeadOfficeUnreachable):
    """Head office asked this client to wait (HTTP 429) longer than the client waits
    within one round; `retry_after` is the wait in seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Retry(Exception):
    """A failure worth trying again (timeout, refused connection, 5xx)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait  # head office's Retry-After, when it said how long


class HeadOfficeClient:
    def __init__(
        self,
        base_url: str,
        store_id: str,
        secret: str,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        try:
            base_url = check_base_url(base_url)
        except InvalidInput as e:
            raise BadAddress(f"{e}: correct it in the manager's Settings") from None
        if attempts < 1:
            raise LanternError("a head-office client needs at least one attempt")
        self.base_url = base_url.rstrip("/")
        self.store_id = store_id
        self._secret = secret
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._rand = rand
        self._on_failure = on_failure
        try:
            self._http = httpx.Client(
                base_url=self.base_url,
                timeout=httpx.Timeout(timeout),
                transport=transport,
                headers={"Authorization": f"Lantern-Store {store_id}:{secret}"},
                follow_redirects=False,
            )
        except (httpx.InvalidURL, ValueError) as e:  # a header the secret cannot be sent in
            raise BadAddress(
                f"head office at {self.base_url} cannot be called: {type(e).__name__}: {e}"
            ) from None

    def __repr__(self) -> str:
        return f"HeadOfficeClient({self.base_url!r}, store {self.store_id!r}, secret hidden)"

    # --- the protocol ---------------------------------------------------------------------
    def push(self, body: dict[str, Any]) -> PushAnswer:
        """POST /v1/sync/push: the store's events in order; head office's answer per event."""
        data = self._call("POST", "/v1/sync/push", json_body=body)
        try:
            return parse_push(data)
        except Malformed as e:
            raise self._garbage("push", e) from None

    def changes(self, since: int, limit: int) -> ChangesPage:
        """GET /v1/sync/changes: one page of changes after cursor `since`."""
        return self._page("/v1/sync/changes", "changes", parse_changes, since, limit)

    def stored_events(self, since: int, limit: int) -> StoredEvents:
        """GET /v1/sync/events: this store's own events head office stored (recovery)."""
        return self._page("/v1/sync/events", "events", parse_stored_events, since, limit)

    def _page(self, path: str, what: str, parse: Callable[[Any], T], since: int, limit: int) -> T:
        data = self._call("GET", path, params={"since": str(since), "limit": str(limit)})
        try:
            return parse(data)
        except Malformed as e:
            raise self._garbage(what, e) from None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HeadOfficeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one call, with retries -----------------------------------------------------------
    def _garbage(self, what: str, e: Malformed) -> HeadOfficeUnreachable:
        return HeadOfficeUnreachable(
            f"head office at {self.base_url} sent a {what} answer that is not a Lantern "
            f"sync answer ({e}); is the URL right?"
        )

    def delay(self, attempt: int) -> float:
        """How long to wait before try number `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self._rand())

    def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        reason = ""
        for attempt in range(1, self.attempts + 1):
            try:
                return self._once(method, path, json_body, params)
            except _Retry as e:
                reason = e.reason
                log.info(
                    "head office %s %s: %s (attempt %d of %d)",
                    method,
                    path,
                    reason,
                    attempt,
                    self.attempts,
                )
                if self._on_failure is not None:
                    self._on_failure(reason)
                if e.wait is not None and (
                    e.wait > self.max_retry_after or attempt == self.attempts
                ):
                    raise RateLimited(
                        f"head office at {self.base_url} asks this store to wait {e.wait:g} s "
                        "(too many wrong credentials from this address)",
                        e.wait,
                    ) from None
                if attempt < self.attempts:
                    self._sleep(self.delay(attempt) if e.wait is None else e.wait)
        raise HeadOfficeUnreachable(
            f"head office at {self.base_url} is unreachable: {reason} "
            f"(tried {self.attempts} time{'s' if self.attempts > 1 else ''})"
        )

    def _once(
        self,
        method: str,
        path: str,
        json_body: dict[str, Any] | None,
        params: dict[str, str] | None,
    ) -> Any:
        try:
            response = self._http.request(method, path, json=json_body, params=params)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:  # not worth a retry
            raise BadAddress(
                f"head office at {self.base_url} cannot be called ({_short(e)}): correct the "
                "address in the manager's Settings"
            ) from None
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except httpx.ConnectError as e:
            raise _Retry(f"cannot connect ({_short(e)})") from None
        except httpx.TransportError as e:  # connection dropped mid-answer, protocol error
            raise _Retry(f"the connection failed ({_short(e)})") from None
        status = response.status_code
        if status == 401:
            raise Unauthorized(
                f"head office at {self.base_url} refused the credentials of store "
                f"{self.store_id}: check the store id and secret (`lantern store connect`)"
            )
        if status == 429:
            wait = _retry_after(response, self.backoff)
            raise _Retry(f"HTTP 429{_error_text(response)}", wait)
        if status >= 500:
            raise _Retry(f"HTTP {status}{_error_text(response)}")
        if 400 <= status < 500:
            raise Refused(
                f"head office at {self.base_url} refused {method} {path} with HTTP "
                f"{status}{_error_text(response)}; nothing was applied and the events wait "
                "here: tell head office (this is not a network problem)"
            )
        if not 200 <= status < 300:
            raise HeadOfficeUnreachable(
                f"head office at {self.base_url} answered {method} {path} with HTTP "
                f"{status}{_error_text(response)}"
            )
        try:
            return json.loads(response.content)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise HeadOfficeUnreachable(
                f"head office at {self.base_url} answered {method} {path} with something "
                f"that is not JSON ({_show_body(response)}); is the URL right?"
            ) from None


def _retry_after(response: httpx.Response, default: float) -> float:
    """Seconds from a Retry-After header (whole seconds; an HTTP date or nothing: `default`)."""
    text = response.headers.get("retry-after", "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return float(text)
    return default


def _short(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _show_body(response: httpx.Response) -> str:
    body = response.content[:60]
    text = body.decode("utf-8", "replace")
    more = "…" if len(response.content) > 60 else ""
    return f"{response.headers.get('content-type', 'no content type')}: {text!r}{more}"


def _error_text(response: httpx.Response) -> str:
    """`: <error>` from a JSON error body, or nothing."""
    try:
        data = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return f": {data['error'][:200]}"
    return ""
