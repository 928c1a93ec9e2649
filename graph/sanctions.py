"""Joint punishment alerts (联合惩戒): which subjects and firms a listing reaches, and by which path.

Pure functions over plain rows that both graph stores return alike (`GraphStore.listed_records`,
`GraphStore.role_ties`); no database here. A listing triggers punishment only when it is of a
joint-punishment kind (dishonest_debtor 失信被执行人, serious_dishonesty 严重失信主体), active on
the as-of date (decided on or before it, not expired: `expires_on` empty means until repaired),
rests on a document number (a punitive measure needs a legally effective document), and is tied
to its subject by a published code or an auto_link (a link still in review is not grounds).

An alert names the listed subject itself (`relation="listed"`) and every firm in which a listed
subject holds, on the as-of date, the role of legal representative, operator (controller of an
individual business), executive, or shareholder at or above the share threshold
(`relation="related"`); supervisors and shareholders of unknown share are not reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

JOINT_KINDS: tuple[str, ...] = ("dishonest_debtor", "serious_dishonesty")
# roles that make a firm answer for its listed role holder; SHAREHOLDER only above the threshold
REACHING_ROLES: tuple[str, ...] = ("LEGAL_REP", "OPERATOR", "EXECUTIVE", "SHAREHOLDER")
_ROLE_WORDS = {
    "LEGAL_REP": "法定代表人",
    "OPERATOR": "经营者",
    "EXECUTIVE": "高管",
    "SHAREHOLDER": "股东",
}
_TRUSTED_DECISIONS = (None, "", "auto_link")


@dataclass(frozen=True, slots=True)
class SanctionConfig:
    """How far a listing reaches: the kinds that trigger it and the smallest share that counts."""

    kinds: tuple[str, ...] = JOINT_KINDS
    min_share_pct: float = 5.0


@dataclass(frozen=True, slots=True)
class Alert:
    """One subject to be punished because of one listing, with the document and the path."""

    record_id: str
    kind: str
    document_no: str
    authority: str
    decided_on: date | None
    listed_label: str
    listed_key: str
    listed_name: str
    relation: str  # "listed" (the subject itself) or "related" (a firm it holds a role in)
    target_label: str
    target_key: str
    target_name: str
    region_code: str
    roles: tuple[str, ...] = ()
    share_pct: float | None = None
    path: str = ""


def record_active(row: dict[str, Any], as_of: date) -> bool:
    """Decided on or before `as_of` and not yet expired (an empty expires_on runs until repaired)."""
    decided, expires = row.get("decided_on"), row.get("expires_on")
    if decided is None or decided > as_of:
        return False
    return expires is None or expires >= as_of


def grounds(rows: Iterable[dict[str, Any]], as_of: date, config: SanctionConfig) -> list[dict[str, Any]]:
    """The listing rows that may trigger punishment on `as_of`, one per (record, subject), sorted."""
    kept: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        if row.get("kind") not in config.kinds or not (row.get("document_no") or "").strip():
            continue
        if row.get("decision") not in _TRUSTED_DECISIONS or not record_active(row, as_of):
            continue
        kept.setdefault((row["record_id"], row["subject_label"], row["subject_key"]), row)
    return [kept[k] for k in sorted(kept)]


def _tie_active(tie: dict[str, Any], as_of: date) -> bool:
    start, end = tie.get("start_date"), tie.get("end_date")
    return (start is None or start <= as_of) and (end is None or end >= as_of)


def reaches(tie: dict[str, Any], as_of: date, config: SanctionConfig) -> bool:
    """Whether one role tie makes its firm answer for the holder's listing on `as_of`."""
    rel = tie.get("rel")
    if rel not in REACHING_ROLES or not _tie_active(tie, as_of):
        return False
    if rel == "SHAREHOLDER":
        share = tie.get("share_pct")
        return share is not None and float(share) >= config.min_share_pct
    return True


def role_words(roles: Sequence[str], share_pct: float | None) -> str:
    """`法定代表人、股东 70%`: the roles of one holder at one firm, as an investigator reads them."""
    words = []
    for rel in roles:
        word = _ROLE_WORDS.get(rel, rel)
        if rel == "SHAREHOLDER" and share_pct is not None:
            word += f" {share_pct:g}%"
        words.append(word)
    return "、".join(words)


def _listed_alert(row: dict[str, Any]) -> Alert:
    name = row.get("subject_name") or row["subject_key"]
    return Alert(
        record_id=row["record_id"],
        kind=row["kind"],
        document_no=row["document_no"].strip(),
        authority=row.get("authority") or "",
        decided_on=row.get("decided_on"),
        listed_label=row["subject_label"],
        listed_key=row["subject_key"],
        listed_name=name,
        relation="listed",
        target_label=row["subject_label"],
        target_key=row["subject_key"],
        target_name=name,
        region_code=region_of(row["subject_label"], row["subject_key"], row.get("region_code")),
        path=name,
    )


def region_of(label: str, key: str, region_code: str | None) -> str:
    """A subject's district: a firm's registered region code; for a person the 6-digit prefix of the
    resident ID (the code in force when it was issued: a hint, which may be a retired code)."""
    if region_code:
        return str(region_code)
    if label == "Person" and len(key) >= 6 and key[:6].isdigit():
        return key[:6]
    return ""


def alerts(
    listings: Iterable[dict[str, Any]],
    ties: Iterable[dict[str, Any]],
    as_of: date,
    config: SanctionConfig | None = None,
) -> list[Alert]:
    """Every alert on `as_of`: each grounded active listing's subject, then the firms it reaches
    through `ties` (role_ties rows of the listed subjects), one alert per (record, firm) with all
    the roles that reach it; sorted by (record, relation, target)."""
    config = config or SanctionConfig()
    by_holder: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for tie in ties:
        if reaches(tie, as_of, config):
            by_holder.setdefault((tie["holder_label"], tie["holder_key"]), []).append(tie)
    out: list[Alert] = []
    for row in grounds(listings, as_of, config):
        listed = _listed_alert(row)
        out.append(listed)
        firms: dict[str, list[dict[str, Any]]] = {}
        for tie in by_holder.get((listed.listed_label, listed.listed_key), []):
            if tie["firm_key"] != listed.listed_key:
                firms.setdefault(tie["firm_key"], []).append(tie)
        for firm_key, found in firms.items():
            roles = tuple(sorted({t["rel"] for t in found}, key=REACHING_ROLES.index))
            shares = [float(t["share_pct"]) for t in found if t["rel"] == "SHAREHOLDER"]
            share = max(shares) if shares else None
            firm_name = found[0].get("firm_name") or firm_key
            out.append(
                replace(
                    listed,
                    relation="related",
                    target_label="Firm",
                    target_key=firm_key,
                    target_name=firm_name,
                    region_code=region_of("Firm", firm_key, found[0].get("firm_region_code")),
                    roles=roles,
                    share_pct=share,
                    path=f"{listed.listed_name} —{role_words(roles, share)}→ {firm_name}",
                )
            )
    return sorted(out, key=lambda a: (a.record_id, a.relation != "listed", a.target_label, a.target_key))



def store_alerts(store: Any, as_of: date, config: SanctionConfig | None = None) -> list[Alert]:
    """`alerts` over a GraphStore: its listings of the joint kinds and its listed subjects' role ties."""
    from graph.model import NodeLabel

    config = config or SanctionConfig()
    listings = store.listed_records(config.kinds)
    keys: dict[str, list[str]] = {}
    for row in grounds(listings, as_of, config):
        keys.setdefault(row["subject_label"], []).append(row["subject_key"])
    ties = [t for label, ks in sorted(keys.items()) for t in store.role_ties(NodeLabel(label), ks)]
    return alerts(listings, ties, as_of, config)
