"""Communities, the needs collected in them, and the social organizations that apply."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, non_negative, pk
from .enums import InspectionResult, NeedSource, OrgType, Rating, ServiceDomain


class Community(Base):
    """A residents' community (社区) inside a street (街道) of a district (区)."""

    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("district", "street", "name"),)

    id: Mapped[int] = pk()
    district: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))

    needs: Mapped[list[CommunityNeed]] = relationship(back_populates="community")


class CommunityNeed(Versioned, Base):
    """A need collected in a community (需求调研) that themes and proposals answer."""

    __tablename__ = "community_need"
    __table_args__ = (
        *non_negative("people_affected"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
    )

    id: Mapped[int] = pk()
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    domain: Mapped[ServiceDomain] = enum_column(ServiceDomain)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[NeedSource] = enum_column(NeedSource)
    people_affected: Mapped[int] = mapped_column(default=0)
    priority: Mapped[int] = mapped_column(default=3)  # 1 highest … 5 lowest
    collected_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = created_at()

    community: Mapped[Community] = relationship(back_populates="needs")


class Organization(Versioned, Base):
    """A social organization (社会组织). One row per USCC."""

    __tablename__ = "organization"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(100), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    registration_number: Mapped[str | None] = mapped_column(String(40))  # 登记证号 on older forms
    registration_authority: Mapped[str] = mapped_column(String(60), default="")  # 登记机关
    org_type: Mapped[OrgType] = enum_column(OrgType)
    registered_on: Mapped[dt.date | None]  # 成立时间
    legal_representative: Mapped[str] = mapped_column(String(40), default="")
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    inspection_result: Mapped[InspectionResult] = enum_column(InspectionResult, default=InspectionResult.NONE)
    inspection_year: Mapped[int | None]
    rating: Mapped[Rating] = enum_column(Rating, default=Rating.NONE)  # 评估等级
    has_bank_account: Mapped[bool] = mapped_column(default=True)
    bank_name: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 开户银行
    bank_account: Mapped[str] = mapped_column(String(40), default="", server_default="")  # 银行账号
    abnormal_list_until: Mapped[dt.date | None]  # 活动异常名录
    violation_list_until: Mapped[dt.date | None]  # 严重违法失信名单
    intro: Mapped[str] = mapped_column(Text, default="")  # 简介 ≤ 500 字
    past_projects: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = created_at()

    staff: Mapped[list[OrganizationStaff]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="OrganizationStaff.id"
    )


class OrganizationStaff(Base):
    """A team member named on applications (qualifications, 社工证)."""

    __tablename__ = "organization_staff"

    id: Mapped[int] = pk()
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40), default="")
    qualification: Mapped[str] = mapped_column(String(100), default="")
    social_work_certificate: Mapped[bool] = mapped_column(default=False)

    organization: Mapped[Organization] = relationship(back_populates="staff")


class OrganizationBar(Base):
    """A bar on future applications, e.g. after a failed evaluation (禁入)."""

    __tablename__ = "organization_bar"
    __table_args__ = (CheckConstraint("until_date >= from_date", name="period_order"),)

    id: Mapped[int] = pk()
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    from_date: Mapped[dt.date]
    until_date: Mapped[dt.date]
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation.id"))
    created_at: Mapped[dt.datetime] = created_at()
