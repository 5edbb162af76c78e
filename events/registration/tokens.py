"""Personal-link tokens (stored only as a SHA-256 hash) and the read-only tokens of personal calendar feeds."""

import base64
import hashlib
import hmac
import re
import secrets

MAC_BYTES = 16  # 128 bits
FEED_TOKEN_PATTERN = re.compile(r"^(\d{1,12})-(\d{1,9})-([A-Za-z0-9_-]{22})$")


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
    message = f"manage:{event_id}:{email_normalized}" + (f":{version}" if version else "")
    return _mac(secret_key, message)


def _mac(secret_key: str, message: str) -> str:
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token_for(registration_id: int, secret_key: str, version: int = 0) -> str:
    """The token of a registration's personal calendar feed: `<registration id>-<link version>-<mac>`, the mac
    being 128 bits of HMAC over "calendar-feed:" and the first two parts with the secret key.

    Calendar services keep this address, so it opens the feed and nothing else (the personal link's token changes
    and cancels the registration). It is derived, never stored, and carries what checking it needs, so a forged
    token is refused before any database work; renewing the personal link (a new link version) replaces it too.
    """
    payload = f"{registration_id}-{version}"
    return f"{payload}-{_mac(secret_key, 'calendar-feed:' + payload)}"


def registration_by_feed_token(token: str, secret_key: str):
    """The registration whose calendar-feed token this is, or None (a forged one without touching the database)."""
    from events.extensions import db
    from events.registration.models import Registration

    match = FEED_TOKEN_PATTERN.fullmatch(token or "")
    if not match or not hmac.compare_digest(match[3], _mac(secret_key, f"calendar-feed:{match[1]}-{match[2]}")):
        return None
    registration = db.session.get(Registration, int(match[1]))
    if registration is None or (registration.link_version or 0) != int(match[2]):
        return None
    return registration


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
