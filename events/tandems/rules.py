"""Who may do what with a tandem programme and its guideline: named predicates for services, views and templates.

Each phase decides who may do what (PHASE_ALLOWS); a signed-off guideline is frozen and allows nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.tandems.models import (
    LIVE_BLOCK_STATES,
    BlockComment,
    BlockState,
    BlockSuggestion,
    GuidelineBlock,
    MemberRole,
    Phase,
    SuggestionStatus,
    TandemGroup,
    TandemMeeting,
    TandemProgramme,
)


@dataclass(frozen=True)
class Actor:
    """Who is acting on a programme: a member of one of its groups (by personal link or account), a coordinator
    of the partner organisation (signed in), or an organiser of the ministry."""

    name: str
    person_id: int | None = None
    member_id: int | None = None
    group_id: int | None = None  # the member's group
    role: str | None = None  # the member's MemberRole
    organiser: bool = False
    coordinator: bool = False

    @property
    def editor(self) -> bool:
        """Organisers and the partner: they see every group and consolidate the guideline."""
        return self.organiser or self.coordinator


# What each phase allows, by action. "own" actions are the owning group's, "any" ones everybody's.
PHASE_ALLOWS = {
    Phase.DRAFTING: {"edit", "add_block", "comment_own", "decide", "state", "merge"},
    Phase.COMMENTING: {"edit", "add_block", "comment_any", "suggest", "decide", "state", "merge"},
    Phase.CONSOLIDATION: {"edit_editors", "add_block_editors", "comment_editors", "decide", "state", "merge"},
    Phase.SIGN_OFF: {"sign_off"},
}


def guideline_frozen(programme: TandemProgramme) -> bool:
    """Signed off: nothing of the guideline changes any more."""
    return programme.signed_off_at is not None


def phase_allows(programme: TandemProgramme, action: str) -> bool:
    return not guideline_frozen(programme) and action in PHASE_ALLOWS[Phase(programme.phase)]


def sees_group(actor: Actor, group: TandemGroup) -> bool:
    """Members see their own group only; organisers and the partner see them all."""
    return actor.editor or actor.group_id == group.id


def owns_block(actor: Actor, block: GuidelineBlock) -> bool:
    return actor.group_id is not None and actor.group_id == block.group_id


def block_is_live(block: GuidelineBlock) -> bool:
    return block.state in LIVE_BLOCK_STATES


def may_edit_block(actor: Actor, block: GuidelineBlock) -> bool:
    """The owning group edits its blocks directly while drafting and commenting; organisers and the partner also
    during the editorial consolidation."""
    programme = block.chapter.programme
    if not block_is_live(block):
        return False
    if phase_allows(programme, "edit_editors"):
        return actor.editor
    return phase_allows(programme, "edit") and (owns_block(actor, block) or actor.editor)


def may_add_block(actor: Actor, programme: TandemProgramme) -> bool:
    if phase_allows(programme, "add_block_editors"):
        return actor.editor
    return phase_allows(programme, "add_block") and (actor.group_id is not None or actor.editor)


def may_comment(actor: Actor, block: GuidelineBlock) -> bool:
    """Everybody during the comment period; before it the owning group, after it organisers and the partner."""
    programme = block.chapter.programme
    if not block_is_live(block):
        return False
    if phase_allows(programme, "comment_any"):
        return True
    if phase_allows(programme, "comment_own"):
        return owns_block(actor, block) or actor.editor
    return phase_allows(programme, "comment_editors") and actor.editor


def may_suggest(actor: Actor, block: GuidelineBlock) -> bool:
    """Other groups propose changes during the comment period; the owners edit directly instead."""
    return block_is_live(block) and phase_allows(block.chapter.programme, "suggest") and not owns_block(actor, block)


def may_decide_suggestion(actor: Actor, suggestion: BlockSuggestion) -> bool:
    block = suggestion.block
    return (
        suggestion.status == SuggestionStatus.OPEN
        and block_is_live(block)
        and phase_allows(block.chapter.programme, "decide")
        and (owns_block(actor, block) or actor.editor)
    )


def may_set_state(actor: Actor, block: GuidelineBlock, state: str) -> bool:
    """Owners move their block between draft and review; organisers and the partner also accept or drop it.
    Merging has its own action (may_merge)."""
    if state == BlockState.MERGED or block.state == BlockState.MERGED or state == block.state:
        return False
    if not phase_allows(block.chapter.programme, "state"):
        return False
    if actor.editor:
        return True
    owner_states = (BlockState.DRAFT, BlockState.IN_REVIEW)
    return owns_block(actor, block) and state in owner_states and block.state in owner_states


def may_merge(actor: Actor, block: GuidelineBlock, into: GuidelineBlock) -> bool:
    """Organisers and the partner merge overlapping recommendations of one programme; both groups keep credit."""
    return (
        actor.editor
        and block.id != into.id
        and block_is_live(block)
        and block_is_live(into)
        and into.chapter.programme_id == block.chapter.programme_id
        and phase_allows(block.chapter.programme, "merge")
    )


def leads_or_facilitates(actor: Actor, group_id: int) -> bool:
    """The group's lead or its facilitator (Moderation, e.g. from the partner organisation)."""
    return actor.group_id == group_id and actor.role in (MemberRole.LEAD, MemberRole.FACILITATOR)


def facilitates(actor: Actor, group_id: int) -> bool:
    return actor.group_id == group_id and actor.role == MemberRole.FACILITATOR


def may_record_minutes(actor: Actor, meeting: TandemMeeting) -> bool:
    """The group's lead or facilitator (or an organiser) records the minutes of its meetings."""
    return (leads_or_facilitates(actor, meeting.group_id) or actor.organiser) and not guideline_frozen(
        meeting.group.programme
    )


def may_remove_comment(actor: Actor, comment: BlockComment) -> bool:
    """Moderating: the facilitator of the group that owns the block removes a comment on it (off-topic, personal,
    hurtful); organisers and the partner may too. Not once the guideline is signed off."""
    block = comment.block
    return not guideline_frozen(block.chapter.programme) and (actor.editor or facilitates(actor, block.group_id))


def may_change_phase(actor: Actor, programme: TandemProgramme) -> bool:
    return actor.organiser and not guideline_frozen(programme)


def may_sign_off(actor: Actor, programme: TandemProgramme) -> bool:
    """In the sign-off phase an organiser records the approval of the named person of the ministry."""
    return actor.organiser and phase_allows(programme, "sign_off")


def print_is_draft(programme: TandemProgramme) -> bool:
    """Until the guideline is signed off its print is a draft (watermarked) with every live block."""
    return not guideline_frozen(programme)


def printed_states(programme: TandemProgramme) -> tuple[str, ...]:
    return LIVE_BLOCK_STATES if print_is_draft(programme) else (BlockState.ACCEPTED,)
