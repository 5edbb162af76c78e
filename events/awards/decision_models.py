"""The jury's decisions: one per programme and category, with its prizes (places, special prizes, recognitions,
places not awarded), who decided and when, which jurors were present and which stood back for conflicts.

The prize-money settings and the embargo (release, publication time) are columns of the programme itself
(awards.models.AwardProgramme); the rules that read them are in awards.rules.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.awards.models import AwardCategory, AwardProgramme, JuryMember, Nomination
from events.core.enums import LabelledEnum
from events.core.models import User
from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class PrizeMode(LabelledEnum):
    FIXED = "fixed", _l("Feste Beträge je Platz")  # e.g. 2,500 / 1,500 / 1,000 EUR
    BUDGET = "budget", _l("Budget, aufgeteilt unter den Platzierten")  # shares per place, e.g. 3 : 2 : 1


class TieBreakRule(LabelledEnum):
    MEDIAN_THEN_CHAIR = "median_chair", _l("Höherer Median, dann die Stimme des Vorsitzes")
    CHAIR = "chair", _l("Die Stimme des Vorsitzes")


class PrizeKind(LabelledEnum):
    PLACE = "place", _l("Platz")
    SPECIAL = "special", _l("Sonderpreis")
    RECOGNITION = "recognition", _l("Anerkennung")
    NOT_AWARDED = "not_awarded", _l("Nicht vergeben")


class AwardDecision(db.Model):
    """The jury's decision in one category of a programme (category None: a programme without categories)."""

    __tablename__ = "award_decisions"
    __table_args__ = (UniqueConstraint("programme_id", "category_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id", ondelete="SET NULL"))
    category_key: Mapped[int] = mapped_column(default=0)  # the category's id, 0 for none: unique per programme
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")  # kept as it was when decided
    decided_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    present: Mapped[list] = mapped_column(JSON, default=list)  # names of the jurors present
    # jurors who stood back for conflicts: [{"name": ..., "projects": [...]}]
    absent_for_conflicts: Mapped[list] = mapped_column(JSON, default=list)
    # where the programme's tie-break rule decided an order, in words: ["A before B: higher median (4.2 / 3.9)"]
    tie_breaks: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    programme: Mapped[AwardProgramme] = relationship()
    category: Mapped[AwardCategory | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
    prizes: Mapped[list[Prize]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Prize.position"
    )

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents or 0 for p in self.prizes)


class Prize(db.Model):
    """One line of a decision: a winner's place or prize with its money and laudation line, or a place not
    awarded (no nomination)."""

    __tablename__ = "award_prizes"
    __table_args__ = (UniqueConstraint("decision_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("award_decisions.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # a PrizeKind value
    place: Mapped[int | None] = mapped_column()  # places: 1, 2, 3 ...; shared places carry the same number
    amount_cents: Mapped[int | None] = mapped_column()  # None: no money (a recognition, a place not awarded)
    laudation: Mapped[str] = mapped_column(String(300), default="")  # the short reason, printed on the Urkunde
    position: Mapped[int] = mapped_column(default=0)

    decision: Mapped[AwardDecision] = relationship(back_populates="prizes")
    nomination: Mapped[Nomination | None] = relationship()

    @property
    def kind_enum(self) -> PrizeKind:
        return PrizeKind(self.kind)


class AwardCertificate(db.Model):
    """Which certificate an award issued to whom: a prize's Urkunde or a juror's thanks (never twice)."""

    __tablename__ = "award_certificates"
    __table_args__ = (UniqueConstraint("certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    prize_id: Mapped[int | None] = mapped_column(ForeignKey("award_prizes.id", ondelete="CASCADE"))
    jury_member_id: Mapped[int | None] = mapped_column(ForeignKey("award_jury_members.id", ondelete="SET NULL"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))

    jury_member: Mapped[JuryMember | None] = relationship()
