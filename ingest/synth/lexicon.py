"""Word pools for names: surnames with realistic frequencies, given names, 字号, industries.

Why pools: calling faker per row is ~100x too slow at 200,000 firms; instead faker's zh_CN lists
seed a pre-built pool once, and rows draw indices from it with numpy. Surname weights follow
published Zhejiang frequencies (陈 王 张 李 林 吴 徐 周 黄 金 ...), so homonyms such as 张伟 or
陈建国 recur across regions exactly as a resolver meets them.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker.providers.person.zh_CN import Provider as _FakerPerson

# Zhejiang surname shares (%, rounded): the national list from faker re-weighted toward the
# province's own order; the tail keeps faker's national weights.
_ZJ_SURNAMES = {
    "陈": 8.5, "王": 7.0, "张": 5.5, "李": 4.6, "林": 3.2, "吴": 3.0, "徐": 2.9, "周": 2.6,
    "黄": 2.4, "金": 2.2, "叶": 2.0, "郑": 2.0, "朱": 1.9, "杨": 1.8, "刘": 1.8, "胡": 1.7,
    "潘": 1.4, "方": 1.3, "何": 1.2, "沈": 1.2, "应": 0.8, "蒋": 1.1, "钱": 0.8, "汪": 0.9,
    "毛": 0.8, "俞": 0.7, "楼": 0.5, "赵": 1.0, "孙": 0.9, "戴": 0.6, "姜": 0.6, "邵": 0.6,
    "柳": 0.3, "祝": 0.4, "傅": 0.6, "余": 0.8, "顾": 0.5, "蔡": 0.8, "谢": 0.8, "郭": 0.6,
}

MALE_GIVEN_CHARS = (
    "伟强磊军杰涛明刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林"
    "阳亮成建峰国荣晨瑞兵东博彬坤文利海根勇江忠良富贵兴昌德新春祥"
)
FEMALE_GIVEN_CHARS = "芳娜敏静丽艳娟霞燕玲丹萍红英梅莉婷琴云洁莹琳雪慧倩颖秀兰珍凤月佳怡晓亚素美翠群"


def surname_table() -> tuple[list[str], list[float]]:
    """Surnames and normalised weights; faker's list supplies the long tail."""
    names: list[str] = list(_ZJ_SURNAMES)
    weights: list[float] = list(_ZJ_SURNAMES.values())
    for s, w in _FakerPerson.last_names.items():
        if s not in _ZJ_SURNAMES and len(s) == 1:
            names.append(s)
            weights.append(w * 0.25)
    total = sum(weights)
    return names, [w / total for w in weights]


def given_names(gender: str) -> list[str]:
    """Faker's common given names first (they make the frequent homonyms), then two-character
    combinations from the same characters for the long tail."""
    base = _FakerPerson.first_names_male if gender == "M" else _FakerPerson.first_names_female
    chars = MALE_GIVEN_CHARS if gender == "M" else FEMALE_GIVEN_CHARS
    out = list(dict.fromkeys(base))
    seen = set(out)
    for a in chars:
        for b in chars:
            if a != b and a + b not in seen:
                seen.add(a + b)
                out.append(a + b)
    return out


# 字号 (trade-name stems): auspicious two-character words people really register.
_ZIHAO_FIRST = (
    "宏鑫华恒金永众天嘉瑞昌鼎博汇建腾锦明信联盛隆泰顺丰利源达兴富康安新正"
    "德和美佳益诚通万广海中东大伟凯睿卓航越远聚合百亿荣晟森鸿浩俊优创科吉祥"
)
_ZIHAO_SECOND = "达源盛通利发兴华泰丰昌隆顺达鑫诚信安康美佳德茂鼎宇辰航远邦威成拓峰创锐星腾翔润泽晖耀"
PERSONAL_ZIHAO_FORMS = ("老{s}", "{s}记", "阿{g}", "小{s}", "{s}氏", "{s}家", "{g}{g}")


def zihao_pool() -> list[str]:
    """All first x second combinations (~4,000), minus doubled characters."""
    return [a + b for a in _ZIHAO_FIRST for b in _ZIHAO_SECOND if a != b]


@dataclass(frozen=True, slots=True)
class Industry:
    """One registered industry: how firms in it are named, who punishes them, what people report."""

    name: str
    ent_terms: tuple[str, ...]  # enterprise name term, e.g. 新材料科技
    shops: tuple[str, ...]  # individual-business shop word, e.g. 小吃店
    ent_weight: float
    ind_weight: float
    authority: str  # key into credit.authorities
    categories: tuple[str, ...]  # event categories this industry attracts
    hazard: float  # relative base rate of punitive records


INDUSTRIES: tuple[Industry, ...] = (
    Industry("餐饮业", ("餐饮管理", "餐饮"), ("小吃店", "面馆", "饭店", "快餐店", "烧烤店", "早餐店", "餐馆",
             "大排档", "奶茶店", "土菜馆"), 4, 22, "scjg", ("食品安全", "占道经营", "油烟扰民", "出店经营",
                                                   "消防安全"), 1.3),
    Industry("食品制造业", ("食品", "食品科技", "酿造"), ("食品加工坊", "豆腐坊", "糕点店"), 4, 3, "scjg",
             ("食品安全", "环境污染", "安全生产"), 1.4),
    Industry("批发和零售业", ("贸易", "商贸", "电子商务", "进出口"), ("便利店", "超市", "日用品商行",
        "五金店",
             "水果店", "副食品店", "烟酒店", "服装店"), 20, 30, "scjg",
             ("消费纠纷", "产品质量", "价格欺诈", "占道经营", "虚假宣传"), 0.8),
    Industry("道路运输业", ("物流", "运输", "货运代理", "供应链管理"), ("货运部", "搬家服务部", "物流配送站"),
             5, 3, "jt", ("交通运输", "违规停车", "超限超载"), 1.5),
    Industry("化学原料和化学制品制造业", ("新材料科技", "化工", "精细化工"), (), 2, 0, "sthj",
             ("环境污染", "安全生产", "危险化学品"), 2.2),
    Industry("非金属矿物制品业", ("建材", "新型建材", "石材"), ("石材加工厂", "建材经营部"), 3, 2, "sthj",
             ("环境污染", "扬尘污染", "安全生产"), 1.8),
    Industry("通用设备制造业", ("机械制造", "机械", "机电设备", "阀门"), ("机械加工厂", "机修店"), 7, 2, "yj",
             ("安全生产", "噪音扰民", "拖欠工资"), 1.1),
    Industry("纺织服装、服饰业", ("服饰", "纺织", "针织", "制衣"), ("制衣厂", "服装加工店"), 6, 3, "yj",
             ("拖欠工资", "消防安全", "安全生产"), 1.1),
    Industry("金属制品业", ("五金制品", "金属制品", "不锈钢制品"), ("五金加工厂",), 5, 1, "sthj",
             ("环境污染", "噪音扰民", "安全生产"), 1.5),
    Industry("机动车维修", ("汽车服务", "汽车配件"), ("汽修厂", "汽车修理店", "汽车美容店", "轮胎店"), 2, 4,
             "jt",
             ("占道经营", "环境污染", "消费纠纷"), 1.0),
    Industry("建筑业", ("建筑工程", "建设工程", "装饰工程", "建筑劳务"), ("装修队", "装饰工作室"), 9, 2, "zj",
             ("拖欠工资", "扬尘污染", "违章搭建", "安全生产"), 1.6),
    Industry("软件和信息技术服务业", ("网络科技", "信息技术", "软件", "数字科技"), ("电脑维修店",
        "网络工作室"),
             8, 1, "scjg", ("消费纠纷", "虚假宣传"), 0.5),
    Industry("商务服务业", ("投资管理", "企业管理咨询", "商务咨询", "文化传媒", "广告"), ("广告工作室",
        "图文快印店"),
             9, 2, "scjg", ("虚假宣传", "消费纠纷", "非法集资"), 1.0),
    Industry("居民服务业", ("家政服务", "物业管理", "保洁服务"), ("理发店", "美容美发店", "洗衣店", "足浴店",
             "家政服务部"), 3, 12, "scjg", ("消费纠纷", "噪音扰民", "服务质量", "预付卡纠纷"), 0.9),
    Industry("农业", ("农业开发", "生态农业", "农业科技", "茶业"), ("家庭农场", "养殖场", "茶叶店"), 3, 4,
             "ny",
             ("环境污染", "畜禽养殖污染", "农药残留"), 0.9),
    Industry("房地产业", ("房地产开发", "置业", "房地产经纪"), ("房产中介服务部",), 3, 1, "zj",
             ("虚假宣传", "物业管理", "消费纠纷", "拖欠工资"), 1.2),
    Industry("住宿业", ("酒店管理", "宾馆"), ("宾馆", "旅馆", "民宿", "招待所"), 1, 3, "xf",
             ("消防安全", "治安隐患", "卫生问题"), 1.0),
    Industry("医药业", ("医药", "药业", "医疗器械"), ("药店", "大药房"), 2, 2, "scjg",
             ("药品安全", "价格欺诈", "虚假宣传"), 1.0),
    Industry("文化娱乐业", ("文化娱乐", "体育发展"), ("KTV", "网吧", "台球室", "棋牌室"), 1, 3, "wh",
             ("噪音扰民", "消防安全", "违规接纳未成年人"), 1.2),
)

COOP_PRODUCTS = ("柑橘", "茶叶", "蔬菜", "水果", "生猪", "水稻", "笋竹", "杨梅", "蜜蜂", "中药材", "食用菌",
                 "葡萄", "胡柚", "香榧", "白茶", "铁皮石斛", "甲鱼", "花卉苗木")
COOP_FORMS = ("专业合作社", "种植专业合作社", "养殖专业合作社", "股份经济合作社", "农机专业合作社")
SOCIAL_ORGS = (("行业协会", "1"), ("商会", "1"), ("养老服务中心", "2"), ("培训学校", "2"), ("慈善基金会",
    "3"),
               ("志愿者协会", "1"), ("社会工作服务中心", "2"))
SOCIAL_TOPICS = ("餐饮", "物流", "建材", "五金", "电子商务", "家政", "个体劳动者", "青年企业家", "温州",
                 "台州",
                 "民宿", "茶叶", "老年", "社区", "阳光")
ORG_FORMS = (("有限公司", 80), ("有限责任公司", 12), ("股份有限公司", 4), ("厂", 3),
             ("合伙企业（有限合伙）", 1))

ROAD_STEMS = ("人民", "解放", "中山", "建设", "文化", "新华", "环城", "江滨", "胜利", "学院", "工业", "兴业",
              "创业", "科技", "振兴", "望江", "东方", "凤凰", "白云", "迎宾", "世纪", "府前", "青年", "和平",
              "新安", "花园", "长安", "复兴", "金山", "滨海", "沿江", "荷花", "桃园", "丽阳")
ROAD_SUFFIX = ("路", "路", "路", "街", "大道", "中路", "东路", "西路", "北路", "南路")
ESTATES = ("花园小区", "新村", "家园", "公寓", "华庭", "名苑", "雅苑", "嘉园", "锦园", "新城")
PARKS = ("工业园区", "经济开发区", "工业功能区", "科技园", "小微企业园", "物流园")
BUILDINGS = ("大厦", "商务中心", "创业大厦", "科创园", "金融中心", "国际大厦", "众创空间")
