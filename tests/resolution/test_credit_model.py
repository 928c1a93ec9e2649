"""Masked person credit records: each kind of evidence with a case that fails without it, and
weights that come from the data."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from ingest.normalize import parse_masked_id
from ingest.records import Dataset, Person, Provenance
from resolution.credit_model import NAMES, CreditPersonScorer
from resolution.features import RecordContext
from resolution.gazetteer import Gazetteer
from resolution.links import Decision
from resolution.resolver import Resolver, ResolverConfig

ADDR = "浙江省衢州市衢江区廿里镇廿里村5组"
SIX = [  # two people share the visible digits of 330821********0177
    ("330821196911200177", "王建国"),
    ("330821198002140177", "叶美晶"),
    ("330821197803120318", "张伟"),
    ("330821198107020422", "李秀英"),
    ("330802198509300268", "陈丽"),
    ("330821199205110311", "孙丽"),
]


def _person(pid: str, name: str, addr: str = ADDR) -> Person:
    return Person(pid, name, None, None, addr, None, Provenance("persons.csv", 2))


@pytest.fixture()
def six(example_ds) -> Dataset:
    return replace(example_ds, persons=[_person(p, n) for p, n in SIX], affiliations=[], credit_records=[])


def _record(example_ds, rid: str, name: str, mask: str | None):
    c2 = next(c for c in example_ds.credit_records if c.record_id == "C2")
    return replace(c2, record_id=rid, subject_name=name, masked_id=mask, subject_id=None)


def _links(ds, records):
    r = Resolver.from_dataset(ds, ResolverConfig(keep_floor=0.0))
    return r.resolve_credit_records(records)


def _auto(links):
    return {(lk.record_id, lk.entity_id) for lk in links if lk.decision is Decision.AUTO_LINK}


def test_masked_id_fitting_two_people_links_the_one_with_the_published_name(six, example_ds):
    links = _links(six, [_record(example_ds, "R1", "王建国", "330821********0177")])
    assert _auto(links) == {("R1", "330821196911200177")}
    other = next(lk for lk in links if lk.entity_id == "330821198002140177")
    assert other.decision is Decision.REJECTED and "different name" in other.evidence


def test_a_different_name_outweighs_matching_digits(six, example_ds):
    # 贺伟 is nobody registered; the digits fit 王建国 and 叶美晶 by coincidence
    links = _links(six, [_record(example_ds, "R2", "贺伟", "330821********0177")])
    assert _auto(links) == set()
    assert all(lk.score < 0.5 for lk in links)


def test_conflicting_visible_digits_of_a_homonym_block_the_link(six, example_ds):
    links = _links(six, [_record(example_ds, "R4", "张伟", "330821********9999")])
    zw = [lk for lk in links if lk.entity_id == "330821197803120318"]
    assert zw and zw[0].decision is not Decision.AUTO_LINK
    assert "visible digits conflict" in zw[0].evidence
    # the same name with consistent digits links
    assert _auto(_links(six, [_record(example_ds, "R5", "张伟", "330821********0318")])) == {
        ("R5", "330821197803120318")
    }


def test_masked_name_and_masked_id_link(six, example_ds):
    links = _links(six, [_record(example_ds, "R6", "王*国", "330821********0177")])
    assert _auto(links) == {("R6", "330821196911200177")}


# ---------------------------------------------------------------------- weights from the data
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国"


def _world(seed: int, slip_share: float) -> tuple[Gazetteer, list[RecordContext], int]:
    """400 registered people whose visible ID digits (prefix, last four) come from small pools, so
    a mask may fit someone by chance; 300 records about them (a share published with a
    one-character slip of the name) and 60 about unregistered people (their own IDs from the same
    pools, names nobody registered has)."""
    rng = random.Random(seed)
    prefixes = ["330802", "330803", "330821", "330822"]
    tails = [f"{rng.randrange(10_000):04d}" for _ in range(400)]

    def pid() -> str:
        birth = f"19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(9)}"
        return rng.choice(prefixes) + birth + rng.choice(tails)

    people, names = [], set()
    while len(people) < 400:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(2))
        if name not in names:
            names.add(name)
            people.append(_person(pid(), name))
    gz = Gazetteer(Dataset(persons=people))
    contexts = []

    def ctx(rid: str, name: str, person_id: str) -> RecordContext:
        mask = parse_masked_id(person_id[:6] + "*" * 8 + person_id[-4:])
        return RecordContext("credit_records", rid, name, name, "330803", None, "person", mask)

    for i in range(300):
        name = people[i].name
        if rng.random() < slip_share:
            name = name[:2] + next(c for c in _GIVEN if c != name[2])
        contexts.append(ctx(f"T{i}", name, people[i].person_id))
    for i in range(60):
        contexts.append(ctx(f"U{i}", "欧阳" + rng.choice(_GIVEN), pid()))
    return gz, contexts, 60


def test_em_learns_that_a_different_name_is_strong_evidence_against():
    gz, contexts, n_unreg = _world(1, slip_share=0.0)
    scorer = CreditPersonScorer(gz)
    scorer.fit(contexts)
    table = {(r["comparison"], r["level"]): r for r in scorer.weights_table()}
    assert scorer.metadata["fitted"] == "em"
    assert table[("name", "different name")]["log2_bf"] < -4
    assert table[("name", "exact name")]["m"] > 0.95
    assert abs(scorer.unregistered - n_unreg / len(contexts)) < 0.05


def test_em_follows_the_data_not_the_declared_values():
    gz, contexts, _ = _world(2, slip_share=0.3)
    slips = CreditPersonScorer(gz)
    slips.fit(contexts)
    clean_gz, clean_ctx, _ = _world(2, slip_share=0.0)
    clean = CreditPersonScorer(clean_gz)
    clean.fit(clean_ctx)
    k = NAMES.index("name")
    assert slips.m[k][1] > 0.2 > clean.m[k][1]  # "one-character slip" learnt from the records
    # and the slipped records still link to their subject
    cp = slips.pairs(contexts)
    post, _ = slips.posteriors(cp, len(contexts))
    truth = {f"T{i}": i for i in range(300)}
    pids = [p.person_id for p in gz.persons]
    hit = [
        post[j] >= 0.8
        for j in range(len(cp.gamma))
        if contexts[cp.record[j]].record_id in truth
        and pids[cp.person[j]] == pids[truth[contexts[cp.record[j]].record_id]]
    ]
    assert np.mean(hit) > 0.95


def test_a_lone_candidate_of_an_unregistered_subject_is_not_auto_linked():
    # the U records' digits fit one registered person each, their names fit nobody
    gz, contexts, _ = _world(3, slip_share=0.0)
    scorer = CreditPersonScorer(gz)
    scorer.fit(contexts)
    cp = scorer.pairs(contexts)
    post, none = scorer.posteriors(cp, len(contexts))
    unreg = [j for j in range(len(cp.gamma)) if contexts[cp.record[j]].record_id.startswith("U")]
    assert unreg and max(post[j] for j in unreg) < 0.5
    assert np.mean([none[i] for i, c in enumerate(contexts) if c.record_id.startswith("U")]) > 0.9


def test_saved_credit_model_round_trips(six, example_ds, tmp_path):
    r = Resolver.from_dataset(six, ResolverConfig())
    r.resolve_credit_records([_record(example_ds, "R7", "王建国", "330821********0177")])
    r.save(tmp_path / "m")
    again = Resolver.load(tmp_path / "m", six)
    assert again.model_version == r.model_version
    assert (tmp_path / "m" / "credit_person.json").exists()
