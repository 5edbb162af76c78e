"""Finding certificates: by their public code (verification) and by name or serial (the organisers' list)."""

from __future__ import annotations

from sqlalchemy import func, select

from events.certificates.models import Certificate
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.extensions import db


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 20:
        return None
    return db.session.scalars(select(Certificate).where(Certificate.code == code)).first()


def search_certificates(term: str, page: int):
    query = select(Certificate).order_by(Certificate.id.desc())
    if term:
        like = contains_pattern(term)
        query = query.where(
            func.lower(Certificate.recipient_name).like(like, escape=LIKE_ESCAPE)
            | func.lower(Certificate.serial).like(like, escape=LIKE_ESCAPE)
        )
    return db.paginate(query, page=page, per_page=50, error_out=False)
