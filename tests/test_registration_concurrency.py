"""Capacity is never exceeded: concurrent registrations against a real gunicorn server with two workers."""

import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import requests
from sqlalchemy import select

from events.extensions import db
from events.registration.models import Registration

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_fifty_concurrent_registrations_for_ten_places(app, gunicorn_server, make_event):
    event = make_event(capacity=10)
    url = f"{gunicorn_server}/registration/{event.slug}"
    clients = 50
    barrier = Barrier(clients)

    def register(n: int) -> int:
        with requests.Session() as session:
            form = session.get(url, timeout=30)
            token = CSRF.search(form.text).group(1)
            barrier.wait(timeout=60)  # everyone posts at the same moment
            response = session.post(
                url,
                data={
                    "csrf_token": token,
                    "first_name": "Person",
                    "last_name": f"Nummer {n}",
                    "email": f"person{n}@example.org",
                    "language": "de",
                    "privacy_consent": "y",
                },
                allow_redirects=False,
                timeout=60,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(register, range(clients)))

    assert statuses == [302] * clients  # every one answered with the way to the personal page, none failed
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
