"""The same ticket scanned at several doors at the same moment: one welcome, the rest "already", never a 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select

from events.checkin.devices import create_device
from events.checkin.models import CheckIn
from events.core.models import User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for

DOORS = 4
TICKETS = 6


def test_simultaneous_scans_of_one_ticket_admit_it_exactly_once(
    app, gunicorn_server, make_event, make_registration, make_user
):
    start = utcnow() - timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=10))
    registrations = [make_registration(event) for _ in range(TICKETS)]
    organiser = make_user("organiser")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        user = db.session.get(User, organiser.id)
        tokens = [create_device(the_event, f"Tür {n + 1}", user)[1] for n in range(DOORS)]
        codes = [ticket_token_for(db.session.get(Registration, r.id)) for r in registrations]

    sessions = [requests.Session() for _ in range(DOORS)]
    answers: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}

    def door(index: int, code: str, barrier: threading.Barrier) -> tuple[int, str]:
        barrier.wait()
        response = sessions[index].post(
            f"{gunicorn_server}/checkin/api/v1/scans",
            json={"token": code, "nonce": f"{code}-{index}"},
            headers={"Authorization": f"Bearer {tokens[index]}"},
            timeout=30,
        )
        result = (
            response.json().get("result", "")
            if response.headers.get("Content-Type", "").startswith("application/json")
            else ""
        )
        return response.status_code, result

    with ThreadPoolExecutor(max_workers=DOORS) as pool:
        for code in codes:
            barrier = threading.Barrier(DOORS)
            futures = [pool.submit(door, index, code, barrier) for index in range(DOORS)]
            answers[code] = [future.result() for future in futures]

    for results in answers.values():
        assert all(status == 200 for status, _ in results), results
        assert sorted(result for _, result in results) == ["already"] * (DOORS - 1) + ["welcome"], results

    with app.app_context():
        welcomes = db.session.execute(
            select(CheckIn.registration_id, func.count())
            .where(CheckIn.result == "welcome", CheckIn.undone_at.is_(None))
            .group_by(CheckIn.registration_id)
        ).all()
        assert sorted(count for _, count in welcomes) == [1] * TICKETS
        assert db.session.scalar(select(func.count(CheckIn.id))) == TICKETS * DOORS
