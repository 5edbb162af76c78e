"""What certificates hold of personal data. Issued certificates are kept: they are the record of a document the
ministry issued, and they can be verified and printed again for as long as they are valid. So they keep what is
printed on them (name, and where the design shows them, function, organisation and district); only the recipient's
e-mail address, which neither needs, is removed from those of an anonymised registration (privacy.retention)."""

from sqlalchemy import update

from events.certificates.models import Certificate
from events.extensions import db


def forget_registrations(registration_ids: list[int]) -> None:
    """The certificates of these anonymised registrations lose their recipient's e-mail address."""
    db.session.execute(
        update(Certificate).where(Certificate.registration_id.in_(registration_ids)).values(recipient_email=None)
    )
