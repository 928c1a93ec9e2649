"""Held-out failure patterns (docs/resolution-heldout-findings.md) on the contract example."""

from __future__ import annotations

from dataclasses import replace

from ingest.records import Dataset
from resolution.links import Decision
from resolution.resolver import Resolver, ResolverConfig

# Low thresholds stand in for a fitted model in a large world, where place agreement adds up:
# the caps must hold whatever the weights.
LOW = ResolverConfig(auto_threshold=0.1, review_threshold=0.05)
DUZE_FOOD = "91330803MA2D00029P"  # 衢州杜泽食品有限公司: 张伟 legal rep, 李秀英 shareholder
NIANLI_NEW = "91330803MA2D00037J"  # 浙江廿里新材料科技有限公司, 王建国 legal rep


def _auto(cands, entity_type=None):
    return {
        c.entity_id
        for c in cands
        if c.decision is Decision.AUTO_LINK and (entity_type is None or c.entity_type == entity_type)
    }


def test_person_record_does_not_auto_link_unnamed_firm(example_ds):
    r = Resolver.from_dataset(example_ds, LOW)
    cands = r.resolve_text(
        "附近居民投诉李秀英（公民身份号码：330821198107020422）在杜泽镇东街楼道里堆放大量杂物", "330803"
    )
    assert "330821198107020422" in _auto(cands, "person")
    assert _auto(cands, "firm") == set()
    held = [c for c in cands if c.entity_id == DUZE_FOOD]
    assert not held or "firm not named" in held[0].evidence or held[0].decision is Decision.REJECTED


def test_named_firm_with_person_still_auto_links(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    cands = r.resolve_text("衢州杜泽食品有限公司法定代表人张伟拒不配合检查", "330803")
    assert DUZE_FOOD in _auto(cands, "firm")


def test_surname_form_without_named_firm_is_not_auto_linked(example_ds):
    r = Resolver.from_dataset(example_ds, LOW)
    for text in (
        "执法人员现场核查，廿里镇工业园区纬一路9号的王总在楼道里堆放大量杂物",
        "廿里村的王师傅反映噪音扰民，老王说已经好几天了",
    ):
        cands = r.resolve_text(text, "330803")
        assert _auto(cands, "person") == set(), text


def test_surname_form_with_named_firm_still_links(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    cands = r.resolve_text("浙江廿里新材料科技有限公司的王总拒不整改", "330803")
    assert NIANLI_NEW in _auto(cands, "firm")
    wang = [c for c in cands if c.entity_id == "330821196911200177"]
    assert wang and "firm: holds the role named at a mentioned firm" in wang[0].evidence


def test_exact_codes_do_not_depend_on_region(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    for region in ("110101", "330803", None):
        cands = r.resolve_text(f"对统一社会信用代码{DUZE_FOOD}的单位进行检查", region)
        assert DUZE_FOOD in _auto(cands, "firm"), region
        cands = r.resolve_text("公民身份号码330821198107020422的人员违规停车", region)
        assert "330821198107020422" in _auto(cands, "person"), region


def _with_firm(ds: Dataset, **changes: object) -> Dataset:
    base = next(f for f in ds.firms if f.uscc == NIANLI_NEW)
    return replace(ds, firms=[*ds.firms, replace(base, **changes)])


def test_place_names_are_not_read_as_trade_names(example_ds):
    firms = {
        "91330803MA2D0009XX": ("湖州市吴兴区织里针织有限公司", "织里针织", "织里镇"),
        "91330803MA2D0008XX": ("浙江白龙信息技术有限公司", "白龙信息", "白龙桥镇"),
        "91330803MA2D0007XX": ("沈荡医疗器械有限公司", "沈荡医疗器械", "沈荡镇"),
    }
    base = next(f for f in example_ds.firms if f.uscc == NIANLI_NEW)
    extra = [
        replace(
            base,
            uscc=u,
            name=name,
            other_names=(short,),
            address=f"浙江省衢州市衢江区{town}工业区8号",
            phone=f"0570-300000{i}",
            legal_rep_name=None,
            legal_rep_id=None,
        )
        for i, (u, (name, short, town)) in enumerate(firms.items())
    ]
    r = Resolver.from_dataset(replace(example_ds, firms=[*example_ds.firms, *extra]), LOW)
    for text in (
        "日常巡查：织里镇织里家的公司消防通道被占用。",
        "白龙桥镇农贸市场后面窨井盖缺失",
        "沈荡科技园门口有人焚烧垃圾",
    ):
        assert not set(firms) & _auto(r.resolve_text(text, "330803")), text
    assert "91330803MA2D0009XX" in _auto(r.resolve_text("織里針織公司夜间噪音扰民", "330803"))
    assert "91330803MA2D0008XX" in _auto(r.resolve_text("白龙信息的机房夜间噪音扰民", "330803"))


def test_uscc_in_text_rules_out_same_name_firm_elsewhere(example_ds):
    ds = _with_firm(
        example_ds,
        uscc="91330225MA2D0001XX",
        name="宁波廿里新材料科技有限公司",
        address="浙江省宁波市象山县丹城街道新华路1号",
        region_code="330225",
        phone="0574-6500001",
        legal_rep_name=None,
        legal_rep_id=None,
    )
    r = Resolver.from_dataset(ds, LOW)
    cands = r.resolve_text(f"对廿里新材料（统一社会信用代码{NIANLI_NEW}）进行检查", "330225")
    auto = _auto(cands, "firm")
    assert NIANLI_NEW in auto
    assert "91330225MA2D0001XX" not in auto


def test_bare_name_outside_own_district_is_held(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    li = "330821198107020422"  # 李秀英 lives in 衢江区 (330803)
    text = "附近居民投诉李秀英在楼道里堆放大量杂物"
    assert li in _auto(r.resolve_text(text, "330803"))
    held = [c for c in r.resolve_text(text, "330802") if c.entity_id == li]
    assert held and held[0].decision is not Decision.AUTO_LINK
    assert li in _auto(r.resolve_text(f"公民身份号码{li}的{text[6:]}", "330802"))


def test_uscc_in_text_holds_a_differently_named_firm(example_ds):
    ds = _with_firm(
        example_ds,
        uscc="91330803MA2D0001XX",
        name="衢州市衢江区创达新型建材有限公司",
        other_names=("创达新型建材",),
        phone="0570-6500001",
        legal_rep_name=None,
        legal_rep_id=None,
    )
    r = Resolver.from_dataset(ds, LOW)
    cands = r.resolve_text(f"执法人员对创达新型建材（统一社会信用代码{NIANLI_NEW}）进行检查", "330803")
    assert _auto(cands, "firm") == {NIANLI_NEW}
    other = next(c for c in cands if c.entity_id == "91330803MA2D0001XX")
    assert "USCC in the text" in other.evidence


def test_named_persons_phone_does_not_auto_link_the_shop(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    shop = "92330803MA2D00010P"  # 杜泽老街小吃店, registered phone = its operator 张伟's mobile
    cands = r.resolve_text("居民张伟（电话13857012345）在楼道里堆放大量杂物", "330803")
    assert "330821197803120318" in _auto(cands, "person")
    assert shop not in _auto(cands, "firm")
    assert shop in _auto(r.resolve_text("杜泽老街小吃店店主张伟（电话13857012345）占道经营", "330803"))


def test_a_road_right_after_its_town_is_a_place_not_a_shop_of_that_name(example_ds):
    """新市镇老街有住户装修: 老街 is the town's old street, not 新市老街烟酒店 (字号 老街) in that town."""
    shop = "92330803MA2D0006XX"
    ds = _with_firm(
        example_ds,
        uscc=shop,
        name="衢州市衢江区新市老街烟酒店",
        other_names=(),
        address="浙江省衢州市衢江区新市镇老街18号",
        phone="0570-3000016",
        legal_rep_name=None,
        legal_rep_id=None,
    )
    from resolution.mentions import extract

    r = Resolver.from_dataset(ds, ResolverConfig())
    fi = r.gz.firm_index[shop]
    for text in ("新市镇老街有住户深夜装修噪音扰民", "巡查发现新市镇老街路灯损坏多日"):
        assert fi not in extract(text, r.gz).firms, text
        assert shop not in _auto(r.resolve_text(text, "330803")), text
    assert fi in extract("老街烟酒店出售假冒卷烟", r.gz).firms
    assert shop in _auto(r.resolve_text("老街烟酒店出售假冒卷烟", "330803"))
