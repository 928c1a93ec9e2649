"""Name keys: what is left of a Chinese firm name once the parts people leave out are removed.

People write 杜泽食品 or 廿里建材公司 for 衢州杜泽食品有限公司: they drop the region prefix
(浙江省衢州市衢江区), the organisation form (有限公司, 合作社, 店) and often the industry word,
keeping the 字号. Keys are derived here, once per registered name; homophones are caught by
encoding every character as its pinyin syllable (one private-use character per syllable) so that
an Aho-Corasick automaton over encoded keys scans encoded text as fast as plain text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Longest first: 有限责任公司 must win over 公司.
ORG_FORMS: tuple[str, ...] = tuple(
    sorted(
        {
            "股份有限公司",
            "有限责任公司",
            "集团有限公司",
            "有限公司",
            "分公司",
            "总公司",
            "公司",
            "农民专业合作社",
            "专业合作社",
            "股份经济合作社",
            "合作社",
            "联合社",
            "个体工商户",
            "经营部",
            "经营店",
            "门市部",
            "服务部",
            "商行",
            "商店",
            "商铺",
            "分店",
            "店",
            "厂",
            "场",
            "工作室",
            "事务所",
            "中心",
            "协会",
            "商会",
            "研究会",
            "促进会",
            "家庭农场",
            "农场",
        },
        key=len,
        reverse=True,
    )
)
# Common industry tails; a registry also teaches its own (see `learn_industry_tails`).
INDUSTRY_WORDS: frozenset[str] = frozenset(
    {
        "新材料科技",
        "科技",
        "新材料",
        "材料",
        "建材",
        "物流",
        "运输",
        "食品",
        "餐饮管理",
        "餐饮",
        "贸易",
        "商贸",
        "实业",
        "投资",
        "建设",
        "建筑",
        "工程",
        "装饰",
        "装修",
        "化工",
        "机械",
        "电子",
        "电器",
        "汽车",
        "汽修",
        "汽车维修",
        "农业",
        "农业开发",
        "养殖",
        "种植",
        "茶叶",
        "服饰",
        "服装",
        "纺织",
        "五金",
        "家具",
        "印刷",
        "包装",
        "环保",
        "能源",
        "医药",
        "药房",
        "大药房",
        "酒店",
        "宾馆",
        "旅馆",
        "超市",
        "便利店",
        "小吃",
        "饭店",
        "餐厅",
        "面馆",
        "水果",
        "蔬菜",
        "批发",
        "零售",
        "房地产",
        "物业",
        "物业管理",
        "文化传媒",
        "传媒",
        "广告",
        "信息技术",
        "网络科技",
        "电子商务",
        "生物科技",
        "医疗器械",
        "塑业",
        "木业",
        "竹木",
        "石材",
        "矿业",
        "水泥",
        "钢结构",
        "金属制品",
        "制品",
        "加工",
        "制造",
        "烟酒",
        "理发",
        "美容",
        "美发",
        "洗车",
        "快递",
        "劳务",
        "人力资源",
        "教育",
        "培训",
        "咨询",
        "管理",
    }
)
_MAX_PLACE = 10  # longest administrative prefix looked up (内蒙古自治区 is 6)
_MAX_TAIL = 6  # longest industry tail looked up (新材料科技 is 5)
_ADMIN_SUFFIX = re.compile(r"(省|自治区|市|地区|自治州|盟|区|县|自治县|旗)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_NAME = re.compile(r"[\s()（）\[\]【】「」《》\"'·・,，.。、]")


_BRACKETED = re.compile(r"[(（][^()（）]{1,8}[)）]")


def clean_name(name: str) -> str:
    """Name without spaces, brackets and punctuation (（衢州）杜泽食品 → 衢州杜泽食品)."""
    return _NON_NAME.sub("", name)


def unbracketed(name: str) -> str:
    """Name without a bracketed part: 华通建材（杭州）有限公司 → 华通建材有限公司."""
    return _NON_NAME.sub("", _BRACKETED.sub("", name))


def strip_org_form(name: str) -> str:
    """Drop one organisation-form suffix; keeps the name when nothing would be left."""
    for form in ORG_FORMS:
        if name.endswith(form) and len(name) - len(form) >= 2:
            return name[: -len(form)]
    return name


def strip_region(name: str, places: Iterable[str]) -> str:
    """Drop leading administrative place names (浙江省, 衢州市, 衢江区, 衢州, 杭州 ...) repeatedly.

    Looks prefixes up in a set, longest first: cost per name does not grow with the registry."""
    known = places if isinstance(places, set | frozenset) else set(places)
    changed = True
    while changed:
        changed = False
        for n in range(min(_MAX_PLACE, len(name) - 2), 1, -1):
            if name[:n] in known:
                name = name[n:]
                changed = True
                break
    return name


def strip_industry(core: str, tails: Iterable[str]) -> str:
    """The 字号: the core without its longest industry tail; the core itself when too little is left."""
    known = tails if isinstance(tails, set | frozenset) else set(tails)
    for n in range(min(_MAX_TAIL, len(core) - 2), 1, -1):
        if core[-n:] in known:
            return core[:-n]
    return core


def admin_places(addresses: Iterable[str]) -> set[str]:
    """Administrative place names (with and without 省/市/区/县) read off registered addresses."""
    out: set[str] = {"中国", "浙江", "浙江省"}
    pat = re.compile(r"^(.{2,7}?(?:省|自治区))?(.{2,7}?(?:市|自治州|地区))?(.{1,7}?(?:区|县|市))?")
    for addr in addresses:
        m = pat.match(addr or "")
        if not m:
            continue
        for part in m.groups():
            if part and len(part) >= 2:
                out.add(part)
                base = _ADMIN_SUFFIX.sub("", part)
                if len(base) >= 2:
                    out.add(base)
    return out


def learn_industry_tails(cores: Iterable[str], min_count: int = 25, min_share: float = 0.0005) -> set[str]:
    """Name tails (2-5 characters) shared by many registered cores are industry words, not 字号."""
    cores = list(cores)
    counts: Counter[str] = Counter()
    for c in cores:
        for n in range(2, 6):
            if len(c) - n >= 2:
                counts[c[-n:]] += 1
    floor = max(min_count, int(min_share * len(cores)))
    return {t for t, k in counts.items() if k >= floor} | set(INDUSTRY_WORDS)


@lru_cache(maxsize=65536)
def _syllable(ch: str) -> str:
    if not _CJK.match(ch):
        return ch
    return lazy_pinyin(ch, style=Style.NORMAL)[0]


class PinyinCoder:
    """Encodes Chinese text as one private-use character per pinyin syllable (toneless).

    王建国 and 汪建国 encode alike, so an automaton over encoded keys finds homophones at the
    speed of exact matching; characters never seen in a key map to themselves (cannot match).
    """

    _BASE = 0xE000

    def __init__(self) -> None:
        self._syllables: dict[str, str] = {}
        self._table: dict[int, str] = {}
        self._seen: set[str] = set()  # every character already looked at, Chinese or not

    def learn(self, text: str) -> None:
        self._seen.update(text)
        for ch in set(text):
            if ord(ch) in self._table or not _CJK.match(ch):
                continue
            syl = _syllable(ch)
            code = self._syllables.get(syl)
            if code is None:
                code = chr(self._BASE + len(self._syllables))
                self._syllables[syl] = code
            self._table[ord(ch)] = code

    def encode(self, text: str) -> str:
        """Encode text; characters not seen before are learnt first (a homophone of a key may use
        characters no key contains: 宏大 for 宏达)."""
        table = self._table
        if not self._seen.issuperset(text):
            self.learn(text)
        return text.translate(table)

    def encode_learning(self, text: str) -> str:
        self.learn(text)
        return self.encode(text)


def pinyin_of(text: str) -> str:
    """Space-separated toneless pinyin, for evidence text."""
    return " ".join(_syllable(ch) for ch in text)
