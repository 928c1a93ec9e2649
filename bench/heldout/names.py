"""Firm names taken apart the way a clerk shortens them when typing: region prefix, town, trade
name (字号), industry words and organisational form. 衢州市衢江区廿里建材有限公司 becomes
廿里建材 / 廿里建材公司 / 廿里那家建材厂.

The split is heuristic and written here from how Chinese registered names are built
(行政区划 + 字号 + 行业 + 组织形式); it only has to produce surface forms a person would write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMS = (
    "股份经济合作社",
    "股份有限公司",
    "有限责任公司",
    "专业合作社",
    "（普通合伙）",
    "（有限合伙）",
    "有限公司",
    "合作社",
    "经营部",
    "服务部",
    "工作室",
    "商行",
    "中心",
    "协会",
    "商会",
    "基金会",
    "店",
    "厂",
    "馆",
    "坊",
    "部",
    "社",
    "场",
)
INDUSTRY = (
    "建筑工程",
    "建设工程",
    "企业管理咨询",
    "网络科技",
    "信息技术",
    "电子商务",
    "物业管理",
    "汽车维修",
    "不锈钢制品",
    "新材料科技",
    "环保科技",
    "生物科技",
    "塑料制品",
    "五金制品",
    "金属制品",
    "搬家服务",
    "家政服务",
    "装饰工程",
    "装饰",
    "建材",
    "机械",
    "物流",
    "商贸",
    "贸易",
    "科技",
    "软件",
    "实业",
    "奶茶",
    "理发",
    "美发",
    "饭店",
    "餐馆",
    "小吃",
    "面馆",
    "排档",
    "足浴",
    "烟酒",
    "服饰",
    "制衣",
    "纺织",
    "印染",
    "食品",
    "餐饮",
    "广告",
    "机修",
    "化工",
    "五金",
    "塑料",
    "电器",
    "超市",
    "便利",
    "水果",
    "茶业",
    "农业",
    "养殖",
    "种植",
    "家庭农场",
    "农场",
    "酒店",
    "宾馆",
    "民宿",
    "网吧",
    "棋牌",
    "药房",
    "诊所",
    "水产",
    "粮油",
    "副食",
    "汽修",
    "洗车",
    "加工",
    "食品加工",
    "包装",
    "印刷",
    "机械制造",
    "医疗器械",
    "进出口",
    "供应链管理",
    "汽车服务",
    "豆腐",
    "汽车修理",
    "土菜",
    "烧烤",
    "早餐",
    "美容美发",
    "阀门",
    "服装",
    "招待所",
    "中药材",
    "文化传媒",
    "传媒",
    "房地产经纪",
    "机电设备",
    "石材",
    "新型建材",
    "食品科技",
    "农业科技",
    "数字科技",
    "生态农业",
    "精细化工",
    "石材加工",
    "机械加工",
    "五金加工",
    "服装加工",
    "副食品",
    "大排档",
    "大药房",
    "模具",
    "电子",
    "光伏",
    "照明",
    "家具",
    "鞋业",
    "眼镜",
    "灯具",
    "钢结构",
    "混凝土",
)
INDUSTRY += (
    "酒店管理", "投资管理", "餐饮管理", "文化娱乐", "社会工作服务", "养老服务", "货运代理", "建筑劳务",
    "房地产开发", "商务咨询", "医药", "药业", "针织", "保洁服务", "日用品", "图文快印", "装修队",
    "物流配送站", "洗衣", "货运", "农业开发", "电脑维修", "家政", "运输", "快餐", "酿造", "茶叶",
    "汽车配件", "置业", "汽车美容", "糕点", "培训学校", "房产中介", "药店", "轮胎",
    "旅馆", "棋牌室", "台球室", "志愿者",
)  # fmt: skip
SHOP_FORMS = frozenset({"店", "馆", "坊", "部", "经营部", "服务部", "商行", "厂", "工作室", "场"})
# the word people say instead of the registered form
COLLOQUIAL_KIND = {
    "机械": "厂",
    "建材": "厂",
    "制衣": "厂",
    "纺织": "厂",
    "印染": "厂",
    "化工": "厂",
    "塑料": "厂",
    "食品": "厂",
    "不锈钢制品": "厂",
    "五金制品": "厂",
    "金属制品": "厂",
    "塑料制品": "厂",
    "包装": "厂",
    "印刷": "厂",
    "加工": "厂",
    "食品加工": "厂",
}
_ADDR = re.compile(
    r"^浙江省(?P<city>.+?市)(?P<county>.+?(?:区|县|市))(?P<town>.+?(?:街道|镇|乡|片区|办事处))"
    r"(?P<rest>.*)$"
)
_ROAD_NO = re.compile(r"^(?P<road>.+?(?:路|街|巷|大道|弄|道))(?P<no>\d+号)")
_BRACKET = re.compile(r"（[^）]*）|\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Address:
    city: str
    county: str
    town: str
    road: str
    number: str

    @property
    def town_short(self) -> str:
        for suf in ("街道", "办事处", "片区", "镇", "乡"):
            if self.town.endswith(suf) and len(self.town) > len(suf) + 1:
                return self.town[: -len(suf)]
        return self.town

    @property
    def road_no(self) -> str:
        return f"{self.road}{self.number}" if self.road and self.number else ""


def parse_address(addr: str | None) -> Address | None:
    """City, county, town, road and number of a registered address, or None when it does not parse."""
    if not addr:
        return None
    m = _ADDR.match(addr)
    if not m:
        return None
    r = _ROAD_NO.match(m["rest"])
    return Address(m["city"], m["county"], m["town"], r["road"] if r else "", r["no"] if r else "")


def _strip_suffix(s: str, suf: str) -> str:
    return s[: -len(suf)] if s.endswith(suf) and len(s) > len(suf) else s


def _region_words(addr: Address | None) -> list[str]:
    if addr is None:
        return ["浙江省", "浙江"]
    words = ["浙江省", "浙江", addr.city, _strip_suffix(addr.city, "市"), addr.county]
    county_short = addr.county[:-1] if len(addr.county) > 2 else addr.county
    words.append(county_short)
    return sorted(set(words), key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class NameParts:
    full: str
    town: str  # town words kept inside the name (义桥 in 义桥鼎锐奶茶店), may be empty
    trade: str  # 字号
    industry: str
    form: str

    @property
    def core(self) -> str:
        """Name without region and form: 鼎锐奶茶 / 凯泰机械."""
        return self.trade + self.industry


def split_name(name: str, addr: Address | None) -> NameParts:
    """Split a registered name into town, trade name, industry and form (heuristic, never raises)."""
    rest = _BRACKET.sub("", name)
    form = next((f for f in FORMS if rest.endswith(f) and len(rest) > len(f) + 1), "")
    rest = rest[: -len(form)] if form else rest
    words = _region_words(addr)
    hit = True
    while hit:
        # longest prefix first, restarting after each cut (杭州市 then 萧山区, never 萧山 alone)
        hit = False
        for w in words:
            if w and rest.startswith(w) and len(rest) > len(w) + 1:
                rest, hit = rest[len(w) :], True
                break
    town = ""
    if addr is not None and (form in SHOP_FORMS or not form):
        ts = addr.town_short
        if ts and rest.startswith(ts) and len(rest) > len(ts) + 1:
            town, rest = ts, rest[len(ts) :]
    industry = next(
        (w for w in sorted(INDUSTRY, key=len, reverse=True) if rest.endswith(w) and len(rest) > len(w)), ""
    )
    if industry:
        trade = rest[: -len(industry)]
    elif len(rest) == 3 and form in SHOP_FORMS:
        # 菜场宾馆: a one-character trade word belongs with its form (宾馆, 餐馆), not alone
        trade, industry, form = rest[:2], rest[2:] + form, ""
    elif len(rest) >= 3:
        trade, industry = rest[:2], rest[2:]
    else:
        trade = rest
    return NameParts(name, town, trade, industry, form)


def colloquial_kind(parts: NameParts) -> str:
    """厂 / 店 / 公司: the word a neighbour uses for this kind of business."""
    if parts.industry in COLLOQUIAL_KIND or parts.form == "厂":
        return COLLOQUIAL_KIND.get(parts.industry, "厂")
    if parts.form in SHOP_FORMS - {"厂", "工作室", "场"}:
        return "店"
    if "合作社" in parts.form:
        return "合作社"
    return "公司"
