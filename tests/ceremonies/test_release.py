"""The link to the awards' decision: releasing it invites the winners to the programme's ceremony (receivers)."""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy import select

from events.ceremonies import receivers
from events.ceremonies.guests import create_ceremony
from events.ceremonies.models import Guest, GuestKind
from events.extensions import db
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
