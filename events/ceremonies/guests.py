"""The ceremony's guest list: the ceremony itself, winners invited with their allowance, honoured guests with
office and protocol rank, and the guests a winner registers by name through their personal link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from events.ceremonies.errors import CeremonyError
from events.ceremonies.models import Ceremony, Guest, GuestKind
from events.ceremonies.rules import asks_date_of_birth, guest_list_is_open, guests_left
from events.core.audit import record_audit
from events.core.database import alphabetical_key, lock_row
from events.extensions import db
from events.meetings.models import Event, EventKind
from events.registration.errors import InvitationError
from events.registration.invitations import Invitee, invite_people
from events.registration.models import Invitation, Registration, RegistrationStatus
from events.registration.places import free_places


def create_ceremony(event: Event, programme=None, guest_allowance: int = 2, requires_date_of_birth=False) -> Ceremony:
    """Make an event of kind ceremony the ceremony of an award programme (or of none)."""
    if event.kind != EventKind.CEREMONY:
        raise CeremonyError("not_a_ceremony")
    if ceremony_for_event(event) is not None:
        raise CeremonyError("already_a_ceremony")
    ceremony = Ceremony(
        event_id=event.id,
        programme_id=programme.id if programme is not None else None,
        guest_allowance=guest_allowance,
        requires_date_of_birth=requires_date_of_birth,
    )
    db.session.add(ceremony)
    record_audit("ceremony.created", event, summary=f"{event.title}: Feier angelegt")
    db.session.commit()
    return ceremony


def update_ceremony(ceremony: Ceremony, guest_allowance: int, requires_date_of_birth: bool) -> None:
    """Change the settings; a new allowance holds for every winner (guests registered beyond it stay, no more
    can be added)."""
    lock_row(Event, ceremony.event_id)
    ceremony = db.session.get(Ceremony, ceremony.id)
    if guest_allowance != ceremony.guest_allowance:
        db.session.execute(
            update(Guest)
            .where(Guest.ceremony_id == ceremony.id, Guest.kind == GuestKind.WINNER)
            .values(allowance=guest_allowance)
        )
    ceremony.guest_allowance = guest_allowance
    ceremony.requires_date_of_birth = requires_date_of_birth
    record_audit("ceremony.changed", ceremony.event, summary=f"{ceremony.event.title}: Einstellungen der Feier")
    db.session.commit()


def ceremony_for_event(event: Event) -> Ceremony | None:
    return db.session.scalar(select(Ceremony).where(Ceremony.event_id == event.id))


def ceremony_of(programme) -> Ceremony | None:
    """The newest ceremony of an award programme."""
    return db.session.scalars(
        select(Ceremony).where(Ceremony.programme_id == programme.id).order_by(Ceremony.id.desc())
    ).first()


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = (name or "").strip().rpartition(" ")
    return (first, last) if first else (last, "")


def invite_winners(ceremony: Ceremony, winners) -> int:
    """Put the winners of a decision on the guest list, each with the ceremony's guest allowance, and invite them
    through the event's invitations. `winners`: objects with nomination_id, category_name, prize_label, place,
    amount_cents, laudation and person (name, email, organisation, language), in award order. A winner already on
    the list (same nomination) is left as they are. Returns how many were added. CeremonyError("invitation") when
    the event sends no invitations now (a draft, say): nothing is kept then.

    Runs under the ceremony's row lock, so that the release and the organiser's button, running at once, cannot
    both add the same winner; the unique index on ceremony and nomination stands behind it. Should it refuse an
    entry all the same, the list is read again and only those still missing are added (none, as a rule)."""
    ceremony_id = ceremony.id
    try:
        return _add_winners(ceremony_id, winners)
    except IntegrityError:
        db.session.rollback()
    try:
        return _add_winners(ceremony_id, winners)
    except IntegrityError:
        db.session.rollback()
        raise CeremonyError("guest_list_changed") from None


def invited_nominations(ceremony_id: int) -> set[int]:
    """The nominations whose winners stand on the ceremony's list."""
    return set(
        db.session.scalars(
            select(Guest.nomination_id).where(Guest.ceremony_id == ceremony_id, Guest.nomination_id.is_not(None))
        )
    )


def _add_winners(ceremony_id: int, winners) -> int:
    ceremony = lock_row(Ceremony, ceremony_id)
    known = invited_nominations(ceremony.id)
    added = []
    for order, winner in enumerate(winners, start=1):
        if winner.nomination_id is not None and winner.nomination_id in known:
            continue
        first, last = _split_name(winner.person.name)
        guest = Guest(
            ceremony_id=ceremony.id,
            kind=GuestKind.WINNER,
            first_name=first,
            last_name=last,
            email=(winner.person.email or "").strip().lower() or None,
            organisation=winner.person.organisation or None,
            language=winner.person.language or "de",
            allowance=ceremony.guest_allowance,
            nomination_id=winner.nomination_id,
            award_order=order,
            category_name=winner.category_name,
            prize_label=winner.prize_label,
            place=winner.place,
            amount_cents=winner.amount_cents,
            laudation=winner.laudation,
        )
        db.session.add(guest)
        added.append(guest)
    _invite(ceremony, added)
    return len(added)


def add_honoured_guest(ceremony: Ceremony, **values) -> Guest:
    """An honoured guest or juror with office and protocol rank, invited at once (values: kind, first_name,
    last_name, email, organisation, office, protocol_rank, language)."""
    guest = Guest(ceremony_id=ceremony.id, **values)
    guest.email = (guest.email or "").strip().lower() or None
    db.session.add(guest)
    _invite(ceremony, [guest])
    return guest


def _invite(ceremony: Ceremony, guests: list[Guest]) -> None:
    """Invite the new guests (flushed, not committed) and link each to their invitation; commits."""
    db.session.flush()
    invitees = [Invitee(g.email or "", g.first_name, g.last_name, g.organisation, g.language) for g in guests]
    ids = [g.id for g in guests]
    try:
        result = invite_people(ceremony.event, invitees)  # commits the guests with the invitations
    except InvitationError as error:
        db.session.rollback()
        raise CeremonyError("invitation", reason=error.message) from None
    if result.errors:
        raise CeremonyError("invitation", reason=str(InvitationError(result.errors[0][1]).message))
    guests = db.session.scalars(select(Guest).where(Guest.id.in_(ids))).all()
    invitations = dict(
        db.session.execute(
            select(Invitation.email, Invitation.id).where(
                Invitation.event_id == ceremony.event_id, Invitation.email.in_([g.email for g in guests if g.email])
            )
        ).all()
    )
    taken = set(db.session.scalars(select(Guest.invitation_id).where(Guest.invitation_id.in_(invitations.values()))))
    for guest in guests:
        invitation_id = invitations.get(guest.email)
        if invitation_id is not None and invitation_id not in taken:
            guest.invitation_id = invitation_id
            taken.add(invitation_id)
    record_audit("ceremony.invited", ceremony.event, summary=f"{len(guests)} Gäste der Feier eingeladen")
    db.session.commit()


def guest_for_registration(registration: Registration) -> Guest | None:
    """The invited guest whose invitation made this registration."""
    if registration.invitation_id is None:
        return None
    return db.session.scalar(select(Guest).where(Guest.invitation_id == registration.invitation_id))


def _checked_date_of_birth(ceremony: Ceremony, date_of_birth: date | None) -> date | None:
    if not asks_date_of_birth(ceremony):
        return None
    if date_of_birth is None:
        raise CeremonyError("date_of_birth")
    return date_of_birth


def register_companion(host: Guest, first_name: str, last_name: str, date_of_birth: date | None = None) -> Guest:
    """A winner registers a guest by name. The event row is locked while the allowance and the free places are
    counted (as registering does), so neither is exceeded by requests at the same moment."""
    event = lock_row(Event, host.ceremony.event_id)
    host = db.session.get(Guest, host.id)  # read again under the lock
    ceremony = host.ceremony
    try:
        if not guest_list_is_open(ceremony):
            raise CeremonyError("event_over")
        if registration_status(host) != RegistrationStatus.CONFIRMED:
            raise CeremonyError("not_registered")
        if guests_left(host) <= 0:
            raise CeremonyError("allowance_used", allowance=host.allowance)
        if free_places(event) == 0:
            raise CeremonyError("event_full")
        date_of_birth = _checked_date_of_birth(ceremony, date_of_birth)
    except CeremonyError:
        db.session.rollback()
        raise
    companion = Guest(
        ceremony_id=ceremony.id,
        kind=GuestKind.COMPANION,
        host_id=host.id,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=host.language,
        date_of_birth=date_of_birth,
    )
    db.session.add(companion)
    db.session.flush()
    record_audit(
        "ceremony.companion", ceremony.event, summary=f"Gast {companion.id} von Gast {host.id}", actor="participant"
    )
    db.session.commit()
    return companion


def remove_companion(companion: Guest) -> None:
    lock_row(Event, companion.ceremony.event_id)
    record_audit("ceremony.companion_removed", companion.ceremony.event, summary=f"Gast {companion.id}")
    db.session.delete(db.session.get(Guest, companion.id))
    db.session.commit()


def set_date_of_birth(guest: Guest, date_of_birth: date | None) -> None:
    guest.date_of_birth = _checked_date_of_birth(guest.ceremony, date_of_birth)
    db.session.commit()


def registration_status(guest: Guest) -> str | None:
    """The status of the invited guest's registration (a companion: the host's), None before registering."""
    invited = guest.host if guest.kind == GuestKind.COMPANION else guest
    if invited is None or invited.invitation_id is None:
        return None
    return db.session.scalar(
        select(Registration.status)
        .where(Registration.invitation_id == invited.invitation_id)
        .order_by(Registration.status == RegistrationStatus.CANCELLED)
    )


def companions_taking_places(event: Event) -> int:
    """Places the winners' guests take: those of winners with a confirmed registration (capacity counts them)."""
    if event.kind != EventKind.CEREMONY:
        return 0
    host = aliased(Guest)
    return db.session.scalar(
        select(func.count(Guest.id))
        .join(host, host.id == Guest.host_id)
        .join(Ceremony, Ceremony.id == Guest.ceremony_id)
        .join(Registration, Registration.invitation_id == host.invitation_id)
        .where(Ceremony.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
    )


@dataclass
class GuestLine:
    guest: Guest
    status: str | None  # the registration's status (a companion: the host's); None: invited, not registered


KIND_ORDER = {GuestKind.HONOURED: 0, GuestKind.JURY: 1, GuestKind.WINNER: 2, GuestKind.COMPANION: 3}


def guest_list(ceremony: Ceremony) -> list[GuestLine]:
    """Everyone on the list in protocol order: ranked guests by rank, then the winners in award order, each with
    their guests, then anyone else by name. Two queries, whatever the number of guests."""
    guests = db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony.id).order_by(Guest.id)).all()
    statuses: dict[int, str] = {}
    for invitation_id, status in db.session.execute(
        select(Registration.invitation_id, Registration.status).where(
            Registration.event_id == ceremony.event_id, Registration.invitation_id.is_not(None)
        )
    ):  # a standing registration counts before a cancelled one of the same invitation
        if statuses.get(invitation_id) in (None, RegistrationStatus.CANCELLED):
            statuses[invitation_id] = status
    companions: dict[int, list[Guest]] = {}
    for guest in guests:
        if guest.host_id is not None:
            companions.setdefault(guest.host_id, []).append(guest)
    lines = []
    for guest in sorted((g for g in guests if g.host_id is None), key=protocol_key):
        status = statuses.get(guest.invitation_id) if guest.invitation_id is not None else None
        lines.append(GuestLine(guest, status))
        lines += [GuestLine(companion, status) for companion in companions.get(guest.id, [])]
    return lines


def protocol_key(guest: Guest) -> tuple:
    return (
        guest.protocol_rank is None,
        guest.protocol_rank or 0,
        KIND_ORDER.get(guest.kind, 9),
        guest.award_order or 0,
        alphabetical_key(guest.last_name),
        alphabetical_key(guest.first_name),
    )


def guests_coming(ceremony: Ceremony) -> list[Guest]:
    """Those on the list whose registration (or whose host's) is confirmed, in protocol order."""
    return [line.guest for line in guest_list(ceremony) if line.status == RegistrationStatus.CONFIRMED]
