"""Write an independently phrased held-out event file (contract format) for a registry.

`write_heldout(ds, out_dir, n_events, seed)` writes events.jsonl and events_truth.csv, plus two
benchmark-only side files: events_plausible.csv (pairs a reader would find plausible but could not
be certain of: an auto link there is neither right nor wrong) and events_tags.csv (phrase family,
scenario and difficulty tags of every event, for per-feature scores).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ingest.records import Dataset, FirmStatus

from . import lexicon as lx
from .index import RegistryIndex, Scope
from .noise import fullwidth_digits, to_traditional
from .scenarios import CLEAN, Draft, Setting, phone_is_registered, pick_scenario

START = dt.datetime(2023, 1, 1)
SPAN_MIN = 3 * 365 * 24 * 60


@dataclass(frozen=True, slots=True)
class HeldoutSummary:
    out_dir: Path
    events: int
    truth_rows: int
    plausible_rows: int
    families: dict[str, int]


def _setting(
    ix: RegistryIndex, home: int, regions: list[str], rnd: random.Random, noisy: bool
) -> tuple[Setting, set[str]]:
    f, a = ix.firms[home], ix.addr[home]
    tags: set[str] = set()
    r = rnd.random() if noisy else 1.0
    written = f.region_code or ""
    if r < 0.05:
        written = rnd.choice([c for c in regions if c != f.region_code] or [written])
        tags.add("wrong_region")
    elif r < 0.10:
        written = ""
        tags.add("missing_region")
    correct = written == f.region_code and bool(written)
    mode = rnd.choices(["town_road", "town", "county_town", ""], weights=[35, 25, 10, 30])[0]
    if a is None or (mode == "town_road" and not a.road):
        mode = ""
    terms: tuple[str, ...] = ()
    loc = ""
    if mode == "town_road":
        loc, terms = a.town + a.road, (a.town, a.road)
    elif mode == "town":
        loc, terms = a.town, (a.town,)
    elif mode == "county_town":
        loc, terms = a.county + a.town, (a.county, a.town)
    scope = Scope(f.region_code if correct else None, terms)
    return Setting(home, f.region_code, written, loc, scope), tags


def _name(rnd: random.Random) -> str:
    return rnd.choice(lx.CALLER_SURNAMES) + "".join(rnd.choices(lx.GIVEN, k=rnd.choice([1, 2, 2])))


def _caller(ix: RegistryIndex, rnd: random.Random, tags: set[str]) -> str:
    r = rnd.random()
    if r < 0.65:
        return rnd.choice(lx.CALLER_SURNAMES) + rnd.choice(["先生", "女士"])
    if r < 0.9:
        name = _name(rnd)
        tags.add("caller_full_name")
        if name in ix.person_name:
            tags.add("caller_registered_name")
        return name
    return "匿名市民"


def _caller_phone(ix: RegistryIndex, rnd: random.Random) -> str:
    while True:
        p = "1" + rnd.choice("35789") + "".join(rnd.choices("0123456789", k=9))
        if not phone_is_registered(ix, p):
            return p


def _place(ix: RegistryIndex, st: Setting, d: Draft, rnd: random.Random) -> str:
    a = ix.addr[st.home]
    if d.kind == "public" and a is not None:
        roads = ix.roads.get(st.region or "", []) or [a.road or "人民路"]
        pattern = rnd.choice(lx.PUBLIC_PLACES)
        return pattern.format(
            road=rnd.choice(roads), road2=rnd.choice(roads), town=a.town, village=rnd.choice(lx.VILLAGES)
        )
    if d.kind == "person" and a is not None and not st.loc:
        return a.town if rnd.random() < 0.5 else ""
    return st.loc


def _fill(
    ix: RegistryIndex, st: Setting, d: Draft, rnd: random.Random, when: dt.datetime
) -> tuple[str, str, str, str, bool]:
    """(family, source, category, text, whether the setting's place words are in the text)."""
    tags = d.tags
    if d.kind == "firm":
        options = [t for t in lx.TEMPLATES if t[3] is None or d.sector in t[3]]
        family, source, fmt, _ = rnd.choice(options)
        pool = lx.ISSUES.get(d.sector, []) + lx.ISSUES["generic"][:1]
        category, issue = rnd.choice(pool)
    else:
        family, source, fmt = rnd.choice(lx.PERSON_TEMPLATES if d.kind == "person" else lx.PUBLIC_TEMPLATES)
        assert d.issue is not None
        category, issue = d.issue
    if family.startswith("complaint_c") or family == "complaint_short":
        category = "消费纠纷"
    elif family == "inspection_random":
        category = "双随机抽查"
    loc = _place(ix, st, d, rnd)
    joiner = "的" if loc and d.kind != "public" and "{loc}{subj}" in fmt and rnd.random() < 0.4 else ""
    if family == "inspection_record" and not loc:
        loc = "经营场所"
    slots = {
        "subj": d.subj,
        "loc": loc + joiner,
        "issue": issue,
        "category": category,
        "cissue": rnd.choice(lx.CONSUMER.get(d.sector, lx.CONSUMER["retail"])),
        "finding": rnd.choice(lx.FINDINGS.get(d.sector, lx.FINDINGS["generic"])),
        "caller": _caller(ix, rnd, tags),
        "caller_phone": _caller_phone(ix, rnd),
        "gridder": _name(rnd),
        "date": f"{when.month}月{when.day}日",
        "dept": rnd.choice(lx.DEPTS),
        "ask": rnd.choice(lx.ASK),
        "demand": rnd.choice(lx.DEMAND),
        "action": rnd.choice(lx.ACTION),
        "iaction": rnd.choice(lx.IACTION),
        "time": rnd.choice(lx.TIMES),
    }
    if family == "inspection_record":
        slots["loc"] = loc
    text = _PUNCT.sub(r"\1", fmt.format(**slots))
    return family, source, category, text, "{loc}" in fmt and loc == st.loc


_PUNCT = re.compile(r"[，,]\s*([，。；、）])")


def write_heldout(
    ds: Dataset,
    out_dir: Path,
    n_events: int,
    seed: int,
    progress: bool = False,
    clean: bool = False,
) -> HeldoutSummary:
    """Write n_events held-out events about `ds`'s registry; the same arguments give the same bytes.

    `clean` writes only records a reader cannot doubt (full registered names, codes, registered
    phones beside a name; right region, no typing noise): a floor any resolver must pass.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    ix = RegistryIndex(ds)
    homes = [i for i, f in enumerate(ix.firms) if ix.addr[i] is not None]
    weights = [1.0 if ix.firms[i].status is FirmStatus.ACTIVE else 0.15 for i in homes]
    regions = sorted({f.region_code for f in ix.firms if f.region_code})
    events, truth, plausible, tag_rows = [], [], [], []
    families: dict[str, int] = {}
    for n in tqdm(range(n_events), desc="heldout", disable=not progress, mininterval=0.5):
        home = rnd.choices(homes, weights=weights)[0]
        st, tags = _setting(ix, home, regions, rnd, noisy=not clean)
        draft = pick_scenario(rnd, CLEAN if clean else None)(ix, st, rnd)
        draft.tags |= tags
        when = START + dt.timedelta(minutes=rnd.randrange(SPAN_MIN))
        family, source, category, text, loc_in_text = _fill(ix, st, draft, rnd, when)
        if rnd.random() < 0.07 and not clean:
            text = to_traditional(text)
            draft.tags.add("traditional")
        if rnd.random() < 0.04 and not clean:
            text = fullwidth_digits(text)
            draft.tags.add("fullwidth")
        eid = f"HO{seed}-{n:06d}"
        events.append(
            {
                "event_id": eid,
                "source": source,
                "occurred_at": when.isoformat(timespec="seconds"),
                "region_code": st.written_region,
                # the place words the truth relied on stay visible: in the text or in location
                "location": st.loc if not loc_in_text or rnd.random() < 0.7 else "",
                "category": category,
                "text": text,
            }
        )
        truth += [(eid, t, e) for t, e in dict.fromkeys(draft.truth)]
        plausible += [(eid, t, e) for t, e in dict.fromkeys(draft.plausible) if (t, e) not in draft.truth]
        if not draft.truth:
            draft.tags.add("no_truth")
        tag_rows.append((eid, family, draft.scenario, source, "|".join(sorted(draft.tags))))
        families[family] = families.get(family, 0) + 1
    with (out_dir / "events.jsonl").open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    _write_csv(out_dir / "events_truth.csv", ["event_id", "entity_type", "entity_id"], truth)
    _write_csv(out_dir / "events_plausible.csv", ["event_id", "entity_type", "entity_id"], plausible)
    _write_csv(out_dir / "events_tags.csv", ["event_id", "family", "scenario", "source", "tags"], tag_rows)
    return HeldoutSummary(out_dir, len(events), len(truth), len(plausible), families)


def _write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
