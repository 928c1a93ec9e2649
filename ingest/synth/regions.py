"""A hand-written table of real Zhejiang administrative divisions.

Why hand-written: the generator must run offline and be reproducible, and the resolver downstream
is judged on real place names, real 6-digit codes and real telephone area codes. Each district line
lists a handful of real towns/streets (enough for addresses and event locations, not exhaustive) and
the former codes still carried as resident-ID prefixes by people registered before a reform
(e.g. 330821, former Qu County, merged into Qujiang District 330803 in 2001).
"""

from __future__ import annotations

from dataclasses import dataclass

# city code prefix, city name, short (for document numbers), area code, landline digits
_CITIES = """
3301 杭州市 杭 0571 8
3302 宁波市 甬 0574 8
3303 温州市 温 0577 8
3304 嘉兴市 嘉 0573 8
3305 湖州市 湖 0572 7
3306 绍兴市 绍 0575 8
3307 金华市 金 0579 8
3308 衢州市 衢 0570 7
3309 舟山市 舟 0580 7
3310 台州市 台 0576 8
3311 丽水市 丽 0578 7
"""

# code name | former codes (code:year of change, the old code is carried by people born before) | towns
_DISTRICTS = """
330102 上城区 | 330104:2021 | 清波街道 湖滨街道 小营街道 南星街道
  紫阳街道 望江街道 笕桥街道 九堡街道 四季青街道
330105 拱墅区 | 330103:2021 | 米市巷街道 湖墅街道 小河街道 和睦街道
  拱宸桥街道 大关街道 武林街道 朝晖街道 东新街道 石桥街道
330106 西湖区 | | 北山街道 西溪街道 翠苑街道 古荡街道 文新街道 蒋村街道 转塘街道 留下街道 三墩镇 双浦镇
330108 滨江区 | | 西兴街道 长河街道 浦沿街道
330109 萧山区 | 330181:2001 | 城厢街道 北干街道 蜀山街道 新塘街道 瓜沥镇 临浦镇 义桥镇 所前镇 衙前镇 益农镇
330110 余杭区 | 330184:2001 | 五常街道 闲林街道 仓前街道 余杭街道 中泰街道 良渚街道 瓶窑镇 径山镇 黄湖镇
330111 富阳区 | 330183:2015 | 富春街道 东洲街道 银湖街道 场口镇 新登镇 大源镇 万市镇
330112 临安区 | 330185:2017 | 锦城街道 锦北街道 玲珑街道 青山湖街道 於潜镇 太湖源镇 昌化镇
330113 临平区 | 330184:2001 | 临平街道 南苑街道 东湖街道 星桥街道 乔司街道 崇贤街道 塘栖镇
330114 钱塘区 | | 下沙街道 白杨街道 河庄街道 义蓬街道 新湾街道 临江街道
330122 桐庐县 | | 桐君街道 城南街道 横村镇 分水镇 富春江镇 江南镇
330127 淳安县 | | 千岛湖镇 汾口镇 威坪镇 姜家镇 文昌镇 石林镇
330182 建德市 | | 新安江街道 洋溪街道 更楼街道 寿昌镇 乾潭镇 梅城镇
330203 海曙区 | | 南门街道 鼓楼街道 西门街道 白云街道 段塘街道 石碶街道 集士港镇 高桥镇
330205 江北区 | | 中马街道 白沙街道 孔浦街道 甬江街道 庄桥街道 洪塘街道 慈城镇
330206 北仑区 | | 新碶街道 大碶街道 小港街道 霞浦街道 柴桥街道 春晓街道
330211 镇海区 | | 招宝山街道 蛟川街道 骆驼街道 庄市街道 澥浦镇 九龙湖镇
330212 鄞州区 | 330227:2002 330204:2016 | 钟公庙街道 首南街道 下应街道 百丈街道
  东胜街道 明楼街道 邱隘镇 五乡镇 姜山镇 咸祥镇
330213 奉化区 | 330283:2016 | 锦屏街道 岳林街道 江口街道 溪口镇 莼湖镇 裘村镇
330225 象山县 | | 丹东街道 丹西街道 爵溪街道 石浦镇 西周镇 贤庠镇
330226 宁海县 | | 跃龙街道 桃源街道 梅林街道 西店镇 长街镇 前童镇
330281 余姚市 | | 阳明街道 梨洲街道 凤山街道 泗门镇 马渚镇 陆埠镇 梁弄镇
330282 慈溪市 | | 浒山街道 古塘街道 白沙路街道 坎墩街道 观海卫镇 周巷镇 龙山镇 逍林镇
330302 鹿城区 | | 五马街道 南汇街道 松台街道 滨江街道 七都街道 藤桥镇
330303 龙湾区 | | 永中街道 蒲州街道 海城街道 状元街道 瑶溪街道
330304 瓯海区 | | 景山街道 新桥街道 娄桥街道 潘桥街道 梧田街道 泽雅镇
330305 洞头区 | 330322:2015 | 北岙街道 东屏街道 大门镇 鹿西乡
330324 永嘉县 | | 上塘镇 瓯北街道 桥头镇 桥下镇 岩头镇 乌牛街道
330326 平阳县 | | 昆阳镇 鳌江镇 水头镇 萧江镇 万全镇 腾蛟镇
330327 苍南县 | | 灵溪镇 藻溪镇 桥墩镇 钱库镇 金乡镇 马站镇
330328 文成县 | | 大峃镇 珊溪镇 玉壶镇 南田镇 黄坦镇
330329 泰顺县 | | 罗阳镇 司前畲族镇 百丈镇 筱村镇 泗溪镇
330381 瑞安市 | | 安阳街道 玉海街道 锦湖街道 塘下镇 飞云街道 马屿镇 陶山镇
330382 乐清市 | | 乐成街道 城南街道 柳市镇 北白象镇 虹桥镇 大荆镇 雁荡镇
330383 龙港市 | 330327:2019 | 舥艚片区 芦浦片区 湖前片区 宜山片区 平等片区
330402 南湖区 | | 建设街道 解放街道 新嘉街道 南湖街道 城南街道 七星街道 凤桥镇 余新镇
330411 秀洲区 | | 新城街道 嘉北街道 塘汇街道 高照街道 王江泾镇 油车港镇 新塍镇 王店镇 洪合镇
330421 嘉善县 | | 魏塘街道 罗星街道 惠民街道 大云镇 西塘镇 干窑镇 姚庄镇 陶庄镇
330424 海盐县 | | 武原街道 西塘桥街道 秦山街道 沈荡镇 百步镇 于城镇 通元镇
330481 海宁市 | | 硖石街道 海洲街道 海昌街道 马桥街道 许村镇 长安镇 盐官镇 斜桥镇 袁花镇
330482 平湖市 | | 当湖街道 钟埭街道 曹桥街道 新埭镇 新仓镇 乍浦镇 独山港镇 林埭镇
330483 桐乡市 | | 梧桐街道 凤鸣街道 龙翔街道 濮院镇 屠甸镇 崇福镇 乌镇镇 洲泉镇
330502 吴兴区 | | 月河街道 飞英街道 爱山街道 龙泉街道 织里镇 八里店镇 妙西镇
330503 南浔区 | | 南浔镇 双林镇 练市镇 善琏镇 菱湖镇 和孚镇 旧馆镇
330521 德清县 | | 武康街道 舞阳街道 阜溪街道 乾元镇 新市镇 洛舍镇 钟管镇 禹越镇
330522 长兴县 | | 雉城街道 画溪街道 太湖街道 龙山街道 和平镇 泗安镇 洪桥镇 李家巷镇 夹浦镇
330523 安吉县 | | 递铺街道 昌硕街道 灵峰街道 孝丰镇 天荒坪镇 梅溪镇 鄣吴镇
330602 越城区 | | 府山街道 塔山街道 北海街道 城南街道 东湖街道 皋埠街道 斗门街道 马山街道
330603 柯桥区 | 330621:2013 | 柯桥街道 华舍街道 齐贤街道 安昌街道 钱清街道 杨汛桥街道 兰亭街道 平水镇 漓渚镇
330604 上虞区 | 330682:2013 | 百官街道 曹娥街道 东关街道 崧厦街道 道墟街道 梁湖街道 丰惠镇 章镇镇
330624 新昌县 | | 南明街道 七星街道 羽林街道 澄潭街道 沃洲镇 儒岙镇 小将镇
330681 诸暨市 | | 暨阳街道 浣东街道 陶朱街道 大唐街道 店口镇 枫桥镇 牌头镇 次坞镇 山下湖镇
330683 嵊州市 | | 剡湖街道 三江街道 鹿山街道 甘霖镇 长乐镇 崇仁镇 黄泽镇
330702 婺城区 | 330721:2000 | 城东街道 城中街道 城西街道 城北街道 江南街道 西关街道 白龙桥镇 汤溪镇 罗店镇
330703 金东区 | 330721:2000 | 多湖街道 东孝街道 孝顺镇 傅村镇 曹宅镇 澧浦镇 岭下镇
330723 武义县 | | 白洋街道 壶山街道 熟溪街道 履坦镇 桃溪镇 王宅镇 柳城畲族镇
330726 浦江县 | | 浦南街道 浦阳街道 仙华街道 黄宅镇 郑宅镇 岩头镇 白马镇
330727 磐安县 | | 安文街道 新渥街道 尖山镇 玉山镇 尚湖镇 仁川镇
330781 兰溪市 | | 兰江街道 云山街道 上华街道 永昌街道 女埠街道 游埠镇 诸葛镇
330782 义乌市 | | 稠城街道 北苑街道 稠江街道 江东街道 后宅街道 廿三里街道 佛堂镇 苏溪镇 上溪镇 大陈镇
330783 东阳市 | | 吴宁街道 白云街道 江北街道 城东街道 南马镇 横店镇 巍山镇 歌山镇
330784 永康市 | | 东城街道 西城街道 江南街道 石柱镇 古山镇 芝英镇 象珠镇 龙山镇
330802 柯城区 | | 府山街道 荷花街道 花园街道 信安街道 白云街道 双港街道 航埠镇 石梁镇 万田乡
330803 衢江区 | 330821:2001 | 樟潭街道 浮石街道 廿里镇 杜泽镇 全旺镇 大洲镇 上方镇 高家镇 莲花镇 湖南镇
330822 常山县 | | 天马街道 紫港街道 金川街道 球川镇 辉埠镇 芳村镇 白石镇
330824 开化县 | | 芹阳办事处 华埠镇 马金镇 池淮镇 桐村镇 音坑乡
330825 龙游县 | | 龙洲街道 东华街道 湖镇镇 溪口镇 詹家镇 小南海镇 塔石镇
330881 江山市 | | 双塔街道 虎山街道 清湖街道 贺村镇 峡口镇 四都镇 坛石镇 上余镇
330902 定海区 | | 解放街道 昌国街道 环南街道 城东街道 盐仓街道 临城街道 岑港街道 双桥街道 白泉镇 金塘镇
330903 普陀区 | | 沈家门街道 东港街道 朱家尖街道 展茅街道 六横镇 桃花镇 虾峙镇
330921 岱山县 | | 高亭镇 东沙镇 岱西镇 岱东镇 衢山镇 长涂镇
330922 嵊泗县 | | 菜园镇 嵊山镇 洋山镇 五龙乡 黄龙乡 枸杞乡
331002 椒江区 | | 海门街道 白云街道 葭沚街道 洪家街道 下陈街道 前所街道 章安街道 大陈镇
331003 黄岩区 | | 东城街道 西城街道 南城街道 北城街道 新前街道 澄江街道 院桥镇 沙埠镇 宁溪镇
331004 路桥区 | | 路桥街道 路南街道 路北街道 螺洋街道 桐屿街道 峰江街道 新桥镇 横街镇 金清镇
331022 三门县 | | 海游街道 沙柳街道 珠岙镇 亭旁镇 健跳镇 横渡镇
331023 天台县 | | 赤城街道 始丰街道 福溪街道 白鹤镇 平桥镇 坦头镇 街头镇
331024 仙居县 | | 安洲街道 南峰街道 福应街道 横溪镇 白塔镇 田市镇 官路镇
331081 温岭市 | | 太平街道 城东街道 城西街道 城北街道 横峰街道 泽国镇 大溪镇 松门镇 箬横镇 新河镇
331082 临海市 | | 古城街道 大洋街道 江南街道 大田街道 邵家渡街道 杜桥镇 东塍镇 汛桥镇 白水洋镇
331083 玉环市 | 331021:2017 | 玉城街道 坎门街道 大麦屿街道 楚门镇 清港镇 干江镇 沙门镇
331102 莲都区 | | 紫金街道 岩泉街道 万象街道 白云街道 联城街道 碧湖镇 大港头镇 老竹畲族镇
331121 青田县 | | 鹤城街道 瓯南街道 油竹街道 温溪镇 船寮镇 仁庄镇 东源镇
331122 缙云县 | | 五云街道 新碧街道 仙都街道 壶镇镇 新建镇 东渡镇 舒洪镇
331123 遂昌县 | | 妙高街道 云峰街道 北界镇 金竹镇 大柘镇 石练镇
331124 松阳县 | | 西屏街道 水南街道 望松街道 古市镇 玉岩镇 象溪镇
331125 云和县 | | 浮云街道 元和街道 白龙山街道 崇头镇 紧水滩镇
331126 庆元县 | | 松源街道 濛洲街道 屏都街道 黄田镇 竹口镇 百山祖镇
331127 景宁畲族自治县 | | 红星街道 鹤溪街道 渤海镇 东坑镇 英川镇 沙湾镇
331181 龙泉市 | | 龙渊街道 西街街道 剑池街道 八都镇 上垟镇 小梅镇 查田镇
"""

# Real prefixes of migrants' resident IDs from outside the province (code in force at first issue).
OUTSIDE_ID_PREFIXES: tuple[str, ...] = ("341221", "362329", "430521", "510922", "522121", "411524", "360681")

# Relative size of each city's market (share of firms): Hangzhou, Ningbo, Wenzhou lead.
_CITY_WEIGHT = {"3301": 22, "3302": 15, "3303": 14, "3304": 8, "3305": 5, "3306": 9, "3307": 11,
                "3308": 4, "3309": 2, "3310": 8, "3311": 3}


@dataclass(frozen=True, slots=True)
class District:
    """A county-level division with its city, towns and the former codes its older people carry."""

    code: str
    name: str
    city_code: str  # 6-digit city-level code, e.g. 330800
    city: str
    city_short: str
    area_code: str
    landline_digits: int
    towns: tuple[str, ...]
    former: tuple[tuple[str, int], ...]  # (old code, year it stopped being issued)
    weight: float

    @property
    def short(self) -> str:
        """Name without the 区/县/市 suffix, as used in document numbers (衢江, 江山)."""
        n = self.name
        if n.endswith("自治县"):
            return n[:2]
        return n[:-1] if len(n) > 2 else n


def town_short(town: str) -> str:
    """杜泽镇 -> 杜泽, 荷花街道 -> 荷花, as people say them."""
    for suffix in ("街道", "办事处", "片区", "镇", "乡"):
        if town.endswith(suffix) and len(town) > len(suffix) + 1:
            return town[: -len(suffix)]
    return town


def load_districts() -> list[District]:
    """Parse the table once; order is the table order, so generation is deterministic."""
    cities: dict[str, tuple[str, str, str, int]] = {}
    for line in _CITIES.strip().splitlines():
        prefix, name, short, area, n_digits = line.split()
        cities[prefix] = (name, short, area, int(n_digits))
    per_city: dict[str, int] = {}
    rows = []
    joined: list[str] = []
    for line in _DISTRICTS.strip().splitlines():
        if line.startswith("  "):  # continuation of a long town list
            joined[-1] += line.rstrip()[1:]
        else:
            joined.append(line)
    for line in joined:
        head, former_s, towns_s = (part.strip() for part in line.split("|"))
        code, name = head.split()
        per_city[code[:4]] = per_city.get(code[:4], 0) + 1
        former = tuple((c.split(":")[0], int(c.split(":")[1])) for c in former_s.split())
        rows.append((code, name, former, tuple(towns_s.split())))
    out = []
    for code, name, former, towns in rows:
        cname, cshort, area, digits = cities[code[:4]]
        weight = _CITY_WEIGHT[code[:4]] / per_city[code[:4]] * (0.6 + 0.1 * len(towns))
        out.append(District(code, name, code[:4] + "00", cname, cshort, area, digits, towns, former, weight))
    return out
