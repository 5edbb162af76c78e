"""Mails of the tandem programme: personal links, phase changes, and the daily digest of comments to a group."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select

from events.core.languages import force_language
from events.core.outbox import queue_templated_mail
from events.core.types import utcnow
from events.extensions import db
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    GroupMember,
    GuidelineBlock,
    Phase,
    TandemGroup,
    TandemProgramme,
)

DIGEST_INTERVAL = timedelta(hours=23)  # at most one digest a day, whenever the daily job runs


def _base() -> str:
    return current_app.config["BASE_URL"]


def send_personal_link(member: GroupMember, token: str) -> None:
    with force_language(current_app.config["DEFAULT_LOCALE"]):
        queue_templated_mail(
            member.person.email,
            "tandems/personal_link",
            topic="tandems.personal_link",
            member=member,
            group=member.group,
            link=_base() + url_for("tandems.personal_link", token=token),
        )


def _recipients(programme: TandemProgramme) -> dict[str, str]:
    """Every member and coordinator with an address, once: address → name."""
    people = [member.person for group in programme.groups for member in group.members] + list(programme.coordinators)
    return {person.email.lower(): person.full_name for person in people if person.email}


def send_phase_change(programme: TandemProgramme) -> int:
    recipients = _recipients(programme)
    with force_language(current_app.config["DEFAULT_LOCALE"]):
        for address, name in recipients.items():
            queue_templated_mail(
                address,
                "tandems/phase_changed",
                topic="tandems.phase_changed",
                name=name,
                programme=programme,
                phase=Phase(programme.phase),
                guideline_url=_base() + url_for("tandems.guideline", programme_id=programme.id),
            )
    return len(recipients)


def _written_since(model, owned_blocks, since, now) -> list:
    """Comments or suggestions on the given blocks written after `since` (all when None) and up to `now`."""
    statement = select(model).where(model.block_id.in_(owned_blocks), model.created_at <= now)
    if since is not None:
        statement = statement.where(model.created_at > since)
    return list(db.session.scalars(statement.order_by(model.id)))


def send_digests(now=None) -> int:
    """One mail per group whose blocks received comments or suggestions since its last digest, to each member,
    at most once a day (DIGEST_INTERVAL). Returns the number of groups that got one. Run daily."""
    now = now or utcnow()
    sent = 0
    for group in db.session.scalars(select(TandemGroup).order_by(TandemGroup.id)):
        since = group.last_digest_at
        if since is not None and now - since < DIGEST_INTERVAL:
            continue
        owned = select(GuidelineBlock.id).where(GuidelineBlock.group_id == group.id)
        comments = _written_since(BlockComment, owned, since, now)
        suggestions = _written_since(BlockSuggestion, owned, since, now)
        group.last_digest_at = now
        if not comments and not suggestions:
            continue
        with force_language(current_app.config["DEFAULT_LOCALE"]):
            for member in group.members:
                if member.person.email:
                    queue_templated_mail(
                        member.person.email,
                        "tandems/digest",
                        topic="tandems.digest",
                        group=group,
                        comments=comments,
                        suggestions=suggestions,
                        guideline_url=_base() + url_for("tandems.guideline", programme_id=group.programme_id),
                    )
        sent += 1
    db.session.commit()
    return sent
