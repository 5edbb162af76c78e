"""Slowing down password guessing: failed sign-ins are counted per address and account (LOGIN_RATE_LIMIT), per
account from any address (LOGIN_LIMIT_PER_ACCOUNT) and per address across accounts (LOGIN_LIMIT_PER_ADDRESS).
Each setting stacks longer windows, so that the wait grows while the failures go on. The counts live in the rate
limiter's storage (Redis in production). Admins learn of an account or an address that hit its limit from one
audit entry and one mail an hour; single failures are written to the audit log only a few times an hour per account
and address, so that the log cannot be flooded."""

from __future__ import annotations

from flask import current_app, request
from limits import parse
from sqlalchemy import select

from events.core.audit import record_audit
from events.core.models import Role, User, UserRole
from events.core.outbox import queue_templated_mail
from events.extensions import db, limiter

ALERT_EVERY = parse("1 per hour")  # one audit entry and one mail to the admins per account or address and hour
FAILURE_ENTRIES_PER_ACCOUNT = parse("3 per hour")  # single "login.failed" entries written per account ...
FAILURE_ENTRIES_PER_ADDRESS = parse("10 per hour")  # ... and per address; further failures are only counted


def submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def key_per_address_and_account() -> str:
    return f"{request.remote_addr}|{submitted_email()}"


def key_per_account() -> str:
    email = submitted_email()
    return f"account:{email}" if email else ""  # empty: no account named, the limit is skipped


def key_per_address() -> str:
    return f"address:{request.remote_addr}"


def counts_as_failure(response) -> bool:
    """A sign-in that did not go through (a signed-in user is redirected)."""
    return response.status_code != 302


def _first_within(limit, *keys: str) -> bool:
    """Whether this is within `limit` for these keys (and counts it); always True while rate limits are off."""
    if not limiter.enabled:
        return True
    return limiter.limiter.hit(limit, "sign-in", *keys)


def record_failed_sign_in(email: str, user: User | None) -> None:
    """Audit a failed sign-in unless this account or address already has its share of entries this hour."""
    per_account = _first_within(FAILURE_ENTRIES_PER_ACCOUNT, "failure-entry-account", email)
    per_address = _first_within(FAILURE_ENTRIES_PER_ADDRESS, "failure-entry-address", request.remote_addr or "")
    if per_account and per_address:
        record_audit("login.failed", user, summary=email, actor=email)


def _active_admins() -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == Role.ADMIN.value, User.active.is_(True))
        ).unique()
    )


def report_sign_in_attack(kind: str, target: str, limit: str) -> bool:
    """Tell the admins (audit entry and mail) that sign-ins for an account or from an address are refused for
    now; at most once an hour for the same target. Returns whether they were told this time. Commits."""
    if not _first_within(ALERT_EVERY, "alert", kind, target):
        return False
    user = db.session.scalars(select(User).where(User.email == target)).first() if kind == "account" else None
    summary = f"{kind} {target}: {limit} failed sign-ins exceeded; further tries are refused for a while"
    record_audit("login.throttled", user, summary=summary, actor="system", details={"kind": kind, "target": target})
    for admin in _active_admins():
        queue_templated_mail(
            admin.email, "sign_in_attack", kind=kind, target=target, limit=limit, address=request.remote_addr
        )
    db.session.commit()
    return True


def on_account_limit(request_limit) -> None:
    report_sign_in_attack("account", submitted_email(), str(request_limit.limit))


def on_address_limit(request_limit) -> None:
    report_sign_in_attack("address", request.remote_addr or "", str(request_limit.limit))


def login_limits(view):
    """The three limits of the sign-in form, counting failed tries only."""
    for limit, key, on_breach in (
        (lambda: current_app.config["LOGIN_RATE_LIMIT"], key_per_address_and_account, None),
        (lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_per_account, on_account_limit),
        (lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_per_address, on_address_limit),
    ):
        view = limiter.limit(limit, methods=["POST"], key_func=key, deduct_when=counts_as_failure, on_breach=on_breach)(
            view
        )
    return view
