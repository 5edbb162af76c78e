"""The personal links of a nomination: one for the nominee (or self-applicant), one for a third-party proposer.

Each link's token is 128 bits of HMAC, with the secret key, over the nomination's id, the link's role and a random
nonce of 128 bits kept with the nomination. A mail can derive the link again whenever it needs it; the database
keeps only the token's hash, so a copy of it opens no link, and a new nonce (a leaked link) kills the old token.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import or_, select

from events.awards.models import Nomination
from events.extensions import db
from events.registration.tokens import hash_token

NOMINEE, PROPOSER = "nominee", "proposer"
TOKEN_LENGTH = 22  # 16 bytes in URL-safe base64


def _token(nomination_id: int, role: str, nonce: str) -> str:
    message = f"award-nomination:{nomination_id}:{role}:{nonce}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def nominee_token(nomination: Nomination) -> str:
    return _token(nomination.id, NOMINEE, nomination.link_nonce)


def proposer_token(nomination: Nomination) -> str | None:
    if not nomination.proposer_link_nonce:
        return None
    return _token(nomination.id, PROPOSER, nomination.proposer_link_nonce)


def give_links(nomination: Nomination, proposer: bool) -> None:
    """New nonces and token hashes (the nomination needs its id)."""
    renew_link(nomination, NOMINEE)
    if proposer:
        renew_link(nomination, PROPOSER)


def renew_link(nomination: Nomination, role: str) -> None:
    """A new link for one role (nominee or proposer): the old one stops working at once."""
    if role == PROPOSER:
        nomination.proposer_link_nonce = secrets.token_hex(16)
        nomination.proposer_token_hash = hash_token(proposer_token(nomination))
    else:
        nomination.link_nonce = secrets.token_hex(16)
        nomination.token_hash = hash_token(nominee_token(nomination))


def placeholder_hash() -> str:
    """A unique stand-in until the nomination has its id and with it its real token (give_links)."""
    return "pending-" + secrets.token_hex(24)


def nomination_by_token(token: str) -> tuple[Nomination, str] | None:
    """The nomination and the role ("nominee" or "proposer") a personal link opens, or None."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    hashed = hash_token(token)
    nomination = db.session.scalars(
        select(Nomination).where(or_(Nomination.token_hash == hashed, Nomination.proposer_token_hash == hashed))
    ).first()
    if nomination is None:
        return None
    return nomination, NOMINEE if nomination.token_hash == hashed else PROPOSER
