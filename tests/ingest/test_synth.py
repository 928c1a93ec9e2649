"""The synthetic world: deterministic, valid codes, consistent truth, readable by our own reader."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from ingest.synth import generate
from ingest.synth.regions import load_districts

FILES = (
    "firms.csv",
    "persons.csv",
    "affiliations.csv",
    "credit_records.csv",
    "events.jsonl",
    "events_truth.csv",
    "credit_records_truth.csv",
)


def _rows(d: Path, name: str) -> list[dict[str, str]]:
    with (d / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _ric_ok(pid: str) -> bool:
    return len(pid) == 18 and ric.calc_check_digit(pid) == pid[17]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth300")
    generate(out, 300, seed=7)
    return out


def test_same_seed_same_bytes_different_seed_differs(world: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    generate(again, 300, seed=7)
    generate(other, 300, seed=8)
    for name in FILES:
        assert (world / name).read_bytes() == (again / name).read_bytes(), name
    assert (world / "firms.csv").read_bytes() != (other / "firms.csv").read_bytes()
    assert (world / "events.jsonl").read_bytes() != (other / "events.jsonl").read_bytes()


def test_every_code_is_valid(world: Path) -> None:
    firms = _rows(world, "firms.csv")
    assert len(firms) == 300
    assert all(uscc.is_valid(f["uscc"]) for f in firms)
    kinds = {f["uscc"][:2]: f["kind"] for f in firms}
    assert kinds.get("91") == "enterprise" and kinds.get("92") == "individual_business"
    persons = _rows(world, "persons.csv")
    assert all(_ric_ok(p["person_id"]) for p in persons)
    assert all(_ric_ok(f["legal_rep_id"]) for f in firms if f["legal_rep_id"])
    for a in _rows(world, "affiliations.csv"):
        assert (_ric_ok if a["holder_type"] == "person" else uscc.is_valid)(a["holder_id"])


def test_open_shares_sum_to_100(world: Path) -> None:
    shares: dict[str, float] = defaultdict(float)
    for a in _rows(world, "affiliations.csv"):
        if a["role"] == "shareholder" and not a["end_date"]:
            shares[a["firm_uscc"]] += float(a["share_pct"])
    assert shares
    bad = {f: s for f, s in shares.items() if abs(s - 100) >= 0.01}
    assert not bad


def test_truth_references_existing_entities(world: Path) -> None:
    firms = {f["uscc"] for f in _rows(world, "firms.csv")}
    persons = {p["person_id"] for p in _rows(world, "persons.csv")}
    events = {json.loads(line)["event_id"] for line in (world / "events.jsonl").open(encoding="utf-8")}
    for t in _rows(world, "events_truth.csv"):
        assert t["event_id"] in events
        assert t["entity_id"] in (firms if t["entity_type"] == "firm" else persons)
    records = {r["record_id"]: r for r in _rows(world, "credit_records.csv")}
    for t in _rows(world, "credit_records_truth.csv"):
        assert t["subject_id"] in (firms if t["subject_type"] == "firm" else persons)
        assert records[t["record_id"]]["subject_id"] != t["subject_id"]


def test_masked_ids_match_their_true_subject(world: Path) -> None:
    from ingest.codes import parse_masked_id

    names = {p["person_id"]: p["name"] for p in _rows(world, "persons.csv")}
    names.update({f["uscc"]: f["name"] for f in _rows(world, "firms.csv")})
    truth = {t["record_id"]: t["subject_id"] for t in _rows(world, "credit_records_truth.csv")}
    masked: set[str] = set()
    for r in _rows(world, "credit_records.csv"):
        sid = r["subject_id"]
        if "*" in sid:
            mask = parse_masked_id(sid)
            assert mask is not None and mask.matches(truth[r["record_id"]]), sid
            assert r["subject_name"] == names[truth[r["record_id"]]]
            masked.add(r["subject_type"])
        if not sid:
            assert r["record_id"] in truth  # a record without a code always has its truth row
    assert masked == {"person", "firm"}


def test_reads_back_with_nothing_quarantined(world: Path) -> None:
    from ingest.dataset import read_dataset  # the reader is developed alongside; import at use

    ds = read_dataset(world)
    assert ds.quarantine == []
    assert ds.rows_read["firms.csv"] == 300
    assert len(ds.events) == 1500  # default: five events per firm


def test_events_about_nobody_and_about_two(world: Path) -> None:
    per_event: dict[str, int] = defaultdict(int)
    for t in _rows(world, "events_truth.csv"):
        per_event[t["event_id"]] += 1
    all_events = [json.loads(line) for line in (world / "events.jsonl").open(encoding="utf-8")]
    counts = [per_event.get(e["event_id"], 0) for e in all_events]
    assert counts.count(0) > 50
    assert sum(c >= 2 for c in counts) > 50
    assert {e["source"] for e in all_events} == {"grid_patrol", "complaint", "hotline_12345", "inspection"}
    assert any(e["region_code"] == "" for e in all_events) and any(e["location"] == "" for e in all_events)


def test_regions_and_former_id_prefixes_are_real(tmp_path: Path) -> None:
    districts = load_districts()
    assert len({d.city for d in districts}) == 11
    codes = {d.code for d in districts} | {c for d in districts for c, _ in d.former}
    generate(tmp_path, 3000, seed=3, n_events=10)
    firms = _rows(tmp_path, "firms.csv")
    assert {f["region_code"] for f in firms} <= {d.code for d in districts}
    prefixes = {p["person_id"][:6] for p in _rows(tmp_path, "persons.csv")}
    assert prefixes & {c for d in districts for c, _ in d.former}  # older people carry former codes
    assert len(prefixes & codes) > 60


def test_risk_is_predictable_from_related_parties(tmp_path: Path) -> None:
    """Firms whose related firms were punished by the cut-off are punished more often next year."""
    generate(tmp_path, 6000, seed=11, n_events=10)
    punitive = {"admin_penalty", "abnormal_operation", "serious_dishonesty", "dishonest_debtor"}
    truth = {t["record_id"]: t["subject_id"] for t in _rows(tmp_path, "credit_records_truth.csv")}
    before, after = set(), set()
    for r in _rows(tmp_path, "credit_records.csv"):
        if r["kind"] in punitive and r["subject_type"] == "firm":
            sid = r["subject_id"] or truth[r["record_id"]]
            if r["decided_on"] <= "2022-12-31":
                before.add(sid)
            elif r["decided_on"] <= "2023-12-31":
                after.add(sid)
    people: dict[str, set[str]] = defaultdict(set)
    for a in _rows(tmp_path, "affiliations.csv"):
        if a["holder_type"] == "person":
            people[a["holder_id"]].add(a["firm_uscc"])
    exposed = {g for firms in people.values() if firms & before for g in firms}
    firms = [f["uscc"] for f in _rows(tmp_path, "firms.csv") if f["founded_on"] <= "2022-12-31"]
    exp = [f for f in firms if f in exposed and f not in before]
    rest = [f for f in firms if f not in exposed and f not in before]
    rate_exp = sum(f in after for f in exp) / len(exp)
    rate_rest = sum(f in after for f in rest) / len(rest)
    assert rate_exp > 1.5 * rate_rest, (rate_exp, rate_rest)


def test_bytes_do_not_depend_on_the_string_hash_seed(world: Path, tmp_path: Path) -> None:
    """Set iteration order changes with PYTHONHASHSEED; the output must not."""
    import os
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from ingest.synth import generate; "
        f"generate(Path({str(tmp_path)!r}), 300, 7)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    for name in FILES:
        assert (world / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_event_texts_carry_the_promised_noise(world: Path) -> None:
    """Codes in prose point at the true subject; 某/老 forms, full-width digits and traditional
    characters all occur."""
    import re

    import opencc

    t2s = opencc.OpenCC("t2s")
    truth: dict[str, set[str]] = defaultdict(set)
    for t in _rows(world, "events_truth.csv"):
        truth[t["event_id"]].add(t["entity_id"])
    lines = (world / "events.jsonl").open(encoding="utf-8")
    texts = [(e["event_id"], e["text"]) for e in map(json.loads, lines)]
    codes = [(eid, m) for eid, text in texts for m in re.findall(r"9[1-3]33\d{4}[0-9A-Z]{10}", text)]
    assert codes and all(code in truth[eid] for eid, code in codes)
    assert sum("某" in t for _, t in texts) > 20
    assert sum(bool(re.search("老[王李张陈刘杨黄赵吴周徐孙朱胡林郭何高罗郑]", t)) for _, t in texts) > 5
    assert sum(bool(re.search("[０-９]", t)) for _, t in texts) > 5
    assert sum(t2s.convert(t) != t for _, t in texts) > 20
    assert len({t for _, t in texts}) > 0.99 * len(texts)  # composed, not a handful of fixed sentences


def test_hidden_structures_leave_traces_in_the_registry(world: Path, tmp_path: Path) -> None:
    """Shells share one address; a phoenix re-registers at the address of a closed firm."""
    assert not (world / "hidden_risk.csv").exists()  # outside the contract unless asked for
    generate(tmp_path, 1200, seed=5, n_events=10, hidden=True)
    tags = {r["subject_id"]: r["structure"] for r in _rows(tmp_path,
                                                           "hidden_risk.csv") if r["subject_type"] == "firm"}
    firms = {f["uscc"]: f for f in _rows(tmp_path, "firms.csv")}
    assert set(tags) == set(firms)
    by_address: dict[str, list[str]] = defaultdict(list)
    for code, f in firms.items():
        by_address[f["address"]].append(code)
    shells = [c for c, t in tags.items() if t == "shell"]
    assert shells and all(len(by_address[firms[c]["address"]]) >= 3 for c in shells)
    reborn = [c for c, t in tags.items() if t == "phoenix_new"]
    assert reborn
    for c in reborn:
        old = [o for o in by_address[firms[c]["address"]] if tags[o] == "phoenix_old"]
        assert old and all(firms[o]["status"] in ("cancelled", "revoked") for o in old)
        assert all(firms[o]["founded_on"] < firms[c]["founded_on"] for o in old)


def test_event_bytes_do_not_depend_on_worker_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.synth import events

    monkeypatch.setattr(events, "CHUNK", 400)  # 1,500 events -> 4 chunks
    one, two = tmp_path / "one", tmp_path / "two"
    generate(one, 300, seed=9, workers=1)
    generate(two, 300, seed=9, workers=2)
    for name in FILES:  # with workers the tables are written by a forked child
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
