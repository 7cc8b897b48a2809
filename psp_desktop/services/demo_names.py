"""Realistic Chinese people, places, organizations and credit codes for the demo and benchmark databases.

Every generator takes a `random.Random`, so the caller owns the seed and the output is reproducible. Place names
are invented (临江区 and its streets) so demo data never poses as a real office; region codes 510191-510195 are
unused in GB/T 2260. Generators return plain dicts of column values: the demo feeds them to ORM constructors, the
benchmark to Core executemany.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..codes import USCC_ALPHABET, is_valid_uscc, uscc_check_char
from ..models.enums import InspectionResult, OrgType, Rating, ServiceDomain

D = ServiceDomain

# --- places -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    name: str
    region_code: str  # GB/T 2260 style, characters 3-8 of a USCC


@dataclass(frozen=True)
class Street:
    name: str  # 望江街道
    abbr: str  # pinyin initials used in intake numbers: 2026-WJ-001


DISTRICTS = (
    District("临江区", "510191"),
    District("锦华区", "510192"),
    District("云溪区", "510193"),
    District("桂湖区", "510194"),
    District("凤鸣区", "510195"),
)
PROVINCE = District("四川省", "510000")  # foundations register with the province

STREETS = (
    Street("望江街道", "WJ"), Street("双桥街道", "SQ"), Street("玉带街道", "YD"), Street("新华街道", "XH"),
    Street("锦官街道", "JG"), Street("桂溪街道", "GX"), Street("柳荫街道", "LY"), Street("青莲街道", "QL"),
    Street("东湖街道", "DH"), Street("金沙街道", "JS"), Street("花园街道", "HY"), Street("红星街道", "HX"),
    Street("文庙街道", "WM"), Street("府河街道", "FH"), Street("龙泉街道", "LQ"), Street("清水街道", "QS"),
    Street("白鹭街道", "BL"), Street("梧桐街道", "WT"), Street("莲花街道", "LH"), Street("沙湾街道", "SW"),
)

COMMUNITY_WORDS = (
    "望江", "滨河", "锦苑", "桂花巷", "双楠", "新民", "柳荫", "东湖", "玉林", "金桥", "翠湖", "和平", "民主",
    "光华", "长春", "清源", "永兴", "太平", "红瓦", "兴隆", "紫荆", "芳草", "棕树", "石羊", "华兴", "盐市",
    "水井", "磨子桥", "新南", "九里堤", "荷花池", "白果林", "抚琴", "营门口", "沙河", "杉板桥", "府青",
    "建设", "猛追湾", "双林", "万年场", "跳蹬河", "圣灯", "保和", "龙舟", "倪家桥", "桐梓林", "簇桥",
    "金花", "机投", "晋阳", "火车南站", "芳华", "锦绣", "文星", "川大", "电子科大", "观音桥", "龙爪",
)

ROADS = (
    "滨河路", "锦绣路", "望江路", "桂花巷", "玉带路", "新民街", "双桥路", "柳荫街", "东湖路", "文庙街",
    "长青路", "永兴巷", "太平横街", "光华大道", "紫荆北路", "芳草街", "清源路", "金桥西路", "和平街", "民主路",
)

BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "中国邮政储蓄银行")

# --- people -------------------------------------------------------------------------------------------------

# Common surnames first: drawing with triangular weights makes 王/李/张 frequent and 覃/尹 rare, as in life.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢钟谭廖贾夏付方邹熊秦江尹薛雷侯龙段汤"
)
_SURNAME_WEIGHTS = tuple(len(SURNAMES) - i for i in range(len(SURNAMES)))
GIVEN_ONE = (
    "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁林欢阳"
    "芳娜敏静丽艳娟霞英玲兰红梅琳雪婷倩颖慧琴云莉萍燕丹蕾瑶欣悦晨雯"
)
GIVEN_TWO = (
    "晓燕", "建华", "志强", "秀英", "丽华", "海燕", "俊杰", "雨涵", "思远", "文静", "子轩", "梓涵", "欣怡",
    "浩然", "明轩", "佳怡", "晓明", "国强", "桂芳", "玉兰", "春梅", "红霞", "建军", "建平", "永红", "文华",
    "海波", "丽娟", "小红", "雪梅", "宏伟", "志刚", "晓东", "晓丽", "婷婷", "亚男", "金凤", "德明", "瑞琪",
    "梦瑶", "家豪", "一鸣", "雅婷", "国华", "淑珍", "学军", "秋菊", "天佑", "若曦", "明辉", "泽宇", "美玲",
)

# 13x/15x/18x prefixes of the three carriers
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189",
)


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    given = rng.choice(GIVEN_ONE) if rng.random() < 0.4 else rng.choice(GIVEN_TWO)
    return surname + given


class UniqueNames:
    """Person names that do not repeat within one database, so a demo never shows two different 王伟."""

    def __init__(self, rng: random.Random, reserved: tuple[str, ...] = ()) -> None:
        self._rng = rng
        self._taken = set(reserved)

    def __call__(self) -> str:
        while True:
            name = person_name(self._rng)
            if name not in self._taken:
                self._taken.add(name)
                return name


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def email(rng: random.Random) -> str:
    """Small offices mostly use QQ or 163 mail with a numeric account."""
    host = rng.choice(("qq.com", "qq.com", "163.com", "126.com"))
    return f"{rng.randrange(10**7, 10**10)}@{host}"


def address(rng: random.Random, district: str, street: str) -> str:
    floor = rng.choice(("", f"{rng.randint(1, 6)}栋", f"{rng.randint(1, 12)}单元"))
    return f"{district}{street}{rng.choice(ROADS)}{rng.randint(1, 288)}号{floor}{rng.randint(1, 5)}楼"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


# --- credit codes (GB 32100-2015 / GB 11714) -----------------------------------------------------------------

USCC_TYPE = {  # character 2 under department 5 (民政)
    OrgType.SOCIAL_GROUP: "1",
    OrgType.SERVICE_AGENCY: "2",
    OrgType.FOUNDATION: "3",
    OrgType.COMMUNITY_ORG: "9",
    OrgType.OTHER: "9",
}
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organization code body (letters count A=10 … Z=35)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_uscc(rng: random.Random, org_type: OrgType, region_code: str, registered_year: int) -> str:
    """A valid 统一社会信用代码; civil-affairs codes issued since 2016 carry the 'MJ' organization-code prefix."""
    body = ("MJ" + f"{rng.randrange(10**6):06d}") if registered_year >= 2016 else f"5{rng.randrange(10**7):07d}"
    first17 = "5" + USCC_TYPE[org_type] + region_code + body + _org_code_check(body)
    assert all(ch in USCC_ALPHABET for ch in first17)
    code = first17 + uscc_check_char(first17)
    assert is_valid_uscc(code), code
    return code


class UsccFactory:
    """Hands out valid USCCs that are unique within one database."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def __call__(self, org_type: OrgType, region_code: str, registered_year: int) -> str:
        while True:
            code = make_uscc(self._rng, org_type, region_code, registered_year)
            if code not in self._issued:
                self._issued.add(code)
                return code


# --- organizations --------------------------------------------------------------------------------------------

ALL_DOMAINS = (D.ELDERLY, D.CHILDREN, D.DISABILITY, D.POVERTY, D.COMMUNITY, D.CULTURE, D.HEALTH, D.VOLUNTEER)


@dataclass(frozen=True)
class OrgKind:
    """A kind of organization: how its name is built, where it registers, and the domains it serves."""

    org_type: OrgType
    suffix: str
    domains: tuple[ServiceDomain, ...]
    scope: str = "district"  # district: 临江区…; street: 临江区望江街道…; community: …滨河社区…; province

    def name(self, *, word: str, district: str, street: str = "", community: str = "") -> str:
        if self.scope == "province":
            return f"{PROVINCE.name}{word}{self.suffix}"
        if self.scope == "street":
            return f"{district}{street}{self.suffix}"
        if self.scope == "community":
            return f"{district}{street}{community}{self.suffix}"
        return f"{district}{word}{self.suffix}"


AGENCY_KINDS = (
    OrgKind(OrgType.SERVICE_AGENCY, "社会工作服务中心",
            (D.ELDERLY, D.CHILDREN, D.DISABILITY, D.COMMUNITY, D.HEALTH, D.POVERTY)),
    OrgKind(OrgType.SERVICE_AGENCY, "社会工作服务社", (D.ELDERLY, D.CHILDREN, D.COMMUNITY, D.POVERTY)),
    OrgKind(OrgType.SERVICE_AGENCY, "社区发展中心", (D.COMMUNITY, D.CULTURE, D.ENVIRONMENT, D.VOLUNTEER)),
    OrgKind(OrgType.SERVICE_AGENCY, "养老服务中心", (D.ELDERLY, D.HEALTH)),
    OrgKind(OrgType.SERVICE_AGENCY, "康复服务中心", (D.DISABILITY, D.HEALTH)),
    OrgKind(OrgType.SERVICE_AGENCY, "青少年发展服务中心", (D.CHILDREN,)),
    OrgKind(OrgType.SERVICE_AGENCY, "家庭综合服务中心", (D.CHILDREN, D.ELDERLY, D.POVERTY)),
    OrgKind(OrgType.SERVICE_AGENCY, "心理健康服务中心", (D.HEALTH, D.CHILDREN)),
    OrgKind(OrgType.SERVICE_AGENCY, "文化艺术交流中心", (D.CULTURE,)),
    OrgKind(OrgType.SERVICE_AGENCY, "环保公益服务中心", (D.ENVIRONMENT, D.VOLUNTEER)),
    OrgKind(OrgType.SERVICE_AGENCY, "社区营造服务中心", (D.COMMUNITY, D.CULTURE)),
    OrgKind(OrgType.SERVICE_AGENCY, "助残服务中心", (D.DISABILITY,)),
)

GROUP_KINDS = (
    OrgKind(OrgType.SOCIAL_GROUP, "社会工作协会", ALL_DOMAINS),
    OrgKind(OrgType.SOCIAL_GROUP, "志愿服务联合会", (D.VOLUNTEER, D.COMMUNITY)),
    OrgKind(OrgType.SOCIAL_GROUP, "老年体育协会", (D.ELDERLY, D.CULTURE)),
    OrgKind(OrgType.SOCIAL_GROUP, "残疾人康复协会", (D.DISABILITY,)),
    OrgKind(OrgType.SOCIAL_GROUP, "家庭教育促进会", (D.CHILDREN,)),
    OrgKind(OrgType.SOCIAL_GROUP, "心理卫生协会", (D.HEALTH,)),
    OrgKind(OrgType.SOCIAL_GROUP, "民间文艺家协会", (D.CULTURE,)),
    OrgKind(OrgType.SOCIAL_GROUP, "慈善会", (D.POVERTY, D.ELDERLY)),
)

STREET_GROUP_KINDS = (
    OrgKind(OrgType.SOCIAL_GROUP, "邻里互助协会", (D.COMMUNITY, D.VOLUNTEER), "street"),
    OrgKind(OrgType.SOCIAL_GROUP, "老年协会", (D.ELDERLY, D.CULTURE), "street"),
    OrgKind(OrgType.SOCIAL_GROUP, "社区社会组织联合会", (D.COMMUNITY,), "street"),
    OrgKind(OrgType.SOCIAL_GROUP, "文化体育协会", (D.CULTURE,), "street"),
)

COMMUNITY_KINDS = (
    OrgKind(OrgType.COMMUNITY_ORG, "邻里互助会", (D.COMMUNITY, D.VOLUNTEER), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "银龄志愿服务队", (D.ELDERLY, D.VOLUNTEER), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "文体协会", (D.CULTURE,), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "环保志愿者协会", (D.ENVIRONMENT,), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "家长互助会", (D.CHILDREN,), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "居民调解志愿者协会", (D.COMMUNITY,), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "健康自我管理协会", (D.HEALTH, D.ELDERLY), "community"),
    OrgKind(OrgType.COMMUNITY_ORG, "助残志愿服务队", (D.DISABILITY, D.VOLUNTEER), "community"),
)

FOUNDATION_KIND = OrgKind(OrgType.FOUNDATION, "公益基金会", ALL_DOMAINS, "province")

ORG_WORDS = (
    "阳光", "同心", "乐邻", "益行", "善工", "恒爱", "启明", "博爱", "和美", "知行", "向日葵", "蒲公英", "暖阳",
    "春晖", "睦邻", "众益", "安康", "惠民", "微光", "绿萌", "乐龄", "长青", "童心", "悦享", "携手", "聚力",
    "仁爱", "明德", "百川", "锦程", "信义", "朝阳", "心桥", "沐光", "行远", "弘毅", "正心", "守望", "馨语",
    "同行", "慧谷", "新起点", "爱有家", "益路", "心语", "善邻", "小蜜蜂", "萤火", "青禾", "山海",
    "树人", "德润", "乐享", "和睦", "致远", "汇善", "民安", "康乐", "优才", "大爱", "共享", "馨家园", "润泽",
    "晨曦", "星火", "春雨", "暖流", "致和", "合力", "益心", "青松", "兰馨", "清源", "善水", "友邻", "方圆",
)

TYPE_LABELS = {
    OrgType.SOCIAL_GROUP: "社会团体",
    OrgType.SERVICE_AGENCY: "社会服务机构（民办非企业单位）",
    OrgType.FOUNDATION: "非公募基金会",
    OrgType.COMMUNITY_ORG: "社区社会组织",
    OrgType.OTHER: "社会组织",
}

DOMAIN_LABELS = {
    D.ELDERLY: "为老服务", D.CHILDREN: "儿童青少年", D.DISABILITY: "助残服务", D.POVERTY: "困难群体帮扶",
    D.COMMUNITY: "社区治理", D.CULTURE: "文化体育", D.ENVIRONMENT: "环境保护", D.HEALTH: "健康服务",
    D.VOLUNTEER: "志愿服务", D.OTHER: "其他",
}

_MOTTOS = ("助人自助", "扎根社区、服务居民", "专业、责任、温暖", "让每个人都被看见", "邻里守望、共建家园",
           "以专业回应需求", "汇聚善意、成就美好社区", "陪伴成长、点亮希望")


def authority(scope: str, district: str) -> str:
    return "四川省民政厅" if scope == "province" else f"{district}民政局"


def inspection_and_rating(rng: random.Random, registered_on: dt.date,
                          org_type: OrgType) -> tuple[InspectionResult, int | None, Rating]:
    """New organizations have no inspection yet; most older ones pass; ratings come only after a few years
    and rarely to community organizations."""
    if registered_on.year >= 2025:
        return InspectionResult.NONE, None, Rating.NONE
    result = rng.choices((InspectionResult.PASSED, InspectionResult.BASIC, InspectionResult.FAILED),
                         weights=(90, 8, 2))[0]
    rated_share = 0.15 if org_type == OrgType.COMMUNITY_ORG else 0.6
    if 2025 - registered_on.year < 4 or result != InspectionResult.PASSED or rng.random() > rated_share:
        return result, 2025, Rating.NONE
    return result, 2025, rng.choices((Rating.A2, Rating.A3, Rating.A4, Rating.A5), weights=(15, 45, 30, 10))[0]


def intro(rng: random.Random, name: str, kind: OrgKind, registered_on: dt.date, district: str,
          staff: int, social_workers: int) -> str:
    fields = "、".join(DOMAIN_LABELS[d] for d in kind.domains[:4])
    years = max(1, 2026 - registered_on.year)
    certified = f"，其中持证社会工作者{social_workers}人" if social_workers else ""
    record = (f"先后承接政府购买服务和公益创投项目{rng.randint(1, 2 * years + 1)}个，"
              f"与{rng.randint(2, 3 * years + 2)}个社区建立了合作关系") if years > 1 else "目前正在开展首批社区服务项目"
    return (
        f"{name}成立于{registered_on.year}年{registered_on.month}月，是经{authority(kind.scope, district)}"
        f"登记的{TYPE_LABELS[kind.org_type]}，现有专职人员{staff}人{certified}。"
        f"机构秉持“{rng.choice(_MOTTOS)}”的理念，主要在{fields}等领域开展专业服务，{record}。"
    )


def org_fields(rng: random.Random, *, kind: OrgKind, name: str, district: District, street: str,
               registered_on: dt.date, uscc: str, staff: int, social_workers: int,
               person: Callable[[], str] | None = None) -> dict[str, Any]:
    """Column values of one organization (without id, past projects and timestamps)."""
    person = person or (lambda: person_name(rng))
    inspection, year, rating = inspection_and_rating(rng, registered_on, kind.org_type)
    legal_rep = person()
    contact = legal_rep if rng.random() < 0.25 else person()
    return {
        "name": name,
        "uscc": uscc,
        "registration_authority": authority(kind.scope, district.name),
        "org_type": kind.org_type,
        "registered_on": registered_on,
        "legal_representative": legal_rep,
        "contact_name": contact,
        "contact_phone": mobile(rng),
        "email": email(rng),
        "address": address(rng, district.name, street),
        "inspection_result": inspection,
        "inspection_year": year,
        "rating": rating,
        "has_bank_account": True,
        "bank_name": f"{rng.choice(BANKS)}{district.name.removesuffix('区')}支行",
        "bank_account": "".join(str(rng.randrange(10)) for _ in range(19)),
        "intro": intro(rng, name, kind, registered_on, district.name, staff, social_workers),
    }


# --- staff ----------------------------------------------------------------------------------------------------

_SOCIAL_WORK = ("高级社会工作师", "中级社会工作师", "中级社会工作师", "助理社会工作师", "助理社会工作师")
_OTHER_ROLES = (  # role, qualifications that fit it
    ("项目助理", ("社会工作专业本科", "公共管理硕士", "心理咨询师（三级）", "健康管理师")),
    ("财务", ("初级会计师", "中级会计师")),
    ("志愿者协调员", ("社会工作专业本科", "小学教师资格证", "养老护理员（高级）")),
)


def staff_rows(rng: random.Random, count: int, social_workers: int,
               person: Callable[[], str] | None = None) -> list[dict[str, Any]]:
    """The head comes first; certified social workers run and supervise projects, others assist."""
    person = person or (lambda: person_name(rng))
    others = rng.sample(_OTHER_ROLES, len(_OTHER_ROLES))  # one finance officer, not three
    rows = []
    for i in range(count):
        if i < social_workers:
            qualification = rng.choice(_SOCIAL_WORK)
            supervisor = i > 0 and not qualification.startswith("助理")
            role = "项目主管" if i == 0 else "督导" if supervisor and rng.random() < 0.4 else "项目社工"
        elif i == 0:
            role, qualification = "项目主管", rng.choice(("社会工作专业本科", "公共管理硕士"))
        else:
            role, choices = others[(i - max(1, social_workers)) % len(others)]
            qualification = rng.choice(choices)
        rows.append({"name": person(), "role": role, "qualification": qualification,
                     "social_work_certificate": i < social_workers})
    return rows


# --- judges ---------------------------------------------------------------------------------------------------

JUDGE_PROFILES = (  # affiliation, title, expertise
    ("四川大学公共管理学院", "教授", "社会政策、政府购买公共服务评估"),
    ("西南财经大学社会发展研究院", "副教授", "社会工作实务、项目设计与成效评估"),
    ("成都理工大学文法学院", "副教授", "社区治理、社会组织发展"),
    ("{district}民政局", "社会组织管理科科长", "社会组织登记管理与年检"),
    ("{district}财政局", "高级会计师", "财政资金绩效评价、项目预算审核"),
    ("{district}社会工作协会", "高级社会工作师", "社会工作督导、项目管理"),
    ("{district}人民医院", "主任医师", "社区健康管理、慢性病防控"),
    ("{district}残疾人联合会", "康复部部长", "残疾人康复与就业服务"),
    ("四川锦安律师事务所", "律师、合伙人", "非营利组织法律合规、合同管理"),
    ("四川新航社会组织评估中心", "评估师", "社会组织等级评估、项目第三方评估"),
)

PUBLIC_JUROR_PROFILES = (
    ("{community}居民代表", "居民代表", "楼栋长，长期参与社区议事"),
    ("{district}人大代表", "人大代表", "社区公共事务"),
    ("{district}融媒体中心", "记者", "民生新闻报道"),
    ("四川锦程物业服务有限公司", "爱心企业代表", "物业管理、企业社会责任"),
    ("{community}党委", "社区党委书记", "社区治理与居民服务"),
)
