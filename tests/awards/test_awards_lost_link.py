"""An applicant or proposer who lost the mail with their personal link asks for a new one on the call's page."""

import re

from sqlalchemy import select

from events.awards.models import Nomination
from events.core.models import AuditEntry, OutgoingMail
from events.extensions import db

SENT = "Bitte prüfen Sie Ihr Postfach"


def _set_address(app, nomination, **columns):
    with app.app_context():
        row = db.session.get(Nomination, nomination.id)
        for name, value in columns.items():
            setattr(row, name, value)
        db.session.commit()


def _links_to(app, recipient) -> list[str]:
    from events.core.mailer import deliver_queue_now

    with app.test_request_context():
        deliver_queue_now()
        mails = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.recipient == recipient).order_by(OutgoingMail.id)
        ).all()
        return [(m.subject, re.search(r"/awards/me/[A-Za-z0-9_-]{22}", m.body_text)[0]) for m in mails]


def test_a_new_link_goes_to_each_nomination_of_the_address_and_the_old_links_end(
    app, client, make_programme, make_nomination
):
    programme, other_programme = make_programme(), make_programme(name="Integrationspreis Schwaben", region=None)
    first = make_nomination(programme, project_name="Sprachcafé Landshut")
    second = make_nomination(programme, project_name="Kochtreff Ergolding")
    elsewhere = make_nomination(other_programme, project_name="Lesepaten Augsburg")
    for nomination in (first, second, elsewhere):
        _set_address(app, nomination, contact_email="aylin.demir@example.org")

    page = client.get(f"/awards/call/{programme.slug}").get_data(as_text=True)
    assert "Link zu Ihrem Vorschlag verloren?" in page and f"/awards/call/{programme.slug}/link" in page
    answer = client.post(f"/awards/call/{programme.slug}/link", data={"email": "Aylin.Demir@example.org"})
    assert answer.status_code == 200 and SENT in answer.get_data(as_text=True)

    links = _links_to(app, "aylin.demir@example.org")
    assert sorted(subject for subject, _link in links) == [
        "Ihr neuer Link zu „Kochtreff Ergolding“",
        "Ihr neuer Link zu „Sprachcafé Landshut“",
    ]
    for subject, link in links:
        project = subject.split("„")[1].rstrip("“")
        assert project in client.get(link).get_data(as_text=True)
    assert client.get(f"/awards/me/{first.token}").status_code == 404  # the old links end
    assert client.get(f"/awards/me/{second.token}").status_code == 404
    assert client.get(f"/awards/me/{elsewhere.token}").status_code == 200  # another programme's stays
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "award_nomination.renew_link"))
        assert len(entries.all()) == 2


def test_the_answer_is_the_same_for_an_address_without_a_nomination(app, client, make_programme, make_nomination):
    programme = make_programme()
    nomination = make_nomination(programme)
    answer = client.post(f"/awards/call/{programme.slug}/link", data={"email": "niemand@example.org"})
    assert answer.status_code == 200 and SENT in answer.get_data(as_text=True)
    assert _links_to(app, "niemand@example.org") == []
    assert client.get(f"/awards/me/{nomination.token}").status_code == 200  # nothing else changed


def test_a_proposer_gets_a_new_proposer_link(app, client, make_programme, make_nomination):
    programme = make_programme()
    nomination = make_nomination(programme, route="third_party", state="awaiting_consent", consent=False)
    with app.app_context():
        proposer_email = db.session.get(Nomination, nomination.id).proposer_email
    client.post(f"/awards/call/{programme.slug}/link", data={"email": proposer_email})
    ((subject, link),) = _links_to(app, proposer_email)
    assert "Sie haben dieses Projekt vorgeschlagen." in client.get(link).get_data(as_text=True)
    assert client.get(f"/awards/me/{nomination.token}").status_code == 200  # the nominee's link stays


def test_a_wrong_address_is_refused_and_kept_and_asking_is_rate_limited(app, client, make_programme):
    programme = make_programme()
    refused = client.post(f"/awards/call/{programme.slug}/link", data={"email": "kein-at-zeichen"})
    assert refused.status_code == 400
    assert 'value="kein-at-zeichen"' in refused.get_data(as_text=True)
    answers = [
        client.post(f"/awards/call/{programme.slug}/link", data={"email": f"p{n}@example.org"}).status_code
        for n in range(10)
    ]
    assert answers[:9] == [200] * 9 and answers[9:] == [429]
