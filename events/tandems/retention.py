"""What the tandem groups hold of personal data in their discussion, and how it goes (privacy.retention decides
when: six months after the programme's period has ended, as registrations go six months after their event).

- Comments on blocks are working notes of people, with their names: they are deleted. What came of them is in
  the blocks' versions.
- Suggestions stay as the record of how a block got its text, but without the person: the author's name becomes
  the author's group (or "ehemaliges Mitglied"), the link to the person and the name of who decided are removed.
- Kept: the blocks, their versions and the contributors credited in the printed guideline (a document the
  ministry published, like an issued certificate), the groups, pairs and members of the programme, and the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update

from events.extensions import db
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    GuidelineBlock,
    GuidelineChapter,
    TandemGroup,
    TandemProgramme,
)

FORMER_MEMBER = "ehemaliges Mitglied"  # the author of a suggestion whose group is not known any more


@dataclass
class TandemForgotten:
    comments: int = 0  # deleted
    suggestions: int = 0  # whose author was anonymised


def _blocks_of_programmes_ended_by(last_day: date):
    return (
        select(GuidelineBlock.id)
        .join(GuidelineChapter, GuidelineChapter.id == GuidelineBlock.chapter_id)
        .join(TandemProgramme, TandemProgramme.id == GuidelineChapter.programme_id)
        .where(TandemProgramme.ends_on <= last_day)
    )


def forget_discussions(ended_by: date, dry_run: bool = False) -> TandemForgotten:
    """Delete the comments and anonymise the suggestions of every programme whose period ended on or before
    `ended_by` (safe to run again: what is done is not counted twice). Does not commit."""
    blocks = _blocks_of_programmes_ended_by(ended_by)
    comments = select(BlockComment.id).where(BlockComment.block_id.in_(blocks))
    suggestions = select(BlockSuggestion.id).where(
        BlockSuggestion.block_id.in_(blocks),
        BlockSuggestion.author_person_id.is_not(None)
        | BlockSuggestion.decided_by.is_not(None)
        | (BlockSuggestion.author != _anonymous_author()),
    )
    comment_ids, suggestion_ids = list(db.session.scalars(comments)), list(db.session.scalars(suggestions))
    report = TandemForgotten(comments=len(comment_ids), suggestions=len(suggestion_ids))
    if dry_run:
        return report
    db.session.execute(delete(BlockComment).where(BlockComment.id.in_(comment_ids)))
    db.session.execute(
        update(BlockSuggestion)
        .where(BlockSuggestion.id.in_(suggestion_ids))
        .values(author=_anonymous_author(), author_person_id=None, decided_by=None),
        execution_options={"synchronize_session": False},
    )
    return report


def _anonymous_author():
    """What an anonymised suggestion names as its author: its group, or FORMER_MEMBER (SQL, per row)."""
    group = select(TandemGroup.name).where(TandemGroup.id == BlockSuggestion.author_group_id).scalar_subquery()
    return func.coalesce(group, FORMER_MEMBER)
