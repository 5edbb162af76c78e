"""Registering through the real HTML form: one person with the test client (the personal link comes by mail, as the
form answers every address alike), and many people at the same moment against a running server."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PERSONAL_LINK = re.compile(r"https?://[^/\s]+(/registration/me/[A-Za-z0-9_-]+)")
CHECK_MAIL = re.compile(r"/registration/[^/]+/check-mail$")


def personal_link_from_mail(app, email: str) -> str:
    """The personal link (path) in the newest mail to this address that carries one (read from the outbox)."""
    from sqlalchemy import func, select

    from events.core.models import OutgoingMail
    from events.extensions import db
    from events.registration.models import Registration
    from events.registration.personal_links import personal_token

    with app.app_context(), app.test_request_context():
        mails = db.session.scalars(
            select(OutgoingMail)
            .where(func.lower(OutgoingMail.recipient) == email.strip().lower())
            .order_by(OutgoingMail.id.desc())
        ).all()
        for mail in mails:
            if mail.body_text is None and mail.renderer == "registration" and mail.render_args.get("link"):
                # not rendered yet (delivered later): the link it will carry
                registration = db.session.get(Registration, mail.render_args["registration_id"])
                return f"/registration/me/{personal_token(registration)}"
            found = PERSONAL_LINK.search(mail.body_text or "")
            if found:
                return found[1]
    raise AssertionError(f"no mail with a personal link to {email}")


def register_through_form(client, url: str, data: dict) -> str:
    """Send the registration form at url (the path of /registration/<slug>) and return the personal link from the
    mail it sent; the form itself answers with the "check your mail" page, whatever became of the registration."""
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert CHECK_MAIL.search(response.headers["Location"]), response.headers["Location"]
    return personal_link_from_mail(client.application, data["email"])


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form at url. The connection is not kept alive: the server closes an idle connection
    after two seconds, which a post after waiting for the others would find closed."""
    return CSRF.search(session.get(url, headers={"Connection": "close"}, timeout=60).text).group(1)


def register_concurrently(url_of: Callable[[int], str], count: int) -> list[int]:
    """Person n fetches the registration form at url_of(n); all post at the same moment; the answers' statuses."""
    barrier = threading.Barrier(count)

    def register(n: int) -> int:
        with requests.Session() as session:
            token = form_token(session, url_of(n))
            barrier.wait(timeout=120)
            return session.post(
                url_of(n),
                data={
                    "csrf_token": token,
                    "first_name": "Person",
                    "last_name": f"Nummer {n}",
                    "email": f"person{n}@example.org",
                    "language": "de",
                    "privacy_consent": "y",
                },
                allow_redirects=False,
                timeout=120,
            ).status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(register, range(count)))
