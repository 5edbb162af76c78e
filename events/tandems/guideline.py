"""The guideline block by block: chapters, blocks and their versions, comments, suggestions, states and merging."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from events.core.audit import record_audit
from events.core.models import Person
from events.core.types import utcnow
from events.extensions import db
from events.tandems.errors import TandemError
from events.tandems.models import (
    BlockComment,
    BlockState,
    BlockSuggestion,
    BlockVersion,
    GuidelineBlock,
    GuidelineChapter,
    SuggestionStatus,
    TandemGroup,
    TandemProgramme,
    block_groups,
)
from events.tandems.rules import (
    Actor,
    may_add_block,
    may_comment,
    may_decide_suggestion,
    may_edit_block,
    may_merge,
    may_remove_comment,
    may_set_state,
    may_suggest,
)

MAX_TEXT = 20_000


def _refuse_unless(allowed: bool, programme: TandemProgramme) -> None:
    if not allowed:
        raise TandemError("frozen" if programme.signed_off_at else "not_allowed")


def add_chapter(programme: TandemProgramme, title: str, introduction: str = "") -> GuidelineChapter:
    if programme.signed_off_at:
        raise TandemError("frozen")
    position = db.session.scalar(
        select(func.coalesce(func.max(GuidelineChapter.position), 0)).filter_by(programme_id=programme.id)
    )
    chapter = GuidelineChapter(
        programme=programme, title=title.strip(), introduction=introduction, position=position + 1
    )
    db.session.add(chapter)
    db.session.flush()
    record_audit("tandem.chapter.create", chapter, summary=chapter.title)
    db.session.commit()
    return chapter


def _credit(block: GuidelineBlock, actor: Actor) -> None:
    if actor.person_id and all(person.id != actor.person_id for person in block.contributors):
        block.contributors.append(db.session.get(Person, actor.person_id))


def _new_version(block: GuidelineBlock, author: str, note: str = "") -> BlockVersion:
    version = BlockVersion(
        block=block, number=block.version, title=block.title, text=block.text, author=author, note=note
    )
    block.updated_at = version.saved_at = utcnow()
    db.session.add(version)
    return version


def add_block(
    chapter: GuidelineChapter, actor: Actor, title: str, text: str, group_id: int | None = None
) -> GuidelineBlock:
    """A new recommendation, owned by the actor's group (organisers name the group); its first version."""
    programme = chapter.programme
    _refuse_unless(may_add_block(actor, programme), programme)
    owner_id = actor.group_id if not actor.editor or group_id is None else group_id
    group = db.session.get(TandemGroup, owner_id) if owner_id else None
    if group is None or group.programme_id != programme.id:
        raise TandemError("not_allowed")
    position = db.session.scalar(
        select(func.coalesce(func.max(GuidelineBlock.position), 0)).filter_by(chapter_id=chapter.id)
    )
    block = GuidelineBlock(
        chapter=chapter, group=group, title=title.strip(), text=text.strip(), version=1, position=position + 1
    )
    block.groups = [group]
    db.session.add(block)
    _credit(block, actor)
    _new_version(block, actor.name)
    db.session.flush()
    record_audit("tandem.block.create", block, summary=block.title, actor=actor.name)
    db.session.commit()
    return block


def save_block(block: GuidelineBlock, actor: Actor, title: str, text: str, note: str = "") -> BlockVersion:
    """The owning group (or, in consolidation, the editors) saves a change: a new version."""
    programme = block.chapter.programme
    _refuse_unless(may_edit_block(actor, block), programme)
    title, text = title.strip(), text.strip()
    if title == block.title and text == block.text:
        raise TandemError("unchanged")
    block.title, block.text = title, text
    block.version += 1
    _credit(block, actor)
    version = _new_version(block, actor.name, note)
    record_audit("tandem.block.edit", block, summary=f"{block.title} (Fassung {block.version})", actor=actor.name)
    db.session.commit()
    return version


def comment_on_block(block: GuidelineBlock, actor: Actor, text: str) -> BlockComment:
    _refuse_unless(may_comment(actor, block), block.chapter.programme)
    comment = BlockComment(block=block, author=actor.name, author_group_id=actor.group_id, text=text.strip())
    db.session.add(comment)
    db.session.flush()
    record_audit("tandem.block.comment", block, summary=block.title, actor=actor.name)
    db.session.commit()
    return comment


def remove_comment(comment: BlockComment, actor: Actor) -> None:
    """A facilitator (or an organiser) moderates: the comment is deleted; the audit log names whose it was."""
    block = comment.block
    _refuse_unless(may_remove_comment(actor, comment), block.chapter.programme)
    record_audit("tandem.block.comment_removed", block, summary=f"{block.title}: {comment.author}", actor=actor.name)
    db.session.delete(comment)
    db.session.commit()


def suggest_change(block: GuidelineBlock, actor: Actor, text: str, reason: str = "") -> BlockSuggestion:
    _refuse_unless(may_suggest(actor, block), block.chapter.programme)
    if text.strip() == block.text:
        raise TandemError("unchanged")
    suggestion = BlockSuggestion(
        block=block,
        author=actor.name,
        author_person_id=actor.person_id,
        author_group_id=actor.group_id,
        base_version=block.version,
        text=text.strip(),
        reason=(reason or "").strip(),
    )
    db.session.add(suggestion)
    db.session.flush()
    record_audit("tandem.block.suggest", block, summary=block.title, actor=actor.name)
    db.session.commit()
    return suggestion


def decide_suggestion(suggestion: BlockSuggestion, actor: Actor, accept: bool) -> BlockVersion | None:
    """The owners accept a proposal (a new version of the block, its author a contributor) or reject it. A
    proposal written against an older version is refused: the owners read it against the current text first."""
    block = suggestion.block
    _refuse_unless(may_decide_suggestion(actor, suggestion), block.chapter.programme)
    suggestion.decided_by, suggestion.decided_at = actor.name, utcnow()
    version = None
    if accept:
        if suggestion.base_version != block.version:
            raise TandemError("stale_suggestion")
        suggestion.status = SuggestionStatus.ACCEPTED
        block.text = suggestion.text
        block.version += 1
        if suggestion.author_person_id:
            _credit(block, Actor(name=suggestion.author, person_id=suggestion.author_person_id))
        version = _new_version(block, actor.name, note=f"Vorschlag von {suggestion.author} übernommen")
    else:
        suggestion.status = SuggestionStatus.REJECTED
    record_audit(f"tandem.suggestion.{suggestion.status}", block, summary=block.title, actor=actor.name)
    db.session.commit()
    return version


def set_block_state(block: GuidelineBlock, actor: Actor, state: str) -> None:
    state = BlockState(state)
    _refuse_unless(may_set_state(actor, block, state), block.chapter.programme)
    block.state = state
    record_audit("tandem.block.state", block, summary=f"{block.title}: {state}", actor=actor.name)
    db.session.commit()


def merge_blocks(block: GuidelineBlock, into: GuidelineBlock, actor: Actor) -> None:
    """Merges an overlapping recommendation into another: its groups and contributors are credited on the one
    that stays, its text is appended there as a new version for the editors to consolidate."""
    _refuse_unless(may_merge(actor, block, into), block.chapter.programme)
    for group in block.groups:
        if group not in into.groups:
            into.groups.append(group)
    for person in block.contributors:
        if person not in into.contributors:
            into.contributors.append(person)
    into.text = f"{into.text}\n\n{block.text}".strip()
    into.version += 1
    _new_version(into, actor.name, note=f"„{block.title}“ eingearbeitet")
    block.state = BlockState.MERGED
    block.merged_into = into
    record_audit("tandem.block.merge", block, summary=f"{block.title} → {into.title}", actor=actor.name)
    db.session.commit()


# --- reading the guideline -------------------------------------------------------------------------------------


def chapters_with_blocks(programme: TandemProgramme, states: tuple[str, ...] | None = None):
    """The chapters in order, each with its blocks (optionally only those in `states`), groups loaded."""
    chapters = db.session.scalars(
        select(GuidelineChapter)
        .filter_by(programme_id=programme.id)
        .order_by(GuidelineChapter.position, GuidelineChapter.id)
        .options(
            selectinload(GuidelineChapter.blocks).selectinload(GuidelineBlock.groups),
            selectinload(GuidelineChapter.blocks).selectinload(GuidelineBlock.group),
        )
    ).all()
    return [
        (chapter, [block for block in chapter.blocks if states is None or block.state in states])
        for chapter in chapters
    ]


@dataclass
class BlockLine:
    """One block as the draft page lists it."""

    id: int
    title: str
    state: str
    groups: list[str] = field(default_factory=list)
    comments: int = 0
    open_suggestions: int = 0


def draft_outline(programme: TandemProgramme) -> list[tuple[GuidelineChapter, list[BlockLine]]]:
    """The chapters in order with their blocks' titles, states, credited groups, comments and open suggestions:
    plain rows in five queries, however many blocks and versions the guideline has."""
    chapters = db.session.scalars(
        select(GuidelineChapter)
        .filter_by(programme_id=programme.id)
        .order_by(GuidelineChapter.position, GuidelineChapter.id)
    ).all()
    in_programme = select(GuidelineBlock.id).join(GuidelineChapter).where(GuidelineChapter.programme_id == programme.id)
    by_chapter: dict[int, list[BlockLine]] = {chapter.id: [] for chapter in chapters}
    lines: dict[int, BlockLine] = {}
    for block_id, chapter_id, title, state in db.session.execute(
        select(GuidelineBlock.id, GuidelineBlock.chapter_id, GuidelineBlock.title, GuidelineBlock.state)
        .where(GuidelineBlock.id.in_(in_programme))
        .order_by(GuidelineBlock.position, GuidelineBlock.id)
    ):
        lines[block_id] = BlockLine(block_id, title, state)
        by_chapter[chapter_id].append(lines[block_id])
    for block_id, name in db.session.execute(
        select(block_groups.c.block_id, TandemGroup.name)
        .join(TandemGroup, TandemGroup.id == block_groups.c.group_id)
        .where(block_groups.c.block_id.in_(in_programme))
        .order_by(TandemGroup.name)
    ):
        lines[block_id].groups.append(name)
    for block_id, count in db.session.execute(
        select(BlockComment.block_id, func.count())
        .where(BlockComment.block_id.in_(in_programme))
        .group_by(BlockComment.block_id)
    ):
        lines[block_id].comments = count
    for block_id, count in db.session.execute(
        select(BlockSuggestion.block_id, func.count())
        .where(BlockSuggestion.block_id.in_(in_programme), BlockSuggestion.status == SuggestionStatus.OPEN)
        .group_by(BlockSuggestion.block_id)
    ):
        lines[block_id].open_suggestions = count
    return [(chapter, by_chapter[chapter.id]) for chapter in chapters]


def block_version(block: GuidelineBlock, number: int) -> BlockVersion:
    version = db.session.scalar(select(BlockVersion).filter_by(block_id=block.id, number=number))
    if version is None:
        raise TandemError("unknown_version")
    return version


def guideline_versions(programme: TandemProgramme, limit: int = 200) -> list[BlockVersion]:
    """The saved changes of the whole guideline, newest first: each names the guideline as it stood after it."""
    return list(
        db.session.scalars(
            select(BlockVersion)
            .join(GuidelineBlock)
            .join(GuidelineChapter)
            .where(GuidelineChapter.programme_id == programme.id)
            .order_by(BlockVersion.id.desc())
            .limit(limit)
            .options(selectinload(BlockVersion.block))
        )
    )


def guideline_text_at(programme: TandemProgramme, version_id: int) -> str:
    """The whole guideline as it stood after the change `version_id`: chapters and, of each block, its latest
    version up to then, as plain Markdown (for comparing two moments)."""
    latest = (
        select(BlockVersion.block_id, func.max(BlockVersion.id).label("version_id"))
        .join(GuidelineBlock)
        .join(GuidelineChapter)
        .where(GuidelineChapter.programme_id == programme.id, BlockVersion.id <= version_id)
        .group_by(BlockVersion.block_id)
        .subquery()
    )
    versions = {
        version.block_id: version
        for version in db.session.scalars(select(BlockVersion).join(latest, BlockVersion.id == latest.c.version_id))
    }
    parts = []
    for chapter, blocks in chapters_with_blocks(programme):
        parts.append(f"# {chapter.title}")
        for block in blocks:
            if block.id in versions:
                parts.append(f"## {versions[block.id].title}\n\n{versions[block.id].text}")
    return "\n\n".join(parts)


def guideline_version_in(programme: TandemProgramme, version_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(BlockVersion.id)
            .join(GuidelineBlock)
            .join(GuidelineChapter)
            .where(BlockVersion.id == version_id, GuidelineChapter.programme_id == programme.id)
        )
    )
