"""Award programmes: the call, its categories and rubric, nominations, the jury, conflicts, rounds and scores.

Decisions, the ceremony and certificates (the second half of the workflow) attach to these rows later: a decision
points at a nomination and a category, the ceremony is an Event of kind "ceremony".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.awards.enums import (  # noqa: F401 - re-exported: the workflow's states live with its models
    CLOSED_STATES,
    CONFLICTED_STATES,
    EDITABLE_STATES,
    TO_SCREEN_STATES,
    WITHDRAWABLE_STATES,
    ConflictState,
    ConflictType,
    DocumentKind,
    LabelledEnum,
    NominationRoute,
    NominationState,
    NomineeKind,
    ProgrammeScope,
    ProgrammeStatus,
    RoundKind,
    RoundState,
)
from events.core.models import District, Region, User
from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class AwardProgramme(db.Model):
    """One edition of an award: the call (motto, conditions, deadline), its rubric, its jury and its rounds."""

    __tablename__ = "award_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    edition: Mapped[int] = mapped_column()  # the year
    motto: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered sanitised
    scope: Mapped[str] = mapped_column(String(10), default=ProgrammeScope.STATE)
    state: Mapped[str] = mapped_column(String(40), default="Bayern")  # the Bundesland of a state prize
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # the Regierungsbezirk of a regional one
    deadline: Mapped[datetime] = mapped_column(AwareDateTime)
    budget_cents: Mapped[int | None] = mapped_column()  # the prize money, in cents
    # eligibility rules the service checks itself: projects active at least this many months, this many attachments
    min_active_months: Mapped[int] = mapped_column(default=0)
    required_attachments: Mapped[int] = mapped_column(default=0)
    # the call's own questions: [{"label": "...", "required": true}]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    conditions: Mapped[str] = mapped_column(Text, default="")  # further conditions, shown on the call
    contact_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default=ProgrammeStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    refusals_released_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("award_programmes.id", ondelete="SET NULL"))
    # prize money and the tie-break (see awards.decision_models and awards.prizes)
    prize_mode: Mapped[str] = mapped_column(String(10), default="fixed")  # a PrizeMode value
    place_amounts: Mapped[list] = mapped_column(JSON, default=list)  # cents per place (fixed) or shares (budget)
    tie_break_text: Mapped[str] = mapped_column(Text, default="")  # the rule as the call states it
    tie_break_rule: Mapped[str] = mapped_column(String(20), default="median_chair")  # a TieBreakRule value
    # the embargo: decisions stay with the jury and organisers until released; the winners page appears later
    decision_released_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decision_released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    winners_public_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    record_key: Mapped[str | None] = mapped_column(String(80))  # the decision record PDF in the file store
    record_rendered_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    record_error: Mapped[str | None] = mapped_column(String(300))
    # the decisions the record was made from (awards.record.decisions_fingerprint): another one now, it is outdated
    record_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    categories: Mapped[list[AwardCategory]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="AwardCategory.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Round.position"
    )
    jury: Mapped[list[JuryMember]] = relationship(back_populates="programme", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> ProgrammeStatus:
        return ProgrammeStatus(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == ProgrammeStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED

    @property
    def area(self) -> str:
        return self.region.name if self.scope == ProgrammeScope.REGION and self.region else self.state

    def round_of(self, kind: str) -> Round | None:
        return next((r for r in self.rounds if r.kind == kind), None)

    def __str__(self) -> str:
        return f"{self.name} {self.edition}"


class AwardCategory(db.Model):
    __tablename__ = "award_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[AwardProgramme] = relationship(back_populates="categories")

    def __str__(self) -> str:
        return self.name


class Criterion(db.Model):
    """One line of the rubric: a weight and a scale with a descriptor per level; a yes/no criterion does not count
    towards the total (e.g. "the project involves migrants themselves")."""

    __tablename__ = "award_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    descriptors: Mapped[list] = mapped_column(JSON, default=list)  # one text per level, lowest first
    counts: Mapped[bool] = mapped_column(default=True)  # False: a yes/no criterion, kept out of the total
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[AwardProgramme] = relationship(back_populates="criteria")

    @property
    def levels(self) -> list[tuple[int, str]]:
        values = range(self.scale_min, self.scale_max + 1)
        return [
            (v, (self.descriptors or [])[i] if i < len(self.descriptors or []) else "") for i, v in enumerate(values)
        ]

    def __str__(self) -> str:
        return self.name


class Round(db.Model):
    """A phase of the jury's work that opens and closes what jurors may see and do."""

    __tablename__ = "award_rounds"
    __table_args__ = (UniqueConstraint("programme_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # a RoundKind value
    position: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default=RoundState.PLANNED)
    opened_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    frozen_results: Mapped[dict | None] = mapped_column(JSON)  # the figures as they stood when the round closed

    programme: Mapped[AwardProgramme] = relationship(back_populates="rounds")

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def kind_label(self) -> str:
        return RoundKind(self.kind).label

    @property
    def state_label(self) -> str:
        return RoundState(self.state).label

    @property
    def next_action(self) -> str | None:
        """What an organiser may do with the round now: "open" a planned one, "close" an open one."""
        return {RoundState.PLANNED: "open", RoundState.OPEN: "close"}.get(RoundState(self.state))


class Nomination(db.Model):
    __tablename__ = "award_nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id", ondelete="SET NULL"))
    route: Mapped[str] = mapped_column(String(12))  # a NominationRoute value
    state: Mapped[str] = mapped_column(String(20), default=NominationState.DRAFT, index=True)
    nominee_kind: Mapped[str] = mapped_column(String(12), default=NomineeKind.ORGANISATION)
    project_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active_since: Mapped[date | None] = mapped_column(Date)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    # the nominee's contact: the applicant of a self-application, the proposed person or project otherwise
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")  # of the nominee's mails and pages
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # the call's own questions, by their position
    # a third party's proposal: who proposed
    proposer_name: Mapped[str | None] = mapped_column(String(200))
    proposer_email: Mapped[str | None] = mapped_column(String(254))
    proposer_organisation: Mapped[str | None] = mapped_column(String(200))
    proposer_language: Mapped[str | None] = mapped_column(String(5))
    # the nominee's consent to take part and to the processing of the data, with the wording they agreed to
    consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    consent_text: Mapped[str | None] = mapped_column(Text)
    # personal links: random nonces (the token is an HMAC over them with the secret key, see awards.links); the
    # database keeps only the tokens' hashes, so a copy of it opens no link
    link_nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    proposer_link_nonce: Mapped[str | None] = mapped_column(String(32))
    proposer_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    screened_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    screening_reason: Mapped[str] = mapped_column(Text, default="")  # told to the applicant when not admitted
    refusal_sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    site_visit_at: Mapped[date | None] = mapped_column(Date)
    site_visit_note: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("award_nominations.id", ondelete="SET NULL"))
    shortlisted: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[AwardProgramme] = relationship()
    category: Mapped[AwardCategory | None] = relationship()
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    documents: Mapped[list[NominationDocument]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="NominationDocument.id"
    )
    requests: Mapped[list[DocumentRequest]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="DocumentRequest.id"
    )

    @property
    def state_enum(self) -> NominationState:
        return NominationState(self.state)

    @property
    def route_enum(self) -> NominationRoute:
        return NominationRoute(self.route)

    def __str__(self) -> str:
        return self.project_name


class NominationDocument(db.Model):
    __tablename__ = "award_nomination_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=DocumentKind.ATTACHMENT)
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, cleaned
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)  # the file's name in the storage
    uploaded_by: Mapped[str] = mapped_column(String(20))  # "nominee", "proposer" or "organiser"
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="documents")

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label


class DocumentRequest(db.Model):
    """The organisers ask an applicant for documents or answers, by a due date; answered through the personal link."""

    __tablename__ = "award_document_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    nomination: Mapped[Nomination] = relationship(back_populates="requests")


class JuryMember(db.Model):
    """A jury account's seat in one programme (and, if set, one category only); one member chairs."""

    __tablename__ = "award_jury_members"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id", ondelete="SET NULL"))
    is_chair: Mapped[bool] = mapped_column(default=False)
    # what the conflict suggestions match against nominees and proposers
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    programme: Mapped[AwardProgramme] = relationship(back_populates="jury")
    user: Mapped[User] = relationship(lazy="selectin")  # not joined: lock_row locks the member alone (FOR UPDATE)
    category: Mapped[AwardCategory | None] = relationship()
    district: Mapped[District | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.display_name


class ConflictDeclaration(db.Model):
    """One juror and one nomination: declared by the juror, or suggested by the service and decided by the chair."""

    __tablename__ = "award_conflicts"
    __table_args__ = (UniqueConstraint("jury_member_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_member_id: Mapped[int] = mapped_column(ForeignKey("award_jury_members.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12))  # a ConflictState value
    conflict_type: Mapped[str | None] = mapped_column(String(20))  # a ConflictType value
    source: Mapped[str] = mapped_column(String(10))  # "declared" or "suggested"
    note: Mapped[str] = mapped_column(Text, default="")  # the juror's words, or what the suggestion matched
    declared_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    member: Mapped[JuryMember] = relationship()
    nomination: Mapped[Nomination] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def state_enum(self) -> ConflictState:
        return ConflictState(self.state)

    @property
    def awaits_chair(self) -> bool:
        return self.state == ConflictState.SUGGESTED

    @property
    def type_label(self) -> str:
        return ConflictType(self.conflict_type).label if self.conflict_type else ""


class JuryReview(db.Model):
    """A juror's work on one nomination: comment, abstention, when submitted, their place in the shortlist."""

    __tablename__ = "award_reviews"
    __table_args__ = (UniqueConstraint("jury_member_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_member_id: Mapped[int] = mapped_column(ForeignKey("award_jury_members.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    abstained: Mapped[bool] = mapped_column(default=False)
    abstain_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    shortlist_rank: Mapped[int | None] = mapped_column()  # 1 = best; equal numbers for a tie
    # the version the cached figures are keyed on (see results.figures_version)
    updated_at: Mapped[datetime | None] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[JuryMember] = relationship()


class Score(db.Model):
    """One juror's value for one criterion of one nomination: at most one, the database says so."""

    __tablename__ = "award_scores"
    __table_args__ = (
        UniqueConstraint("jury_member_id", "nomination_id", "criterion_id", name="uq_award_scores_one_per_criterion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id", ondelete="CASCADE"))
    jury_member_id: Mapped[int] = mapped_column(ForeignKey("award_jury_members.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)


Index("ix_award_scores_member", Score.jury_member_id)
