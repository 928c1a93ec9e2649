"""OAuth2 token endpoint: trade an API key for a short-lived signed bearer token.

Attempts are rate-limited per client address (api.limits.TokenBucket, Settings.auth_per_minute and
auth_burst), so keys cannot be guessed here at speed: over the limit the answer is 429 with
Retry-After, whether the key was right or not.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from api.deps import KeyRingDep
from api.limits import auth_attempt, too_many
from api.problems import Unauthenticated
from api.schemas.jobs import TokenOut

router = APIRouter(prefix="/auth", tags=["auth"])
TOKEN_TTL_S = 3600


@router.post("/token", response_model=TokenOut, responses={429: {"description": "too many attempts"}})
def token(
    request: Request,
    keyring: KeyRingDep,
    grant_type: Annotated[str, Form(pattern="^(password|client_credentials)$")] = "password",
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form(description="the API key (password grant)")] = None,
    client_secret: Annotated[str | None, Form(description="the API key (client_credentials)")] = None,
) -> TokenOut:
    """OAuth2 password or client-credentials grant where the secret is an API key."""
    wait = auth_attempt(request)
    if wait:
        return too_many(request, wait)
    principal = keyring.by_key(password or client_secret or "")
    if principal is None:
        raise Unauthenticated("unknown API key")
    return TokenOut(
        access_token=keyring.issue_token(principal, TOKEN_TTL_S),
        expires_in=TOKEN_TTL_S,
        role=principal.role.value,
    )
