"""Prometheus metrics: request counts and latency per route template, served at /metrics.

A plain ASGI middleware (not BaseHTTPMiddleware, which costs a task per request) and one registry
per app, so several apps in one test process do not collide on metric names.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)


class ApiMetrics:
    """The app's metric families, bound to its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "credgraph_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "credgraph_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.review_pending = Gauge(
            "credgraph_review_pending", "Review items waiting for a steward", registry=self.registry
        )
        self.jobs = Counter(
            "credgraph_jobs_total",
            "Background jobs by kind and outcome",
            ["kind", "status"],
            registry=self.registry,
        )


class MetricsMiddleware:
    """Times every HTTP request and labels it with its route template (bounded cardinality)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "GET")
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)
            self.metrics.requests.labels(method, template, str(status)).inc()
