"""Tandem programmes, their groups, pairs and members, group meetings, and the guideline written block by block."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.core.models import Organisation, Person, Region
from events.core.types import AwareDateTime, utcnow
from events.extensions import db
from events.meetings.models import Event


class Phase(enum.StrEnum):
    """The guideline's phases, in their order; each decides who may do what (see rules.py)."""

    DRAFTING = "drafting"
    COMMENTING = "commenting"  # comment period, open to all groups
    CONSOLIDATION = "consolidation"  # editorial consolidation by organisers and the partner
    SIGN_OFF = "sign_off"  # a named person of the ministry approves

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])


PHASE_LABELS = {
    Phase.DRAFTING: _l("Entwurf in den Gruppen"),
    Phase.COMMENTING: _l("Kommentierung durch alle Gruppen"),
    Phase.CONSOLIDATION: _l("Redaktionelle Zusammenführung"),
    Phase.SIGN_OFF: _l("Freigabe durch das Ministerium"),
}


class MemberRole(enum.StrEnum):
    MEMBER = "member"
    LEAD = "lead"  # group lead: records the minutes of its meetings
    FACILITATOR = "facilitator"  # e.g. from the partner organisation

    @property
    def label(self) -> str:
        return str(MEMBER_ROLE_LABELS[self])


MEMBER_ROLE_LABELS = {
    MemberRole.MEMBER: _l("Mitglied"),
    MemberRole.LEAD: _l("Gruppenleitung"),
    MemberRole.FACILITATOR: _l("Moderation"),
}


class BlockState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    MERGED = "merged"  # merged into another block, which carries this block's groups on
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(BLOCK_STATE_LABELS[self])


BLOCK_STATE_LABELS = {
    BlockState.DRAFT: _l("Entwurf"),
    BlockState.IN_REVIEW: _l("In Prüfung"),
    BlockState.ACCEPTED: _l("Angenommen"),
    BlockState.MERGED: _l("Zusammengeführt"),
    BlockState.DROPPED: _l("Verworfen"),
}
# Blocks still part of the guideline (printed in a draft); a signed-off guideline prints only ACCEPTED ones.
LIVE_BLOCK_STATES = (BlockState.DRAFT, BlockState.IN_REVIEW, BlockState.ACCEPTED)


class SuggestionStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return str(SUGGESTION_STATUS_LABELS[self])


SUGGESTION_STATUS_LABELS = {
    SuggestionStatus.OPEN: _l("Offen"),
    SuggestionStatus.ACCEPTED: _l("Übernommen"),
    SuggestionStatus.REJECTED: _l("Abgelehnt"),
}


tandem_coordinators = Table(
    "tandem_coordinators",
    db.metadata,
    Column("programme_id", ForeignKey("tandem_programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

block_groups = Table(  # the groups a block is credited to: its owner, and the owners of blocks merged into it
    "guideline_block_groups",
    db.metadata,
    Column("block_id", ForeignKey("guideline_blocks.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("tandem_groups.id", ondelete="CASCADE"), primary_key=True),
)

block_contributors = Table(
    "guideline_block_contributors",
    db.metadata,
    Column("block_id", ForeignKey("guideline_blocks.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

meeting_blocks = Table(  # the recommendations a group meeting produced
    "tandem_meeting_blocks",
    db.metadata,
    Column("meeting_id", ForeignKey("tandem_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("block_id", ForeignKey("guideline_blocks.id", ondelete="CASCADE"), primary_key=True),
)


class TandemProgramme(db.Model):
    """One round of tandem project groups and the guideline they write together."""

    __tablename__ = "tandem_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    phase: Mapped[str] = mapped_column(String(20), default=Phase.DRAFTING)  # a Phase value
    phase_until: Mapped[date | None] = mapped_column(Date)  # the current phase runs until this day
    guideline_title: Mapped[str] = mapped_column(String(200), default="Leitfaden")
    foreword: Mapped[str] = mapped_column(Text, default="")  # Markdown
    imprint: Mapped[str] = mapped_column(Text, default="")  # Markdown
    signed_off_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # set: the guideline is frozen
    signed_off_by: Mapped[str | None] = mapped_column(String(200))  # the named person of the ministry
    signed_off_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    partner: Mapped[Organisation | None] = relationship()
    coordinators: Mapped[list[Person]] = relationship(secondary=tandem_coordinators, order_by="Person.last_name")
    groups: Mapped[list[TandemGroup]] = relationship(back_populates="programme", order_by="TandemGroup.name")
    chapters: Mapped[list[GuidelineChapter]] = relationship(
        back_populates="programme", order_by="(GuidelineChapter.position, GuidelineChapter.id)"
    )

    def __str__(self) -> str:
        return self.title


class TandemGroup(db.Model):
    __tablename__ = "tandem_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("tandem_programmes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    topic: Mapped[str] = mapped_column(String(300), default="")
    last_digest_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # the daily digest of comments

    programme: Mapped[TandemProgramme] = relationship(back_populates="groups")
    region: Mapped[Region] = relationship()
    pairs: Mapped[list[TandemPair]] = relationship(back_populates="group", order_by="TandemPair.id")
    members: Mapped[list[GroupMember]] = relationship(back_populates="group", order_by="GroupMember.id")
    meetings: Mapped[list[TandemMeeting]] = relationship(back_populates="group", order_by="TandemMeeting.id")

    def __str__(self) -> str:
        return self.name


class TandemPair(db.Model):
    """A volunteer agency and a Lotsen organisation working together, normally of the group's region."""

    __tablename__ = "tandem_pairs"
    __table_args__ = (UniqueConstraint("group_id", "agency_id", "lotsen_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tandem_groups.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # Freiwilligenagentur, -Zentrum, KoBE
    lotsen_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # employs Integrationslotsinnen
    override_reason: Mapped[str | None] = mapped_column(Text)  # why the pair crosses regions (organisers only)
    override_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    group: Mapped[TandemGroup] = relationship(back_populates="pairs")
    agency: Mapped[Organisation] = relationship(foreign_keys=[agency_id])
    lotsen: Mapped[Organisation] = relationship(foreign_keys=[lotsen_id])


class GroupMember(db.Model):
    __tablename__ = "tandem_group_members"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tandem_groups.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER)  # a MemberRole value
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # sha256 of the personal link's token
    link_sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    group: Mapped[TandemGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class TandemMeeting(db.Model):
    """A meeting of one group: an event of kind tandem meeting, and the minutes its lead records afterwards."""

    __tablename__ = "tandem_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tandem_groups.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    minutes: Mapped[str] = mapped_column(Text, default="")  # Markdown
    minutes_by: Mapped[str | None] = mapped_column(String(200))
    minutes_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    group: Mapped[TandemGroup] = relationship(back_populates="meetings")
    event: Mapped[Event] = relationship()
    blocks: Mapped[list[GuidelineBlock]] = relationship(secondary=meeting_blocks, order_by="GuidelineBlock.id")


class GuidelineChapter(db.Model):
    __tablename__ = "guideline_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("tandem_programmes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")  # Markdown

    programme: Mapped[TandemProgramme] = relationship(back_populates="chapters")
    blocks: Mapped[list[GuidelineBlock]] = relationship(
        back_populates="chapter", order_by="(GuidelineBlock.position, GuidelineBlock.id)"
    )


class GuidelineBlock(db.Model):
    """One recommendation of the guideline; its title and text are those of its latest version."""

    __tablename__ = "guideline_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("guideline_chapters.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tandem_groups.id"), index=True)  # the owning group
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered sanitised
    state: Mapped[str] = mapped_column(String(20), default=BlockState.DRAFT)  # a BlockState value
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("guideline_blocks.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)  # number of the latest version
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    chapter: Mapped[GuidelineChapter] = relationship(back_populates="blocks")
    group: Mapped[TandemGroup] = relationship()
    groups: Mapped[list[TandemGroup]] = relationship(secondary=block_groups, order_by="TandemGroup.name")
    contributors: Mapped[list[Person]] = relationship(secondary=block_contributors, order_by="Person.last_name")
    merged_into: Mapped[GuidelineBlock | None] = relationship(remote_side=[id])
    versions: Mapped[list[BlockVersion]] = relationship(
        back_populates="block", order_by="BlockVersion.number", cascade="all, delete-orphan"
    )
    comments: Mapped[list[BlockComment]] = relationship(
        back_populates="block", order_by="BlockComment.id", cascade="all, delete-orphan"
    )
    suggestions: Mapped[list[BlockSuggestion]] = relationship(
        back_populates="block", order_by="BlockSuggestion.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class BlockVersion(db.Model):
    """Every saved change of a block. The guideline as it stood after version id N holds, of each block, its
    latest version with an id up to N."""

    __tablename__ = "guideline_block_versions"
    __table_args__ = (UniqueConstraint("block_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("guideline_blocks.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))  # the name as it was shown
    note: Mapped[str] = mapped_column(String(300), default="")  # e.g. "suggestion of ... accepted"
    saved_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    block: Mapped[GuidelineBlock] = relationship(back_populates="versions")


class BlockComment(db.Model):
    __tablename__ = "guideline_block_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("guideline_blocks.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    author_group_id: Mapped[int | None] = mapped_column(ForeignKey("tandem_groups.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    block: Mapped[GuidelineBlock] = relationship(back_populates="comments")
    author_group: Mapped[TandemGroup | None] = relationship()


class BlockSuggestion(db.Model):
    """A proposed new text of a block by someone outside its group; its owners accept or reject it."""

    __tablename__ = "guideline_block_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("guideline_blocks.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    author_group_id: Mapped[int | None] = mapped_column(ForeignKey("tandem_groups.id", ondelete="SET NULL"))
    base_version: Mapped[int] = mapped_column()  # the block's version the proposal was written against
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.OPEN)  # a SuggestionStatus value
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    block: Mapped[GuidelineBlock] = relationship(back_populates="suggestions")
    author_group: Mapped[TandemGroup | None] = relationship()


# The daily digest reads the comments and suggestions of a group's blocks since its last digest.
Index("ix_guideline_block_comments_created", BlockComment.created_at)
Index("ix_guideline_block_suggestions_created", BlockSuggestion.created_at)


class GuidelinePrint(db.Model):
    """The printed guideline (PDF) of one state of its text, rendered by the worker (tandems.print_jobs) and kept
    in the file storage ("tandems" area): asked for again while the text is unchanged, it is served as it is."""

    __tablename__ = "guideline_prints"
    __table_args__ = (UniqueConstraint("programme_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("tandem_programmes.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the HTML the PDF is made from
    status: Mapped[str] = mapped_column(String(10))  # waiting (for the worker), ready, failed
    failure: Mapped[str | None] = mapped_column(String(20))  # why it failed: a RenderingFailed reason, or "changed"
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    @property
    def file_name(self) -> str:
        return f"guideline-{self.programme_id}-{self.content_hash[:32]}.pdf"
