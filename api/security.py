"""Who is calling, in which role, and what that role may see.

Keys are stored only as SHA-256 hashes (a leaked key file does not leak keys). A caller presents a
key in `X-API-Key`, or trades it at POST /auth/token for a short-lived signed bearer token (OAuth2
password / client-credentials flow) and sends `Authorization: Bearer <token>`; the pages' login
sets a signed, expiring session cookie that holds no key (`issue_session`). Roles are closed:
investigator (reads, unmasked), service (risk reads, masked), steward (review), admin (everything).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ingest.codes import normalize_resident_id
from ingest.errors import ConfigError
from resolution.codes_in_text import find_codes


class Role(StrEnum):
    INVESTIGATOR = "investigator"
    SERVICE = "service"
    STEWARD = "steward"
    ADMIN = "admin"


# Roles entitled to see resident IDs and phone numbers in clear. Only these may look people up
# from free text (POST /resolve): other roles get firm candidates only, people withheld.
UNMASKED_ROLES: frozenset[Role] = frozenset({Role.INVESTIGATOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a name for the audit log and one role."""

    name: str
    role: Role

    @property
    def unmasked(self) -> bool:
        return self.role in UNMASKED_ROLES


def hash_key(key: str) -> str:
    """The only form in which an API key is stored or compared."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """API-key hashes mapped to principals, read from a JSON/TOML file or CREDGRAPH_API_KEYS.

    File shape (JSON or TOML), keyed by sha256 hex of the key:
      {"<sha256>": {"name": "alice", "role": "investigator"}, ...}
    """

    def __init__(self, entries: dict[str, Principal], token_secret: bytes | None = None) -> None:
        self._entries = dict(entries)
        # A per-process secret unless configured: tokens then die with the process, which is safe.
        self._secret = token_secret or secrets.token_bytes(32)

    @classmethod
    def from_mapping(cls, raw: Any, token_secret: bytes | None = None, source: str = "API keys") -> KeyRing:
        if not isinstance(raw, dict):
            raise ConfigError(
                f"{source} must be a JSON object keyed by the sha256 of each key, "
                f'{{"<sha256>": {{"name": "alice", "role": "investigator"}}}}, not a {type(raw).__name__}; '
                "`credgraph keys create` writes such a file"
            )
        entries: dict[str, Principal] = {}
        for key_hash, spec in raw.items():
            if not re.fullmatch(r"[0-9a-f]{64}", key_hash):
                raise ConfigError("API key entries must be keyed by the sha256 hex of the key")
            try:
                entries[key_hash] = Principal(name=str(spec["name"]), role=Role(spec["role"]))
            except (KeyError, ValueError, TypeError) as exc:
                raise ConfigError(f"API key entry {key_hash[:8]}…: needs name and a known role") from exc
        return cls(entries, token_secret)

    @classmethod
    def load(cls, path: Path | None, token_secret: str | None = None) -> KeyRing:
        """Keys from the file if given, else from the CREDGRAPH_API_KEYS env (JSON), else none."""
        secret = token_secret.encode() if token_secret else None
        if path is not None:
            text = Path(path).read_text(encoding="utf-8")
            try:
                raw = tomllib.loads(text) if Path(path).suffix == ".toml" else json.loads(text)
            except (ValueError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot parse API keys file {path}: {exc}") from exc
            return cls.from_mapping(raw, secret, f"API keys file {path}")
        env = os.environ.get("CREDGRAPH_API_KEYS")
        if env:
            try:
                raw = json.loads(env)
            except ValueError as exc:
                raise ConfigError(f"CREDGRAPH_API_KEYS is not JSON: {exc}") from exc
            return cls.from_mapping(raw, secret, "CREDGRAPH_API_KEYS")
        return cls({}, secret)

    def __len__(self) -> int:
        return len(self._entries)

    def by_key(self, key: str) -> Principal | None:
        return self._entries.get(hash_key(key))

    def issue_token(self, principal: Principal, ttl_s: int = 3600) -> str:
        """A signed bearer token `payload.signature`; stateless so any worker can check it."""
        return self._sign({"n": principal.name, "r": principal.role.value, "e": int(time.time()) + ttl_s})

    def by_token(self, token: str) -> Principal | None:
        """The principal of a valid, unexpired bearer token (a page session is not one)."""
        data = self._verify(token)
        if data is None or data.get("k") == "s":
            return None
        return _principal(data)

    def issue_session(self, principal: Principal, key: str, ttl_s: int) -> str:
        """The pages' session cookie: signed, expiring, naming the key only by a prefix of its
        hash, so the cookie never carries the key and dies with the key's entry (revocation)."""
        return self._sign({"n": principal.name, "r": principal.role.value, "e": int(time.time()) + ttl_s,
                           "k": "s", "h": hash_key(key)[:16]})

    def by_session(self, cookie: str) -> Principal | None:
        """The principal of a valid page session whose key is still configured with that role."""
        data = self._verify(cookie)
        if data is None or data.get("k") != "s":
            return None
        principal = _principal(data)
        prefix = str(data.get("h", ""))
        if principal is None or len(prefix) != 16:
            return None
        alive = any(h.startswith(prefix) and p == principal for h, p in self._entries.items())
        return principal if alive else None

    def _sign(self, payload: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        sig = hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{sig}"

    def _verify(self, token: str) -> dict[str, Any] | None:
        """The payload of a token signed with this ring's secret and not expired, else None."""
        body, _, sig = token.partition(".")
        expected = hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()
        if not sig or not hmac.compare_digest(sig, expected):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if not isinstance(data, dict) or int(data["e"]) < time.time():
                return None
        except (ValueError, KeyError, TypeError):
            return None
        return data


def _principal(data: dict[str, Any]) -> Principal | None:
    try:
        return Principal(name=str(data["n"]), role=Role(data["r"]))
    except (ValueError, KeyError, TypeError):
        return None


# --- key files -------------------------------------------------------------------------------


def read_key_file(path: Path) -> dict[str, dict[str, str]]:
    """The raw `sha256 -> {name, role}` mapping of a key file; an absent file is empty."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text) if text.strip() else {}
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot parse API keys file {path}: {exc}") from exc
    KeyRing.from_mapping(raw, source=f"API keys file {path}")  # refuse a file the API could not read
    return raw  # type: ignore[no-any-return]


def write_key_file(path: Path, raw: dict[str, dict[str, str]]) -> None:
    """Write a JSON key file readable by its owner only, atomically (a crash leaves the old file)."""
    if path.suffix == ".toml":
        raise ConfigError(f"{path}: credgraph writes JSON key files; name a .json file")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(raw, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def create_key(path: Path, name: str, role: Role) -> str:
    """A new random key for (name, role); only its sha256 goes into the file. Returns the key."""
    if not name.strip():
        raise ConfigError("a key needs a name (who uses it, for the audit log)")
    raw = read_key_file(path)
    key = secrets.token_urlsafe(32)
    raw[hash_key(key)] = {"name": name.strip(), "role": role.value}
    write_key_file(path, raw)
    return key


def revoke_keys(path: Path, name: str) -> int:
    """Remove every key of `name` from the file; returns how many were removed."""
    raw = read_key_file(path)
    kept = {h: spec for h, spec in raw.items() if spec.get("name") != name}
    if len(kept) != len(raw):
        write_key_file(path, kept)
    return len(raw) - len(kept)


# --- masking -----------------------------------------------------------------------------------

_RIC_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MASKED_RIC_RE = re.compile(r"^\d{6}\*{8}\d{3}[0-9Xx]$")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{3,4})(\d{4})$")
# A landline with its area code inside prose: 0570-3456789, 0570 3456789, (0570)3456789, 057012345678
_TEXT_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])[(（]?(0\d{2,3})(?:[)）]\s*|\s*[-－—]\s*|\s?)(\d{3,4})(\d{4})(?![0-9A-Za-z])"
)
_PHONE_KEYS = frozenset({"phone", "phones", "number"})


def _is_resident_id(digits: str) -> bool:
    return normalize_resident_id(digits) is not None


def mask_resident_id(value: str) -> str:
    """330821196911200177 -> 330821********0177 (region and last four stay visible)."""
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else value


def mask_phone(value: str) -> str:
    """13812342345 -> 138****2345; 0570-3456789 -> 0570-***6789."""
    m = _LANDLINE_RE.match(value.translate(_FULLWIDTH))
    if m:
        return f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}"
    return mask_text(value)


_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


def mask_text(text: str) -> str:
    """Mask every resident ID (by check digit), mobile and landline (with area code) in free text.

    Matching runs on a copy with full-width digits made half-width (people type both); the stars
    are then put at the same positions of the original, so the text keeps its length and form.
    """
    plain = text.translate(_FULLWIDTH)
    spans: list[tuple[int, int]] = []
    for m in _RIC_RE.finditer(plain):
        if _is_resident_id(m.group(0)):
            spans.append((m.start() + 6, m.start() + 14))
    for m in _MOBILE_RE.finditer(plain):
        spans.append((m.start() + 3, m.start() + 7))
    for m in _TEXT_LANDLINE_RE.finditer(plain):
        spans.append(m.span(2))  # area code and last four stay visible, as mask_phone does
    stars = [i for start, end in spans for i in range(start, end)]
    stars += _read_code_digits(plain)
    if not stars:
        return text
    chars = list(text)
    for i in stars:
        chars[i] = "*"
    return "".join(chars)


_SPOKEN_DIGITS = frozenset("零〇洞一幺二两三四五六七拐八九")


def _read_code_digits(plain: str) -> list[int]:
    """Positions to hide of every ID and phone the resolver itself reads in a text, however written
    (330821 19780312 0318, an old 15-digit ID, 138 5701 2345, 幺三八五…, a landline without its area
    code): what credgraph can read, a caller of the service role must not. The same characters stay
    visible as in `mask_resident_id` / `mask_phone`: an ID's first six and last four, a mobile's first
    three and last four, a landline's area code and last four."""
    if not any(c.isdigit() or c in _SPOKEN_DIGITS for c in plain):
        return []
    out: list[int] = []
    for code in find_codes(plain):
        if code.kind not in ("resident_id", "uscc_or_rid", "phone", "local_phone"):
            continue
        digits = [i for i in range(code.start, code.end) if plain[i].isalnum() or plain[i] in _SPOKEN_DIGITS]
        if code.kind in ("resident_id", "uscc_or_rid"):
            head = 6
        elif code.kind == "phone" and "-" in code.value:
            head = len(code.value.split("-", 1)[0])
        else:
            head = 3 if code.kind == "phone" else 0
        out += digits[head : max(head, len(digits) - 4)]
    return out


def people_in(value: Any, found: set[str]) -> None:
    """Collect every resident ID (valid check digit) quoted anywhere in a JSON-able payload."""
    if isinstance(value, str):
        if len(value) >= 18:
            found.update(
                m.group(0)
                for m in _RIC_RE.finditer(value.translate(_FULLWIDTH))
                if _is_resident_id(m.group(0))
            )
    elif isinstance(value, dict):
        for v in value.values():
            people_in(v, found)
    elif isinstance(value, list | tuple):
        for v in value:
            people_in(v, found)


def mask_payload(value: Any, key: str | None = None) -> Any:
    """Walk a JSON-able payload and mask personal identifiers wherever they appear.

    Applied to whole responses rather than per field so an ID quoted in evidence text or a path
    step cannot slip through a field someone forgot to mark.
    """
    if isinstance(value, str):
        if key in _PHONE_KEYS:
            return mask_phone(value)
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_payload(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_payload(v, key) for v in value]
    return value
