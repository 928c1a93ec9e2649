"""Caps on decisions that the Fellegi–Sunter sum cannot express: evidence that is only indirect.

A weighted sum lets many weak agreements (same district, same town) add up past the auto
threshold even when the one thing that would identify the entity is absent. These rules hold
such pairs at review (a steward decides) or reject them outright, after the probabilities and the
competition between candidates, and say so in the evidence:

- a firm the text never names (no name/alias/字号, no USCC, no firm phone, no street number)
  where a person the record names holds a role (a resident's complaint is not about the firm
  they happen to run);
- a firm the text does not name that shares its phone with a person the text names;
- a person reached only by a surname form (邵总, 老王, 陈师傅) with no named firm where they hold a
  role, no ID and no own phone; and one whose only such firm is named by the trade beside the form
  (陈老板开的快餐店) is no surer than that firm;
- a person named by name alone (no ID, own phone or named firm) in a record that is not from
  their own district;
- a firm named by the same words as a firm whose USCC the text gives (the code decides which
  firm of that name is meant); a firm named otherwise beside a USCC of another firm is held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution.business import FITS
from resolution.features import PHONE_TAIL
from resolution.features import TRADE_SURNAME as TRADE_SURNAME_LEVEL
from resolution.links import Decision

if TYPE_CHECKING:
    from resolution.batch import ScoredPair

# firm row: name, name_rarity, code, phone, region, address, person
_F_NAME, _F_CODE, _F_PHONE, _F_ADDRESS, _F_PERSON, _F_BUSINESS = 0, 2, 3, 5, 6, 7
# person row: name, name_rarity, code, phone, region, firm
_P_NAME, _P_CODE, _P_PHONE, _P_REGION, _P_FIRM = 0, 2, 3, 4, 5
NAMED_FIRM_LEVEL = 3  # fuzzy name ≥ 80 and above: the text names the firm, however loosely


def firm_not_named(row: list[int]) -> bool:
    """A person the record names holds a role here, and the firm has no name, code, own phone or
    street address with number in the text."""
    return (
        2 <= row[_F_PERSON] <= 4  # a person the record names holds a role here (5, 6: and the
        # trade beside them names this firm: 陈燕颖经营的早餐店 is about the shop)
        and row[_F_NAME] < NAMED_FIRM_LEVEL
        and row[_F_CODE] != 2
        and row[_F_PHONE] not in (1, 2)
        and row[_F_ADDRESS] < 2  # road and number (东街254号的洗衣店) names the business; a town does not
    )


def trade_and_surname_only(row: list[int]) -> bool:
    """The firm is the one of its trade in the district with a holder of that surname (陈老板开的
    快餐店), and nothing else names it. Random surname and trade pairs in a 200,000-firm
    registry leave exactly one such firm about one time in twenty, and many shops in such texts
    are not registered at all: a steward decides."""
    return (
        row[_F_PERSON] == TRADE_SURNAME_LEVEL
        and row[_F_NAME] < NAMED_FIRM_LEVEL
        and row[_F_CODE] != 2
        and row[_F_PHONE] not in (1, 2, 3, PHONE_TAIL)
        and row[_F_ADDRESS] < 2
    )


def tail_only(row: list[int]) -> bool:
    """Only a phone tail (尾号0973) points here, with no trade word beside it that fits: in a
    district of a few thousand firms, one in five shares any given tail, so the pair is rejected
    (not queued: a review queue of such guesses would crowd out the real questions)."""
    return (
        row[_F_PHONE] == PHONE_TAIL
        and row[_F_NAME] < NAMED_FIRM_LEVEL
        and row[_F_CODE] != 2
        and row[_F_ADDRESS] < 2
        and row[_F_PERSON] < 3
        and row[_F_BUSINESS] != FITS
    )


def phone_is_the_persons(row: list[int]) -> bool:
    """The firm shares the phone of a person the record names, and is not named itself: the
    phone identifies the person (an operator's mobile is often the shop's registered phone)."""
    return (
        row[_F_PERSON] in (2, 3)  # 4: the role word says the business is meant (老板何坤（电话）家的店)
        and row[_F_NAME] < NAMED_FIRM_LEVEL
        and row[_F_CODE] != 2
        and row[_F_PHONE] in (1, 2, 3)
    )


def surname_only(row: list[int]) -> bool:
    """A surname form with no role at a named firm, no ID and no own phone."""
    return row[_P_NAME] == 1 and row[_P_FIRM] < 1 and row[_P_CODE] != 2 and row[_P_PHONE] != 2


def bare_name_elsewhere(row: list[int]) -> bool:
    """A full name alone (no ID, own phone or named firm) outside the person's own district:
    in a real city a name unique in the registry is not unique among residents."""
    return (
        row[_P_NAME] >= 2
        and row[_P_CODE] < 1
        and row[_P_PHONE] != 2
        and row[_P_FIRM] < 1
        and row[_P_REGION] < 3
    )


def _hold(p: ScoredPair, review: float, why: str) -> None:
    if p.decision is Decision.AUTO_LINK:
        p.decision = Decision.REVIEW if p.score >= review else Decision.REJECTED
        p.cap = why


def _reject(p: ScoredPair, why: str) -> None:
    """Reject a pair not rejected already (a rejected pair keeps its own reason)."""
    if p.decision is not Decision.REJECTED:
        p.decision = Decision.REJECTED
        p.cap = why


def _hold_or_reject(p: ScoredPair, review: float, why: str) -> None:
    """A firm only its holder points to: a steward looks when a trade word beside the mention fits
    its industry (the text may be about the business); otherwise the record is about the person
    (电鱼, 违章搭建, 宅基地) and the firm is rejected, not queued."""
    if p.row[_F_BUSINESS] == FITS:
        _hold(p, review, f"held at review: {why}")
    else:
        _reject(p, f"rejected: {why}, and no trade word beside it fits its industry")


def apply_caps(pairs: list[ScoredPair], review: float) -> None:
    """Hold indirect-only pairs at review and reject a same-name firm the text's USCC rules out."""
    own_phone = {
        p.record_id
        for p in pairs
        if p.entity_type == "person" and p.row and p.row[_P_NAME] >= 3 and p.row[_P_PHONE] >= 1
    }
    by_code: dict[str, list[ScoredPair]] = {}
    by_trade: list[ScoredPair] = []
    for p in pairs:
        if not p.row:
            continue
        if p.entity_type == "firm":
            if tail_only(p.row):
                _reject(p, "rejected: only a phone tail points here, and no trade word beside it fits")
            elif trade_and_surname_only(p.row):
                _hold(p, review, "held at review: only a surname form and the trade beside it point here")
            elif firm_not_named(p.row):
                _hold_or_reject(p, review, "firm not named, only a person in the record points here")
            elif p.record_id in own_phone and phone_is_the_persons(p.row):
                _hold_or_reject(p, review, "the phone is the named person's own, the firm is not named")
            if p.row[_F_CODE] == 2:
                by_code.setdefault(p.record_id, []).append(p)
        elif surname_only(p.row):
            _hold(p, review, "held at review: surname form only, no named firm where they hold a role")
        elif p.row[_P_NAME] == 1 and p.decision is Decision.AUTO_LINK:
            by_trade.append(p)
        elif p.source != "credit_records" and bare_name_elsewhere(p.row):
            # a guess a steward cannot settle from the text
            _reject(p, "rejected: name only, and the record is not from their district")
    _no_surer_than_trade_firm(pairs, by_trade, review)
    if not by_code:
        return
    for p in pairs:
        coded = by_code.get(p.record_id)
        if not coded or p.entity_type != "firm" or not p.row or p.row[_F_CODE] != 0:
            continue
        if p.row[_F_PHONE] == 2 or p.decision is Decision.REJECTED:
            continue
        same = [c for c in coded if c.mention == p.mention]
        if same:
            p.decision = Decision.REJECTED
            p.cap = f"rejected: the USCC in the text names {same[0].entity_id} for the same words"
        elif all(c.mention.startswith("USCC") for c in coded):
            _hold(p, review, f"held at review: the USCC in the text names {coded[0].entity_id}")


def _no_surer_than_trade_firm(pairs: list[ScoredPair], forms: list[ScoredPair], review: float) -> None:
    """A surname form auto-linked through a firm it holds a role at, where every such firm of the
    record is named only by the trade beside the form: the person is who runs that firm, so the
    link is held with the firm when the firm is held."""
    if not forms:
        return
    firms: dict[tuple[str, int], ScoredPair] = {
        (p.record_id, p.entity_idx): p for p in pairs if p.entity_type == "firm" and p.row
    }
    for p in forms:
        gz = p.resolver.gz
        held = [
            f
            for fi, _role in gz.person_roles.get(p.entity_idx, ())
            if (f := firms.get((p.record_id, fi))) is not None
        ]
        named = [f for f in held if f.row[_F_PERSON] != TRADE_SURNAME_LEVEL]
        trade = [f for f in held if f.row[_F_PERSON] == TRADE_SURNAME_LEVEL]
        if trade and not named and all(f.decision is not Decision.AUTO_LINK for f in trade):
            _hold(p, review, "held at review: the firm that identifies this surname form is held too")
