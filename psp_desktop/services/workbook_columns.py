"""What the Excel/WPS workbooks hold: sheets, columns (Chinese headers, value kinds, widths, notes) and the one
mapping between stored enum values and the Chinese labels people type or pick from the drop-down lists.

The same column lists drive the import templates, the import itself and the exports, so an exported register is
a valid import file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..enums import (
    BudgetCategory,
    CompetitionMode,
    CompetitionStatus,
    InspectionResult,
    NeedSource,
    OrgType,
    ProposalStatus,
    Rating,
    ServiceDomain,
)
from ..models import BudgetLine, CommunityNeed, Organization, Proposal
from ..models.base import Base


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # codes, phones, account numbers: stored as text so Excel keeps every digit
    DATE = "date"
    MONTH = "month"
    MONEY = "money"  # fen in the program, yuan in the workbook
    INT = "int"
    BOOL = "bool"  # 是 / 否
    ENUM = "enum"  # a Chinese label from LABELS


# Chinese labels per enum class (keyed by class: StrEnum members of different enums compare equal as strings).
LABELS: dict[type[StrEnum], dict[StrEnum, str]] = {
    OrgType: {
        OrgType.SOCIAL_GROUP: "社会团体", OrgType.SERVICE_AGENCY: "社会服务机构", OrgType.FOUNDATION: "基金会",
        OrgType.COMMUNITY_ORG: "社区社会组织", OrgType.OTHER: "其他",
    },
    InspectionResult: {
        InspectionResult.PASSED: "合格", InspectionResult.BASIC: "基本合格", InspectionResult.FAILED: "不合格",
        InspectionResult.NONE: "未参检",
    },
    Rating: {Rating.NONE: "未评估", **{r: r.value for r in Rating if r is not Rating.NONE}},
    ServiceDomain: {
        ServiceDomain.ELDERLY: "为老服务", ServiceDomain.CHILDREN: "儿童青少年", ServiceDomain.DISABILITY: "助残服务",
        ServiceDomain.POVERTY: "困难群体帮扶", ServiceDomain.COMMUNITY: "社区治理", ServiceDomain.CULTURE: "文化体育",
        ServiceDomain.ENVIRONMENT: "环境保护", ServiceDomain.HEALTH: "健康服务", ServiceDomain.VOLUNTEER: "志愿服务",
        ServiceDomain.OTHER: "其他",
    },
    BudgetCategory: {
        BudgetCategory.PERSONNEL: "人员费", BudgetCategory.ACTIVITY: "活动费", BudgetCategory.PUBLICITY: "宣传费",
        BudgetCategory.MANAGEMENT: "管理费", BudgetCategory.OTHER: "其他",
    },
    NeedSource: {
        NeedSource.SURVEY: "问卷调查", NeedSource.MEETING: "居民议事会", NeedSource.HOTLINE: "热线",
        NeedSource.GRID: "网格员走访", NeedSource.OTHER: "其他",
    },
    CompetitionMode: {
        CompetitionMode.VENTURE: "公益创投", CompetitionMode.BIDDING: "公益招投标",
        CompetitionMode.COMMISSION: "服务委托",
    },
    CompetitionStatus: {
        CompetitionStatus.PLANNING: "筹备", CompetitionStatus.OPEN: "申报中", CompetitionStatus.SCREENING: "资格审查",
        CompetitionStatus.REVIEW: "评审中", CompetitionStatus.NOTICE: "公示", CompetitionStatus.SIGNING: "签约",
        CompetitionStatus.IMPLEMENTING: "实施中", CompetitionStatus.CLOSED: "已结项",
    },
    ProposalStatus: {
        ProposalStatus.DRAFT: "草稿", ProposalStatus.SUBMITTED: "已受理", ProposalStatus.ELIGIBLE: "审查通过",
        ProposalStatus.INELIGIBLE: "审查未通过", ProposalStatus.RETURNED: "退回修改",
        ProposalStatus.IN_REVIEW: "评审中", ProposalStatus.RANKED: "已排名", ProposalStatus.AWARDED: "获资助",
        ProposalStatus.NOT_AWARDED: "未获资助", ProposalStatus.RESERVE: "候补",
        ProposalStatus.IMPLEMENTING: "实施中", ProposalStatus.COMPLETED: "已结项",
        ProposalStatus.TERMINATED: "已终止", ProposalStatus.WITHDRAWN: "已撤回",
    },
}
# Other spellings people use on paper forms, accepted on import only.
ALIASES: dict[type[StrEnum], dict[str, StrEnum]] = {
    OrgType: {"民办非企业单位": OrgType.SERVICE_AGENCY, "民非": OrgType.SERVICE_AGENCY},
    InspectionResult: {"新成立": InspectionResult.NONE, "未年检": InspectionResult.NONE},
    Rating: {"无": Rating.NONE, **{"A" * int(r.value[0]): r for r in Rating if r is not Rating.NONE}},
    NeedSource: {  # as the app shows them
        "热线反映": NeedSource.HOTLINE, "12345热线": NeedSource.HOTLINE, "其他来源": NeedSource.OTHER},
}
YES, NO = "是", "否"


def label(value: StrEnum) -> str:
    return LABELS[type(value)][value]


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    kind: Kind = Kind.TEXT
    width: int = 14
    required: bool = False  # the header must be on the sheet, else the file is refused
    enum: type[StrEnum] | None = None
    limit: int | None = None  # characters the database column holds
    note: str = ""  # for the 填写说明 sheet


def _limit(model: type[Base], field: str) -> int | None:
    column = model.__table__.c.get(field)  # type: ignore[attr-defined]
    return getattr(column.type, "length", None) if column is not None else None


def col(header: str, field: str, kind: Kind = Kind.TEXT, width: int = 14, *, model: type[Base] | None = None,
        required: bool = False, enum: type[StrEnum] | None = None, note: str = "") -> Column:
    """A column whose length limit comes from the model's column, so the database never refuses a value."""
    limit = _limit(model, field) if model and kind in (Kind.TEXT, Kind.CODE) else None
    return Column(header, field, kind, width, required, enum, limit, note)


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def header_of(self, field: str) -> str:
        return next((c.header for c in self.columns if c.field == field), "")


ORG = Organization
ORGANIZATIONS = SheetSpec("机构信息", (
    col("机构名称", "name", width=30, model=ORG, required=True, note="必填，与登记证书上的名称一致"),
    col("统一社会信用代码", "uscc", Kind.CODE, 22, model=ORG, required=True,
        note="18位，按文本填写（本列已设为文本格式）；旧版证书没有时留空并填写登记证号；同一代码只能登记一次"),
    col("登记证号", "registration_number", Kind.CODE, 16, model=ORG, note="没有统一社会信用代码的旧证书填写"),
    col("登记机关", "registration_authority", width=18, model=ORG),
    col("组织类型", "org_type", Kind.ENUM, 14, required=True, enum=OrgType, note="从下拉列表选择；留空按社会服务机构"),
    col("成立日期", "registered_on", Kind.DATE, 12, note="如 2020-05-18"),
    col("法定代表人", "legal_representative", width=11, model=ORG),
    col("联系人", "contact_name", width=10, model=ORG),
    col("联系电话", "contact_phone", Kind.CODE, 15, model=ORG, note="11位手机号，或区号-号码"),
    col("电子邮箱", "email", width=22, model=ORG),
    col("地址", "address", width=32, model=ORG),
    col("年检结论", "inspection_result", Kind.ENUM, 10, enum=InspectionResult, note="留空按未参检"),
    col("年检年度", "inspection_year", Kind.INT, 10, note="如 2025"),
    col("评估等级", "rating", Kind.ENUM, 10, enum=Rating, note="留空按未评估"),
    col("是否有银行账户", "has_bank_account", Kind.BOOL, 12, note="是 或 否；留空按是"),
    col("开户银行", "bank_name", width=22, model=ORG),
    col("银行账号", "bank_account", Kind.CODE, 24, model=ORG, note="按文本填写，避免长数字被改写"),
    col("活动异常名录截止日期", "abnormal_list_until", Kind.DATE, 14, note="未列入则留空"),
    col("严重违法失信名单截止日期", "violation_list_until", Kind.DATE, 14, note="未列入则留空"),
    col("简介", "intro", width=40, model=ORG, note="不超过500字"),
    col("以往项目", "past_projects", width=40, model=ORG),
), note="每行一家社会组织。")

SEQ = "seq"  # links a budget line to its proposal; not stored
PROPOSALS = SheetSpec("申报项目", (
    col("序号", SEQ, Kind.CODE, 8, required=True,
        note="必填，每个项目一个不重复的编号（如 1、2、3），预算明细按它对应项目"),
    col("统一社会信用代码", "uscc", Kind.CODE, 22, required=True,
        note="申报机构的代码：须已登记，或填在本工作簿的“机构信息”表中"),
    col("项目名称", "title", width=30, model=Proposal, required=True),
    col("服务领域", "domain", Kind.ENUM, 14, enum=ServiceDomain, note="从下拉列表选择；留空按其他"),
    col("服务对象", "target_group", width=20, model=Proposal),
    col("服务地点", "location", width=20, model=Proposal, note="街道 / 社区"),
    col("直接受益人数", "direct_beneficiaries", Kind.INT, 12),
    col("间接受益人数", "indirect_beneficiaries", Kind.INT, 12),
    col("开始月份", "start_month", Kind.MONTH, 10, note="如 2026-05"),
    col("结束月份", "end_month", Kind.MONTH, 10, note="如 2026-12，不早于开始月份"),
    col("项目简介", "summary", width=40),
    col("需求分析", "need_analysis", width=40),
    col("项目目标", "objectives", width=40),
    col("活动计划", "activity_plan", width=40),
    col("申请金额（元）", "requested_fen", Kind.MONEY, 14, required=True, note="数字，最多两位小数"),
    col("配套资金（元）", "matching_fen", Kind.MONEY, 14,
        note="数字，最多两位小数；正式受理时申请金额＋配套资金须等于预算合计"),
), note="每行一个申报项目。")

BUDGET = SheetSpec("预算明细", (
    col("项目序号", SEQ, Kind.CODE, 10, required=True, note="必填，填写“申报项目”表中该项目的序号"),
    col("项目名称", "title", width=30, note="可选，便于核对；填写时须与该序号的项目名称一致"),
    col("类别", "category", Kind.ENUM, 10, required=True, enum=BudgetCategory, note="从下拉列表选择"),
    col("明细", "item", width=30, model=BudgetLine, required=True),
    col("单价（元）", "unit_price_fen", Kind.MONEY, 12),
    col("数量", "quantity", Kind.INT, 8, note="留空按1"),
    col("金额（元）", "amount_fen", Kind.MONEY, 14, note="留空按单价×数量计算"),
    col("备注", "note", width=30, model=BudgetLine),
), note="每行一条预算，按项目序号对应到申报项目；一个项目可有多行。")

NEEDS = SheetSpec("社区需求", (  # services.needs_workbook; the needs export uses it too, so an export imports again
    col("社区", "community", width=14, required=True, note="必填，须是系统中已登记的社区名称"),
    col("服务领域", "domain", Kind.ENUM, 14, required=True, enum=ServiceDomain, note="必填，从下拉列表选择"),
    col("需求标题", "title", width=30, model=CommunityNeed, required=True, note="必填，一句话概括需求"),
    col("需求描述", "description", width=48, note="需求的具体情况、涉及人群和依据"),
    col("来源", "source", Kind.ENUM, 12, enum=NeedSource, note="从下拉列表选择；留空按其他"),
    col("受益人数", "people_affected", Kind.INT, 10, note="需求涉及的人数，整数；留空按0"),
    col("优先级", "priority", Kind.INT, 8, note="1（最高）至5（最低）的整数；留空按3"),
    col("收集日期", "collected_on", Kind.DATE, 12, required=True, note="必填，如 2026-03-15，不能晚于今天"),
    col("街道", "street", width=14, note="可选；系统中有同名社区时填写所属街道"),
), note="每行一条社区需求。")

NOTES_SHEET = "填写说明"
ERRORS_HEADER = "错误说明"
