"""The jury: members and chair, conflicts of interest (declared, or suggested and decided by the chair), and what
each member sees, in a random order of their own."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, utils
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from events.awards.errors import AwardError
from events.awards.models import (
    AwardProgramme,
    ConflictDeclaration,
    ConflictState,
    ConflictType,
    JuryMember,
    JuryReview,
    Nomination,
    NominationState,
)
from events.awards.rules import covers, is_conflicted
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.models import District, Role, User, district_label
from events.core.types import utcnow
from events.extensions import db

# How similar (out of 100) names and organisations must be for the service to suggest a conflict.
NAME_SIMILARITY = 90
ORGANISATION_SIMILARITY = 85


def add_member(
    programme: AwardProgramme,
    email: str,
    *,
    is_chair: bool = False,
    category_id: int | None = None,
    organisation_name: str = "",
    district_id: int | None = None,
) -> JuryMember:
    """Seat a jury account in the programme; a new chair takes over from the previous one."""
    user = db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is None or Role.JURY not in user.roles:
        raise AwardError("unknown_user")
    if any(m.user_id == user.id for m in programme.jury):
        raise AwardError("already_member")
    if is_chair:
        for other in programme.jury:
            other.is_chair = False
    member = JuryMember(
        programme=programme,
        user=user,
        is_chair=is_chair,
        category_id=category_id,
        organisation_name=(organisation_name or "").strip(),
        district_id=district_id,
    )
    db.session.add(member)
    record_audit("award_jury.add", programme, f"{user.email}{' (chair)' if is_chair else ''}")
    db.session.commit()
    return member


def remove_member(member: JuryMember) -> None:
    record_audit("award_jury.remove", member.programme, member.user.email)
    db.session.delete(member)
    db.session.commit()


def member_of(user, programme: AwardProgramme) -> JuryMember | None:
    if user is None or not user.is_authenticated:
        return None
    # the member's account is the signed-in user, already in the session: no second query for it
    return db.session.scalars(
        select(JuryMember)
        .where(JuryMember.programme_id == programme.id, JuryMember.user_id == user.id)
        .options(lazyload(JuryMember.user))
    ).first()


def memberships(user) -> list[JuryMember]:
    return list(
        db.session.scalars(select(JuryMember).where(JuryMember.user_id == user.id).order_by(JuryMember.id.desc()))
    )


def conflict_of(member: JuryMember, nomination: Nomination) -> ConflictDeclaration | None:
    return db.session.scalars(
        select(ConflictDeclaration).where(
            ConflictDeclaration.jury_member_id == member.id, ConflictDeclaration.nomination_id == nomination.id
        )
    ).first()


def conflicts_of_programme(programme: AwardProgramme) -> list[ConflictDeclaration]:
    return list(
        db.session.scalars(
            select(ConflictDeclaration)
            .join(JuryMember)
            .where(JuryMember.programme_id == programme.id)
            .order_by(ConflictDeclaration.declared_at)
        )
    )


def declare_conflict(
    member: JuryMember, nomination: Nomination, state: ConflictState, conflict_type: str | None, note: str
) -> ConflictDeclaration:
    """The member's own declaration: no conflict, a conflict of a type, or recusal.

    A suggestion the chair has not dismissed stays in force whatever the member declares; a member may always
    declare a conflict, also over a dismissed suggestion. Every declaration is logged.
    """
    if state not in (ConflictState.NONE, ConflictState.DECLARED, ConflictState.RECUSED):
        raise ValueError(state)
    lock_row(JuryMember, member.id)
    conflict = conflict_of(member, nomination)
    if conflict is None:
        conflict = ConflictDeclaration(member=member, nomination=nomination, source="declared", state=state)
        db.session.add(conflict)
    elif state == ConflictState.NONE and conflict.state in (ConflictState.SUGGESTED, ConflictState.CONFIRMED):
        raise AwardError("chair_decides")
    conflict.state = state
    conflict.conflict_type = conflict_type if state == ConflictState.DECLARED else None
    conflict.note = (note or "").strip()
    conflict.declared_at = utcnow()
    db.session.flush()
    record_audit(
        "award_conflict.declare",
        conflict,
        f"{member.user.email} / {nomination.project_name}: {state}{f' ({conflict_type})' if conflict_type else ''}",
    )
    db.session.commit()
    return conflict


@dataclass
class Match:
    conflict_type: ConflictType
    detail: str


def _similar(first: str | None, second: str | None, threshold: int, scorer) -> bool:
    a, b = utils.default_process(first or ""), utils.default_process(second or "")
    return bool(a and b) and scorer(a, b) >= threshold


def likely_conflict(member: JuryMember, nomination: Nomination) -> Match | None:
    """Whether the member's own name, organisation or district matches the nominee's or the proposer's."""
    names = [member.user.display_name]
    if member.user.person is not None:
        names.append(member.user.person.full_name)
    for person in (nomination.contact_name, nomination.proposer_name):
        if any(_similar(name, person, NAME_SIMILARITY, fuzz.token_sort_ratio) for name in names):
            return Match(ConflictType.PERSONAL, person)
    for organisation in (nomination.organisation_name, nomination.proposer_organisation):
        if _similar(member.organisation_name, organisation, ORGANISATION_SIMILARITY, fuzz.token_set_ratio):
            return Match(ConflictType.SAME_ORGANISATION, organisation)
    if member.district_id is not None and member.district_id == nomination.district_id:
        return Match(ConflictType.SAME_DISTRICT, nomination.district.label if nomination.district else "")
    return None


def suggest_conflicts(programme: AwardProgramme) -> int:
    """Suggest a conflict for every member and admitted nomination that match and have no declaration yet."""
    lock_row(AwardProgramme, programme.id)
    nominations = db.session.scalars(
        select(Nomination).where(
            Nomination.programme_id == programme.id,
            Nomination.state.in_([NominationState.SUBMITTED, NominationState.ELIGIBLE]),
        )
    ).all()
    known = {(c.jury_member_id, c.nomination_id) for c in conflicts_of_programme(programme)}
    added = 0
    for member in programme.jury:
        for nomination in nominations:
            if (member.id, nomination.id) in known or not covers(member, nomination):
                continue
            match = likely_conflict(member, nomination)
            if match is None:
                continue
            conflict = ConflictDeclaration(
                member=member,
                nomination=nomination,
                source="suggested",
                state=ConflictState.SUGGESTED,
                conflict_type=match.conflict_type,
                note=match.detail,
            )
            db.session.add(conflict)
            db.session.flush()
            record_audit(
                "award_conflict.suggest", conflict, f"{member.user.email} / {nomination.project_name}: {match.detail}"
            )
            added += 1
    db.session.commit()
    return added


def decide_suggestion(conflict: ConflictDeclaration, confirm: bool, by) -> ConflictDeclaration:
    """The chair confirms or dismisses a suggested conflict; logged with who and when."""
    conflict = lock_row(ConflictDeclaration, conflict.id)
    if conflict.state != ConflictState.SUGGESTED:
        raise AwardError("not_suggested")
    conflict.state = ConflictState.CONFIRMED if confirm else ConflictState.DISMISSED
    conflict.decided_by_id = by.id
    conflict.decided_at = utcnow()
    record_audit(
        "award_conflict.decide",
        conflict,
        f"{conflict.member.user.email} / {conflict.nomination.project_name}: {conflict.state}",
    )
    db.session.commit()
    return conflict


def random_place(member: JuryMember, nomination_id: int) -> str:
    """A member's own random order: the same every time for them, different from every other member's."""
    return hashlib.sha256(f"award-order:{member.id}:{nomination_id}".encode()).hexdigest()


class ListedNomination(NamedTuple):
    """What a juror's list shows of a nomination (plain columns, no ORM rows: the list has hundreds)."""

    id: int
    programme_id: int
    category_id: int | None
    project_name: str
    organisation_name: str
    district_label: str


class ListedReview(NamedTuple):
    submitted: bool


@dataclass
class ListEntry:
    nomination: ListedNomination
    conflict: ConflictDeclaration | None
    review: ListedReview | None

    @property
    def conflicted(self) -> bool:
        return is_conflicted(self.conflict)


def member_list(member: JuryMember) -> list[ListEntry]:
    """The admitted nominations of the member's categories, in their own random order, with their declaration and
    their review (conflicted ones are listed by name only, to declare or see the chair's decision).

    The query selects exactly the nominations that reach the jury (rules.reaches_jury: admitted and consented), and
    reads no timestamps: hundreds of them cost more than the rest of the list."""
    rows = db.session.execute(
        select(
            Nomination.id,
            Nomination.programme_id,
            Nomination.category_id,
            Nomination.project_name,
            Nomination.organisation_name,
            District.name,
            District.kind,
        )
        .outerjoin(District, District.id == Nomination.district_id)
        .where(
            Nomination.programme_id == member.programme_id,
            Nomination.state == NominationState.ELIGIBLE,
            Nomination.consent_at.is_not(None),
        )
    ).all()
    labels = {None: ""}  # a few districts, each labelled once
    for row in rows:
        if row[5] is not None and row[5:] not in labels:
            labels[row[5:]] = district_label(*row[5:])
    nominations = [ListedNomination(*row[:5], labels[row[5:] if row[5] is not None else None]) for row in rows]
    conflicts = {
        c.nomination_id: c
        for c in db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.jury_member_id == member.id))
    }
    reviews = {
        nomination_id: ListedReview(bool(submitted))
        for nomination_id, submitted in db.session.execute(
            select(JuryReview.nomination_id, JuryReview.submitted_at.is_not(None)).where(
                JuryReview.jury_member_id == member.id
            )
        )
    }
    entries = [ListEntry(n, conflicts.get(n.id), reviews.get(n.id)) for n in nominations if covers(member, n)]
    return sorted(entries, key=lambda entry: random_place(member, entry.nomination.id))
