"""The demo data end the award flow with a ceremony: winners with guests, honoured guests, seating, running order."""

from sqlalchemy import func, select

from events.ceremonies.models import Ceremony, Guest, GuestKind, RunningOrderItem, SeatAssignment
from events.extensions import db


def test_the_demo_has_a_seated_ceremony_for_the_regional_award(app, runner, client, login, make_user):
    result = runner.invoke(args=["demo", "load", "--password", "Demo-Passwort-2026-lang"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        ceremony = db.session.scalars(select(Ceremony)).one()
        kinds = db.session.execute(
            select(Guest.kind, func.count(Guest.id)).where(Guest.ceremony_id == ceremony.id).group_by(Guest.kind)
        ).all()
        seated = db.session.scalar(select(func.count(SeatAssignment.id)))
        laudations = db.session.scalar(
            select(func.count(RunningOrderItem.id)).where(RunningOrderItem.kind == "laudation")
        )
        ceremony_id, programme_id = ceremony.id, ceremony.programme_id
        db.session.remove()

    counts = dict(kinds)
    assert programme_id is not None
    # three places (and, once the awards' decisions are merged, whatever else the released decision gives)
    assert counts[GuestKind.WINNER] >= 3 and counts[GuestKind.HONOURED] == 3 and counts[GuestKind.JURY] == 3
    assert counts[GuestKind.COMPANION] >= 2
    assert seated == sum(counts.values())
    assert laudations == counts[GuestKind.WINNER]

    login(make_user("organiser"))
    page = client.get(f"/ceremonies/{ceremony_id}").text
    assert "Regierungspräsident von Niederbayern" in page
    assert "Tisch 1" in client.get(f"/ceremonies/{ceremony_id}/seating").text


def test_the_demo_ends_with_prize_certificates_and_winners_who_have_names(app, runner):
    from events.certificates.models import Certificate

    result = runner.invoke(args=["demo", "load", "--password", "Demo-Passwort-2026-lang"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        winners = db.session.scalars(select(Guest).where(Guest.kind == GuestKind.WINNER)).all()
        names = [guest.full_name for guest in winners]
        kinds = dict(
            db.session.execute(select(Certificate.kind, func.count(Certificate.id)).group_by(Certificate.kind)).all()
        )
        db.session.remove()

    assert kinds.get("award_prize") == len(winners) and kinds.get("jury_thanks", 0) >= 3
    assert not [name for name in names if name.startswith("Kontakt ")], names
