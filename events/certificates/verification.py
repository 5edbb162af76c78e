"""Finding certificates: by their public code (verification) and by name or serial (the organisers' list)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import func, select

from events.certificates.models import Certificate
from events.core.search import LIKE_ESCAPE, contains_pattern, fold
from events.extensions import db

# Packages above certificates that hold some of their certificates back (awards: a prize certificate of a decision
# under embargo) register a check here; a certificate any check holds back does not verify yet: the page answers
# as for an unknown one.
EMBARGOES: list[Callable[[Certificate], bool]] = []


def register_embargo(check: Callable[[Certificate], bool]) -> None:
    if check not in EMBARGOES:
        EMBARGOES.append(check)


def under_embargo(certificate: Certificate) -> bool:
    return any(check(certificate) for check in EMBARGOES)


def _unless_embargoed(certificate: Certificate | None) -> Certificate | None:
    return None if certificate is None or under_embargo(certificate) else certificate


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 20:
        return None
    return _unless_embargoed(db.session.scalars(select(Certificate).where(Certificate.code == code)).first())


SERIAL = re.compile(r"TP-?\s*(\d{4})-?\s*(\d{1,8})", re.IGNORECASE)


def certificate_typed_in(number: str, name: str) -> Certificate | None:
    """A certificate by what a reader typed from the paper: the address or code of its check page, or its number
    together with the recipient's name (or last name). A number alone is not enough: numbers run in order, and
    the page shows the name, so nobody can list the recipients by trying numbers.
    """
    number = (number or "").strip()[:200]
    serial = SERIAL.fullmatch(number.replace(" ", ""))
    if serial is None:
        code = urlsplit(number).path.rstrip("/").rsplit("/", 1)[-1] if "/" in number else number
        return certificate_by_code(code)
    wanted = fold(name).replace("-", " ").split()
    if not wanted:
        return None
    certificate = db.session.scalars(
        select(Certificate).where(Certificate.serial == f"TP-{serial[1]}-{int(serial[2]):05d}")
    ).first()
    if certificate is None:
        return None
    words = set(fold(certificate.recipient_name).replace("-", " ").split())
    return _unless_embargoed(certificate) if set(wanted) <= words else None


def search_certificates(term: str, page: int):
    query = select(Certificate).order_by(Certificate.id.desc())
    if term:
        like = contains_pattern(term)
        query = query.where(
            func.lower(Certificate.recipient_name).like(like, escape=LIKE_ESCAPE)
            | func.lower(Certificate.serial).like(like, escape=LIKE_ESCAPE)
        )
    return db.paginate(query, page=page, per_page=50, error_out=False)
