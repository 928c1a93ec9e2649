"""How people refer to a firm or a person in free text, and the noise they add while typing.

Each function returns the surface form only; the caller knows which entity it stands for and
writes the truth row. Forms go from easy (the registered name) to hard (王某, 老王, a homophone of
the 字号, the shop described by its street number, a phone number instead of a name).
"""

from __future__ import annotations

import random

import opencc

from .regions import town_short
from .world import World

HOMOPHONES = {
    "伟": "炜玮韦", "华": "骅桦", "明": "铭鸣", "军": "君钧", "国": "帼", "建": "剑健", "强": "蔷",
    "丽": "莉俪",
    "芳": "方", "红": "宏虹", "宏": "鸿弘红", "达": "大", "鑫": "欣新", "兴": "星", "盛": "胜晟",
    "源": "元远",
    "通": "同", "利": "力立", "发": "法", "昌": "长", "泰": "太", "丰": "峰风", "顺": "舜", "康": "健",
    "新": "鑫欣",
    "金": "今津", "杰": "洁捷", "涛": "滔", "斌": "彬滨", "峰": "锋丰", "静": "婧靖", "敏": "民闵",
    "英": "瑛莹",
    "梅": "玫", "霞": "夏", "燕": "艳", "琴": "芹", "波": "博", "浩": "皓昊", "俊": "骏峻", "辉": "晖徽",
    "鹏": "朋",
    "飞": "菲", "宇": "雨禹", "磊": "垒", "勇": "永", "平": "萍", "云": "芸", "德": "得", "成": "诚城",
    "诚": "成",
    "锦": "金", "瑞": "睿锐", "博": "搏", "佳": "嘉家", "嘉": "佳", "美": "梅", "宁": "凝", "东": "冬",
    "文": "雯",
    "秀": "绣", "兰": "岚", "林": "琳", "荣": "蓉", "祥": "翔", "志": "智", "海": "凯", "晨": "辰",
    "亮": "靓",
}
_FULLWIDTH = str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY",
                           "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")
_S2T = opencc.OpenCC("s2t")


def homophone(s: str, rnd: random.Random) -> str:
    """Swap one character for a same-sounding one, as pinyin input methods do."""
    spots = [i for i, c in enumerate(s) if c in HOMOPHONES]
    if not spots:
        return s
    i = rnd.choice(spots)
    return s[:i] + rnd.choice(HOMOPHONES[s[i]]) + s[i + 1:]


def fullwidth(s: str) -> str:
    return s.translate(_FULLWIDTH)


def traditional(s: str) -> str:
    return _S2T.convert(s)


def spaced_phone(p: str, rnd: random.Random) -> str:
    """Phones as typed: 13857012345, 138 5701 2345, 138-5701-2345, 0570-3456789, 05703456789."""
    r = rnd.random()
    if len(p) == 11 and p.isdigit():
        if r < 0.15:
            return f"{p[:3]} {p[3:7]} {p[7:]}"
        if r < 0.22:
            return f"{p[:3]}-{p[3:7]}-{p[7:]}"
    elif "-" in p and r < 0.3:
        return p.replace("-", "")
    return p


def firm_mention(w: World, f: int, rnd: random.Random) -> tuple[str, str]:
    """A surface form for firm f and which kind of form it is (for docs/debugging)."""
    r = rnd.random()
    name, spoken, shop, z = w.f_name[f], w.f_spoken[f], w.f_shop[f], w.f_zihao[f]
    if r < 0.17:
        form, s = "registered", name
    elif r < 0.40:
        form, s = "spoken", spoken
    elif r < 0.50:
        form, s = "other_name", rnd.choice(w.f_other[f]) if w.f_other[f] else spoken
    elif r < 0.60:
        form, s = "zihao", rnd.choice(("{z}{shop}", "{z}那家{shop}", "{z}这家{shop}", "“{z}”{shop}",
                                       "{z}")).format(
            z=z, shop=shop)
    elif r < 0.70:
        form, s = "street", rnd.choice(("{st}的{shop}", "{st}{shop}", "位于{st}的一家{shop}",
                                        "{st}那家{sp}")).format(
            st=w.f_street[f], shop=shop, sp=spoken)
    elif r < 0.76:
        # people prefix the place they know it by: the town (杜泽) or the district (衢江)
        ts = town_short(w.f_town[f]) if rnd.random() < 0.5 else w.districts[w.f_district[f]].short
        form, s = "place", spoken if spoken.startswith(ts) else ts + spoken
    elif r < 0.83:
        form, s = "uscc", rnd.choice(("{n}（统一社会信用代码{c}）", "{n}(信用代码:{c})", "{sp}（{c}）",
                                      "统一社会信用代码为{c}的{shop}")).format(n=name, c=w.f_uscc[f],
                                          sp=spoken, shop=shop)
    elif r < 0.9 and w.f_phone[f]:
        form, s = "phone", rnd.choice(("{sp}（电话{p}）", "一家{shop}，联系电话{p}", "{shop}（店家电话{p}）",
                                       "{sp}，电话：{p}")).format(sp=spoken, shop=shop,
                                           p=spaced_phone(w.f_phone[f], rnd))
    elif r < 0.95:
        form, s = "homophone", homophone(spoken, rnd)
    else:
        form, s = "short_registered", name.replace("有限公司", "公司").replace("有限责任公司", "公司")
    if form not in ("uscc", "phone"):
        r = rnd.random()
        if r < 0.04:
            s = traditional(s)
        elif r < 0.07 and len(s) > 4:  # typing slips: a stray space or a dropped character
            i = rnd.randrange(1, len(s) - 1)
            s = s[:i] + " " + s[i:] if r < 0.055 else s[:i] + s[i + 1:]
    return s, form


_TITLES_SHOP = ("店主", "老板", "经营者", "负责人", "业主", "")
_TITLES_FIRM = ("法人", "法定代表人", "负责人", "老板", "总经理", "经理", "")


def person_mention(w: World, p: int, rnd: random.Random, shop: bool, titled: bool = True) -> str:
    """A surface form for person p as the one in charge of a firm (with a title when `titled`)."""
    name = w.p_name[p]
    sur, given = name[0], name[1:]
    title = rnd.choice(_TITLES_SHOP if shop else _TITLES_FIRM) if titled else ""
    r = rnd.random()
    if r < 0.36:
        return title + name
    if r < 0.50:
        return title + sur + rnd.choice(("某", "某某", "某" + given[-1:]))
    if r < 0.58:
        return "老" + sur
    if r < 0.70:
        return sur + rnd.choice(("老板", "老板", "总", "经理", "师傅"))
    if r < 0.78:
        return title + sur + ("先生" if w.p_gender[p] == "M" else "女士")
    if r < 0.88:
        return title + homophone(name, rnd)
    if r < 0.93 and w.p_phone[p]:
        return f"{title}{name}（{spaced_phone(w.p_phone[p], rnd)}）"
    if r < 0.96:
        return ("阿" if rnd.random() < 0.5 else "小") + given[-1:]
    if r < 0.98:
        pid = w.p_id[p]
        return title + name + rnd.choice((f"（身份证号{pid}）", f"（身份证后四位{pid[-4:]}）",
                                          f"(证件号:{pid})"))
    return title + traditional(name)
