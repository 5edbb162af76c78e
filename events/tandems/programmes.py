"""Programmes, their groups, tandem pairs and members with personal links; phases and the sign-off."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from events.core.audit import record_audit
from events.core.models import Organisation, OrganisationKind, Person
from events.core.types import utcnow
from events.extensions import db
from events.registration.tokens import hash_token
from events.tandems.errors import TandemError
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    GroupMember,
    GuidelineBlock,
    MemberRole,
    Phase,
    TandemGroup,
    TandemMeeting,
    TandemPair,
    TandemProgramme,
)
from events.tandems.rules import Actor, may_change_phase, may_sign_off

AGENCY_KINDS = (OrganisationKind.FREIWILLIGENAGENTUR, OrganisationKind.FREIWILLIGEN_ZENTRUM, OrganisationKind.KOBE)
PROGRAMME_FIELDS = ("title", "starts_on", "ends_on", "partner_id", "guideline_title", "foreword", "imprint")


def save_programme(programme: TandemProgramme | None, data: dict) -> TandemProgramme:
    created = programme is None
    if created:
        programme = TandemProgramme(phase=Phase.DRAFTING)
        db.session.add(programme)
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name] if data[name] is not None or name == "partner_id" else "")
    if "coordinator_ids" in data:
        programme.coordinators = list(db.session.scalars(select(Person).where(Person.id.in_(data["coordinator_ids"]))))
    db.session.flush()
    record_audit("tandem.programme." + ("create" if created else "update"), programme, summary=programme.title)
    db.session.commit()
    return programme


def add_group(programme: TandemProgramme, name: str, region_id: int, topic: str = "") -> TandemGroup:
    group = TandemGroup(programme=programme, name=name.strip(), region_id=region_id, topic=topic.strip())
    db.session.add(group)
    db.session.flush()
    record_audit("tandem.group.create", group, summary=group.name)
    db.session.commit()
    return group


def _region_of(organisation: Organisation) -> int:
    if organisation.district is None:
        raise TandemError("no_region")
    return organisation.district.region_id


def pair_problem(group: TandemGroup, agency: Organisation, lotsen: Organisation) -> str | None:
    """Why the two organisations cannot form a tandem in this group, or None. Crossing regions is the one
    problem an organiser may override with a reason."""
    if agency.kind not in AGENCY_KINDS:
        return "not_an_agency"
    if lotsen.kind in AGENCY_KINDS:
        return "is_an_agency"
    if _region_of(agency) != group.region_id or _region_of(lotsen) != group.region_id:
        return "cross_region"
    return None


def add_pair(group: TandemGroup, agency_id: int, lotsen_id: int, actor: Actor, override_reason: str = "") -> TandemPair:
    """A tandem of a volunteer agency and a Lotsen organisation of the group's region. Across regions only when
    an organiser gives a reason, which is kept with the pair and in the audit log."""
    agency = db.session.get(Organisation, agency_id)
    lotsen = db.session.get(Organisation, lotsen_id)
    if agency is None or lotsen is None:
        raise TandemError("not_an_agency" if agency is None else "is_an_agency")
    problem = pair_problem(group, agency, lotsen)
    reason = (override_reason or "").strip()
    if problem == "cross_region" and reason and actor.organiser:
        problem = None
    else:
        reason = ""
    if problem:
        raise TandemError(problem)
    exists = db.session.scalar(
        select(TandemPair.id).filter_by(group_id=group.id, agency_id=agency.id, lotsen_id=lotsen.id)
    )
    if exists:
        raise TandemError("pair_exists")
    pair = TandemPair(group=group, agency=agency, lotsen=lotsen, override_reason=reason or None)
    pair.override_by = actor.name if reason else None
    db.session.add(pair)
    db.session.flush()
    summary = f"{agency.name} + {lotsen.name}" + (f" (über Bezirksgrenzen: {reason})" if reason else "")
    record_audit("tandem.pair.create", pair, summary=summary)
    db.session.commit()
    return pair


def new_member_token(member: GroupMember) -> str:
    """A fresh personal link for a member (128 random bits); only its hash is kept, an older link stops working."""
    token = secrets.token_urlsafe(16)
    member.token_hash = hash_token(token)
    member.link_sent_at = utcnow()
    return token


def add_member(group: TandemGroup, person_id: int, role: str = MemberRole.MEMBER) -> GroupMember:
    """A person of the directory joins the group and is mailed a personal link (no account needed)."""
    from events.tandems.mails import send_personal_link

    person = db.session.get(Person, person_id)
    if person is None or not person.email:
        raise TandemError("no_email")
    if db.session.scalar(select(GroupMember.id).filter_by(group_id=group.id, person_id=person.id)):
        raise TandemError("member_exists")
    elsewhere = (
        select(GroupMember.id)
        .join(TandemGroup)
        .where(GroupMember.person_id == person.id, TandemGroup.programme_id == group.programme_id)
    )
    if db.session.scalar(elsewhere):
        raise TandemError("member_elsewhere")
    member = GroupMember(group=group, person=person, role=MemberRole(role))
    db.session.add(member)
    token = new_member_token(member)
    db.session.flush()
    send_personal_link(member, token)
    record_audit("tandem.member.add", member, summary=f"{person.full_name} → {group.name}")
    db.session.commit()
    return member


def resend_personal_link(member: GroupMember) -> None:
    from events.tandems.mails import send_personal_link

    send_personal_link(member, new_member_token(member))
    record_audit("tandem.member.link", member, summary=member.person.full_name)
    db.session.commit()


def member_for_token(token: str | None) -> GroupMember | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalars(select(GroupMember).filter_by(token_hash=hash_token(token))).first()


def change_phase(programme: TandemProgramme, actor: Actor, phase: str, until: date | None) -> int:
    """Moves the guideline to another phase and tells every member and coordinator; returns how many mails."""
    from events.tandems.mails import send_phase_change

    if not may_change_phase(actor, programme):
        raise TandemError("not_allowed" if programme.signed_off_at is None else "frozen")
    programme.phase = Phase(phase)
    programme.phase_until = until
    record_audit("tandem.phase", programme, summary=f"{phase} bis {until or '–'}")
    sent = send_phase_change(programme)
    db.session.commit()
    return sent


def sign_off(programme: TandemProgramme, actor: Actor, approved_by: str, user_id: int | None) -> None:
    """The named person of the ministry approves the guideline: recorded with the time, and the guideline is frozen."""
    if not may_sign_off(actor, programme):
        raise TandemError("frozen" if programme.signed_off_at else "phase_order")
    programme.signed_off_at = utcnow()
    programme.signed_off_by = approved_by.strip()
    programme.signed_off_user_id = user_id
    record_audit("tandem.sign_off", programme, summary=f"freigegeben von {programme.signed_off_by}")
    db.session.commit()


@dataclass
class GroupFigures:
    group: TandemGroup
    pairs: int
    members: int
    meetings_held: int
    blocks: int
    contributions: int  # comments and suggestions written by the group's members


def groups_at_a_glance(programme: TandemProgramme) -> list[GroupFigures]:
    """Every group with its pairs, members, meetings held, blocks owned and contributions (one query each)."""

    def counted(column, *where, join=None) -> dict[int, int]:
        statement = select(column, func.count()).where(*where).group_by(column)
        if join is not None:
            statement = statement.join(*join)
        return dict(db.session.execute(statement).all())

    from events.meetings.models import Event

    ids = [group.id for group in programme.groups]
    pairs = counted(TandemPair.group_id, TandemPair.group_id.in_(ids))
    members = counted(GroupMember.group_id, GroupMember.group_id.in_(ids))
    held = counted(
        TandemMeeting.group_id,
        TandemMeeting.group_id.in_(ids),
        Event.starts_at <= utcnow(),
        join=(Event, Event.id == TandemMeeting.event_id),
    )
    blocks = counted(GuidelineBlock.group_id, GuidelineBlock.group_id.in_(ids))
    comments = counted(BlockComment.author_group_id, BlockComment.author_group_id.in_(ids))
    suggestions = counted(BlockSuggestion.author_group_id, BlockSuggestion.author_group_id.in_(ids))
    return [
        GroupFigures(
            group,
            pairs.get(group.id, 0),
            members.get(group.id, 0),
            held.get(group.id, 0),
            blocks.get(group.id, 0),
            comments.get(group.id, 0) + suggestions.get(group.id, 0),
        )
        for group in programme.groups
    ]
