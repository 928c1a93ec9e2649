"""Sealed public-credit records as published lists show them: resident IDs masked in several
shapes, names sometimes masked, firms without a code or with a masked one, and subjects who are
not in the registry at all (their truth: no row)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from stdnum.cn import ric

from bench.sealed.lexicon import GIVEN, SURNAMES
from bench.sealed.noise import traditional
from bench.sealed.registry import FirmView, PersonView, Registry

COLUMNS = (
    "record_id", "subject_type", "subject_id", "subject_name", "kind", "authority", "document_no",
    "decided_on", "expires_on", "amount_yuan", "summary",
)  # fmt: skip
CASES = (
    ("firm_full_code", 25), ("person_registered", 35), ("person_unregistered", 15),
    ("firm_no_code", 12), ("firm_masked_code", 8), ("firm_unregistered", 5),
)  # fmt: skip
SHAPES = (("6-8-4", 55), ("4-10-4", 10), ("6-4-8", 10), ("10-4-4", 10), ("1-13-4", 5), ("dots", 5),
          ("short", 5))  # fmt: skip
PERSON_KINDS = (("dishonest_debtor", 60), ("admin_penalty", 25), ("serious_dishonesty", 10), ("red_list", 5))
FIRM_KINDS = (("admin_penalty", 45), ("abnormal_operation", 35), ("serious_dishonesty", 10), ("red_list", 10))
_DOC = {"red_list": "信用", "admin_penalty": "罚", "serious_dishonesty": "失信"}
_DEBT = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "违反财产报告制度",
    "违反限制消费令",
    "以虚假诉讼逃避执行",
)
_PENALTY = ("未取得食品经营许可从事食品经营", "销售不合格产品", "未按规定公示信息", "虚假宣传", "违规排放")


def mask(pid: str, shape: str, rng: random.Random) -> str:
    """A published mask of an 18-character code in one of the shapes lists use."""
    if shape == "6-8-4":
        return pid[:6] + "*" * 8 + pid[-4:]
    if shape == "4-10-4":
        return pid[:4] + "*" * 10 + pid[-4:]
    if shape == "6-4-8":
        return pid[:6] + "****" + pid[10:]
    if shape == "10-4-4":
        return pid[:10] + "****" + pid[-4:]
    if shape == "1-13-4":
        return pid[:1] + "*" * 13 + pid[-4:]
    if shape == "dots":
        return pid[:6] + rng.choice(["●", "＊"]) * 8 + pid[-4:]
    return pid[:6] + "*" * 7 + pid[-4:]  # a sloppy export: one mask character short


def _pick(table: tuple[tuple[str, int], ...], rng: random.Random) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def _visible_match(pattern: str, pid: str) -> bool:
    """Could `pid` be the code behind `pattern`? (mask characters are wildcards)"""
    if len(pattern) != len(pid):
        return pattern[:6] == pid[:6] and pattern[-4:] == pid[-4:]
    return all(a == b or not a.isalnum() for a, b in zip(pattern, pid, strict=True))


class CreditWriter:
    """Writes credit_records.csv and credit_records_truth.csv (plus credit_tags.csv)."""

    def __init__(self, reg: Registry, rng: random.Random) -> None:
        self.reg, self.rng = reg, rng
        self.home: FirmView = reg.firms[0]
        reps = {f.rep_id for f in reg.firms if f.rep_id}
        self.debtors = [p for p in reg.person_list if p.person_id in reps] or reg.person_list
        self.prefixes = sorted({p.person_id[:6] for p in reg.person_list})
        name_count: dict[str, int] = {}
        for f in reg.firms:
            name_count[f.name] = name_count.get(f.name, 0) + 1
        self.firms = [f for f in reg.firms if name_count[f.name] == 1]

    def _name(self, name: str) -> str:
        r = self.rng.random()
        if r < 0.12 and len(name) >= 2:
            return name[0] + "*" * (len(name) - 1) if self.rng.random() < 0.4 else name[0] + "*" + name[2:]
        if r < 0.16:
            return traditional(name)
        if r < 0.20 and len(name) == 2:
            return name[0] + " " + name[1]
        return name

    def _unregistered(self) -> tuple[str, str]:
        """(resident ID, name) of someone not in persons.csv, often with a registered person's name."""
        rng = self.rng
        while True:
            name = rng.choice(self.reg.person_list).name if rng.random() < 0.55 else rng.choice(
                SURNAMES) + rng.choice(GIVEN)  # fmt: skip
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 50 * 365))
            body = f"{rng.choice(self.prefixes)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
            pid = body + ric.calc_check_digit(body)
            if pid not in self.reg.persons:
                return pid, name

    def _person(self, registered: bool) -> tuple[str, str, str]:
        rng = self.rng
        if registered:
            p: PersonView = rng.choice(self.debtors)
            pid, name = p.person_id, p.name
        else:
            pid, name = self._unregistered()
        self.home = self._home(pid)
        shape = _pick(SHAPES, rng)
        shown = mask(pid, shape, rng)
        if not registered:
            # a record no reader could tell from a registered person's: same name, same visible digits
            pattern = shown.replace("●", "*").replace("＊", "*")
            if any(_visible_match(pattern, q) for q in self.reg.person_names.get(name, [])):
                return self._person(False)
        return pid, shown, self._name(name)

    def _home(self, pid: str) -> FirmView:
        """A firm whose district stands for where the person's record was issued."""
        p = self.reg.persons.get(pid)
        if p is not None and p.firms:
            return self.reg.by_uscc[self.rng.choice(p.firms)]
        return self.rng.choice(self.reg.by_region.get(pid[:6]) or self.firms)

    def _firm_name(self, f: FirmView) -> str:
        rng, r = self.rng, self.rng.random()
        full = [n for n in f.other_names if n.endswith("公司") and n not in self.reg.all_names - {n}]
        if r < 0.10 and full:
            return rng.choice(full)
        if r < 0.18 and f.kind == "individual_business" and f.rep_name:
            return f"{f.name}（{rng.choice(['经营者', '业主', ''])}{f.rep_name}）"
        if r < 0.24:
            return traditional(f.name)
        if r < 0.30:
            return f.name.replace("有限公司", "有限責任公司" if rng.random() < 0.3 else "公司")
        return f.name

    def _unregistered_firm(self) -> str:
        rng = self.rng
        from faker.providers.company.zh_CN import Provider

        while True:
            f = rng.choice(self.reg.firms)
            head = rng.choice(Provider.company_prefixes) if rng.random() < 0.5 else f.zihao or "宏远"
            city = (f.city or "杭州市").removesuffix("市")
            name = f"{city}{head}{rng.choice(['贸易', '建材', '科技', '餐饮'])}有限公司"
            if name not in self.reg.all_names:
                return name

    def write(self, out: Path, n: int) -> dict[str, int]:
        rng = self.rng
        counts: dict[str, int] = {}
        with (out / "credit_records.csv").open("w", encoding="utf-8", newline="") as fh, \
                (out / "credit_records_truth.csv").open("w", encoding="utf-8", newline="") as th, \
                (out / "credit_tags.csv").open("w", encoding="utf-8", newline="") as gh:  # fmt: skip
            w, t, g = csv.writer(fh), csv.writer(th), csv.writer(gh)
            w.writerow(COLUMNS)
            t.writerow(["record_id", "subject_type", "subject_id"])
            g.writerow(["record_id", "case"])
            for i in range(1, n + 1):
                rid = f"SC{i:07d}"
                case = _pick(CASES, rng)
                decided = date(2019, 1, 1) + timedelta(days=rng.randint(0, 6 * 365))
                f = rng.choice(self.firms)
                court = f"（{decided.year}）浙{f.region[2:6]}执{rng.randint(1, 9999)}号"
                if case.startswith("person"):
                    pid, shown, name = self._person(case == "person_registered")
                    f = self.home
                    court = f"（{decided.year}）浙{f.region[2:6]}执{rng.randint(1, 9999)}号"
                    kind = _pick(PERSON_KINDS, rng)
                    doc = (
                        court
                        if kind == "dishonest_debtor"
                        else f"{f.county[:2]}{_DOC[kind]}〔{decided.year}〕{rng.randint(1, 400)}号"
                    )
                    summary = rng.choice(_DEBT if kind == "dishonest_debtor" else _PENALTY)
                    authority = (
                        f"{f.city}{f.county}人民法院"
                        if kind == "dishonest_debtor"
                        else f"{f.city}{f.county}市场监督管理局"
                    )
                    row = [rid, "person", shown, name, kind, authority, doc]
                    if case == "person_registered":
                        t.writerow([rid, "person", pid])
                else:
                    kind = _pick(FIRM_KINDS, rng)
                    doc = (
                        f"{f.county[:2]}市监罚〔{decided.year}〕{rng.randint(1, 400)}号"
                        if rng.random() < 0.85
                        else ""
                    )
                    authority = f"{f.city}{f.county}市场监督管理局"
                    summary = rng.choice(_PENALTY)
                    if case == "firm_unregistered":
                        row = [rid, "firm", "", self._unregistered_firm(), kind, authority, doc]
                    elif case == "firm_full_code":
                        row = [rid, "firm", f.uscc, f.name, kind, authority, doc]
                    else:
                        code = "" if case == "firm_no_code" else f.uscc[:8] + "******" + f.uscc[-4:]
                        row = [rid, "firm", code, self._firm_name(f), kind, authority, doc]
                        t.writerow([rid, "firm", f.uscc])
                amount = str(rng.choice([2000, 5000, 10000, 50000, 200000])) if kind != "red_list" else ""
                expires = (decided + timedelta(days=3 * 365)).isoformat() if rng.random() < 0.5 else ""
                w.writerow(row + [decided.isoformat(), expires, amount, summary])
                g.writerow([rid, case])
                counts[case] = counts.get(case, 0) + 1
        return counts
