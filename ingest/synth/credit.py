"""Credit records as the public-credit platform publishes them.

Punishments become records with a real-looking authority and document number (衢环罚〔2024〕15号,
（2023）浙0803执1234号, 衢江市监异〔2024〕031号); a share carries no document number (not legally
grounded). Person listings are published with masked IDs (330821********0177) and some records omit
the code altogether; those are exactly the rows written to credit_records_truth.csv. Good firms earn
red-list and commendation records.
"""

from __future__ import annotations

import datetime as dt
import random

from .lexicon import INDUSTRIES
from .world import World, day_str, day_year, to_day

_CAP = to_day(dt.date(2030, 12, 31))

_SUMMARY = {
    "scjg": ("未按规定明码标价", "发布虚假广告", "无证经营", "使用不合格计量器具", "侵犯注册商标专用权",
             "未按规定公示年度报告信息"),
    "food": ("销售不符合食品安全标准的食品", "销售过期食品", "未取得食品经营许可从事食品经营",
             "未按规定进行进货查验"),
    "sthj": ("超标排放水污染物", "未批先建", "危险废物未按规定贮存", "废气无组织排放", "未按规定设置排污口"),
    "jt": ("货车超限运输", "未取得道路运输经营许可擅自从事经营", "车辆未按规定进行年审", "非法营运"),
    "yj": ("未按规定开展安全生产教育培训", "安全设备未定期维护", "未建立事故隐患排查治理制度"),
    "zj": ("施工现场扬尘防治不到位", "未取得施工许可证擅自施工", "拖欠农民工工资"),
    "xf": ("消防设施未保持完好有效", "占用疏散通道", "未经消防安全检查擅自投入使用"),
    "ny": ("畜禽养殖废弃物未综合利用", "经营假劣农药", "未按规定建立农药经营台账"),
    "wh": ("违规接纳未成年人进入营业场所", "超时营业", "未按规定核对登记上网消费者有效身份证件"),
}
_AUTH = {
    "scjg": ("{city}{dname}市场监督管理局", "{ds}市监罚处〔{y}〕{n}号"),
    "sthj": ("{city}生态环境局", "{cs}环罚〔{y}〕{n}号"),
    "jt": ("{city}交通运输局", "{cs}交罚〔{y}〕{n}号"),
    "yj": ("{city}{dname}应急管理局", "{ds}应急罚〔{y}〕{n}号"),
    "zj": ("{city}{dname}住房和城乡建设局", "{ds}建罚〔{y}〕{n}号"),
    "xf": ("{city}{dname}消防救援大队", "{ds}消行罚决字〔{y}〕{n:04d}号"),
    "ny": ("{city}{dname}农业农村局", "{ds}农罚〔{y}〕{n}号"),
    "wh": ("{city}文化市场综合行政执法队", "{cs}文执罚〔{y}〕{n}号"),
    "tax": ("国家税务总局{city}{dname}税务局", "{ds}税稽罚〔{y}〕{n}号"),
    "abnormal": ("{city}{dname}市场监督管理局", "{ds}市监异〔{y}〕{n:03d}号"),
    "serious": ("{city}市场监督管理局", "{cs}市监严失〔{y}〕{n}号"),
    "court": ("{city}{dname}人民法院", "{lp}{y}{rp}浙{court}执{n}号"),
    "red": ("{city}{dname}发展和改革局", "{ds}信用〔{y}〕{n}号"),
    "red_tax": ("国家税务总局{city}税务局", "{cs}税〔{y}〕{n}号"),
    "commend": ("{city}人民政府", "{cs}政发〔{y}〕{n}号"),
}
_ABNORMAL = ("未按规定期限公示{y}年度报告", "通过登记的住所或者经营场所无法联系",
             "公示企业信息隐瞒真实情况、弄虚作假")
_SERIOUS = ("被列入经营异常名录届满3年仍未履行相关义务", "提交虚假材料取得公司登记", "虚开增值税专用发票")
_DEBT = ("有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度",
         "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行")


def mask_person(pid: str, r: float) -> str:
    """How lists publish a person's code: mostly 330821********0177, sometimes other masks,
    sometimes in full, sometimes not at all."""
    if r < 0.10:
        return ""
    if r < 0.14:
        return pid
    if r < 0.22:
        return pid[:6] + "****" + pid[-4:]  # fewer stars than hidden digits
    if r < 0.28:
        return pid[:4] + "*" * 10 + pid[-4:]
    if r < 0.33:
        return pid[:6] + "****" + pid[10:]  # birth year hidden, month and day visible
    return pid[:6] + "*" * 8 + pid[-4:]


class CreditWriter:
    """Builds credit_records rows and their truth rows from the world's punishments."""

    def __init__(self, w: World, rnd: random.Random) -> None:
        self.w, self.rnd = w, rnd
        self.counters: dict[str, int] = {}
        self.rows: list[list[str]] = []
        self.truth: list[list[str]] = []

    def _doc(self, key: str, dist: int, day: int) -> tuple[str, str]:
        d = self.w.districts[dist]
        auth_t, doc_t = _AUTH[key]
        y = day_year(day)
        ck = doc_t + str(dist if "{ds}" in doc_t or "{court}" in doc_t else d.city) + str(y)
        if ck not in self.counters:  # courts number thousands of cases a year, offices tens
            self.counters[ck] = self.rnd.randint(300, 3000) if key == "court" else self.rnd.randint(0, 20)
        n = self.counters[ck] + self.rnd.randint(1, 6)
        self.counters[ck] = n
        paren = ("(", ")") if self.rnd.random() < 0.5 else ("（", "）")
        fields = dict(city=d.city, dname=d.name, ds=d.short, cs=d.city_short, y=y, n=n,
                      court=d.code[2:], lp=paren[0], rp=paren[1])
        return auth_t.format(**fields), doc_t.format(**fields)

    def add(self, stype: str, idx: int, kind: str, day: int) -> None:
        """One record; punitive ones occasionally lack their document number."""
        w, rnd = self.w, self.rnd
        if stype == "firm":
            dist = w.f_district[idx]
            ind = INDUSTRIES[w.f_industry[idx]]
        else:
            dist, ind = w.p_district[idx], INDUSTRIES[0]
        amount, expires = "", ""
        if kind == "admin_penalty":
            key = ind.authority if rnd.random() < 0.8 else rnd.choice(("scjg", "tax", "xf"))
            food = key == "scjg" and ind.name in ("餐饮业", "食品制造业") and rnd.random() < 0.7
            summary = rnd.choice(_SUMMARY["food" if food else key] if key in _SUMMARY else _SUMMARY["scjg"])
            amount = str(rnd.choice((500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000, 120000,
                                     200000)))
            expires = day_str(min(day + (365 if int(amount) < 10000 else 3 * 365), _CAP))
        elif kind == "abnormal_operation":
            key, summary = "abnormal", rnd.choice(_ABNORMAL).format(y=day_year(day) - 1)
            if rnd.random() < 0.4:
                expires = day_str(min(day + rnd.randint(30, 700), _CAP))  # removed after repair
        elif kind == "serious_dishonesty":
            key, summary = "serious", rnd.choice(_SERIOUS)
            expires = day_str(min(day + 3 * 365, _CAP))
        elif kind == "dishonest_debtor":
            key, summary = "court", rnd.choice(_DEBT)
            amount = str(rnd.randint(2, 500) * 1000 + rnd.choice((0, 0, 500, 800)))
            if rnd.random() < 0.3:
                expires = day_str(min(day + rnd.randint(90, 2 * 365), _CAP))
        elif kind == "red_list":
            key = "red" if rnd.random() < 0.6 else "red_tax"
            summary = "守信激励对象名单" if key == "red" else "纳税信用A级纳税人"
            expires = day_str(min(day + 2 * 365, _CAP))
        else:
            key, summary = "commend", rnd.choice(("守合同重信用企业", "优秀民营企业", "诚信经营示范单位",
                                                  "文明诚信个体工商户"))
        authority, doc = self._doc(key, dist, day)
        punitive = kind not in ("red_list", "commendation")
        if (punitive and rnd.random() < 0.08) or (kind == "commendation" and rnd.random() < 0.3):
            doc = ""  # not legally grounded
        rid = f"CR{len(self.rows) + 1:07d}"
        if stype == "firm":
            sid, sname = w.f_uscc[idx], w.f_name[idx]
            r = rnd.random()
            if r < 0.06:
                sid = ""
                if len(w.f_other[idx]) > 1 and rnd.random() < 0.3:
                    sname = w.f_other[idx][-1]  # published under a former or trade name
            elif r < 0.09:
                sid = sid[:10] + "****" + sid[-4:]  # 91330803MA****037J
            if sid != w.f_uscc[idx]:
                self.truth.append([rid, "firm", w.f_uscc[idx]])
        else:
            sname = w.p_name[idx]
            sid = mask_person(w.p_id[idx], rnd.random())
            if sid != w.p_id[idx]:
                self.truth.append([rid, "person", w.p_id[idx]])
        self.rows.append([rid, stype, sid, sname, kind, authority, doc, day_str(day), expires, amount,
                          summary])

    def good_records(self) -> None:
        """Red lists and commendations, yearly, for established firms without recent punishment."""
        w, rnd = self.w, self.rnd
        last_bad: dict[int, int] = {}
        for st, idx, _k, day in w.punishments:
            if st == "firm":
                last_bad[idx] = max(last_bad.get(idx, -10**6), day)
        good: list[tuple[str, int, str, int]] = []
        for y0 in range(w.start, w.end - 180, 365):
            for f in range(len(w.f_uscc)):
                h = w.f_hazard[f]
                if w.f_founded[f] > y0 - 3 * 365 or (w.f_closed[f] >= 0 and w.f_closed[f] < y0 + 365):
                    continue
                if last_bad.get(f, -10**6) > y0 - 3 * 365:
                    continue
                r = rnd.random() * max(h, 0.3)
                if r < 0.012:
                    good.append(("firm", f, "red_list", min(w.end, y0 + rnd.randint(0, 364))))
                elif r < 0.016 and w.f_kind[f] in ("enterprise", "individual_business"):
                    good.append(("firm", f, "commendation", min(w.end, y0 + rnd.randint(0, 364))))
        w.punishments.extend(good)
        w.punishments.sort(key=lambda x: (x[3], x[0], x[1]))

    def build(self) -> None:
        self.good_records()
        for stype, idx, kind, day in self.w.punishments:
            if self.w.start <= day <= self.w.end:
                self.add(stype, idx, kind, day)
