"""Organisers correct a nomination's details (a typo in the project's name or the contact address) until it is
scored."""

import re

from sqlalchemy import select

from events.awards.models import Nomination
from events.core.models import AuditEntry, OutgoingMail
from events.extensions import db


def _form(app, nomination, **changes):
    with app.app_context():
        row = db.session.get(Nomination, nomination.id)
        data = {
            "category_id": "",
            "nominee_kind": row.nominee_kind,
            "project_name": row.project_name,
            "description": row.description,
            "active_since": row.active_since.isoformat(),
            "district_id": str(row.district_id),
            "organisation_name": row.organisation_name,
            "contact_name": row.contact_name,
            "contact_email": row.contact_email,
            "contact_phone": row.contact_phone,
        }
    return {**data, **changes}


def _url(programme, nomination):
    return f"/awards/manage/{programme.id}/nominations/{nomination.id}/edit"


def test_an_organiser_corrects_a_typo_audited_and_the_applicant_is_told(
    app, client, login, account, make_programme, make_nomination
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Sprachcaffe Landshut")
    login(account("organiser"))
    page = client.get(f"/awards/manage/{programme.id}/nominations/{nomination.id}").get_data(as_text=True)
    assert f'href="{_url(programme, nomination)}"' in page
    form = client.get(_url(programme, nomination)).get_data(as_text=True)
    assert 'value="Sprachcaffe Landshut"' in form

    data = _form(
        app,
        nomination,
        project_name="Sprachcafé Landshut",
        contact_email="Aylin.Demir@example.org",
        tell_applicant="y",
        note="Wir haben den Namen Ihres Projekts berichtigt.",
    )
    response = client.post(_url(programme, nomination), data=data, follow_redirects=True)
    assert "Die Berichtigung ist gespeichert." in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Nomination, nomination.id)
        assert (row.project_name, row.contact_email, row.state) == (
            "Sprachcafé Landshut",
            "aylin.demir@example.org",
            "eligible",
        )
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "award_nomination.correct")).one()
        assert entry.details["project_name"] == ["Sprachcaffe Landshut", "Sprachcafé Landshut"]
        assert "contact_email" in entry.details and "description" not in entry.details
    from events.core.mailer import deliver_queue_now

    with app.test_request_context():
        deliver_queue_now()
        (mail,) = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.recipient == "aylin.demir@example.org")
        ).all()
        assert mail.subject == "Ihr Vorschlag „Sprachcafé Landshut“ wurde berichtigt"
        assert "Wir haben den Namen Ihres Projekts berichtigt." in mail.body_text
        link = re.search(r"/awards/me/[A-Za-z0-9_-]{22}", mail.body_text)[0]
    assert "Sprachcafé Landshut" in client.get(link).get_data(as_text=True)


def test_without_the_tick_nobody_is_told_and_bad_input_keeps_what_was_typed(
    app, client, login, account, make_programme, make_nomination
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Kochtreff")
    login(account("organiser"))
    refused = client.post(_url(programme, nomination), data=_form(app, nomination, project_name="", contact_email="x"))
    assert refused.status_code == 400
    assert 'value="x"' in refused.get_data(as_text=True)
    client.post(_url(programme, nomination), data=_form(app, nomination, contact_name="Aylin Demir-Kaya"))
    with app.app_context():
        row = db.session.get(Nomination, nomination.id)
        assert (row.project_name, row.contact_name) == ("Kochtreff", "Aylin Demir-Kaya")
        assert db.session.scalars(select(OutgoingMail).where(OutgoingMail.topic == "awards.corrected")).all() == []


def test_a_scored_nomination_cannot_be_corrected_and_the_page_says_why(
    app, client, login, account, make_programme, make_nomination, make_juror, give_scores
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Lesepaten")
    give_scores(make_juror(programme), nomination, [4, 4, 1])
    login(account("organiser"))
    why = "Die Jury hat diesen Vorschlag bereits bewertet."
    page = client.get(f"/awards/manage/{programme.id}/nominations/{nomination.id}").get_data(as_text=True)
    assert why in page and _url(programme, nomination) not in page
    form = client.get(_url(programme, nomination)).get_data(as_text=True)
    assert why in form and 'name="project_name"' not in form
    response = client.post(_url(programme, nomination), data=_form(app, nomination, project_name="Lesepaten Passau"))
    assert response.status_code == 409 and why in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Nomination, nomination.id).project_name == "Lesepaten"
