"""Limits at the HTTP edge: a request-body size limit and HEAD answered as GET (ASGI wrappers),
and a per-client token bucket for the routes that check secrets (POST /auth/token, the login form).

The body limit refuses a request whose Content-Length is over it before anything is read (413
problem+json) and stops a chunked body as soon as it passes the limit, so a client cannot make a
worker buffer an arbitrarily large body. HEAD runs the GET route and drops the body (RFC 9110 §9.3.2),
so a page or resource that answers GET also answers HEAD instead of 405.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import HTTPException

from api.problems import problem

Scope = dict[str, Any]


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            detail = f"the request body may hold at most {self.max_bytes:,} bytes"
            await problem(413, "too-large", "Request body too large", detail, scope.get("path", ""))(
                scope, receive, send
            )
            return
        seen = 0
        limit = self.max_bytes

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body may hold at most {limit:,} bytes")
            return message

        await self.app(scope, counted, send)


class HeadAsGet:
    """Answer HEAD with the GET route's status and headers, without its body."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def no_body(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, no_body)


class TokenBucket:
    """In-process token bucket per client (IP): `burst` attempts at once, refilled at `per_minute`.

    Guessing API keys at the token endpoint or the login form is slowed to `per_minute` tries a
    minute per address. Per process: with N workers a client gets N buckets, still a bound. The
    table is pruned of full buckets when it grows, so a flood of addresses cannot grow it without end.
    """

    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Spend one token for `client`: 0.0 when allowed, else the seconds until the next one."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return (1.0 - tokens) / self.rate if self.rate > 0 else float("inf")
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > self.max_clients:
                self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        full = [c for c, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst]
        for c in full:
            del self._buckets[c]


def auth_attempt(request: Any) -> float:
    """One attempt at a secret-checking route by this request's client: 0.0 when allowed, else the
    seconds to wait. The app's bucket is made from its settings on first use."""
    state = request.app.state
    bucket = getattr(state, "auth_limiter", None)
    if bucket is None:
        with _make_lock:
            bucket = getattr(state, "auth_limiter", None)
            if bucket is None:
                s = state.settings
                bucket = state.auth_limiter = TokenBucket(s.auth_per_minute, s.auth_burst)
    return bucket.take(request.client.host if request.client else "?")


def too_many(request: Any, wait: float) -> Any:
    """429 problem+json with Retry-After (whole seconds, rounded up)."""
    secs = max(1, int(wait + 0.999))
    resp = problem(429, "too-many-requests", "Too many requests",
                   f"too many attempts from this address; try again in {secs} s", request.url.path)
    resp.headers["Retry-After"] = str(secs)
    return resp


_make_lock = threading.Lock()
