"""Subject-less governance events written as people write them, with their truth rows.

Who an event is about: firms are drawn with weight rising with their hidden hazard (a soft signal),
some events are precursors dated weeks before a firm's punishment, some name two firms, many name
the person in charge too, and about one in seven is about nobody registered. The text is composed
from phrase banks (phrases.py) around a surface form of each subject (mentions.py), then noise is
applied: full-width digits, traditional characters, wrong or missing region code, empty location.
"""

from __future__ import annotations

import multiprocessing as mp
import random
from collections.abc import Iterator

import numpy as np

from . import phrases as ph
from .compose import PERSONAL, Ctx, compose, inspection_type, plate
from .lexicon import INDUSTRIES, zihao_pool
from .mentions import firm_mention, fullwidth, person_mention, traditional
from .regions import town_short
from .risk import people_risk
from .world import FastRandom, World, day_str
from .writer import EventChunk, serialise

SOURCES = ("grid_patrol", "complaint", "hotline_12345", "inspection")
_SOURCE_CUM = (0.35, 0.55, 0.85, 1.0)
_HOURS = {"grid_patrol": (8, 18), "complaint": (8, 22), "hotline_12345": (0, 23), "inspection": (9, 17)}
_GENERIC_CATS = ("消防安全", "占道经营", "噪音扰民", "消费纠纷", "违规停车")
_KIND_W = {"individual_business": 1.6, "enterprise": 1.0, "cooperative": 0.3, "social_org": 0.2}


CHUNK = 20_000
_ACTIVE: EventWriter | None = None  # the writer a forked worker inherited


class EventWriter:
    """Writes events chunk by chunk; each chunk has its own random streams seeded by (seed, chunk),
    so the output is the same whether chunks run in one process or in several."""

    def __init__(self, w: World, seed: int) -> None:
        self.w, self.seed = w, seed
        self.rnd: random.Random = FastRandom(seed)
        self.rng = np.random.default_rng(seed)
        nf = len(w.f_uscc)
        closed = np.array(w.f_closed)
        alive = (closed < 0) | (closed > w.start)
        risk = np.array(w.f_hazard) * people_risk(w)
        kind_w = np.array([_KIND_W[k] for k in w.f_kind])
        weight = kind_w * np.power(0.4 + risk, 0.6) * alive
        self.p = weight / weight.sum()
        self.nf = nf
        self.by_district: list[list[int]] = [[] for _ in w.districts]
        for f in range(nf):
            if alive[f]:
                self.by_district[w.f_district[f]].append(f)
        self.precursors = [(i, d) for st, i, k, d in w.punishments
                           if st == "firm" and k not in ("red_list", "commendation") and d >= w.start + 30]
        # names an unlicensed seller may use must not be any registered firm's name or alias
        self.known_names = set(w.f_spoken) | {o for others in w.f_other for o in others}
        self.zihao = zihao_pool()

    def window(self, f: int) -> tuple[int, int]:
        w = self.w
        lo = max(w.start, w.f_founded[f])
        hi = w.end if w.f_closed[f] < 0 else min(w.end, w.f_closed[f])
        return lo, max(lo, hi)

    def stamp(self, day: int, source: str) -> str:
        h0, h1 = _HOURS[source]
        rnd = self.rnd
        sec = rnd.choice((0, 0, 0, 15, 30, 45))
        return f"{day_str(day)}T{rnd.randint(h0, h1):02d}:{rnd.randint(0, 59):02d}:{sec:02d}"

    def region(self, dist: int) -> str:
        r = self.rnd.random()
        d = self.w.districts[dist]
        if r < 0.80:
            return d.code
        if r < 0.87:
            return d.city_code
        if r < 0.93:
            return self.rnd.choice(self.w.districts).code  # wrong office (transferred ticket)
        return ""

    def location(self, dist: int, town: str, street: str) -> str:
        r = self.rnd.random()
        if r < 0.4:
            return ""
        if r < 0.6:
            return town
        if r < 0.8 and street:
            ts = town_short(town)
            return street if street.startswith(ts) or self.rnd.random() < 0.5 else ts + street
        return town + self.rnd.choice(("附近", "一带", "辖区", ""))

    def chunk(self, index: int, size: int) -> list[tuple[dict, list[tuple[str, str]]]]:
        """Events index*CHUNK+1 .. index*CHUNK+size, from streams seeded by (seed, index)."""
        self.rnd = FastRandom(self.seed * 1_000_003 + index)
        self.rng = np.random.default_rng([self.seed, index])
        firms = self.rng.choice(self.nf, size=size, p=self.p).tolist()
        return [self.one(index * CHUNK + 1 + i, firms[i]) for i in range(size)]

    def chunks(self, n: int, workers: int = 1) -> Iterator[EventChunk]:
        """All n events in order, in chunks; with workers > 1 the chunks run in forked processes."""
        jobs = [(i, min(CHUNK, n - i * CHUNK)) for i in range((n + CHUNK - 1) // CHUNK)]
        if workers <= 1 or len(jobs) < 2 or "fork" not in mp.get_all_start_methods():
            for job in jobs:
                yield serialise(self.chunk(*job))
            return
        global _ACTIVE
        _ACTIVE = self
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                yield from pool.imap(_work, jobs)
        finally:
            _ACTIVE = None

    def one(self, eid: int, f: int) -> tuple[dict, list[tuple[str, str]]]:
        rnd, w = self.rnd, self.w
        source = rnd.choices(SOURCES, cum_weights=_SOURCE_CUM)[0]
        r = rnd.random()
        if r < 0.14 and source != "inspection":
            return self.nobody(eid, source)
        if r < 0.23 and self.precursors:
            f, pday = self.precursors[rnd.randrange(len(self.precursors))]
            lo, _ = self.window(f)
            day = max(lo, pday - rnd.randint(10, 240))
        else:
            lo, hi = self.window(f)
            day = rnd.randint(lo, hi)
        ind = INDUSTRIES[w.f_industry[f]]
        cat = rnd.choice(ind.categories) if rnd.random() < 0.8 else rnd.choice(_GENERIC_CATS)
        problem = rnd.choice(ph.PROBLEMS.get(cat, ("存在问题",)))
        dist, legal = w.f_district[f], w.f_legal[f]
        shop = w.f_kind[f] == "individual_business"
        firm, _form = firm_mention(w, f, rnd)
        person = ""
        r = rnd.random()
        if r < 0.03 and source != "inspection":  # about the person alone, none of their firms
            person, firm = person_mention(w, legal, rnd, shop, titled=False), ""
            cat, problem = rnd.choice(PERSONAL)
        elif r < (0.36 if shop else 0.2):
            person = person_mention(w, legal, rnd, shop)
        g, other = -1, ""
        if source != "inspection" and firm and rnd.random() < 0.06:
            g = self.partner(f)
            if g >= 0:
                other = firm_mention(w, g, rnd)[0]
        loc = w.f_town[f] if rnd.random() < 0.5 else w.f_street[f]
        ctx = Ctx(source, cat, problem, firm, person, w.f_shop[f], loc, w.f_town[f], other)
        text, has_firm, has_person, has_other = compose(ctx, rnd)
        truth = [("firm", w.f_uscc[f])] if has_firm else []
        if has_person:
            truth.append(("person", w.p_id[legal]))
        if has_other:
            truth.append(("firm", w.f_uscc[g]))
        if source == "inspection" and rnd.random() < 0.6:
            cat = inspection_type(cat, rnd)
        # the caller is named too: a homonym trap, not a subject of the event
        if source in ("hotline_12345", "complaint") and rnd.random() < 0.04:
            caller = rnd.choice("王李张陈刘杨吴周") + rnd.choice(("伟", "芳", "建国", "丽", "军", "秀英"))
            text = f"{caller}来电：{text}"
        text = self.noise(text)
        return self.row(eid, source, day, dist, cat, w.f_town[f], w.f_street[f], text), truth

    def noise(self, text: str) -> str:
        r = self.rnd.random()
        if r < 0.08:
            return fullwidth(text)
        if r < 0.12:
            return traditional(text)
        if r < 0.14:
            return text.replace("，", ",").replace("。", ".").replace("：", ":")
        if r < 0.16:
            return text.replace("，", " ")
        return text

    def partner(self, f: int) -> int:
        """Another live firm of the same district, or -1."""
        pool = self.by_district[self.w.f_district[f]]
        if len(pool) < 2:
            return -1
        g = pool[self.rnd.randrange(len(pool))]
        return -1 if g == f else g

    def nobody(self, eid: int, source: str) -> tuple[dict, list]:
        rnd, w = self.rnd, self.w
        dist = rnd.randrange(len(w.districts))
        town = rnd.choice(w.districts[dist].towns)
        cat, tmpl = rnd.choice(ph.NOBODY)
        loc = town + rnd.choice(("", "附近", "菜市场", "老街", "小区", "工业区", "村口"))
        shop = rnd.choice(("小吃摊", "烧烤摊", "理发店", "小作坊", "水果摊"))
        if "招牌" not in tmpl and rnd.random() < 0.3:  # an unregistered seller with a name: a hard negative
            for _ in range(5):
                name = rnd.choice(self.zihao) + rnd.choice(("烧烤", "小吃", "水果店", "五金", "理发店",
                                                            "快餐"))
                if name not in self.known_names:
                    shop = f"叫“{name}”的无证{rnd.choice(('摊点', '店', '作坊'))}"
                    break
        text = tmpl.format(loc=loc, extra=rnd.choice(ph.NOBODY_EXTRA), plate=plate(rnd), shop=shop)
        opener = rnd.choice(ph.OPENERS[source]).format(town=town, loc=loc, gname="王某",
                                                       cname=rnd.choice(ph.CNAMES))
        text = self.noise(opener + text)
        day = rnd.randint(w.start, w.end)
        return self.row(eid, source, day, dist, cat, town, "", text), []

    def row(self, eid: int, source: str, day: int, dist: int, cat: str, town: str, street: str,
            text: str) -> dict:
        return {"event_id": f"E{eid:07d}", "source": source, "occurred_at": self.stamp(day, source),
                "region_code": self.region(dist), "location": self.location(dist, town, street),
                "category": cat, "text": text}


def _work(job: tuple[int, int]) -> EventChunk:
    assert _ACTIVE is not None, "worker started without a writer"
    return serialise(_ACTIVE.chunk(*job))  # a few large strings pickle far faster than dicts
