"""Codes embedded in prose: USCC, resident IDs (full or masked), phones, landlines, vehicle plates.

Also the ways people write them: grouped with spaces or dashes (9133 0102 MA2B…), an old 15-digit
ID (converted to 18 digits), the tail of a code (信用代码后六位, 身份证后四位: kept as a mask) and a
code that fails its check character (kind "slip": `resolution.code_slips` reads it against the
registry, which this module does not see).

Text has already been through `ingest.normalize.normalize_text` (full-width digits are half-width).
Each pattern is checked by the ingest normaliser (check digits, phone plan), so a random run of
digits is not taken for a code. A found code's span is blanked before the next pattern runs: the
digits of a resident ID are not also read as a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.normalize import (
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
    parse_masked_id,
    resident_id_from_15,
)

_USCC = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}\d{6}[0-9A-Za-z]{10}(?![0-9A-Za-z])")
_RID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}[01]\d[0-3]\d{4}[\dXx](?![0-9A-Za-z])")
_MASK = re.compile(r"(?<![0-9A-Za-z*])[0-9A-Za-z]{2,17}[*●•×]{2,16}[0-9A-Za-z]{1,12}(?![0-9A-Za-z*])")
_MOBILE = re.compile(
    r"(?<![\d.])(?:\+?86[ -]?)?1[3-9]\d(?:[ \-—–]?\d){8}(?!\.?\d)"
    r"|(?<![\d.])1[3-9]\d\.\d{4}\.\d{4}(?!\.?\d)"  # 138.5701.2345
)
# dashes as typed in Chinese text too (0571—88886666): normalisation keeps the em and en dash
_LANDLINE = re.compile(r"(?<![\d])(?:\(0\d{2,3}\)|0\d{2,3})[ \-—–]?[1-9]\d{2,3}[ \-—–]?\d{3,4}(?!\d)")
# a mobile number as published with its middle hidden: 138****5678 (the 7 visible digits)
_MASKED_MOBILE = re.compile(r"(?<![\d*])(1[3-9]\d)[*●•×xX]{4}(\d{4})(?![\d*])")
# the last four digits of a phone, as people quote them: 老板电话尾号0973, 手机后四位是5678
_PHONE_TAIL = re.compile(
    r"(?:电话|手机|号码|座机|联系方式)[^，。；,;0-9]{0,4}?(?:尾号|尾数|后四位|末四位)(?:是|为|:|：)?\s*(\d{4})(?!\d)"
)  # only a phone's: 信用代码尾号1234 is a code's tail
# the tail of a firm's or a person's code: 信用代码后六位03721J, 身份证尾号为131X
_TAIL_WORDS = r"[^，。；,;0-9]{0,4}?(?:尾号|尾数|后[四五六]位|末[四五六]位|最后[四五六]位)(?:是|为|:|：)?\s*"
_USCC_TAIL = re.compile(rf"(?:信用代码|代码|执照号?){_TAIL_WORDS}([0-9A-Za-z]{{4,6}})(?![0-9A-Za-z])")
_RID_TAIL = re.compile(rf"(?:身份证|证件)(?:号码?)?{_TAIL_WORDS}(\d{{3,5}}[\dXx])(?![0-9A-Za-z])")
# a code written in groups: 9133 0102 MA2B 3C4D 5E, 330382-19850101-3882
_GROUPED = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{1,8}(?:[ \-][0-9A-Za-z]{1,8}){1,8}(?![0-9A-Za-z])")
# an ID issued before 1999: 15 digits, two-digit birth year, no check digit (only after 身份证)
_RID15 = re.compile(r"(?:身份证|证件)(?:号码?)?(?:是|为|:|：)?\s*([1-9]\d{7}[01]\d[0-3]\d{4})(?![0-9A-Za-z])")
# code-shaped but failing its check: 17 to 19 letters and digits (see `_code_shaped`)
_SLIP = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{17,19}(?![0-9A-Za-z])")
# a landline quoted without its area code, as callers within the city do: 电话3456789
_LOCAL_LANDLINE = re.compile(
    r"(?:电话|座机|固话|号码|联系方式)(?:是|为|:|：)?\s*([2-8]\d{2,3}[ \-]?\d{4})(?![\d\-])"
)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]"
    r"[·•.\- ]?[A-HJ-NP-Z0-9]{5,6}(?![A-Z0-9])"
)


@dataclass(frozen=True, slots=True)
class CodeMention:
    """A code found in text: kind (uscc, resident_id, masked_id, uscc_tail, rid_tail, slip,
    uscc_or_rid, phone, local_phone, masked_phone, phone_tail, plate), value, span. `slip` and
    `uscc_or_rid` are settled against the registry by `resolution.mentions`; a local_phone (a
    landline without its area code) becomes a phone once the record's city is known."""

    kind: str
    value: str
    start: int
    end: int
    raw: str
    corrected: bool = False  # read from a slip (see `resolution.code_slips`): the text has `raw`


def masked_mobile(phone: str) -> str:
    """A mobile number the way it is published with its middle hidden: 138****5678 (from the full
    number, or from its seven visible digits)."""
    return phone[:3] + "****" + phone[-4:]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# digits as a caller says them and voice-to-text writes them: 幺三八五七零幺二三四五
_D = "零〇洞一幺二两三四五六七拐八九"  # 洞 (0) and 拐 (7): digits as radio and phone talk says them
_SPOKEN = str.maketrans(_D, "000112234567789")
_SPOKEN_RUN = re.compile(rf"[{_D}][{_D} \-]{{6,}}[{_D}]")


def _spoken_digits(text: str) -> str:
    """The text with runs of seven or more spoken digits written as digits, one character for one
    (spans stay valid). Shorter runs are words (一二三楼, 三五个人), not numbers."""
    if not _SPOKEN_RUN.search(text):
        return text
    return _SPOKEN_RUN.sub(lambda m: m.group().translate(_SPOKEN), text)


def _code_shaped(s: str) -> bool:
    """17 to 19 characters laid out like an ID (digits) or a USCC (digits in its first eight)."""
    digits = sum(c.isdigit() for c in s)
    return 17 <= len(s) <= 19 and (digits >= 14 or sum(c.isdigit() for c in s[:8]) >= 6)


def _grouped_codes(work: str, out: list[CodeMention]) -> str:
    """USCCs and IDs written in groups (9133 0102 MA2B…): found, added to `out`, blanked."""
    for m in _GROUPED.finditer(work):
        compact = re.sub(r"[ \-]", "", m.group()).upper()
        if not 17 <= len(compact) <= 19:
            continue
        code = normalize_uscc(compact)
        kind = "uscc_or_rid" if code is not None and normalize_resident_id(code) == code else "uscc"
        if code is None:
            code, kind = normalize_resident_id(compact), "resident_id"
        if code is None and _code_shaped(compact):
            code, kind = compact, "slip"
        if code is not None:
            out.append(CodeMention(kind, code, m.start(), m.end(), m.group()))
            work = _blank(work, m.start(), m.end())
    return work


def find_codes(text: str) -> list[CodeMention]:
    """Every valid code in `text`, in reading order; invalid look-alikes are skipped, never raised."""
    out: list[CodeMention] = []
    text = _spoken_digits(text)
    if not any(c.isdigit() for c in text):
        return out
    work = text
    for m in _USCC.finditer(text):
        code = normalize_uscc(m.group())
        if code is not None:
            # one digit string in thirty-one passes both checks: the registry decides which it is
            kind = "uscc_or_rid" if normalize_resident_id(code) == code else "uscc"
            out.append(CodeMention(kind, code, m.start(), m.end(), m.group()))
            work = _blank(work, m.start(), m.end())
    for m in _RID.finditer(work):
        code = normalize_resident_id(m.group())
        if code is not None:
            out.append(CodeMention("resident_id", code, m.start(), m.end(), m.group()))
            work = _blank(work, m.start(), m.end())
    for m in _RID15.finditer(work):
        code = resident_id_from_15(m.group(1))
        if code is not None:
            out.append(CodeMention("resident_id", code, m.start(1), m.end(1), m.group(1)))
            work = _blank(work, m.start(1), m.end(1))
    work = _grouped_codes(work, out)
    for m in _MASKED_MOBILE.finditer(work):
        value = masked_mobile(m.group(1) + m.group(2))
        out.append(CodeMention("masked_phone", value, m.start(), m.end(), m.group()))
        work = _blank(work, m.start(), m.end())
    if any(c in work for c in "*●•×"):
        for m in _MASK.finditer(work):
            mask = parse_masked_id(m.group())
            if mask is not None:
                out.append(CodeMention("masked_id", mask.pattern, m.start(), m.end(), m.group()))
                work = _blank(work, m.start(), m.end())
    for pat, kind in ((_RID_TAIL, "rid_tail"), (_USCC_TAIL, "uscc_tail")):
        for m in pat.finditer(work):
            out.append(CodeMention(kind, m.group(1).upper(), m.start(1), m.end(1), m.group()))
            work = _blank(work, m.start(1), m.end(1))
    for m in _SLIP.finditer(work):
        if _code_shaped(m.group()):
            out.append(CodeMention("slip", m.group().upper(), m.start(), m.end(), m.group()))
            work = _blank(work, m.start(), m.end())
    for m in _PLATE.finditer(work):
        plate = re.sub(r"[·•.\- ]", "", m.group())
        out.append(CodeMention("plate", plate, m.start(), m.end(), m.group()))
        work = _blank(work, m.start(), m.end())
    for pat in (_MOBILE, _LANDLINE):
        for m in pat.finditer(work):
            phone = normalize_phone(m.group())
            if phone is not None:
                out.append(CodeMention("phone", phone, m.start(), m.end(), m.group()))
                work = _blank(work, m.start(), m.end())
    for m in _LOCAL_LANDLINE.finditer(work):
        number = re.sub(r"[ \-]", "", m.group(1))
        out.append(CodeMention("local_phone", number, m.start(1), m.end(1), m.group(1)))
        work = _blank(work, m.start(1), m.end(1))
    for m in _PHONE_TAIL.finditer(work):
        out.append(CodeMention("phone_tail", m.group(1), m.start(1), m.end(1), m.group()))
        work = _blank(work, m.start(1), m.end(1))
    out.sort(key=lambda c: c.start)
    return out
