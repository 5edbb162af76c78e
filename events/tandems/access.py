"""Who may open a tandem page: declared once per view with a decorator, modelled on checkin.access.

Members come by their personal link (no account: the link puts their membership into the session) or signed in
with an account linked to their person in the directory; they see only their own group and the shared draft of
their programme. Organisers see everything, and so do the coordinators of the partner organisation.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from events.core.rules import is_organiser
from events.extensions import db, login_manager
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    GroupMember,
    GuidelineBlock,
    GuidelineChapter,
    TandemGroup,
    TandemMeeting,
    TandemProgramme,
    tandem_coordinators,
)
from events.tandems.rules import Actor, sees_group

SESSION_KEY = "tandem_member"

# How to find, from the object in the URL, its programme and (for group pages) its group.
LOADERS = {
    "programme": (TandemProgramme, lambda programme: (programme, None)),
    "group": (TandemGroup, lambda group: (group.programme, group)),
    "meeting": (TandemMeeting, lambda meeting: (meeting.group.programme, meeting.group)),
    "chapter": (GuidelineChapter, lambda chapter: (chapter.programme, None)),
    "block": (GuidelineBlock, lambda block: (block.chapter.programme, None)),
    "suggestion": (BlockSuggestion, lambda suggestion: (suggestion.block.chapter.programme, None)),
    "comment": (BlockComment, lambda comment: (comment.block.chapter.programme, None)),
}


def remember_member(member: GroupMember) -> None:
    """The personal link was opened: the session names the member and the link it came by, so that a new link
    (sent after the old one leaked) ends the sessions the old one opened."""
    session[SESSION_KEY] = [member.id, member.token_hash[:16]]


def _member_by_link(programme: TandemProgramme) -> GroupMember | None:
    remembered = session.get(SESSION_KEY)
    if not isinstance(remembered, list) or len(remembered) != 2:
        return None
    member = db.session.get(GroupMember, remembered[0]) if isinstance(remembered[0], int) else None
    if member is None or member.token_hash is None or member.token_hash[:16] != remembered[1]:
        return None
    return member if member.group.programme_id == programme.id else None


def _member_of(programme: TandemProgramme, person_id: int | None) -> GroupMember | None:
    if person_id is None:
        return None
    return db.session.scalars(
        select(GroupMember)
        .join(TandemGroup)
        .where(GroupMember.person_id == person_id, TandemGroup.programme_id == programme.id)
    ).first()


def actor_for(programme: TandemProgramme) -> Actor | None:
    """Who is acting on this programme in the current request, or None."""
    signed_in = current_user.is_authenticated
    if signed_in and is_organiser(current_user):
        return Actor(name=current_user.display_name, person_id=current_user.person_id, organiser=True)
    person_id = current_user.person_id if signed_in else None
    member = _member_of(programme, person_id)
    if member is None:
        member = _member_by_link(programme)
    coordinator = person_id is not None and bool(
        db.session.scalar(
            select(tandem_coordinators.c.person_id).filter_by(programme_id=programme.id, person_id=person_id)
        )
    )
    if member is not None:
        return Actor(
            name=member.person.full_name,
            person_id=member.person_id,
            member_id=member.id,
            group_id=member.group_id,
            role=member.role,
            coordinator=coordinator,
        )
    if coordinator:
        return Actor(name=current_user.display_name, person_id=person_id, coordinator=True)
    return None


def tandem_member_required(kind: str):
    """Members of the programme (by personal link or account), its coordinators, and organisers; group pages only
    for the group's own members. The view gets the object and the actor instead of the id.

    Unknown object: 404. Nobody known (not signed in, no personal link opened): the sign-in page. Known but not
    of this programme or group: 403.
    """
    model, context = LOADERS[kind]

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            obj = db.session.get(model, kwargs.pop(f"{kind}_id")) or abort(404)
            programme, group = context(obj)
            actor = actor_for(programme)
            if actor is None:
                if current_user.is_authenticated or session.get(SESSION_KEY):
                    abort(403)
                return login_manager.unauthorized()
            if group is not None and not sees_group(actor, group):
                abort(403)
            return view(obj, actor, *args, **kwargs)

        wrapped.allowed_roles = frozenset({"organiser", "admin"})  # and the programme's members, see above
        return wrapped

    return decorator
