"""The held-out phrase bank: how grid, hotline, complaint and inspection records are written.

Written from how such records read in practice (12345 工单, 网格巡查日志, 投诉举报登记, 双随机检查
记录), not from our synthetic generator. Each template is (family, source, format, sectors); the
slots are filled by `scenarios`: {subj} subject phrase, {loc} place, {issue}/{cissue}/{finding}
clauses, {caller}, {caller_phone}, {gridder}, {date}, {dept}, {ask}, {demand}, {action}, {time}.
"""

from __future__ import annotations

SECTOR_WORDS = {
    "food": (
        "奶茶",
        "饭店",
        "餐馆",
        "小吃",
        "面馆",
        "排档",
        "餐饮",
        "烧烤",
        "早餐",
        "土菜",
        "豆腐",
        "食品",
        "副食",
        "水果",
        "粮油",
        "水产",
    ),
    "factory": (
        "机械",
        "建材",
        "制衣",
        "纺织",
        "印染",
        "化工",
        "塑料",
        "不锈钢",
        "五金",
        "金属",
        "阀门",
        "石材",
        "加工",
        "模具",
        "包装",
        "印刷",
        "新材料",
        "机电",
        "家具",
        "鞋业",
        "混凝土",
        "钢结构",
        "光伏",
    ),
    "building": ("建筑", "建设工程", "装饰", "房地产"),
    "retail": ("商贸", "贸易", "超市", "便利", "烟酒", "服饰", "服装", "电器", "药房", "进出口", "眼镜"),
    "service": (
        "理发",
        "美发",
        "足浴",
        "网吧",
        "棋牌",
        "酒店",
        "宾馆",
        "民宿",
        "招待所",
        "家政",
        "搬家",
        "汽车",
        "汽修",
        "洗车",
        "机修",
        "物业",
        "KTV",
    ),
    "logistics": ("物流", "运输", "快递"),
    "office": ("科技", "信息", "软件", "电子商务", "咨询", "广告", "传媒", "供应链", "数字"),
    "agri": ("农业", "养殖", "种植", "农场", "茶", "合作社", "苗木", "蜜蜂", "葡萄", "柑橘"),
}

ISSUES: dict[str, list[tuple[str, str]]] = {
    "food": [
        ("油烟扰民", "油烟直排，楼上住户窗户都不敢开"),
        ("占道经营", "在门口摆桌子占用人行道经营"),
        ("食品安全", "后厨卫生很差，老鼠蟑螂到处跑"),
        ("噪音扰民", "夜宵摊吵到凌晨两三点"),
        ("餐厨垃圾", "把泔水直接倒进路边雨水井"),
        ("无证经营", "一直没挂营业执照和食品经营许可证"),
    ],
    "factory": [
        ("环境污染", "夜里偷排废水，旁边小河都发黑了"),
        ("环境污染", "车间粉尘很大，附近车上落满一层灰"),
        ("噪音扰民", "机器日夜开工，噪音太大影响休息"),
        ("劳资纠纷", "拖欠十几名工人三个月工资"),
        ("安全生产", "工人操作冲床不戴防护，存在安全隐患"),
        ("环境污染", "焚烧边角料，气味刺鼻"),
        ("违章搭建", "在厂区空地上私自搭建钢棚"),
    ],
    "building": [
        ("噪音扰民", "晚上十点以后还在施工，噪音扰民"),
        ("渣土管理", "渣土车带泥上路，路面全是泥浆"),
        ("劳资纠纷", "拖欠农民工工资，工人讨薪无果"),
        ("扬尘污染", "工地裸土未覆盖，扬尘严重"),
        ("安全生产", "脚手架搭设不规范，高空作业不系安全带"),
    ],
    "retail": [
        ("价格违法", "商品明码标价和结账价格不一致"),
        ("产品质量", "售卖过期食品，货架上有好几样过期"),
        ("占道经营", "货物堆到店外人行道上"),
        ("消防安全", "店内堆满纸箱，安全出口被堵住"),
        ("虚假宣传", "宣传打折实际先涨价再打折"),
    ],
    "service": [
        ("预付卡", "办了会员卡后突然关门，卡里余额退不了"),
        ("噪音扰民", "音响声音太大，影响周边居民"),
        ("消防安全", "消防通道堆放杂物，灭火器过期"),
        ("违规停车", "修好的车停满人行道"),
        ("环境污染", "洗车污水直接排到路上"),
    ],
    "logistics": [
        ("交通运输", "货车超载超限，路面都压坏了"),
        ("违规停车", "大货车长期停在小区门口"),
        ("噪音扰民", "凌晨装卸货物，噪音很大"),
        ("劳资纠纷", "拖欠快递员工资不发"),
    ],
    "office": [
        ("劳资纠纷", "拖欠员工工资两个多月，老板联系不上"),
        ("消费纠纷", "收了服务费却不履行合同"),
        ("虚假宣传", "电话推销夸大宣传，诱导老年人购买"),
        ("违规经营", "注册地址找不到人，疑似空壳"),
    ],
    "agri": [
        ("环境污染", "养殖粪污直排进农田沟渠"),
        ("违章搭建", "在基本农田上搭建管理用房"),
        ("农资安全", "使用禁用农药"),
        ("劳资纠纷", "拖欠采摘工人工钱"),
    ],
    "generic": [
        ("消防安全", "消防通道被占用"),
        ("劳资纠纷", "拖欠工资"),
        ("违章搭建", "私自搭建彩钢房"),
        ("市容环卫", "门前三包不落实，垃圾乱堆"),
    ],
}
CONSUMER = {
    "food": ["吃完后全家上吐下泻", "饭菜里吃出头发和虫子", "买的熟食已经变质发酸"],
    "retail": ["买到的商品是假货", "买的牛奶过了保质期", "商品质量有问题不给退换"],
    "service": ["办的会员卡余额不给退", "服务后被强行加收费用", "车修完没几天又坏了，店家推脱"],
    "office": ["交了定金后对方不履约", "签约后服务不到位，要求退款被拒"],
}
FINDINGS = {
    "food": ["从业人员健康证已过期", "食品原料未索证索票，台账缺失", "冰箱生熟混放", "未公示食品经营许可证"],
    "factory": [
        "危险废物贮存场所未设置标识",
        "危废台账记录不全",
        "废气处理设施未正常运行",
        "特种作业人员无证上岗",
    ],
    "building": ["施工现场扬尘防治措施未落实", "未按规定设置安全防护", "未办理夜间施工许可"],
    "retail": ["部分商品未明码标价", "销售超过保质期的食品", "进货查验记录不全"],
    "service": ["消防设施未定期检测", "未落实实名登记制度", "经营场所卫生不达标"],
    "logistics": ["车辆未按规定年检", "未建立安全生产台账"],
    "office": ["未按规定公示年度报告", "登记住所与实际经营地不一致"],
    "agri": ["农药购销台账不全", "畜禽粪污处理设施不完善"],
    "generic": ["营业执照未悬挂在醒目位置", "未按规定公示年度报告", "消防设施配置不足"],
}
PERSONAL = [
    ("违章搭建", "在自家宅基地上违法搭建彩钢棚"),
    ("劳资纠纷", "拖欠装修工人工资不还"),
    ("非法捕捞", "在河道内电鱼"),
    ("违规停车", "把货车长期停在消防通道上"),
    ("市容环卫", "在楼道里堆放大量杂物"),
    ("环境污染", "在田边焚烧秸秆和垃圾"),
    ("治安纠纷", "与邻居因宅基地界线发生争执"),
]
PUBLIC = [
    ("市政设施", "路灯坏了半个多月没人修"),
    ("市政设施", "窨井盖缺失，晚上很危险"),
    ("市容环卫", "垃圾桶满了好几天没人清运"),
    ("园林绿化", "绿化带树木被人砍伐"),
    ("交通秩序", "共享单车乱停乱放堵住盲道"),
    ("排水", "下雨后路面积水严重，下水道堵塞"),
    ("动物管理", "流浪狗成群，有小孩被追咬"),
    ("噪音扰民", "广场舞音响声音过大"),
]
PUBLIC_PLACES = [
    "{road}与{road2}交叉口",
    "{road}公交站旁",
    "{town}{village}村文化礼堂门口",
    "{road}沿线",
    "{village}小区东门",
    "{town}农贸市场后面",
]

ASK = ["请相关部门核实处理", "希望尽快处理", "要求依法查处", "请属地尽快处理并回复", "希望有关部门管一管"]
DEMAND = ["退款并赔偿", "给个说法", "退还余款", "依法处理", "三倍赔偿"]
ACTION = [
    "已责令整改",
    "现场劝导后当事人已整改",
    "已拍照取证并移交综合执法",
    "当事人承诺三日内整改完毕",
    "已上报街道流转至相关部门",
    "已约谈负责人",
]
IACTION = ["责令限期整改", "下达责令改正通知书", "已立案调查", "予以警告并责令改正", "移交生态环境部门处理"]
DEPTS = ["市场监管所", "综合行政执法队", "生态环境分局", "应急管理局", "镇安监办", "街道综治中心"]
TIMES = ["最近一个多月都这样", "每天晚上十点以后", "已经反映过两次了", "周末尤其严重", "从上周开始"]
VILLAGES = ["东方", "红星", "新联", "前进", "城南", "青山", "长乐", "和平", "永丰", "溪口", "上塘", "下洋"]
SURNAMES_RARE = "欧阳 司马 诸葛 上官".split()
CALLER_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰飞鹏辉斌宇浩凯")
UNREG_TRADE = [
    "好运来",
    "鸿福",
    "阿芳",
    "老街口",
    "兴旺",
    "小胖",
    "聚福楼",
    "红红",
    "新世纪",
    "金满堂",
    "大众",
    "阿强",
    "顺风",
    "家乐",
    "惠民",
    "金源",
    "一品香",
    "百味",
    "开心",
    "福满多",
]
UNREG_KIND = {
    "food": ["小吃店", "面馆", "烧烤摊", "早餐店", "快餐店"],
    "retail": ["便利店", "水果店", "五金店"],
    "service": ["理发店", "修车铺", "洗车店", "足浴店"],
    "factory": ["小作坊", "加工点"],
}

# (family, source, format, sectors or None for any)
TEMPLATES: list[tuple[str, str, str, tuple[str, ...] | None]] = [
    ("hotline_citizen", "hotline_12345", "市民来电反映：{loc}{subj}{issue}，{ask}。", None),
    ("hotline_caller", "hotline_12345", "来电人{caller}称，{subj}{issue}，{time}，{ask}。", None),
    (
        "hotline_ticket",
        "hotline_12345",
        "12345工单：来电人反映{loc}{subj}{issue}。诉求：{demand}。来电号码{caller_phone}。",
        None,
    ),
    (
        "hotline_colloquial",
        "hotline_12345",
        "有群众打电话说{subj}那边{issue}，{time}，希望有人来管管。",
        None,
    ),
    (
        "hotline_transfer",
        "hotline_12345",
        "【12345转办】{caller}（{caller_phone}）反映：{subj}{issue}，请属地核实处理并回复。",
        None,
    ),
    ("grid_patrol_log", "grid_patrol", "网格员{gridder}巡查发现，{loc}{subj}{issue}，{action}。", None),
    ("grid_daily", "grid_patrol", "{date}日常巡查：{loc}{subj}{issue}。处置情况：{action}。", None),
    ("grid_visit", "grid_patrol", "网格员走访{loc}时发现{subj}{issue}，已拍照上报{dept}。", None),
    ("grid_terse", "grid_patrol", "{loc} {subj} {category} {action}", None),
    (
        "complaint_consumer",
        "complaint",
        "投诉人{caller}称：其于{date}在{subj}消费，{cissue}，要求{demand}。",
        ("food", "retail", "service", "office"),
    ),
    (
        "complaint_short",
        "complaint",
        "消费者投诉{subj}{cissue}，要求{demand}。",
        ("food", "retail", "service", "office"),
    ),
    (
        "complaint_form",
        "complaint",
        "【投诉举报】被投诉方：{subj}。投诉内容：{issue}。投诉人诉求：{demand}。",
        None,
    ),
    (
        "complaint_residents",
        "complaint",
        "附近居民联名投诉{loc}{subj}{issue}，严重影响周边居民正常生活。",
        None,
    ),
    (
        "inspection_random",
        "inspection",
        "根据“双随机、一公开”抽查计划，执法人员对{subj}进行检查，发现{finding}，{iaction}。",
        None,
    ),
    ("inspection_onsite", "inspection", "执法人员现场检查{subj}，{finding}，当场{iaction}。", None),
    ("inspection_special", "inspection", "{dept}对{loc}{subj}开展{category}专项检查，发现{finding}。", None),
    (
        "inspection_record",
        "inspection",
        "检查对象：{subj}；检查地点：{loc}；检查情况：{finding}；处理意见：{iaction}。",
        None,
    ),
]
# templates for records about one person, not a business
PERSON_TEMPLATES: list[tuple[str, str, str]] = [
    ("hotline_citizen", "hotline_12345", "市民来电反映：{loc}{subj}{issue}，{ask}。"),
    ("hotline_caller", "hotline_12345", "来电人{caller}称，{subj}{issue}，{time}，{ask}。"),
    ("grid_patrol_log", "grid_patrol", "网格员{gridder}巡查发现，{loc}{subj}{issue}，{action}。"),
    ("grid_terse", "grid_patrol", "{loc} {subj} {category} {action}"),
    ("complaint_residents", "complaint", "附近居民投诉{subj}{issue}，要求{demand}。"),
    ("inspection_onsite", "inspection", "执法人员现场核查，{subj}{issue}，{iaction}。"),
]
PUBLIC_TEMPLATES: list[tuple[str, str, str]] = [
    ("hotline_citizen", "hotline_12345", "市民来电反映：{loc}{issue}，{ask}。"),
    ("hotline_caller", "hotline_12345", "来电人{caller}称，{loc}{issue}，{time}，{ask}。"),
    ("grid_patrol_log", "grid_patrol", "网格员{gridder}巡查发现，{loc}{issue}，{action}。"),
    ("grid_terse", "grid_patrol", "{loc} {category} {action}"),
    ("complaint_residents", "complaint", "附近居民投诉{loc}{issue}，要求{demand}。"),
]


def sector_of(name: str) -> str:
    """The sector whose words appear in a firm name; generic when none does."""
    for sector, words in SECTOR_WORDS.items():
        if any(w in name for w in words):
            return sector
    return "generic"
