"""Mention extraction: what in a record's text could point at a registered firm or person.

Four kinds, each cheap: codes (regular expressions checked by the ingest normalisers), firm names
(Aho-Corasick over registered names, aliases and derived keys, plus the same over pinyin for
homophones), person names (Aho-Corasick over registered names, pinyin for 3-character names) and
person forms the registry cannot list (王某, 王某某, 老王, 王老板, 王总, 王经理), and places (towns,
roads with numbers). jieba segmentation is consulted only to tell whether a person-name hit sits
on word boundaries (高峰 inside 高峰期 does not), and a role word next to the name (店主张伟)
outranks the segmenter, which gets such phrases wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba

from resolution.business import BusinessWord
from resolution.code_slips import read_slip
from resolution.codes_in_text import CodeMention, find_codes
from resolution.gazetteer import ALIAS, FULL, HOMOPHONE, SHORT, Gazetteer, parse_address

jieba.setLogLevel(60)

# role word -> affiliation roles it is compatible with
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "法定代表人": ("legal_rep",),
    "实际控制人": ("legal_rep", "shareholder"),
    "负责人": ("legal_rep", "operator", "executive"),
    "经营者": ("operator", "legal_rep"),
    "经营户": ("operator", "legal_rep"),
    "个体户": ("operator",),
    "董事长": ("legal_rep", "executive"),
    "总经理": ("executive", "legal_rep"),
    "老板娘": ("operator", "legal_rep", "shareholder"),
    "老板": ("operator", "legal_rep", "shareholder", "executive"),
    "店主": ("operator", "legal_rep"),
    "店长": ("operator", "executive"),
    "摊主": ("operator",),
    "业主": ("operator", "legal_rep"),
    "厂长": ("executive", "legal_rep", "operator"),
    "法人": ("legal_rep",),
    "股东": ("shareholder",),
    "经理": ("executive", "legal_rep"),
    "监事": ("supervisor",),
    "司机": (),
    "员工": (),
    "店员": (),
}
_ROLES_LONGEST_FIRST = tuple(sorted(ROLE_WORDS, key=len, reverse=True))
_ROLE_RE = re.compile("|".join(_ROLES_LONGEST_FIRST))
# suffix forms after a surname: 王某, 王某某, 王老板, 王总, 王经理 ...
# (先生/女士 are left out: in complaints they are nearly always the caller, not the subject)
_SURNAME_SUFFIX = ("某某", "某", "老板娘", "老板", "总", "经理", "厂长", "师傅", "董")
_FORM_ROLES = {
    "老板娘": "老板娘",
    "老板": "老板",
    "总": "老板",
    "经理": "经理",
    "厂长": "厂长",
    "董": "董事长",
}
# people named right after these words are the reporter or the official, not the subject
_NOT_SUBJECT = (
    "网格员",
    "执法人员",
    "工作人员",
    "检查人员",
    "市民",
    "群众",
    "消费者",
    "来电人",
    "投诉人",
    "举报人",
    "民警",
    "记者",
    "志愿者",
    "社区干部",
    # who files, handles or signs a record, as forms and minutes list them
    "承办人",
    "经办人",
    "记录人",
    "检查人",
    "填报人",
    "上报人",
    "核查人",
    "处理人",
    "回访人",
    "受理人",
    "接线员",
    "话务员",
    "值班员",
    "签收人",
    "审核人",
    "主持人",
    "调解员",
    "信访人",
    "反映人",
    "求助人",
    "报料人",
    "巡查员",
    "协管员",
)
# a name key followed by these is a place (湖前片区, 杜泽村), not a firm
_PLACE_AFTER = ("片区", "村", "镇", "乡", "街道", "社区", "小区", "路", "街", "大道", "一带", "附近", "园区")
# 小/阿 + character that are ordinary words, not a person (小吃, 小区, 阿姨)
_NOT_GIVEN = frozenset(
    "小吃 小区 小时 小店 小型 小学 小孩 小卖 小摊 小贩 小额 小巷 小组 小心 小微 阿姨".split()
)
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_PLACE_RE = re.compile(
    r"([\u4e00-\u9fff]{2,5}?(?:镇|乡|街道))|([\u4e00-\u9fff]{1,6}?(?:路|街|大道|巷|弄))(\d+号)?"
    r"|([\u4e00-\u9fff]{2,6}?(?:园区|小区|市场|广场|工业区|开发区|村))"
)


@dataclass(frozen=True, slots=True)
class FirmHit:
    level: int
    start: int
    end: int
    key: str
    cue: bool = False  # words around the hit say a business is meant (X公司, 那家X, 系X所为)


@dataclass(frozen=True, slots=True)
class PersonHit:
    level: int  # 4 exact on word boundaries or next to a role word, 3 exact, 2 homophone
    start: int
    end: int
    name: str
    role: str | None


@dataclass(frozen=True, slots=True)
class SurnameForm:
    surname: str
    form: str  # the whole mention, e.g. 王某某, 老王, 王老板
    start: int
    end: int
    role: str | None
    given: str = ""  # 小忠, 阿鹏: one character of the given name instead of the surname
    tail: str = ""  # 吴某飞: the given name's last character, shown beside the surname


@dataclass(slots=True)
class Mentions:
    text: str
    codes: list[CodeMention] = field(default_factory=list)
    firms: dict[int, FirmHit] = field(default_factory=dict)
    persons: dict[int, PersonHit] = field(default_factory=dict)
    surname_forms: list[SurnameForm] = field(default_factory=list)
    address_firms: dict[int, str] = field(default_factory=dict)
    towns: set[str] = field(default_factory=set)
    roads: set[str] = field(default_factory=set)
    road_numbers: set[str] = field(default_factory=set)
    business: list[BusinessWord] = field(default_factory=list)  # 照相馆, 饭店: what kind of business
    # the codes' values by kind, read once per list of codes (every candidate row asks for them)
    _by_kind: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _by_kind_of: list[CodeMention] | None = field(default=None, repr=False, compare=False)

    @property
    def phones(self) -> frozenset[str]:
        return self.codes_of("phone")

    def codes_of(self, kind: str) -> frozenset[str]:
        if self._by_kind_of is not self.codes:  # codes are replaced, never edited in place
            by_kind: dict[str, set[str]] = {}
            for c in self.codes:
                by_kind.setdefault(c.kind, set()).add(c.value)
            self._by_kind = {k: frozenset(v) for k, v in by_kind.items()}
            self._by_kind_of = self.codes
        return self._by_kind.get(kind, frozenset())


def _longest(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop hits (start, end, id) strictly inside a longer hit: 宏达物流 inside 衢州宏达物流有限公司."""
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))
    kept: list[tuple[int, int, int]] = []
    for s, e, kid in hits:
        if any(ks <= s and e <= ke and (ke - ks) > (e - s) for ks, ke, _ in kept):
            continue
        kept.append((s, e, kid))
    return kept


def _scan(auto, text: str) -> list[tuple[int, int, int]]:  # noqa: ANN001 - pyahocorasick has no stubs
    if not len(auto):
        return []
    return [(end - n + 1, end + 1, kid) for end, (kid, n) in auto.iter(text)]


def _role_near(text: str, start: int, end: int) -> str | None:
    """A role word right before (店主张伟, 负责人：张伟) or right after (张伟老板, 张伟（店主）) a name."""
    before = text[max(0, start - 6) : start].rstrip(":： ")
    for w in _ROLES_LONGEST_FIRST:
        if before.endswith(w):
            return w
    after = text[end : end + 6].lstrip("(（ ")
    for w in _ROLES_LONGEST_FIRST:
        if after.startswith(w):
            return w
    return None


_FIRM_AFTER = (
    "公司",
    "厂",
    "店",
    "那家",
    "这家",
    "的店",
    "餐厅",
    "饭店",
    "超市",
    "工作室",
    "合作社",
    "农场",
    "商行",
    "经营部",
    "门市",
    "作坊",
    "加工",
    "车间",
    "酒店",
    "宾馆",
    "”",
    "」",
)
_FIRM_BEFORE = ("系", "为", "对", "企业", "单位", "店铺", "商家", "公司", "“", "「", "涉事")


# 曾家那个美容美发店, 诚鼎家的店, 达辰的新材料科技公司: a business word ends the phrase after the name
_FIRM_PHRASE_AFTER = re.compile(
    r"(?:那个|这个|家的|的)[^，。；,;！!？?\s]{0,6}?(?:公司|店|厂|馆|部|行|场|社)"
)


def _firm_cue(text: str, start: int, end: int) -> bool:
    """Words around a name hit that say a business is meant: 荣达公司, 那家荣达, 系荣达所为, “荣达”,
    曾家那个美容美发店."""
    return (
        text.startswith(_FIRM_AFTER, end)
        or text[max(0, start - 4) : start].endswith(_FIRM_BEFORE)
        or _FIRM_PHRASE_AFTER.match(text, end) is not None
    )


# a place name's last word: 百山祖镇, 青山湖街道, 大麦屿街道城南村, 沈荡科技园
_PLACE_END = ("街道", "镇", "乡", "村", "社区", "园区", "科技园", "工业园", "大道", "路", "街")
_PLACE_CHARS = ("镇", "乡", "街道", "村")
# characters that end a place name in the making: 白龙在路边 is a firm by the road, not 白龙在路
_NOT_IN_PLACE = frozenset("的在和与对把被从到向及里门前旁边说称将已未是有")
_FIRM_END = ("公司", "店", "厂", "社", "馆", "部", "行", "场")
_ROAD_END = ("街", "路", "巷", "弄", "大道", "村")


def _in_place_name(text: str, s: int, e: int, key: str, cue: bool, gz: Gazetteer) -> bool:
    """Whether the hit text[s:e] is part of a place name, not a firm's 字号: a registered town
    around it (白龙桥镇), up to two more characters and a place word after it (百山祖镇,
    青山湖街道), or a bare town name with nothing saying a business is meant (沈荡科技园)."""
    if key.endswith(_FIRM_END):
        return False
    if key.endswith(_ROAD_END) and text[:s].endswith(_PLACE_CHARS):
        return True  # 新市镇老街: the road of the town just named, whatever shop shares its name
    for a in range(max(0, s - 3), s + 1):
        for b in range(e, min(len(text), e + 4) + 1):
            if b - a > e - s and text[a:b] in gz.towns:
                return True
    for gap in (1, 2):
        mid = text[e : e + gap]
        if len(mid) < gap or any(c in _NOT_IN_PLACE or not _CJK_CHAR.match(c) for c in mid):
            break
        after = text[e + gap : e + gap + 3]
        if after.startswith(_PLACE_END) and not after.startswith(("路边", "路口", "街边", "街上")):
            return True
    return not cue and key in gz.town_bases


# grammatical particles: where one stands in for a name's character, the text is speech, not a
# name heard wrong (开的进出口 sounds like 凯德进出口; 他的 like 塔德)
_PARTICLES = frozenset("的地得了着过是在和与及把被给对向从也都就")


def _close_spelling(seen: str, key: str) -> bool:
    """A homophone counts when at least half of its characters are the key's own (宏大物流 for
    宏达物流, 王建果 for 王建国); a phrase that only sounds alike (有视频 / 优食品) does not, nor
    one where a particle takes a name character's place, nor one that begins with an everyday
    word in place of the name's first two characters (一家 for 亿佳)."""
    if any(a != b and a in _PARTICLES for a, b in zip(seen, key, strict=False)):
        return False
    head_differs = len(seen) >= 2 and seen[0] != key[0] and seen[1] != key[1]
    if head_differs and _everyday_word(seen[:2]):
        return False  # 一家网络科技 sounds like 亿佳网络科技: "a (firm)", not a 字号 misheard
    same = sum(a == b for a, b in zip(seen, key, strict=False))
    return 2 * same >= len(key)


# a code right after these (with no reporting verb between) is the reporter's own number
_REPORTER_CODE = (
    "来电人",
    "来电号码",
    "来电电话",
    "来电手机",
    "回访电话",
    "投诉人",
    "举报人",
    "反映人",
    "报料人",
    "求助人",
    "市民",
    "群众",
)
# ... unless the reporter speaks or acts on someone between the word and the code (执法人员对公司（电话）)
_REPORTING = ("反映", "称", "投诉", "举报", "说", "表示", "报称", "求助", "对", "向", "在", "到")
_CLAUSE_END = frozenset("，。；;,！!？?\n")


def _reporters_code(text: str, code: CodeMention) -> bool:
    """Whether a phone or ID in the text is the reporter's (来电号码19631279649, 来电人许女士
    （13812345678）反映): it names who called, not the subject, and must not count against one."""
    if code.kind not in ("phone", "masked_phone", "resident_id", "masked_id"):
        return False
    opened = text[code.start - 1 : code.start] in ("(", "（")
    if opened and text.startswith(_REPORTS_AFTER, _past_bracketed_code(text, code.start - 1)):
        return True  # 冯先生(15241265163)反映: the number of whoever reports, whatever their title
    before = text[max(0, code.start - 16) : code.start]
    for marker in _REPORTER_CODE:
        at = before.rfind(marker)
        if at < 0:
            continue
        gap = before[at + len(marker) :]
        if (
            len(gap) <= 10
            and not any(ch in _CLAUSE_END for ch in gap)
            and not any(v in gap for v in _REPORTING)
        ):
            return True
    return False


# words that mean "the business" itself: 涉事商家为荣达 names 荣达, never a firm whose 字号 is 商家
GENERIC_BUSINESS = frozenset(
    ("商家", "店家", "商户", "厂家", "卖家", "买家", "业主", "单位", "门店", "店铺", "商铺", "摊位", "东家",
     "老板", "企业", "公司", "本店", "该店", "该厂", "该公司")
)  # fmt: skip


_HOUSE_NUMBER = re.compile(r"[0-9一二三四五六七八九十百]+(号|弄|幢|栋)")


def _name_goes_on(text: str, at: int, key: str, core: str) -> bool:
    """After a street and its house number, whether the text goes on with the rest of this firm's
    name (杜泽老街23号小吃店 for 杜泽老街小吃店): then the street is part of the name."""
    rest = core[len(key) :] if core.startswith(key) else ""
    return len(rest) >= 2 and text.startswith(rest[:2], at)


def _not_a_name_here(text: str, s: int, e: int, key: str, gz: Gazetteer) -> bool:
    """A registered 字号 that, where it stands, is something else: a word for "the business"
    (商家) or the tail of a person form (老陈家的加工厂: Lao Chen's, not a firm called 陈家).
    A street before its house number is handled per firm in `extract` (`_name_goes_on`)."""
    if key in GENERIC_BUSINESS:
        return True
    return len(key) == 2 and s > 0 and text[s - 1] in "老小阿" and key[0] in gz.surnames


def is_caller(text: str, end: int) -> bool:
    """A name right before 来电 (吴建国来电：…) is the caller's; also a name heard in part (吴建)."""
    return text.find("来电", end, end + 3) in (end, end + 1)


def _reporter(text: str, start: int) -> bool:
    """Right after a reporter's or official's title (网格员王伟, 检查人员：王伟), also as the next
    name of a list after one (检查人员：王伟、李娜)."""
    head = text[max(0, start - 24) : start]
    for _ in range(4):
        if head.rstrip(":： ").endswith(_NOT_SUBJECT):
            return True
        m = _LISTED_BEFORE.search(head)
        if m is None:
            return False
        head = head[: m.start()]
    return False


_LISTED_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,4}\s*[、，,和及与]\s*$")
# a name followed by these reported, recorded or chaired, or was addressed: not the subject
_NOT_SUBJECT_AFTER = ("投诉", "举报", "反映", "来电", "来访", "求助", "报料", "报警", "主持", "记录",
                      "参加", "出席", "列席", "签收", "审核", "核实", "回访", "调解", "带队")  # fmt: skip


# what a reporter does right after their bracketed number (not 核实 or 记录: officials do those to
# the subject's number too, 请联系合锐公司(0571-…)核实)
_REPORTS_AFTER = ("投诉", "举报", "反映", "来电", "来访", "求助", "报料", "报警", "称")
_BRACKETED_CODE = re.compile(r"[(（][\d\s\-*]{4,24}[)）]")


def _past_bracketed_code(text: str, end: int) -> int:
    """Where the text goes on after a phone or ID in brackets right at `end` (王先生(138…)反映)."""
    m = _BRACKETED_CODE.match(text, end)
    return m.end() if m else end


def not_subject(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is someone other than a record's subject: a reporter or
    official by title (网格员王伟, 承办人：李娜, 检查人员：王伟、李娜), a person who reported,
    recorded or chaired (业主陈佳佳投诉, 会议由王伟主持), the caller (吴建国来电), someone addressed
    in a chat (@李娜) or a chat line's sender (王伟：门口又堆满了货)."""
    if _reporter(text, start) or is_caller(text, end):
        return True
    if text.startswith(_NOT_SUBJECT_AFTER, _past_bracketed_code(text, end)):
        return True  # 梁鹏国反映, 梁鹏国(15886509914)反映
    if start > 0 and text[start - 1] in "@＠":
        return True
    return (start == 0 or text[start - 1] == "\n") and text[end : end + 1] in (":", "：")


EVERYDAY_FREQ = 300  # jieba's dictionary count above which a two-character word is everyday language


def _everyday_word(key: str) -> bool:
    """A two-character 字号 that is also an everyday word (文化 in 文化礼堂, 东门 in 小区东门, 数字):
    written bare, with nothing saying a business is meant, it is that word, not a firm.
    Registered 字号 are mostly coined (荣达, 鑫辰): jieba's dictionary has never counted them."""
    jieba.dt.check_initialized()  # the dictionary loads on first use; get_FREQ alone does not load it
    return (jieba.get_FREQ(key) or 0) >= EVERYDAY_FREQ


def _boundaries(text: str) -> set[int]:
    pos, out = 0, {0}
    for tok in jieba.cut(text, HMM=False):
        pos += len(tok)
        out.add(pos)
    return out


_ID_WORDS = ("身份证", "证件", "公民身份")


def _read_slips(text: str, codes: list[CodeMention], gz: Gazetteer) -> list[CodeMention]:
    """Codes that fail their check read as the one registered code they are a slip of (the rest
    dropped: an unreadable slip says nothing about who is meant); a digit string valid as both a
    USCC and an ID is whichever the registry holds, else what the words before it call it."""
    if not any(c.kind in ("slip", "uscc_or_rid") for c in codes):
        return codes
    out = []
    for c in codes:
        if c.kind == "uscc_or_rid":
            if gz.is_registered("uscc", c.value):
                kind = "uscc"
            elif gz.is_registered("resident_id", c.value):
                kind = "resident_id"
            else:
                before = text[max(0, c.start - 12) : c.start]
                kind = "resident_id" if any(w in before for w in _ID_WORDS) else "uscc"
            out.append(CodeMention(kind, c.value, c.start, c.end, c.raw))
        elif c.kind == "slip":
            read = read_slip(c.value, gz.is_registered)
            if read is not None:
                out.append(CodeMention(read[0], read[1], c.start, c.end, c.raw, corrected=True))
        else:
            out.append(c)
    return out


def extract(text: str, gz: Gazetteer, location: str | None = None) -> Mentions:
    """All mentions in one normalised text (and its location field, for places)."""
    m = Mentions(text)
    m.codes = [c for c in _read_slips(text, find_codes(text), gz) if not _reporters_code(text, c)]
    # firm names: exact keys, then homophones for spans not already covered
    exact = _longest(_scan(gz.firm_auto, text))
    covered = [(s, e) for s, e, _ in exact]
    seg: set[int] | None = None
    for s, e, kid in exact:
        key = gz.firm_key_list[kid]
        if text.startswith(_PLACE_AFTER, e) and not key.endswith(("公司", "店", "厂", "社")):
            continue
        cue = _firm_cue(text, s, e)
        if _in_place_name(text, s, e, key, cue, gz):
            continue
        if len(key) == 2 and not cue:
            # a bare two-character 字号 inside a longer word (四季 in 四季青) is not a firm
            seg = seg if seg is not None else _boundaries(text)
            if s not in seg or e not in seg:
                continue
        if _not_a_name_here(text, s, e, key, gz):
            continue
        person_like = (
            len(key) == 2 and key[0] in "老小阿" and key[1] in gz.surnames and not cue
        )  # 老王 is a person unless 老王店
        everyday = len(key) == 2 and not cue and _everyday_word(key)  # 文化礼堂, 小区东门
        number = _HOUSE_NUMBER.match(text, e) if not key.endswith(_FIRM_END) else None
        for fi, level in gz.firm_key_hits[kid]:
            if (person_like or everyday) and level < ALIAS:
                continue
            if number is not None and level < ALIAS:
                if not _name_goes_on(text, number.end(), key, gz.firm_core[fi]):
                    continue  # 老街13号的美容店: the street of an address, not the firm 老街装修队
            old = m.firms.get(fi)
            if old is None or old.level < level:
                m.firms[fi] = FirmHit(level, s, e, key, cue)
    enc = gz.coder.encode(text)
    for s, e, kid in _longest(_scan(gz.firm_py_auto, enc)):
        if any(cs <= s and e <= ce for cs, ce in covered):
            continue
        if not _close_spelling(text[s:e], gz.firm_py_key_text[kid]):
            continue  # 有视频 sounds like 优食品 but shares no character: chance, not a typo
        if any(c in text[s:e] for c in _PLACE_CHARS) or _in_place_name(text, s, e, "", False, gz):
            continue  # 织里镇织 sounds like 织里针织: a town name, not a typo of the firm
        for fi, _lvl in gz.firm_py_hits[kid]:
            if fi not in m.firms:
                m.firms[fi] = FirmHit(HOMOPHONE, s, e, text[s:e], _firm_cue(text, s, e))
    # person names
    raw_spans = _longest(_scan(gz.person_auto, text))
    person_spans = [h for h in raw_spans if not not_subject(text, h[0], h[1])]
    for s, e, kid in person_spans:
        name = gz.person_name_list[kid]
        role = _role_near(text, s, e)
        if role is None:
            seg = seg if seg is not None else _boundaries(text)
            level = 4 if (s in seg and e in seg) else 3
        else:
            level = 4
        for pi in gz.person_names[name]:
            m.persons[pi] = PersonHit(level, s, e, name, role)
    for s, e, kid in _longest(_scan(gz.person_py_auto, enc)):
        if any(ps <= s and e <= pe for ps, pe, _ in raw_spans) or not_subject(text, s, e):
            continue  # within a name already read (a reporter's too), or a reporter's name heard
        if not _close_spelling(text[s:e], gz.person_py_key_text[kid]):
            continue
        for pi in gz.person_py_hits[kid]:
            if pi not in m.persons:
                m.persons[pi] = PersonHit(2, s, e, text[s:e], _role_near(text, s, e))
    forms = [sf for sf in _surname_forms(text, gz, raw_spans) if not not_subject(text, sf.start, sf.end)]
    _forms_over_firm_keys(m, forms)
    firm_spans = [(h.start, h.end) for h in m.firms.values()]
    m.surname_forms = [sf for sf in forms if not any(fs <= sf.start < fe for fs, fe in firm_spans)]
    # places: road + number keys from the registry, and towns / roads / landmarks by pattern
    address_spans = []
    for s_, e_, kid in _scan(gz.addr_auto, text):
        address_spans.append((s_, e_))
        for fi in gz.addr_hits[kid]:
            m.address_firms[fi] = gz.addr_key_list[kid]
    for src in (text, location or ""):
        for pm in _PLACE_RE.finditer(src):
            if pm.group(1):
                m.towns.add(pm.group(1))
            elif pm.group(2):
                m.roads.add(pm.group(2))
                if pm.group(3):
                    m.road_numbers.add(pm.group(2) + pm.group(3))
            elif pm.group(4):
                m.roads.add(pm.group(4))
        if src and src is location:
            parts = parse_address(location)
            for v in (parts.town, parts.road):
                if v:
                    (m.towns if v is parts.town else m.roads).add(v)
    m.business = gz.business.find(text)
    _drop_keys_inside(m, address_spans)
    return m


def _drop_keys_inside(m: Mentions, address_spans: list[tuple[int, int]]) -> None:
    """A name key inside a registered road and number the text gives (老街 of 衢山老街338号) is the
    address; a short key inside a trade word (家政服 of 家政服务部, 图文 of 图文快印店) is the trade.
    Neither names a firm: both are read for what they are (the address and business comparisons)."""
    trade = [(w.start, w.end) for w in m.business]

    def inside(h: FirmHit, spans: list[tuple[int, int]]) -> bool:
        return any(s <= h.start and h.end <= e for s, e in spans)

    m.firms = {
        fi: h
        for fi, h in m.firms.items()
        if not (h.level < FULL and inside(h, address_spans)) and not (h.level <= SHORT and inside(h, trade))
    }


def _forms_over_firm_keys(m: Mentions, forms: list[SurnameForm]) -> None:
    """A 字号 that is a surname form (老叶 of 老叶经营部), read bare with a role word beside it
    (负责人老叶, 老叶老板) and nothing saying a business is meant, is the person: the firm hit goes."""
    if not m.firms:
        return
    spans = {(sf.start, sf.end) for sf in forms if sf.role is not None}
    for fi in [fi for fi, h in m.firms.items() if not h.cue and (h.start, h.end) in spans]:
        del m.firms[fi]


# characters that, right after 王某, begin the sentence's next word (王某称, 王某在场, 王某的店)
_NOT_TAIL = frozenset("称在表的于拒说和与及是已未将把被对向从到为等也都就还又系所因经声承等某、")


def _surname_forms(text: str, gz: Gazetteer, person_spans: list[tuple[int, int, int]]) -> list[SurnameForm]:
    """王某, 王某某, 老王, 王老板, 王总, 老板王女士, 小王, and 小忠/阿鹏 (given-name forms)."""
    out: list[SurnameForm] = []
    taken = {i for s, e, _ in person_spans for i in range(s, e)}  # inside a name already read
    n = len(text)
    for i, ch in enumerate(text):
        if i in taken:
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if prev in ("小", "阿") and _CJK_CHAR.match(ch) and prev + ch not in _NOT_GIVEN:
            role = _role_near(text, i - 1, i + 1)
            if ch in gz.surnames:
                out.append(SurnameForm(ch, prev + ch, i - 1, i + 1, role))
            out.append(SurnameForm("", prev + ch, i - 1, i + 1, role, given=ch))
            continue
        if ch not in gz.surnames:
            continue
        if prev == "老" and (i + 1 >= n or nxt not in "板街年人家"):
            role = _role_near(text, i - 1, i + 1)
            out.append(SurnameForm(ch, text[i - 1 : i + 1], i - 1, i + 1, role))
            continue
        for suf in _SURNAME_SUFFIX:
            if text.startswith(suf, i + 1):
                end = i + 1 + len(suf)
                tail = ""
                if suf == "某" and end < n and _CJK_CHAR.match(text[end]) and text[end] not in _NOT_TAIL:
                    tail, end = text[end], end + 1  # 吴某飞, as documents write names half-masked
                role = _FORM_ROLES.get(suf) or _role_near(text, i, end)
                out.append(SurnameForm(ch, text[i:end], i, end, role, tail=tail))
                break
        else:
            for suf in ("先生", "女士"):  # only when a role word says this is the subject (老板王女士)
                if text.startswith(suf, i + 1):
                    role = _role_near(text, i, i + 3)
                    if role is not None and ROLE_WORDS.get(role):
                        out.append(SurnameForm(ch, text[i : i + 3], i, i + 3, role))
    return out
