"""Nominations as applicants and proposers live them: the form, the personal link, submission and its rules."""

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from events.awards.models import AwardProgramme, Nomination, NominationDocument
from events.awards.rules import reaches_jury
from events.core.models import District, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from tests.awards.factories import PDF

LANDSHUT = "09261"  # Landkreis Landshut, Niederbayern
NUREMBERG = "09564"  # Nürnberg, Mittelfranken


def _district_id(app, key):
    with app.app_context():
        return db.session.scalars(select(District.id).where(District.key == key)).one()


def _application(app, **changes):
    data = {
        "route": "self",
        "nominee_kind": "organisation",
        "project_name": "Sprachcafé am Bahnhof",
        "description": "Ehrenamtliche üben jeden Donnerstag mit Neuankommenden Deutsch.",
        "active_since": "2022-09-01",
        "district_id": str(_district_id(app, LANDSHUT)),
        "organisation_name": "Helferkreis Ergolding",
        "contact_name": "Aylin Demir",
        "contact_email": "aylin.demir@example.org",
    }
    return {**data, **changes}


def _nomination(app, **where):
    with app.app_context():
        return db.session.scalars(select(Nomination).filter_by(**where)).one()


def _mails(app, recipient):
    with app.app_context():
        return db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.recipient == recipient).order_by(OutgoingMail.id)
        ).all()


def _link_in(app, recipient) -> str:
    from events.core.mailer import deliver_queue_now

    with app.test_request_context():
        deliver_queue_now()
    mail = _mails(app, recipient)[-1]
    return re.search(r"/awards/me/[A-Za-z0-9_-]{22}", mail.body_text)[0]


def test_a_self_application_is_saved_as_a_draft_completed_and_submitted_through_the_personal_link(
    app, client, make_programme
):
    programme = make_programme(required_attachments=1, questions=[{"label": "Wer macht mit?", "required": True}])
    response = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app))
    assert response.status_code == 302
    link = response.location
    nomination = _nomination(app, project_name="Sprachcafé am Bahnhof")
    assert nomination.state == "draft" and nomination.consent_at is None
    assert _link_in(app, "aylin.demir@example.org") == link  # the mail carries the same personal link

    # incomplete: the attachment and the call's own question are missing
    page = client.get(link).get_data(as_text=True)
    assert "mindestens 1 Anlage" in page and "eine Antwort auf „Wer macht mit?“" in page
    refused = client.post(f"{link}/submit", data={"consent": "y"}, follow_redirects=True)
    assert "Der Vorschlag ist noch nicht vollständig." in refused.get_data(as_text=True)
    assert _nomination(app, id=nomination.id).state == "draft"

    client.post(link, data={**_application(app), "q1": "Zwölf Ehrenamtliche aus fünf Ländern"})
    client.post(f"{link}/documents", data={"file": (io.BytesIO(PDF), "Konzept.pdf")})
    submitted = client.post(f"{link}/submit", data={"consent": "y"}, follow_redirects=True)
    assert "Ihr Vorschlag ist eingereicht." in submitted.get_data(as_text=True)
    nomination = _nomination(app, id=nomination.id)
    assert nomination.state == "submitted" and nomination.answers == {"1": "Zwölf Ehrenamtliche aus fünf Ländern"}
    assert nomination.consent_at is not None and "einverstanden" in nomination.consent_text
    assert [m.topic for m in _mails(app, "aylin.demir@example.org")] == ["awards.started", "awards.submitted"]


def test_submission_needs_the_nominees_consent(app, client, make_programme):
    programme = make_programme()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app)).location
    page = client.post(f"{link}/submit", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Ohne die Einwilligung der vorgeschlagenen Person" in page
    assert _nomination(app, project_name="Sprachcafé am Bahnhof").state == "draft"


def test_an_eligibility_rule_refuses_with_its_reason(app, client, make_programme):
    programme = make_programme(min_active_months=12)
    recent = (date.today() - timedelta(days=90)).isoformat()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app, active_since=recent)).location
    page = client.post(f"{link}/submit", data={"consent": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Der Vorschlag erfüllt eine Teilnahmebedingung nicht." in page
    assert "Das Projekt muss zum Einsendeschluss seit mindestens 12 Monaten aktiv sein." in page
    assert _nomination(app, project_name="Sprachcafé am Bahnhof").state == "draft"


def test_a_project_outside_the_calls_region_is_refused_with_the_region(app, client, make_programme):
    programme = make_programme(region="Niederbayern")
    data = _application(app, district_id=str(_district_id(app, NUREMBERG)))
    link = client.post(f"/awards/call/{programme.slug}/apply", data=data).location
    page = client.post(f"{link}/submit", data={"consent": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Der Preis wird nur für Projekte im Regierungsbezirk Niederbayern vergeben." in page


def test_the_deadline_closes_submission(app, client, make_programme):
    programme = make_programme()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app)).location
    with app.app_context():
        db.session.get(AwardProgramme, programme.id).deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.post(f"{link}/submit", data={"consent": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Die Einreichungsfrist ist abgelaufen oder die Ausschreibung ist geschlossen." in page
    assert _nomination(app, project_name="Sprachcafé am Bahnhof").state == "draft"
    closed_form = client.get(f"/awards/call/{programme.slug}/apply", follow_redirects=True)
    assert "Die Einreichungsfrist ist abgelaufen." in closed_form.get_data(as_text=True)


def test_a_third_party_nomination_reaches_the_jury_only_after_the_nominee_consented(app, client, make_programme):
    programme = make_programme()
    proposal = _application(
        app,
        route="third_party",
        proposer_name="Paul Pfarrer",
        proposer_email="paul.pfarrer@example.org",
        proposer_organisation="Pfarrei St. Martin",
    )
    page = client.post(f"/awards/call/{programme.slug}/apply", data=proposal).get_data(as_text=True)
    assert "Vielen Dank für Ihren Vorschlag" in page
    nomination = _nomination(app, project_name="Sprachcafé am Bahnhof")
    assert nomination.state == "awaiting_consent"

    with app.app_context():  # even screened as eligible by mistake, it would not reach the jury without consent
        unconsented = db.session.get(Nomination, nomination.id)
        unconsented.state = "eligible"
        assert not reaches_jury(unconsented)
        db.session.rollback()

    nominee_link = _link_in(app, "aylin.demir@example.org")
    proposer_link = _link_in(app, "paul.pfarrer@example.org")
    assert nominee_link != proposer_link
    proposer_page = client.get(proposer_link).get_data(as_text=True)
    assert "Sie haben dieses Projekt vorgeschlagen." in proposer_page
    assert client.post(f"{proposer_link}/submit", data={"consent": "y"}).status_code == 400  # not theirs to give
    client.post(f"{proposer_link}/documents", data={"file": (io.BytesIO(PDF), "Empfehlung.pdf")})

    client.post(f"{nominee_link}/submit", data={"consent": "y"})
    with app.app_context():
        consented = db.session.get(Nomination, nomination.id)
        assert consented.state == "submitted" and consented.consent_at is not None
        assert [(d.filename, d.kind) for d in consented.documents] == [("Empfehlung.pdf", "support_letter")]
        consented.state = "eligible"
        assert reaches_jury(consented)


def test_an_upload_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(app, client, make_programme):
    programme = make_programme()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app)).location
    page = client.post(
        f"{link}/documents", data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "Konzept.pdf")}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Erlaubt sind PDF-Dateien sowie Bilder im Format JPEG oder PNG." in page
    with app.app_context():
        assert db.session.scalars(select(NominationDocument)).all() == []


def test_a_damaged_pdf_is_refused_by_the_shared_upload_checks(app, client, make_programme):
    programme = make_programme()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app)).location
    page = client.post(
        f"{link}/documents", data={"file": (io.BytesIO(b"%PDF-1.4 nothing else"), "Konzept.pdf")}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Die PDF-Datei „Konzept.pdf“ ist beschädigt oder zu aufwendig." in page
    with app.app_context():
        assert db.session.scalars(select(NominationDocument)).all() == []


def test_an_applicant_withdraws_and_can_no_longer_change_anything(app, client, make_programme):
    programme = make_programme()
    link = client.post(f"/awards/call/{programme.slug}/apply", data=_application(app)).location
    client.post(f"{link}/withdraw")
    page = client.get(link).get_data(as_text=True)
    assert "Zurückgezogen" in page and "Vorschlag einreichen" not in page
    assert client.post(link, data=_application(app, project_name="Neu")).status_code == 409


def test_a_personal_link_opens_only_its_own_nomination(client, make_programme, make_nomination):
    programme = make_programme()
    make_nomination(programme)
    assert client.get("/awards/me/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/awards/me/short").status_code == 404


def test_the_mails_of_an_english_applicant_are_in_english(app, client, make_programme):
    programme = make_programme()
    client.post("/language", data={"lang": "en"})
    client.post(f"/awards/call/{programme.slug}/apply", data=_application(app))
    from events.core.mailer import deliver_queue_now

    with app.test_request_context():
        deliver_queue_now()
    (mail,) = _mails(app, "aylin.demir@example.org")
    assert mail.subject.startswith("Your nomination for")
    assert "Please do not pass this link on" in mail.body_text
