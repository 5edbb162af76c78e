"""Personal-link tokens: 128 random bits, stored only as a SHA-256 hash."""

import hashlib
import secrets


def new_manage_token() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(16)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
