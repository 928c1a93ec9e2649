"""Schemathesis against the served OpenAPI schema (issue 11, item 5): requests generated from the
schema itself, for every operation, as the admin (who may call every route) and as the service role
(masked answers): no answer is a 5xx and every documented answer matches its schema.

The app is the API fixtures' one (contract example in the embedded store, the real SQLite review
queue); `POST /jobs/ingest` is left out because its body names server folders, which a fuzzer would
have the job create wherever its strings point.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_fixtures import auth
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.security import Role

pytestmark = pytest.mark.slow


CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(
    max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
SKIP = {("POST", "/jobs/ingest")}


def _case_runner(op: Any, role: Role, calls: list[str]) -> Any:
    """A hypothesis test over `op`'s generated requests (one per operation: binds `op`)."""

    @FUZZ
    @given(case=op.as_strategy())
    def run(case: Any) -> None:
        calls.append(op.path)
        case.call_and_validate(headers=auth(role), checks=CHECKS)

    return run


def _fuzz(app: Any, role: Role, calls: list[str]) -> list[str]:
    """Every operation of the served schema, fuzzed; the failures as `METHOD /path: what`."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    for found in schema.get_all_operations():
        op = found.ok()
        if (op.method.upper(), op.path) in SKIP:
            continue

        run = _case_runner(op, role, calls)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected, reported together
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:600]}")
    return failures


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SERVICE], ids=["admin", "service"])
def test_no_5xx_and_every_answer_matches_its_schema(app: Any, role: Role) -> None:
    calls: list[str] = []
    failures = _fuzz(app, role, calls)
    assert not failures, "\n\n".join(failures)
    assert len(set(calls)) >= 25 and len(calls) >= 200, (len(set(calls)), len(calls))
