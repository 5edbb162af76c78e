"""Who may use an award view: declared once per view with a decorator; the view gets the objects, not their ids.

Strangers are sent to the login page (401), an unknown id is 404, a foreign programme or a conflicted
nomination 403. Siblings of checkin.access.event_staff_required.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

from events.awards.jury import conflict_of, member_of
from events.awards.links import nomination_by_token
from events.awards.models import AwardProgramme, Nomination
from events.awards.rules import covers, is_conflicted, jury_sees_nominations, reaches_jury
from events.extensions import db, login_manager

JURY_ROLES = frozenset({"jury"})
CHAIR_OR_ORGANISER_ROLES = frozenset({"jury", "organiser", "admin"})


def _programme_or_404(programme_id: int) -> AwardProgramme:
    return db.session.get(AwardProgramme, programme_id) or abort(404)


def jury_member_required(view):
    """A member of the programme's jury; the view gets (programme, member). Other jurors: 403."""

    @wraps(view)
    def wrapped(programme_id: int, *args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        programme = _programme_or_404(programme_id)
        member = member_of(current_user, programme) or abort(403)
        return view(programme, member, *args, **kwargs)

    wrapped.allowed_roles = JURY_ROLES
    return wrapped


def chair_required(view):
    """The chair of the programme's jury; the view gets (programme, member)."""

    @wraps(view)
    def wrapped(programme_id: int, *args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        programme = _programme_or_404(programme_id)
        member = member_of(current_user, programme)
        if member is None or not member.is_chair:
            abort(403)
        return view(programme, member, *args, **kwargs)

    wrapped.allowed_roles = JURY_ROLES
    return wrapped


def chair_or_organiser_required(view):
    """The jury's chair or an organiser (the results and the meeting sheet); the view gets the programme."""

    @wraps(view)
    def wrapped(programme_id: int, *args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        programme = _programme_or_404(programme_id)
        if not current_user.has_role("organiser", "admin"):
            member = member_of(current_user, programme)
            if member is None or not member.is_chair:
                abort(403)
        return view(programme, *args, **kwargs)

    wrapped.allowed_roles = CHAIR_OR_ORGANISER_ROLES
    return wrapped


def jury_nomination_required(view):
    """An assigned member without a conflict on an admitted nomination of the programme, once the jury may see
    nominations; the view gets (programme, member, nomination). Conflicted, or not their category: 403."""

    @wraps(view)
    def wrapped(programme_id: int, nomination_id: int, *args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        programme = _programme_or_404(programme_id)
        nomination = db.session.get(Nomination, nomination_id)
        if nomination is None or nomination.programme_id != programme.id or not reaches_jury(nomination):
            abort(404)
        member = member_of(current_user, programme)
        if member is None or not covers(member, nomination) or not jury_sees_nominations(programme):
            abort(403)
        if is_conflicted(conflict_of(member, nomination)):
            abort(403)
        return view(programme, member, nomination, *args, **kwargs)

    wrapped.allowed_roles = JURY_ROLES
    return wrapped


def personal_link_required(view):
    """Anyone holding a nomination's personal link (nominee or proposer); the view gets (nomination, role).
    The nomination's language becomes the page's (see select_locale)."""

    @wraps(view)
    def wrapped(token: str, *args, **kwargs):
        found = nomination_by_token(token) or abort(404)
        nomination, role = found
        g.registrant_language = nomination.proposer_language if role == "proposer" else nomination.language
        return view(nomination, role, token, *args, **kwargs)

    wrapped.allowed_roles = None  # public: the secret link is the permission
    return wrapped
