"""Request dependencies as `Annotated` aliases: resources from app.state, the caller and its role.

Tests swap any of these with `app.dependency_overrides[get_store] = ...`. Resources are built once
in the app's lifespan (api/app.py) and only looked up here. The lookups are `async def` because
they never block: FastAPI would otherwise send each one through the thread pool (a hop per
dependency per request); only the resolver's first build blocks, so get_resolver stays sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyCookie, APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel

from api.audit import AuditLog
from api.problems import AccessDenied, Unauthenticated
from api.security import KeyRing, Principal, Role, mask_payload, people_in
from api.services.jobs import JobRunner
from api.settings import Settings
from ingest.errors import ConfigError

COOKIE_NAME = "credgraph_session"  # a signed, expiring session (KeyRing.issue_session), never a key
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")
_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
_cookie = APIKeyCookie(name=COOKIE_NAME, auto_error=False, description="session set by the /ui/login form")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> Any:
    return request.app.state.store


def get_resolver(request: Request) -> Any:
    """The resolver, built on first use (see loaders.load_resolver) and then kept."""
    state = request.app.state
    if state.resolver is None:
        with state.resolver_lock:
            if state.resolver is None:
                state.resolver = state.resolver_loader()
    if state.resolver is None:
        raise ConfigError("resolution is not available on this server")
    return state.resolver


async def get_queue(request: Request) -> Any:
    queue = request.app.state.queue
    if queue is None:
        raise ConfigError("the review queue is not available on this server")
    return queue


async def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs


async def get_audit(request: Request) -> AuditLog:
    return request.app.state.audit


async def get_keyring(request: Request) -> KeyRing:
    return request.app.state.keyring


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Any, Depends(get_store)]
ResolverDep = Annotated[Any, Depends(get_resolver)]
QueueDep = Annotated[Any, Depends(get_queue)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
KeyRingDep = Annotated[KeyRing, Depends(get_keyring)]


async def get_principal(
    keyring: KeyRingDep,
    api_key: Annotated[str | None, Security(_api_key)] = None,
    token: Annotated[str | None, Security(_bearer)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> Principal:
    """The caller, from X-API-Key, a bearer token, or the pages' cookie (in that order)."""
    principal = None
    if api_key:
        principal = keyring.by_key(api_key)
    elif token:
        principal = keyring.by_token(token)
    elif cookie:
        principal = keyring.by_session(cookie)
    if principal is None:
        raise Unauthenticated("a valid X-API-Key header or bearer token is required")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class Caller:
    """The authenticated caller of one request: shows results masked as its role requires and
    writes the audit line for reads of personal data and for decisions."""

    def __init__(self, principal: Principal, request: Request, audit: AuditLog) -> None:
        self.principal = principal
        self.request = request
        self.audit = audit

    @property
    def client(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def route(self) -> str:
        route = self.request.scope.get("route")
        return getattr(route, "path", self.request.url.path)

    def respond(self, model: BaseModel, *asked: str) -> JSONResponse:
        """The response for a JSON route, in one pass: dump the model, audit the read when it
        carries a person's data (a resident ID anywhere in it, or asked for), mask as the role
        requires."""
        data = model.model_dump(mode="json")
        self._audit_read(data, asked)
        return JSONResponse(data if self.principal.unmasked else mask_payload(data))

    def view(self, model: BaseModel, *asked: str) -> dict[str, Any]:
        """The same for a page: the audited, masked payload as a dict for a template."""
        data = model.model_dump(mode="json")
        self._audit_read(data, asked)
        return data if self.principal.unmasked else mask_payload(data)

    def _audit_read(self, data: Any, asked: tuple[str, ...]) -> None:
        people: set[str] = set()
        people_in([data, *asked], people)
        if people:
            self.audit.record(self.principal, "read", self.route, people, self.client)

    def decided(self, subjects: list[str], **extra: Any) -> None:
        self.audit.record(self.principal, "decision", self.route, subjects, self.client, **extra)


def require(*roles: Role) -> Callable[..., Any]:
    """A dependency admitting only the given roles (admin is always admitted)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    async def _dep(principal: PrincipalDep, request: Request, audit: AuditDep) -> Caller:
        if principal.role not in allowed:
            raise AccessDenied(f"role {principal.role.value!r} may not use this route")
        return Caller(principal, request, audit)

    return _dep


InvestigatorDep = Annotated[Caller, Depends(require(Role.INVESTIGATOR))]
RiskReaderDep = Annotated[Caller, Depends(require(Role.INVESTIGATOR, Role.SERVICE))]
ResolveCallerDep = Annotated[Caller, Depends(require(Role.INVESTIGATOR, Role.SERVICE, Role.STEWARD))]
StewardDep = Annotated[Caller, Depends(require(Role.STEWARD))]
AdminDep = Annotated[Caller, Depends(require(Role.ADMIN))]
