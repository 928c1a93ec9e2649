"""Event text families: many ways the same fact is typed into a ticket.

Each family is a function of a context (who, what, where) and the random source; the composer
picks a family allowed for the source, so a grid patrol reads like a patrol log, a complaint like a
consumer in the first person, a 12345 ticket like a call-centre summary and an inspection like an
enforcement record. Details, excuses and outcomes are drawn per category so they stay coherent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import phrases as ph

_MONEY = {"拖欠工资", "消费纠纷", "预付卡纠纷", "非法集资", "价格欺诈", "产品质量"}
_VEHICLE = {"交通运输", "违规停车", "超限超载"}
_NIGHT = {"噪音扰民", "油烟扰民", "环境污染"}
_WAGE_EXCUSES = ("称工资下月发放", "称资金周转困难", "称工程款未到位", "避而不见", "电话无人接听")
_EXCUSES = ("称系临时摆放", "表示会尽快整改", "拒不配合检查", "电话无人接听", "称已在办理相关手续",
            "到场配合检查",
            "态度较好", "称不知情", "承诺三日内整改", "称是员工个人行为", "表示马上清理")
_WAGE_ASKS = ("要求尽快支付", "已申请劳动仲裁", "请求帮助讨薪")
_WHEN = ("昨晚", "今天上午", "前天", "近期", "最近一个月", "{m}月{d}日", "本周", "每天晚上", "多次")
_INSPECT = {"食品安全": "食品安全抽检", "出店经营": "双随机抽查", "油烟扰民": "专项整治检查",
            "环境污染": "环保检查",
            "扬尘污染": "环保检查", "畜禽养殖污染": "环保检查", "危险化学品": "安全生产检查",
            "消防安全": "消防检查",
            "治安隐患": "消防检查", "安全生产": "安全生产检查"}


@dataclass(slots=True)
class Ctx:
    """What one event says: the category, the problem, and the surface forms of its subjects."""

    source: str
    cat: str
    problem: str
    firm: str  # firm mention ('' when none)
    person: str  # person mention ('' when none)
    shop: str  # generic word for the place (小吃店, 公司)
    loc: str  # where, as text
    town: str = ""
    other: str = ""  # a second firm's mention


def inspection_type(cat: str, rnd: random.Random) -> str:
    return _INSPECT.get(cat, rnd.choice(("双随机抽查", "专项整治检查"))) if rnd.random() < 0.85 else \
        rnd.choice(ph.INSPECTION_CATS)


def _detail(c: Ctx, rnd: random.Random) -> str:
    if rnd.random() > 0.35:
        return ""
    if c.cat in _MONEY and rnd.random() < 0.6:
        return f"，涉及金额约{rnd.randint(2, 300) * 100}元"
    if c.cat in _VEHICLE and rnd.random() < 0.7:
        return f"，车牌号{plate(rnd)}"
    if c.cat in _NIGHT and rnd.random() < 0.6:
        return "，" + rnd.choice(("影响周边居民休息", "时间约在晚上十点后", "凌晨还有动静"))
    return "，" + rnd.choice(("多次反映未解决", "已持续一周", "周边商户意见很大", "已有多人反映",
                             "现场有视频为证"))


def _excuse(c: Ctx, rnd: random.Random) -> str:
    return rnd.choice(_WAGE_EXCUSES if c.cat == "拖欠工资" else _EXCUSES)


def _when(rnd: random.Random) -> str:
    return rnd.choice(_WHEN).format(m=rnd.randint(1, 12), d=rnd.randint(1, 28))


def plate(rnd: random.Random) -> str:
    sep = "·" if rnd.random() < 0.3 else ""
    return f"浙{rnd.choice(ph.PLATE_CITY)}{sep}{rnd.choice('0123456789ABCDEFGHJK')}{rnd.randint(1000, 9999)}"


def _tail(c: Ctx, rnd: random.Random) -> str:
    return rnd.choice(ph.OUTCOMES[c.source])


def _pers(c: Ctx, rnd: random.Random) -> str:
    return f"，{c.person}{_excuse(c, rnd)}" if c.person else ""


def f_patrol(c: Ctx, rnd: random.Random) -> str:
    op = rnd.choice(ph.OPENERS[c.source]).format(town=c.town, loc=c.loc,
                                                 gname=rnd.choice("王李张陈刘") + "某",
                                                 cname=rnd.choice(ph.CNAMES))
    return f"{op}{c.firm}{c.problem}{_pers(c, rnd)}{_detail(c, rnd)}。{_tail(c, rnd)}"


def f_problem_first(c: Ctx, rnd: random.Random) -> str:
    op = rnd.choice(ph.OPENERS[c.source]).format(town=c.town, loc=c.loc, gname="网格员",
                                                 cname=rnd.choice(ph.CNAMES))
    unit = rnd.choice(("单位", "商家", "店铺", "企业", "经营户"))
    link = rnd.choice((f"，涉事{unit}为", "，经了解系", "，经核实为", "，据了解是"))
    end = "所为" if link.startswith("，经了解") else ""
    return f"{op}{c.problem}{_detail(c, rnd)}{link}{c.firm}{end}{_pers(c, rnd)}。{_tail(c, rnd)}"


def f_exists(c: Ctx, rnd: random.Random) -> str:
    op = rnd.choice(ph.OPENERS[c.source]).format(town=c.town, loc=c.loc, gname="网格员",
                                                 cname=rnd.choice(ph.CNAMES))
    problem = c.problem.removeprefix("存在")
    return f"{op}{c.firm}存在{problem}的情况{_detail(c, rnd)}{_pers(c, rnd)}。{_tail(c, rnd)}"


def f_first_person(c: Ctx, rnd: random.Random) -> str:
    act = rnd.choice(("我在{f}消费", "本人{w}在{f}买东西", "我{w}去{f}", "我家孩子在{f}办了卡",
                      "本人在{f}充值了会员卡"))
    act = act.format(f=c.firm, w=_when(rnd))
    boss = f"，找{c.person}理论，对方{_excuse(c, rnd)}" if c.person else ""
    return f"{act}，{c.problem}{boss}{_detail(c, rnd)}。{_tail(c, rnd)}"


def f_call_centre(c: Ctx, rnd: random.Random) -> str:
    who = rnd.choice(("来电人称其在{f}工作", "来电人反映{f}", "市民反映{l}的{f}",
                      "来电人是{f}附近居民，反映该{s}"))
    who = who.format(f=c.firm, l=c.loc, s=c.shop)
    demand = rnd.choice(("要求相关部门处理", "要求尽快解决", "希望给个答复", "要求上门核实"))
    return f"{who}，{_when(rnd)}{c.problem}{_pers(c, rnd)}{_detail(c, rnd)}，{demand}。"


def f_inspection(c: Ctx, rnd: random.Random) -> str:
    kind = inspection_type(c.cat, rnd)
    op = rnd.choice(ph.OPENERS["inspection"]).format(firm=c.firm, cat=kind, dept=rnd.choice(ph.DEPTS))
    body = rnd.choice(ph.FINDINGS).format(p=c.problem)
    act = rnd.choice(("在场", "到场配合检查", "签字确认", _excuse(c, rnd)))
    present = f"，{c.person}{act}" if c.person else ""
    return f"{op}{body}{present}。{rnd.choice(ph.OUTCOMES['inspection'])}"


def f_record(c: Ctx, rnd: random.Random) -> str:
    kind = inspection_type(c.cat, rnd)
    who = f"，当事人{c.person}" if c.person else ""
    return (f"{_when(rnd)}，{rnd.choice(ph.DEPTS)}执法人员依法对{c.firm}（地址：{c.loc}）开展{kind}{who}。"
            f"{rnd.choice(ph.FINDINGS).format(p=c.problem)}。{rnd.choice(ph.OUTCOMES['inspection'])}")


def f_terse(c: Ctx, rnd: random.Random) -> str:
    form = rnd.choice(("【{cat}】{loc} {f} {p}", "{f}：{p}。", "{f} {p}，{t}", "{cat}：{f}{p}"))
    return form.format(cat=c.cat, loc=c.loc, f=c.firm, p=c.problem, t=_tail(c, rnd) or "待处理")


def f_neighbour(c: Ctx, rnd: random.Random) -> str:
    where = rnd.choice(("楼下的", "隔壁", "小区门口的", "对面", "附近"))
    what = f"{where}{c.firm}{_when(rnd)}{c.problem}{_detail(c, rnd)}"
    return f"{c.loc}居民反映，{what}，严重影响生活{_pers(c, rnd)}。"


def f_wage(c: Ctx, rnd: random.Random) -> str:
    n = rnd.randint(2, 40)
    boss = f"，{c.person}{_excuse(c, rnd)}" if c.person else ""
    return (f"{n}名工人反映{c.firm}拖欠{rnd.choice(('工资', '工钱', '劳务费'))}"
            f"{rnd.randint(1, 90) * 1000}元{boss}，{rnd.choice(_WAGE_ASKS)}。")


def f_person_first(c: Ctx, rnd: random.Random) -> str:
    verb = rnd.choice(("开的", "经营的", "家的", "名下的"))
    place = c.firm if rnd.random() < 0.5 else ("那家" + c.shop)
    return f"{c.person}{verb}{place}{c.problem}{_detail(c, rnd)}。{_tail(c, rnd)}"


PERSONAL = (("违章搭建", "在自家房屋旁私自搭建彩钢棚"), ("拖欠工资", "拖欠工人工资后失联"),
            ("占道经营", "在路边流动摆摊"), ("民间借贷", "借款逾期不还"), ("噪音扰民", "深夜在家中装修扰民"),
            ("市容环卫", "将建筑垃圾倾倒在路边"), ("环境污染", "在河边违规养殖"), ("拖欠工资",
                "承包工程后拖欠农民工工资"),
            ("市容环卫", "占用公共绿地种菜"), ("消防安全", "在楼道内给电动车充电"))


def f_person_only(c: Ctx, rnd: random.Random) -> str:
    """About a registered person, not about any of their firms."""
    who = rnd.choice(("村民", "居民", "个体户", "包工头", "")) + c.person
    op = rnd.choice(("网格员走访发现，", "群众反映，", "来电人称，", "", "有村民反映"))
    return f"{op}{c.town}{who}{c.problem}{_detail(c, rnd)}。{rnd.choice(ph.OUTCOMES[c.source])}"


def f_follow_up(c: Ctx, rnd: random.Random) -> str:
    return rnd.choice(("回访：{f}已整改完毕，{p}问题已解决。", "复查{f}，前期反映的{p}已整改到位。",
                       "对{f}进行复查，{p}问题仍未整改，再次责令整改。")).format(f=c.firm, p=c.problem)


def f_pair(c: Ctx, rnd: random.Random) -> str:
    pair = rnd.choice(ph.PAIR).format(a=c.firm, b=c.other)
    op = rnd.choice(("群众反映", "来电人称", "网格员了解到", "", "投诉人反映，"))
    return f"{op}{pair}{_pers(c, rnd)}。{_tail(c, rnd)}"


Family = Callable[[Ctx, random.Random], str]
FAMILIES: dict[str, tuple[Family, ...]] = {
    "grid_patrol": (f_patrol, f_problem_first, f_exists, f_terse, f_person_first, f_follow_up, f_neighbour),
    "complaint": (f_first_person, f_first_person, f_problem_first, f_exists, f_terse, f_neighbour,
                  f_person_first),
    "hotline_12345": (f_call_centre, f_call_centre, f_problem_first, f_neighbour, f_wage, f_terse,
                      f_person_first),
    "inspection": (f_inspection, f_inspection, f_record, f_follow_up),
}


def compose(c: Ctx, rnd: random.Random) -> tuple[str, bool, bool, bool]:
    """One text for the context and whether it names the firm, the person and the other firm.

    Some families leave the person out, so truth rows are written only for what the text names
    (a shop described as '王老板开的那家小吃店' names the firm through its operator).
    """
    text = _family(c, rnd)
    firm = bool(c.firm) and (c.firm in text or f"那家{c.shop}" in text)
    return text, firm, bool(c.person) and c.person in text, bool(c.other) and c.other in text


def _family(c: Ctx, rnd: random.Random) -> str:
    if not c.firm:
        return f_person_only(c, rnd)
    if c.other:
        return f_pair(c, rnd)
    fams = FAMILIES[c.source]
    fam = fams[rnd.randrange(len(fams))]
    if fam is f_wage and c.cat != "拖欠工资":
        fam = f_call_centre
    if fam is f_person_first and not c.person:
        fam = f_patrol if c.source == "grid_patrol" else f_problem_first
    if fam is f_patrol and c.source != "grid_patrol":
        fam = f_problem_first
    return fam(c, rnd)
