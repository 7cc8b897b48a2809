"""Enumerations stored as their (English, stable) values; labels for people live in the UI translations."""

from __future__ import annotations

from enum import StrEnum


class ServiceDomain(StrEnum):
    ELDERLY = "elderly"            # 为老服务
    CHILDREN = "children"          # 儿童青少年
    DISABILITY = "disability"      # 助残服务
    POVERTY = "poverty"            # 困难群体帮扶
    COMMUNITY = "community"        # 社区治理
    CULTURE = "culture"            # 文化体育
    ENVIRONMENT = "environment"    # 环境保护
    HEALTH = "health"              # 健康服务
    VOLUNTEER = "volunteer"        # 志愿服务
    OTHER = "other"                # 其他


class NeedSource(StrEnum):
    SURVEY = "survey"              # 问卷调查
    MEETING = "meeting"            # 居民议事会
    HOTLINE = "hotline"            # 热线
    GRID = "grid"                  # 网格员走访
    OTHER = "other"


class OrgType(StrEnum):
    SOCIAL_GROUP = "social_group"          # 社会团体
    SERVICE_AGENCY = "service_agency"      # 民办非企业单位 / 社会服务机构
    FOUNDATION = "foundation"              # 基金会
    COMMUNITY_ORG = "community_org"        # 社区社会组织
    OTHER = "other"


class InspectionResult(StrEnum):
    PASSED = "passed"              # 合格
    BASIC = "basic"                # 基本合格
    FAILED = "failed"              # 不合格
    NONE = "none"                  # 未参检 / 新成立


class Rating(StrEnum):
    NONE = "none"
    A1 = "1A"
    A2 = "2A"
    A3 = "3A"
    A4 = "4A"
    A5 = "5A"


class CompetitionMode(StrEnum):
    VENTURE = "venture"            # 公益创投
    BIDDING = "bidding"            # 公益招投标
    COMMISSION = "commission"      # 服务委托


class CompetitionStatus(StrEnum):
    PLANNING = "planning"          # 筹备
    OPEN = "open"                  # 申报中
    SCREENING = "screening"        # 资格审查
    REVIEW = "review"              # 评审中
    NOTICE = "notice"              # 公示
    SIGNING = "signing"            # 签约
    IMPLEMENTING = "implementing"  # 实施中
    CLOSED = "closed"              # 已结项


class RoundKind(StrEnum):
    WRITTEN = "written"            # 书面评审
    ROADSHOW = "roadshow"          # 路演答辩
    OTHER = "other"


class Aggregation(StrEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"  # 去掉一个最高分和一个最低分
    ZSCORE = "zscore"


class AdvanceRule(StrEnum):
    ALL = "all"
    TOP_N = "top_n"
    THRESHOLD = "threshold"


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"        # 已受理
    ELIGIBLE = "eligible"          # 审查通过
    INELIGIBLE = "ineligible"      # 审查未通过
    RETURNED = "returned"          # 退回修改
    IN_REVIEW = "in_review"        # 评审中
    RANKED = "ranked"              # 已排名
    AWARDED = "awarded"            # 获资助
    NOT_AWARDED = "not_awarded"    # 未获资助
    RESERVE = "reserve"            # 候补
    IMPLEMENTING = "implementing"  # 实施中
    COMPLETED = "completed"        # 已结项
    TERMINATED = "terminated"      # 已终止
    WITHDRAWN = "withdrawn"        # 已撤回


class BudgetCategory(StrEnum):
    PERSONNEL = "personnel"        # 人员费
    ACTIVITY = "activity"          # 活动费
    PUBLICITY = "publicity"        # 宣传费
    MANAGEMENT = "management"      # 管理费
    OTHER = "other"                # 其他


class ScreeningOutcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    RETURNED = "returned"


class SheetStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"        # locked once submitted
    REOPENED = "reopened"


class ConflictSource(StrEnum):
    DECLARED = "declared"
    AUTOMATIC = "automatic"        # the judge's affiliation is the applicant


class AwardLevel(StrEnum):
    FIRST = "first"                # 一等奖
    SECOND = "second"              # 二等奖
    THIRD = "third"                # 三等奖
    EXCELLENT = "excellent"        # 优秀奖
    NONE = "none"                  # funded without a level


class AwardStatus(StrEnum):
    PROPOSED = "proposed"
    RESERVE = "reserve"            # 候补
    COMMITTED = "committed"
    SIGNED = "signed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class GateKind(StrEnum):
    NONE = "none"
    AGREEMENT_SIGNED = "agreement_signed"
    MIDTERM_PASSED = "midterm_passed"
    FINAL_PASSED = "final_passed"
    DATE = "date"
    MANUAL = "manual"


class TrancheStatus(StrEnum):
    PLANNED = "planned"
    DUE = "due"
    APPROVED = "approved"
    PAID = "paid"
    WITHHELD = "withheld"
    CANCELLED = "cancelled"
    CLAWED_BACK = "clawed_back"


class EvaluationKind(StrEnum):
    MIDTERM = "midterm"            # 中期评估
    FINAL = "final"                # 终期评估


class EvaluationGrade(StrEnum):
    EXCELLENT = "excellent"        # 优秀
    GOOD = "good"                  # 良好
    PASS = "pass"                  # 合格
    FAIL = "fail"                  # 不合格


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    FINANCE = "finance"
    JUDGE = "judge"
    VIEWER = "viewer"


class DocumentType(StrEnum):
    INTAKE_RECEIPT = "intake_receipt"
    SCREENING_LIST = "screening_list"
    AWARD_CERTIFICATE = "award_certificate"
    PARTICIPATION_CERTIFICATE = "participation_certificate"
    APPOINTMENT_LETTER = "appointment_letter"
    GRANT_AGREEMENT = "grant_agreement"
    DISBURSEMENT_NOTICE = "disbursement_notice"
    PUBLIC_NOTICE = "public_notice"
    EVALUATION_REPORT = "evaluation_report"
    BID_REPORT = "bid_report"
    SCORE_SHEET = "score_sheet"
