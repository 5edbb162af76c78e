"""Group meetings: events of kind tandem meeting, invitation-only, the group's members invited; their minutes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from events.core.audit import record_audit
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import EventAccess, EventKind
from events.meetings.service import EventError, publish_event, save_event
from events.registration.invitations import Invitee, invite_people
from events.tandems.errors import TandemError
from events.tandems.models import GuidelineBlock, GuidelineChapter, TandemGroup, TandemMeeting
from events.tandems.rules import Actor, may_record_minutes


def _invite_members(event, group: TandemGroup) -> int:
    """Invites every member of the group with an address through the registration's invitations (each gets a
    personal invitation link and, once registered, calendar invite, ticket and check-in as for any event). A
    meeting that is already over invites nobody."""
    invitees = [
        Invitee(
            member.person.email,
            member.person.first_name,
            member.person.last_name,
            member.person.organisation.name if member.person.organisation else None,
        )
        for member in group.members
        if member.person.email
    ]
    try:
        return invite_people(event, invitees).created
    except EventError:
        return 0


def schedule_meeting(
    group: TandemGroup,
    starts_at: datetime,
    ends_at: datetime,
    venue_name: str = "",
    address: str = "",
    online_url: str = "",
    user=None,
) -> TandemMeeting:
    """A published, invitation-only tandem meeting of the group (times in Europe/Berlin, naive as typed), with
    every member invited at once. The group's meetings form one series of events (named after the group)."""
    number = len(group.meetings) + 1
    change = save_event(
        None,
        {
            "kind": EventKind.TANDEM_MEETING,
            "series_name": f"Treffen {group.name}"[:200],
            "title": _("%(group)s: %(number)d. Treffen", group=group.name, number=number),
            "description": group.topic,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue_name": venue_name,
            "address": address,
            "online_url": online_url,
            "capacity": None,
            "access": EventAccess.INVITED,
        },
        user,
    )
    meeting = TandemMeeting(group=group, event=change.event)
    db.session.add(meeting)
    publish_event(change.event)  # commits
    _invite_members(change.event, group)  # commits
    return meeting


def record_minutes(meeting: TandemMeeting, actor: Actor, minutes: str, block_ids: list[int]) -> None:
    """The lead's short minutes and the recommendations the meeting produced (blocks of this programme)."""
    if not may_record_minutes(actor, meeting):
        raise TandemError("not_allowed")
    blocks = db.session.scalars(
        select(GuidelineBlock)
        .join(GuidelineChapter)
        .where(GuidelineBlock.id.in_(block_ids), GuidelineChapter.programme_id == meeting.group.programme_id)
    ).all()
    meeting.minutes = minutes.strip()
    meeting.minutes_by = actor.name
    meeting.minutes_at = utcnow()
    meeting.blocks = list(blocks)
    record_audit("tandem.minutes", meeting, summary=meeting.event.title, actor=actor.name)
    db.session.commit()


def blocks_of_group(group: TandemGroup) -> list[GuidelineBlock]:
    return list(db.session.scalars(select(GuidelineBlock).filter_by(group_id=group.id).order_by(GuidelineBlock.id)))
