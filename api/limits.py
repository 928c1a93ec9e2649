"""Two small ASGI wrappers at the HTTP edge: a request-body size limit and HEAD answered as GET.

The body limit refuses a request whose Content-Length is over it before anything is read (413
problem+json) and stops a chunked body as soon as it passes the limit, so a client cannot make a
worker buffer an arbitrarily large body. HEAD runs the GET route and drops the body (RFC 9110 §9.3.2),
so a page or resource that answers GET also answers HEAD instead of 405.
"""

from __future__ import annotations

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
