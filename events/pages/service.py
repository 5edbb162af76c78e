"""What the start page shows to whom."""

from sqlalchemy import func, select

from events.awards.jury import memberships
from events.core.models import MailStatus, Organisation, OutgoingMail, Person, User
from events.core.rules import is_organiser
from events.extensions import db
from events.pages.navigation import NAVIGATION, navigation_for
from events.pages.upcoming import upcoming_events


def start_page_context(user) -> dict:
    context: dict = {"counts": None, "has_tasks": has_staff_tasks(user), "memberships": []}
    if user.is_authenticated and user.has_role("jury"):
        context["memberships"] = memberships(user)
    if is_organiser(user):
        context["counts"] = {
            "organisations": db.session.scalar(select(func.count(Organisation.id))),
            "people": db.session.scalar(select(func.count(Person.id))),
            "mail_queued": db.session.scalar(
                select(func.count(OutgoingMail.id)).where(OutgoingMail.status == MailStatus.QUEUED)
            ),
            "users": db.session.scalar(select(func.count(User.id))),
        }
        context["upcoming"] = upcoming_events()
    return context


def has_staff_tasks(user) -> bool:
    """Whether the navigation offers the user anything beyond the public pages; a jury account's tasks are its
    seats in juries, which the start page lists itself."""
    public = {endpoint for endpoint, _label, allowed in NAVIGATION if allowed is None} | {"awards.jury_start"}
    return any(endpoint not in public for endpoint, _label in navigation_for(user))
