"""Capacity is never exceeded: concurrent registrations against a real gunicorn server with two workers."""

from sqlalchemy import select

from events.extensions import db
from events.registration.models import Registration
from tests.registering import register_concurrently


def test_fifty_concurrent_registrations_for_ten_places(app, gunicorn_server, make_event):
    event = make_event(capacity=10)
    url = f"{gunicorn_server}/registration/{event.slug}"
    clients = 50
    statuses = register_concurrently(lambda _n: url, clients)  # everyone posts at the same moment

    assert statuses == [302] * clients  # every one answered with the way to "check your mail", none failed
    with app.app_context():
        db.session.remove()
        rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    confirmed = [r for r in rows if r.status == "confirmed"]
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_position)
    assert len(rows) == clients
    assert len(confirmed) == 10
    assert [r.waitlist_position for r in waiting] == list(range(1, clients - 10 + 1))
    # in order: whoever was put on the list first has the lower position
    assert [r.id for r in waiting] == sorted(r.id for r in waiting)
