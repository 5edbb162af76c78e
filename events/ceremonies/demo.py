"""Demo data of the ceremony: the award ceremony of the regional programme "Integration vor Ort" with its winners
(and their guests), honoured guests in protocol order, the jury, tables with a suggested seating and a running
order, so a new user sees the end of the award flow."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from events.awards.models import AwardProgramme, Nomination, NominationState
from events.ceremonies.guests import add_honoured_guest, create_ceremony, invite_winners, register_companion
from events.ceremonies.models import Guest, GuestKind, ItemKind, Seat
from events.ceremonies.receivers import released_winners, winners_of
from events.ceremonies.running_order import add_item, generate_laudations
from events.ceremonies.seating import add_section, set_blocked
from events.ceremonies.suggestion import suggest_seating
from events.core.timezone import BERLIN
from events.core.types import utcnow
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.meetings.models import Event
from events.registration.consent import PRIVACY_CONSENT_VERSION
from events.registration.models import Invitation, Registration
from events.registration.personal_links import personal_token
from events.registration.tokens import hash_token

# (first name, last name, office, organisation, protocol rank, kind)
HONOURED = [
    (
        "Rainer",
        "Haselbeck",
        "Regierungspräsident von Niederbayern",
        "Regierung von Niederbayern",
        1,
        GuestKind.HONOURED,
    ),
    ("Petra", "Loibl", "Mitglied des Landtags", "Bayerischer Landtag", 2, GuestKind.HONOURED),
    ("Peter", "Dreier", "Landrat", "Landkreis Landshut", 3, GuestKind.HONOURED),
    ("Markus", "Huber", "Jury (Vorsitz)", "Caritasverband Passau", 10, GuestKind.JURY),
    ("Selin", "Arslan", "Jury", "Stadt Landshut, Amt für Integration", 11, GuestKind.JURY),
    ("Georg", "Wimmer", "Jury", "Landratsamt Dingolfing-Landau", 12, GuestKind.JURY),
]
PRIZES = [(1, 250_000), (2, 150_000), (3, 100_000)]


@dataclass(frozen=True)
class DemoWinner:
    """A winner as awards.decisions gives them, made from a demo nomination while the awards have no decisions
    (before the branch with the decisions is merged)."""

    nomination_id: int
    category_name: str
    prize_label: str
    place: int
    amount_cents: int
    laudation: str
    person: PersonDetails


def _winners(programme: AwardProgramme) -> list:
    released = released_winners(programme)
    if released or winners_of is not None:  # the decision's winners, once released; never before
        return released
    nominations = db.session.scalars(
        select(Nomination)
        .where(Nomination.programme_id == programme.id, Nomination.state == NominationState.ELIGIBLE)
        .order_by(Nomination.id)
        .limit(len(PRIZES))
    ).all()
    return [
        DemoWinner(
            nomination_id=nomination.id,
            category_name=nomination.project_name,
            prize_label=f"{place}. Platz, {amount // 100:,} Euro".replace(",", "."),
            place=place,
            amount_cents=amount,
            laudation=f"„{nomination.project_name}“ bringt in {nomination.organisation_name} Menschen zusammen.",
            person=PersonDetails(
                nomination.contact_name, email=nomination.contact_email, organisation=nomination.organisation_name
            ),
        )
        for nomination, (place, amount) in zip(nominations, PRIZES, strict=False)
    ]


def _register(guest: Guest) -> None:
    """The invited guest accepts through their invitation."""
    invitation = db.session.get(Invitation, guest.invitation_id)
    now = utcnow()
    registration = Registration(
        event_id=invitation.event_id,
        first_name=guest.first_name,
        last_name=guest.last_name,
        email=invitation.email,
        email_normalized=invitation.email,
        organisation_name=guest.organisation,
        language=guest.language,
        answers={},
        privacy_consent_at=now,
        privacy_consent_version=PRIVACY_CONSENT_VERSION,
        privacy_consent_text="(Demo-Daten)",
        status="confirmed",
        confirmed_at=now,
        invitation_id=invitation.id,
    )
    registration.manage_token_hash = hash_token(personal_token(registration))
    db.session.add(registration)
    db.session.commit()


def load_ceremony_demo(rng: random.Random) -> None:
    programme = db.session.scalars(select(AwardProgramme).order_by(AwardProgramme.id)).first()
    if programme is None:
        return
    day = (utcnow() + timedelta(days=45)).astimezone(BERLIN).date()
    starts = datetime.combine(day, time(17, 0), tzinfo=BERLIN)
    event = Event(
        slug=f"preisverleihung-integration-vor-ort-{programme.edition}",
        kind="ceremony",
        title=f"Preisverleihung „Integration vor Ort“ {programme.edition}",
        description="Festakt mit der Verleihung des Integrationspreises der Regierung von Niederbayern.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        venue_name="Regierung von Niederbayern, Großer Sitzungssaal",
        address="Regierungsplatz 540, 84028 Landshut",
        capacity=120,
        status="published",
        access="invited",
        contact_email=programme.contact_email or "integrationspreis@reg-nb.example",
    )
    db.session.add(event)
    db.session.commit()
    ceremony = create_ceremony(event, programme, guest_allowance=2)
    invite_winners(ceremony, _winners(programme))
    for first, last, office, organisation, rank, kind in HONOURED:
        email = f"{first}.{last}@demo.example".lower()
        add_honoured_guest(
            ceremony,
            kind=kind,
            first_name=first,
            last_name=last,
            email=email,
            office=office,
            organisation=organisation,
            protocol_rank=rank,
            language="de",
        )
    guests = db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony.id).order_by(Guest.id)).all()
    for guest in guests:
        if guest.invitation_id is not None and guest.last_name != "Dreier":  # the Landrat has not answered yet
            _register(guest)
    companions = ["Yusuf Demir", "Maria Schreiner", "Lena Hofbauer"]
    for guest in (g for g in guests if g.kind == GuestKind.WINNER):
        for _ in range(rng.randint(1, 2)):
            if companions:
                first, last = companions.pop().split(" ")
                register_companion(db.session.get(Guest, guest.id), first, last)
    for number in range(1, 7):
        add_section(ceremony, f"Tisch {number}", 8)
    press = db.session.scalar(
        select(Seat).where(Seat.ceremony_id == ceremony.id, Seat.number == 8).order_by(Seat.id).limit(1)
    )
    set_blocked(ceremony, press.id, True)  # kept for the press
    suggest_seating(ceremony)
    add_item(ceremony, ItemKind.MUSIC, "Musikalischer Auftakt: Streichquartett der Musikschule Landshut")
    add_item(ceremony, ItemKind.SPEECH, "Begrüßung durch den Regierungspräsidenten")
    generate_laudations(ceremony)
    add_item(ceremony, ItemKind.SPEECH, "Schlusswort und Einladung zum Empfang")
