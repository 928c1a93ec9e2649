"""Sealed events: pick what an event is about (a registered firm named one of many ways, several
firms, or no registered subject), a writer's style and the damage the text takes on the way."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from bench.sealed.noise import Homophones, fullwidth, traditional
from bench.sealed.refs import Ref, complainant, firm_ref
from bench.sealed.registry import Registry
from bench.sealed.styles import ISSUES, PUBLIC, SOURCE_BY_STYLE, categories_for, write

# What an event is about, and how often (no registered subject: 18 %).
FORMS = (
    ("full_name", 6), ("code", 4), ("zihao", 14), ("zihao_word", 10), ("address_kind", 10),
    ("surname_role", 8), ("full_person", 7), ("phone", 5), ("zihao_elsewhere", 6), ("homophone", 5),
    ("multi", 4), ("none_public", 7), ("none_shop", 6), ("none_vendor", 3), ("none_named", 2),
)  # fmt: skip
STYLES = (
    ("work_order", 20), ("transcript", 12), ("wechat", 14), ("grid_form", 14), ("minutes", 6),
    ("letter", 10), ("inspection_record", 12), ("short_note", 12),
)  # fmt: skip
_START = datetime(2022, 1, 1)


def _pick(table: tuple[tuple[str, int], ...], rng: random.Random) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


class EventWriter:
    """Writes events.jsonl and events_truth.csv (plus events_tags.csv: form and style per event)."""

    def __init__(self, reg: Registry, rng: random.Random) -> None:
        self.reg, self.rng = reg, rng
        self.homo = Homophones(f.name for f in reg.firms)
        self.active = [f for f in reg.firms if f.status == "active"] or reg.firms
        self.regions = sorted(reg.by_region)
        zihaos = {f.zihao for f in reg.firms}
        from faker.providers.company.zh_CN import Provider  # real-world trade names for unregistered shops

        self.foreign = [p for p in Provider.company_prefixes if p not in zihaos and len(p) <= 4]

    def _refs(self, form: str) -> tuple[list[Ref], str | None]:
        """References for `form` and the district, or ([], None) when none fits this draw."""
        rng = self.rng
        for _ in range(30):
            f = rng.choice(self.active)
            if form == "multi":
                local = [g for g in self.reg.by_region[f.region] if g.status == "active" and g is not f]
                if len(local) < 2:
                    continue
                others = rng.sample(local, min(len(local), rng.choice([1, 2])))
                refs = [firm_ref(self.reg, g, rng.choice(["zihao", "full_name"]), rng, self.homo)
                        for g in [f, *others]]  # fmt: skip
                got = [r for r in refs if r is not None]
                if len(got) >= 2:
                    return got, f.region
                continue
            ref = firm_ref(self.reg, f, form, rng, self.homo)
            if ref is not None:
                return [ref], f.region
        return [], None

    def _none(self, form: str, region: str) -> tuple[list[Ref], str]:
        """An event about nobody registered: public matters, an unregistered shop or stall."""
        rng = self.rng
        local_zihao = {g.zihao for g in self.reg.by_region.get(region, [])}
        if form == "none_shop":
            elsewhere = [z for z in self.reg.by_zihao if z and z not in local_zihao]
            pool = self.foreign if rng.random() < 0.5 or not elsewhere else elsewhere
            name = rng.choice(pool) + rng.choice(["小吃店", "水果店", "理发店", "棋牌室", "烧烤店", "便利店"])
            return [Ref("none_shop", f"一家叫{name}的店", rng.choice(["", "路口"]))], form
        if form == "none_vendor":
            return [
                Ref("none_vendor", rng.choice(["流动摊贩", "一辆卖水果的三轮车", "无证摊点", "路边摊"]))
            ], form
        return [], form

    def write(self, out: Path, n: int) -> dict[str, int]:
        """Write n events; returns counts per form."""
        rng = self.rng
        counts: dict[str, int] = {}
        with (out / "events.jsonl").open("w", encoding="utf-8") as ev, \
                (out / "events_truth.csv").open("w", encoding="utf-8") as tr, \
                (out / "events_tags.csv").open("w", encoding="utf-8") as tg:  # fmt: skip
            tr.write("event_id,entity_type,entity_id\n")
            tg.write("event_id,form,style,noise\n")
            for i in range(1, n + 1):
                eid = f"SE{i:07d}"
                form = _pick(FORMS, rng)
                style = _pick(STYLES, rng)
                if form.startswith("none"):
                    region = rng.choice(self.regions)
                    refs, form = self._none(form, region)
                    category = rng.choice(sorted(PUBLIC))
                    issue = rng.choice(PUBLIC[category])
                    if form == "none_shop":
                        category = rng.choice(sorted(ISSUES))
                        issue = rng.choice(ISSUES[category])
                else:
                    refs, reg_or_none = self._refs(form)
                    if reg_or_none is None:
                        form, region, refs = "none_public", rng.choice(self.regions), []
                        category = rng.choice(sorted(PUBLIC))
                        issue = rng.choice(PUBLIC[category])
                    else:
                        region = reg_or_none
                        category = rng.choice(categories_for(refs[0].industry))
                        issue = rng.choice(ISSUES[category])
                if form == "homophone" and rng.random() < 0.6:
                    style = "transcript"  # voice-to-text slips come from calls
                if style == "minutes" and len(refs) < 2 and form != "multi" and rng.random() < 0.5:
                    style = "inspection_record"
                who = complainant(self.reg, None, region, rng)
                at = _START + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
                text = write(style, refs, category, issue, who, at, rng)
                text, noise = self._damage(text, style)
                county_named = any(r.county_in_text for r in refs)
                shown_region = region if (not county_named or rng.random() < 0.8) else ""
                lead = refs[0] if refs else None
                location = lead.where if lead and rng.random() < 0.5 else ""
                rec = {
                    "event_id": eid, "source": rng.choice(SOURCE_BY_STYLE[style]),
                    "occurred_at": at.isoformat(timespec="seconds"), "region_code": shown_region,
                    "location": location, "category": category, "text": text,
                }  # fmt: skip
                ev.write(json.dumps(rec, ensure_ascii=False) + "\n")
                for r in refs:
                    for et, ent in r.truth:
                        tr.write(f"{eid},{et},{ent}\n")
                tg.write(f"{eid},{form},{style},{noise}\n")
                counts[form] = counts.get(form, 0) + 1
        return counts

    def _damage(self, text: str, style: str) -> tuple[str, str]:
        rng = self.rng
        noise: list[str] = []
        if rng.random() < 0.08:
            text, noise = traditional(text), noise + ["traditional"]
        if rng.random() < 0.10:
            text, noise = fullwidth(text), noise + ["fullwidth"]
        if style in ("wechat", "short_note") and rng.random() < 0.3:
            text, noise = text.replace("，", " ").replace("。", ""), noise + ["no_punct"]
        return text, "|".join(noise) or "clean"
