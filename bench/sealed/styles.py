"""Writers' styles: a 12345 work order, a call transcript, a WeChat group, a grid inspection form,
meeting minutes, a complaint letter, an inspection record, a short note. Each turns references,
an issue and a complainant into the text one kind of writer would produce."""

from __future__ import annotations

import random
from datetime import datetime

from bench.sealed.lexicon import FILLERS
from bench.sealed.refs import Ref

ISSUES: dict[str, tuple[str, ...]] = {
    "占道经营": ("把桌椅摆到人行道上", "门口占道摆摊", "货物堆到马路上", "店外经营把盲道占了",
             "夜宵摊摆到路中间"),
    "噪音扰民": ("半夜还在放音乐，吵得睡不着", "凌晨两点还在卸货", "音箱开得震天响", "鼓风机整夜响"),
    "油烟污染": ("油烟直排到居民楼", "排烟管道没装净化器", "油烟把对面窗户都熏黑了"),
    "食品安全": ("吃完以后全家拉肚子", "卖过期的面包和牛奶", "后厨有老鼠", "员工没有健康证",
             "饭菜里吃出头发"),
    "消防安全": ("楼梯间堆满纸箱", "电动车拉进店里充电", "灭火器早就过期了", "安全出口被锁住"),
    "消费纠纷": ("标价和结账对不上", "办的预付卡充了钱现在人跑了", "缺斤短两", "不给开发票"),
    "环境污染": ("往河里偷排污水", "晚上偷偷烧垃圾", "废气味道刺鼻", "车间粉尘飘得到处都是"),
    "劳动保障": ("拖欠工人工资三个月了", "不签劳动合同还不交社保", "辞职不退押金"),
    "无证经营": ("没有营业执照在经营", "证照过期了还在开"),
    "违规广告": ("到处乱贴小广告", "广告牌挡住了居民窗户"),
}  # fmt: skip
PUBLIC: dict[str, tuple[str, ...]] = {
    "市政设施": ("路灯坏了好几天没人修", "窨井盖丢了，晚上很危险", "公交站牌被撞歪了"),
    "环境卫生": ("垃圾桶满了没人清", "绿化带里堆了建筑垃圾", "河道上漂着很多垃圾"),
    "噪音扰民": ("楼上邻居装修从早敲到晚", "广场舞音响太大", "工地夜间打桩"),
    "动物管理": ("小区里流浪狗咬人", "有人在楼顶养鸽子很臭"),
    "流动摊贩": ("流动摊贩在学校门口卖烧烤", "三轮车卖水果堵住路口", "无证摊贩在桥上摆摊"),
}  # fmt: skip
_BY_INDUSTRY = (
    (("餐饮", "住宿"), ("占道经营", "噪音扰民", "油烟污染", "食品安全", "消防安全", "消费纠纷")),
    (
        ("制造", "制品", "化学", "纺织", "建筑", "金属", "农业"),
        ("环境污染", "噪音扰民", "劳动保障", "消防安全"),
    ),
    (("批发", "零售"), ("占道经营", "食品安全", "消费纠纷", "消防安全", "无证经营")),
)
DEMANDS = ("请尽快处理", "希望相关部门管一管", "要求给个说法", "请核实处理", "希望尽快整改", "")


def categories_for(industry: str) -> tuple[str, ...]:
    """Matters a business of this industry is usually reported for."""
    for words, cats in _BY_INDUSTRY:
        if any(w in industry for w in words):
            return cats
    return ("消费纠纷", "劳动保障", "消防安全", "违规广告", "无证经营", "噪音扰民")


SOURCE_BY_STYLE = {
    "work_order": ("hotline_12345",), "transcript": ("hotline_12345",),
    "wechat": ("grid_patrol", "complaint"),
    "grid_form": ("grid_patrol",), "minutes": ("inspection",), "letter": ("complaint",),
    "inspection_record": ("inspection",), "short_note": ("grid_patrol",),
}  # fmt: skip


def _subject(ref: Ref) -> str:
    s = f"{ref.where}的{ref.mention}" if ref.where and ref.where not in ref.mention else ref.mention
    return s + (f"（{ref.person}）" if ref.form == "full_person" else "")


def _phone_bit(ref: Ref) -> str:
    return f"，店里电话{ref.phone}" if ref.phone else ""


def _caller(name: str, rng: random.Random) -> str:
    return rng.choice([name, f"{name[0]}女士", f"{name[0]}先生", name])


def write(style: str, refs: list[Ref], category: str, issue: str, who: str, at: datetime,
          rng: random.Random) -> str:  # fmt: skip
    """The text of one event in `style`; `refs` may be empty (an event about no registered subject)."""
    subj = "、".join(_subject(r) for r in refs) if refs else ""
    lead = refs[0] if refs else None
    phone = _phone_bit(lead) if lead else ""
    if style == "work_order":
        body = f"{subj}{issue}{phone}" if subj else issue
        lines = [
            f"工单编号：{at:%Y%m%d}{rng.randint(100000, 999999)}",
            f"诉求人：{_caller(who, rng)}",
            f"联系电话：1{rng.choice('35789')}{rng.randint(0, 9)}****{rng.randint(1000, 9999)}",
            f"反映问题：来电反映{body}。{rng.choice(DEMANDS)}",
            f"地址：{lead.where if lead and lead.where else rng.choice(['详见内容', '未提供', ''])}",
            f"诉求类型：{rng.choice(['投诉', '举报', '求助'])}",
        ]
        return "\n".join(ln for ln in lines if not ln.endswith("："))
    if style == "transcript":
        f1, f2 = rng.sample(FILLERS, 2)
        body = f"就是{subj}啊，{f2}，{issue}{phone}" if subj else f"{issue}，{f2}"
        return (
            f"话务员：您好，12345。来电人：{f1}，我要反映个事情，{body}，你们管伐管的？话务员：好的，已记录。"
        )
    if style == "wechat":
        t = at.strftime("%H:%M")
        body = f"{subj}又{issue}" if subj else issue
        pic = rng.choice(["[图片]", "[图片][图片]", "[视频]", ""])
        return f"{who} {t}\n@网格员 {body}{phone} {pic}\n网格员 {t}\n收到，马上过去看看[OK]"
    if style == "grid_form":
        lines = [
            f"巡查时间：{at:%Y年%m月%d日}",
            f"巡查地点：{lead.where if lead and lead.where else '辖区'}",
            f"检查对象：{subj or '无'}",
            f"存在问题：{issue}{phone}",
            f"处置情况：{rng.choice(['已当场劝导', '已责令限期整改', '已拍照留存上报', '已移交执法中队'])}",
            f"网格员：{who}",
        ]
        return "\n".join(lines)
    if style == "minutes":
        items = [f"{i}. {_subject(r)}{rng.choice(['存在', '被查出'])}{issue}，责令限期整改；" for i, r in
                 enumerate(refs, 1)] or [f"1. {issue}，由属地街道牵头处理；"]  # fmt: skip
        return (f"{at:%Y年%m月%d日}联合执法工作例会纪要\n参会：市场监管所、综合执法中队、社区\n"
                f"一、议定事项\n" + "\n".join(items) + f"\n二、记录人：{who}")  # fmt: skip
    if style == "letter":
        body = f"我家楼下{subj}长期{issue}{phone}" if subj else f"我们小区{issue}"
        return f"本人系小区业主{who}，现投诉：{body}，多次沟通无果，{rng.choice(DEMANDS) or '请处理'}。"
    if style == "inspection_record":
        obj = subj or "辖区内无名摊点"
        return (f"检查记录：{at:%Y-%m-%d}，执法人员{who}等二人对{obj}进行现场检查，发现{issue}{phone}，"
                f"已制作现场笔录。")  # fmt: skip
    # short note
    return f"{subj} {issue.split('，')[0]}{phone} {rng.choice(['已劝离', '已上报', '待复查', ''])}".strip()
