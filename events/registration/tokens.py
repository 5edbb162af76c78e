"""Personal-link tokens: 128 random bits, stored only as a SHA-256 hash."""

import hashlib
import secrets


def new_manage_token() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(16)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token_for(event_id: int, email_normalized: str, secret_key: str, version: int = 0) -> str:
    """The personal-link token of a registration: 128 bits of HMAC over event, address and link version with the
    secret key.

    It can be derived again whenever a mail needs the link (confirmation, promotion, reminder, "send my link
    again"), while the database stores only its hash, so a copy of the database reveals no working link.
    Renewing the link (a leaked link) raises the registration's link_version: a new token, the old one is dead.
    """
    import base64
    import hmac

    message = f"manage:{event_id}:{email_normalized}" + (f":{version}" if version else "")
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).rstrip(b"=").decode()


def registration_by_token(token: str):
    """The registration whose personal-link token this is, or None (also for malformed tokens)."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload, selectinload

    from events.extensions import db
    from events.registration.models import Registration

    if not token or len(token) > 64:
        return None
    return db.session.scalars(
        select(Registration)
        .where(Registration.manage_token_hash == hash_token(token))
        .options(joinedload(Registration.event), selectinload(Registration.workshop_choices))
    ).first()
