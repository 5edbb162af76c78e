"""The link to the awards' decision: releasing it invites the winners to the programme's ceremony (receivers)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from blinker import Namespace
from sqlalchemy import select

from events.ceremonies import receivers
from events.ceremonies.guests import create_ceremony
from events.ceremonies.models import Guest, GuestKind
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Invitation
from tests.awards.factories import programme
from tests.ceremonies.factories import ceremony_event, winner


def test_releasing_a_decision_invites_its_winners_to_the_ceremony_with_their_allowance(app, monkeypatch):
    released = Namespace().signal("decision-released")  # stands in for awards.signals.decision_released
    decided = [winner("Erika Muster", nomination_id=None), winner("Jonas Beispiel", place=2, prize_label="2. Platz")]
    monkeypatch.setattr(receivers, "decision_released", released)
    monkeypatch.setattr(receivers, "winners_of", lambda _programme: decided)
    monkeypatch.setattr(receivers, "decision_is_released", lambda _programme: True)
    receivers.connect()

    with app.test_request_context():
        award = programme()
        ceremony = create_ceremony(ceremony_event(1), award, guest_allowance=3)
        released.send(award)
        guests = db.session.scalars(
            select(Guest).where(Guest.ceremony_id == ceremony.id).order_by(Guest.award_order)
        ).all()
        invited = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == ceremony.event_id)))
        rows = [(g.full_name, g.kind, g.allowance, g.place, g.invitation_id is not None) for g in guests]
        db.session.remove()

    assert rows == [
        ("Erika Muster", GuestKind.WINNER, 3, 1, True),
        ("Jonas Beispiel", GuestKind.WINNER, 3, 2, True),
    ]
    assert invited == {"erika.muster@example.org", "jonas.beispiel@example.org"}


def test_a_programme_without_a_ceremony_invites_nobody(app, monkeypatch):
    monkeypatch.setattr(receivers, "winners_of", lambda _programme: [winner("Erika Muster")])
    monkeypatch.setattr(receivers, "decision_is_released", lambda _programme: True)
    with app.test_request_context():
        assert receivers.invite_winners_of(programme()) is None
        assert db.session.scalar(select(db.func.count(Guest.id))) == 0
        db.session.remove()


def test_before_the_release_no_winner_is_invited(app, monkeypatch):
    monkeypatch.setattr(receivers, "winners_of", lambda _programme: [winner("Erika Muster")])
    monkeypatch.setattr(receivers, "decision_is_released", lambda _programme: False)
    with app.test_request_context():
        award = programme()
        create_ceremony(ceremony_event(2), award)
        assert receivers.invite_winners_of(award) is None
        assert db.session.scalar(select(db.func.count(Guest.id))) == 0
        assert db.session.scalar(select(db.func.count(Invitation.id))) == 0
        db.session.remove()


def _released_programme(organiser_id: int, before_release=None):
    """A programme whose decision (one first place) is released; returns (programme, winner's address).
    before_release(programme, nomination) runs between the decision and its release."""
    from datetime import timedelta

    from events.awards.announcement import release_decisions
    from events.awards.decisions import record_decision
    from events.awards.prizes import Entry
    from events.core.models import User
    from events.core.types import utcnow
    from tests.awards import factories

    award = programme()
    award.place_amounts = [250_000]
    db.session.commit()
    first = factories.nomination(award, project_name="Lesepaten Straubing", contact_name="Erika Muster")
    chair = factories.juror(award, is_chair=True)
    factories.scores(factories.juror(award), first, [4, 4, 0])
    record_decision(
        award,
        None,
        [Entry(first.id, "place", place=1, laudation="Lesen verbindet.")],
        [chair.id],
        db.session.get(User, chair.user_id),
    )
    if before_release is not None:
        before_release(award, first)
    release_decisions(award, db.session.get(User, organiser_id), utcnow() + timedelta(days=1))
    return award, first.contact_email


def test_a_ceremony_still_in_draft_says_why_its_winners_are_not_invited_and_invites_them_once_published(
    app, client, login, account
):
    organiser = account("organiser")
    with app.test_request_context():
        award, email = _released_programme(organiser.id)
        event = ceremony_event(3)
        event.status = "draft"
        db.session.commit()
        ceremony_id, event_id = create_ceremony(event, award).id, event.id
        db.session.remove()
    login(organiser)

    page = client.post(f"/ceremonies/{ceremony_id}/invite-winners", follow_redirects=True).text
    assert "sobald die Veranstaltung veröffentlicht ist" in page
    assert "noch keine freigegebene Entscheidung" not in page

    with app.app_context():
        db.session.get(Event, event_id).status = "published"
        db.session.commit()
        db.session.remove()
    page = client.post(f"/ceremonies/{ceremony_id}/invite-winners", follow_redirects=True).text
    assert "1 Preisträgerinnen und Preisträger neu eingeladen." in page
    with app.app_context():
        invited = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event_id)))
        db.session.remove()
    assert invited == {email}


def test_a_winner_who_withdrew_before_the_release_is_not_invited_to_the_ceremony(app, account):
    from events.awards.decisions import winners_of
    from events.awards.nominations import withdraw_nomination

    def withdraw_with_a_ceremony_waiting(award, nomination):
        create_ceremony(ceremony_event(4), award)
        withdraw_nomination(nomination)

    with app.test_request_context():
        award, _email = _released_programme(account("organiser").id, withdraw_with_a_ceremony_waiting)
        guests = db.session.scalar(select(db.func.count(Guest.id)))
        invitations = db.session.scalar(select(db.func.count(Invitation.id)))
        winners = winners_of(award)
        db.session.remove()

    assert (guests, invitations, winners) == (0, 0, [])


def test_a_winner_who_applied_in_english_is_invited_to_the_ceremony_in_english(app):
    from events.core.models import OutgoingMail
    from tests.ceremonies.factories import winner

    with app.test_request_context():
        ceremony = create_ceremony(ceremony_event(5), programme())
        english = winner("Sam Taylor")
        receivers.invite_winners(ceremony, [replace(english, person=replace(english.person, language="en"))])
        mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "sam.taylor@example.org")).one()
        subject, body = mail.subject, mail.body_text
        db.session.remove()

    assert subject.startswith("Invitation:") and "we cordially invite you" in body


def test_a_ceremony_made_after_the_release_invites_the_winners_the_release_promised_an_invitation(
    app, client, login, account
):
    organiser = account("organiser")
    with app.test_request_context():
        award, email = _released_programme(organiser.id)
        programme_id, event_id = award.id, ceremony_event(6).id
        db.session.remove()
    login(organiser)

    page = client.post(
        f"/ceremonies/events/{event_id}/create",
        data={"guest_allowance": "2", "programme_id": str(programme_id)},
        follow_redirects=True,
    ).text
    assert "1 Preisträgerinnen und Preisträger neu eingeladen." in page
    with app.app_context():
        invited = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event_id)))
        guests = [g.full_name for g in db.session.scalars(select(Guest).where(Guest.kind == GuestKind.WINNER))]
        db.session.remove()
    assert invited == {email} and guests == ["Erika Muster"]


def test_a_winner_added_at_the_same_moment_by_another_request_stands_on_the_list_once(
    app, client, login, account, monkeypatch
):
    from events.ceremonies import guests as guest_service

    organiser = account("organiser")
    with app.test_request_context():
        award, _email = _released_programme(organiser.id)
        ceremony_id = create_ceremony(ceremony_event(7), award).id
        db.session.remove()
    login(organiser)
    page = client.post(f"/ceremonies/{ceremony_id}/invite-winners", follow_redirects=True).text
    assert "1 Preisträgerinnen und Preisträger neu eingeladen." in page

    real, looks = guest_service.invited_nominations, []

    def not_seen_yet(ceremony_id):  # the second request read the list before the first one's winner was committed
        looks.append(1)
        return set() if len(looks) == 1 else real(ceremony_id)

    monkeypatch.setattr(guest_service, "invited_nominations", not_seen_yet)
    again = client.post(f"/ceremonies/{ceremony_id}/invite-winners", follow_redirects=True)

    assert again.status_code == 200
    assert "0 Preisträgerinnen und Preisträger neu eingeladen." in again.text
    with app.app_context():
        winners = db.session.scalars(select(Guest.nomination_id).where(Guest.ceremony_id == ceremony_id)).all()
        db.session.remove()
    assert len(winners) == 1 and winners[0] is not None


def test_the_database_holds_a_winner_once_per_ceremony(app, account):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with app.test_request_context():
        award, _email = _released_programme(account("organiser").id)
        ceremony = create_ceremony(ceremony_event(8), award)
        assert receivers.invite_winners_of(award) == 1
        nomination_id = db.session.scalar(select(Guest.nomination_id).where(Guest.ceremony_id == ceremony.id))
        twice = Guest(ceremony_id=ceremony.id, kind=GuestKind.WINNER, first_name="Erika", last_name="Muster")
        twice.nomination_id = nomination_id
        db.session.add(twice)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.remove()


def test_a_winner_who_withdraws_after_the_release_gives_up_the_ceremony_and_the_certificate(
    app, client, login, account
):
    from events.awards.certificates import issue_award_certificates
    from events.awards.links import nominee_token
    from events.awards.models import Nomination
    from events.certificates.models import Certificate
    from events.core.models import OutgoingMail
    from events.registration.models import Registration
    from tests.ceremonies.factories import register_invited

    organiser = account("organiser")

    def in_english_with_a_ceremony_waiting(award, nomination):
        nomination.language = "en"
        db.session.commit()
        create_ceremony(ceremony_event(9), award)

    with app.test_request_context():
        award, email = _released_programme(organiser.id, in_english_with_a_ceremony_waiting)
        winner = db.session.scalars(select(Guest).where(Guest.kind == GuestKind.WINNER)).one()
        registration, _token = register_invited(winner)
        db.session.add(
            Guest(
                ceremony_id=winner.ceremony_id,
                kind=GuestKind.COMPANION,
                host_id=winner.id,
                first_name="Ada",
                last_name="Gast",
            )
        )
        db.session.commit()
        issue_award_certificates(award, organiser.id)
        code = db.session.scalar(select(Certificate.code).where(Certificate.kind == "award_prize"))
        nomination = db.session.scalars(select(Nomination)).one()
        ids = (award.id, winner.ceremony_id, registration.id, winner.invitation_id, nominee_token(nomination))
        programme_id, ceremony_id, registration_id, invitation_id, token = ids
        db.session.remove()
    assert "Gültig" in client.get(f"/certificates/v/{code}").text

    client.post(f"/awards/me/{token}/withdraw")  # the winner withdraws through their personal link

    assert "Widerrufen" in client.get(f"/certificates/v/{code}").text
    with app.app_context():
        assert db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony_id)).all() == []
        assert db.session.get(Registration, registration_id).status == "cancelled"
        assert db.session.get(Invitation, invitation_id) is None  # the invitation link registers nobody
        told = db.session.scalars(
            select(OutgoingMail).where(
                OutgoingMail.recipient == email, OutgoingMail.topic == "ceremonies.invitation_withdrawn"
            )
        ).one()
        assert told.subject.startswith("Your invitation to") and "has been withdrawn" in told.body_text
        db.session.remove()
    login(organiser)
    for page in (f"/awards/jury/{programme_id}/decisions", f"/ceremonies/{ceremony_id}"):
        text = client.get(page).text
        assert "Nach der Bekanntgabe zurückgezogen" in text and "Lesepaten Straubing" in text, page


@pytest.mark.parametrize("admitted_already", [False, True], ids=["invited-only", "in-the-hall"])
def test_a_winner_who_withdraws_is_told_unless_already_admitted_at_the_door(app, account, admitted_already):
    from events.awards.models import Nomination
    from events.awards.nominations import withdraw_nomination
    from events.checkin.models import CheckIn
    from events.core.models import OutgoingMail
    from events.core.timezone import berlin_date
    from events.core.types import utcnow
    from tests.ceremonies.factories import register_invited

    def with_a_ceremony_waiting(award, nomination):
        create_ceremony(ceremony_event(10), award)

    with app.test_request_context():
        award, email = _released_programme(account("organiser").id, with_a_ceremony_waiting)
        winner = db.session.scalars(select(Guest).where(Guest.kind == GuestKind.WINNER)).one()
        if admitted_already:  # registered, and let in at the door
            registration, _token = register_invited(winner)
            db.session.add(
                CheckIn(
                    event_id=registration.event_id,
                    registration_id=registration.id,
                    day=berlin_date(utcnow()),
                    result="welcome",
                )
            )
            db.session.commit()
        withdraw_nomination(db.session.get(Nomination, winner.nomination_id))
        guests = db.session.scalars(select(Guest.id)).all()
        told = db.session.scalars(
            select(OutgoingMail.subject).where(OutgoingMail.topic == "ceremonies.invitation_withdrawn")
        ).all()
        db.session.remove()

    if admitted_already:
        assert len(guests) == 1 and told == []
    else:
        assert guests == [] and told == ["Ihre Einladung zu „Festakt Integrationspreis 10“ entfällt"]
