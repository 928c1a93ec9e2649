"""Readiness: can the store answer? Checked with whatever probe the store offers."""

from __future__ import annotations

from typing import Any


def store_ready(store: Any) -> tuple[bool, dict[str, Any]]:
    """(ready, detail); never raises, since a probe that raises is itself the answer."""
    if store is None:
        return False, {"store": "not opened"}
    try:
        for probe in ("ready", "ping", "verify"):
            fn = getattr(store, probe, None)
            if callable(fn):
                result = fn()
                return (result is not False), {"store": type(store).__name__}
        store.counts()
        return True, {"store": type(store).__name__}
    except Exception as exc:  # noqa: BLE001
        # why, for the operator: a store error names its query and the server's code, never values
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        return False, {
            "store": type(store).__name__,
            "error": type(exc).__name__,
            "reason": f"{type(cause).__name__}: {str(exc)[:200]}",
        }
