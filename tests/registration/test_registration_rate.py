"""Registration cannot be automated from one or two machines, while a shared office network still passes
(issue 15, item 4: the rates)."""

from __future__ import annotations

from sqlalchemy import func, select

from events.extensions import db
from events.registration.models import Registration
from tests.registration.test_registration import form_data


def _register(client, event, n, address):
    return client.post(
        f"/registration/{event.slug}",
        data=form_data(email=f"person{n}@example.org"),
        environ_base={"REMOTE_ADDR": address},
    )


def _count(app, event):
    with app.app_context():
        return db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id))


def test_one_address_cannot_book_out_an_event_but_a_colleague_elsewhere_still_registers(app, client, make_event):
    event = make_event(capacity=500)
    answers = [_register(client, event, n, "10.1.1.1").status_code for n in range(25)]

    assert answers.count(302) == 20  # REGISTRATION_LIMIT_PER_EVENT_AND_ADDRESS: 20 per hour
    assert answers[20:] == [429] * 5
    assert _count(app, event) == 20
    assert _register(client, event, 99, "10.2.2.2").status_code == 302
    assert _count(app, event) == 21


def test_a_form_to_correct_does_not_count(app, client, make_event):
    event = make_event()
    for _ in range(25):
        response = client.post(f"/registration/{event.slug}", data=form_data(email="kein-at-zeichen"))
        assert response.status_code == 400
    assert _register(client, event, 1, "127.0.0.1").status_code == 302


def test_all_addresses_together_are_limited_per_event(app, client, make_event, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_EVENT", "5 per minute")
    event, other = make_event(), make_event()
    answers = [_register(client, event, n, f"10.3.3.{n}").status_code for n in range(7)]
    assert answers == [302] * 5 + [429] * 2
    assert _register(client, other, 50, "10.3.3.50").status_code == 302  # other events are not affected
