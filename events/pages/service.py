"""What the start page shows to whom."""

from sqlalchemy import func, select

from events.core.models import Organisation, OutgoingMail, Person, User
from events.extensions import db


def start_page_context(user) -> dict:
    context: dict = {"counts": None}
    if user.is_authenticated and user.has_role("organiser", "admin"):
        context["counts"] = {
            "organisations": db.session.scalar(select(func.count(Organisation.id))),
            "people": db.session.scalar(select(func.count(Person.id))),
            "mail_queued": db.session.scalar(
                select(func.count(OutgoingMail.id)).where(OutgoingMail.status == "queued")
            ),
            "users": db.session.scalar(select(func.count(User.id))),
        }
    return context
