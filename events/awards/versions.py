"""Versions of what the jury's pages show: a digest that changes with every change to it, read in one query.

The pages keep what they computed or rendered in the per-process cache under such a version (see
results.compute_results and the jury's list in jury_views). A version is made of the count, highest id and latest
change of each table involved: a new row raises the count and the highest id, a deleted one lowers the count, and
a changed one its `updated_at` (or `declared_at` / `decided_at` for a conflict). It names the database too, so two
applications in one process (tests) never share an entry.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from events.awards.models import AwardProgramme, ConflictDeclaration, JuryMember, JuryReview, Nomination, Score
from events.extensions import db


def _latest(model, *columns, where) -> list:
    return [select(column).where(*where).scalar_subquery() for column in (func.count(model.id), *columns)]


def _scores(where) -> list:
    return _latest(Score, func.max(Score.id), func.max(Score.updated_at), where=where)


def _reviews(where) -> list:
    return _latest(JuryReview, func.max(JuryReview.id), func.max(JuryReview.updated_at), where=where)


def _conflicts(where) -> list:
    return _latest(
        ConflictDeclaration,
        func.max(ConflictDeclaration.id),
        func.max(ConflictDeclaration.declared_at),
        func.max(ConflictDeclaration.decided_at),
        where=where,
    )


def _nominations(programme_id: int) -> list:
    return _latest(
        Nomination,
        func.max(Nomination.id),
        func.max(Nomination.updated_at),
        where=[Nomination.programme_id == programme_id],
    )


def _digest(parts, *described) -> str:
    text = repr((str(db.engine.url), *described, tuple(parts)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def figures_version(programme: AwardProgramme, member_ids: list[int], *described) -> str:
    """What the figures follow: every score, review and conflict of the jury and every nomination of the programme
    (described: the criteria and the jury as the caller read them)."""
    parts = db.session.execute(
        select(
            *_scores([Score.jury_member_id.in_(member_ids)]),
            *_reviews([JuryReview.jury_member_id.in_(member_ids)]),
            *_conflicts([ConflictDeclaration.jury_member_id.in_(member_ids)]),
            *_nominations(programme.id),
        )
    ).one()
    return _digest(parts, programme.id, described)


def list_version(member: JuryMember) -> str:
    """What a juror's list follows: the programme's nominations, the member's own reviews and conflicts, and which
    category the member judges."""
    parts = db.session.execute(
        select(
            *_reviews([JuryReview.jury_member_id == member.id]),
            *_conflicts([ConflictDeclaration.jury_member_id == member.id]),
            *_nominations(member.programme_id),
        )
    ).one()
    return _digest(parts, member.id, member.category_id)
