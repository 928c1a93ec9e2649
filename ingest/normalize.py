"""One import for every normaliser: text, addresses, codes, masks, phones, dates and numbers.

Every normaliser returns None (or '' for text) on input it cannot read and never raises, so
readers count and quarantine instead of crashing (house style 7). Canonical forms, which graph
node keys and resolution rely on:

- text: NFKC half-width, OpenCC t2s simplified, whitespace collapsed (`normalize_text`);
- Address key: normalised text with no spaces, full address kept (`normalize_address`);
- USCC: 18 upper-case characters with a valid GB 32100 check character (`normalize_uscc`);
- resident ID: 18 characters, upper-case X, valid check digit and birth date; the region prefix is
  not checked (`normalize_resident_id`);
- masked codes: `MaskedId` with '*' for hidden characters (`parse_masked_id`);
- Phone key: mobile 13857012345, landline 0570-3456789, service 4008123456 (`normalize_phone`);
- dates: `datetime.date`; timestamps: naive China time (`parse_date`, `parse_datetime`).
"""

from ingest.codes import (
    MaskedId,
    birth_date_of,
    is_masked,
    normalize_resident_id,
    normalize_uscc,
    parse_masked_id,
    resident_id_from_15,
)
from ingest.phones import normalize_phone, normalize_phones
from ingest.text import (
    collapse_whitespace,
    join_cjk,
    normalize_address,
    normalize_text,
    to_halfwidth,
    to_simplified,
)
from ingest.values import parse_date, parse_datetime, parse_float

__all__ = [
    "MaskedId",
    "birth_date_of",
    "collapse_whitespace",
    "is_masked",
    "join_cjk",
    "normalize_address",
    "normalize_phone",
    "normalize_phones",
    "normalize_resident_id",
    "normalize_text",
    "normalize_uscc",
    "parse_date",
    "parse_datetime",
    "parse_float",
    "parse_masked_id",
    "resident_id_from_15",
    "to_halfwidth",
    "to_simplified",
]
