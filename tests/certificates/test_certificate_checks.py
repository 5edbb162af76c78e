"""Certificates: the check page takes a number typed from the paper, and mails about an event answer to it."""

from __future__ import annotations

import pytest

from events.certificates.batches import mail_certificate
from events.certificates.single import issue_prize_certificate
from events.core.mailer import deliver_due_mail
from events.extensions import db
from tests.conftest import sent_mails


@pytest.fixture
def certificate(app):
    with app.app_context():
        made = issue_prize_certificate("Sibel Ateş-Yılmaz", "1. Platz", "Ehrenamt", "500 Euro")
        db.session.commit()
        return made.serial, made.code


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("{serial}", "Sibel Ateş-Yılmaz"),
        ("{serial}", "yilmaz"),  # the last name, typed without its accents
        ("{serial_lower}", "ATES"),
        ("{serial_spaced}", "Sibel Ates Yilmaz"),
        ("http://localhost/certificates/v/{code}", ""),  # the check address printed on it
        ("{code}", ""),
    ],
)
def test_a_certificate_is_found_by_what_is_typed_from_the_paper(client, certificate, number, name):
    serial, code = certificate
    typed = number.format(
        serial=serial, serial_lower=serial.lower(), serial_spaced=serial.replace("-", " - "), code=code
    )
    response = client.get("/certificates/v/", query_string={"number": typed, "name": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Gültig" in page and "Sibel Ateş-Yılmaz" in page and serial in page


@pytest.mark.parametrize("name", ["", "Müller", "Sibel Müller"])
def test_a_number_without_the_right_name_shows_nobody(client, certificate, name):
    serial, _code = certificate
    response = client.get("/certificates/v/", query_string={"number": serial, "name": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Zu dieser Eingabe gibt es keine Urkunde." in page and "Ateş" not in page
    assert 'value="' + serial + '"' in page  # the form keeps what was typed


def test_the_check_page_without_input_offers_the_form(client):
    page = client.get("/certificates/v/").get_data(as_text=True)
    assert '<label for="number">Nummer oder Prüfadresse</label>' in page and "keine Urkunde" not in page


def test_a_certificate_mail_about_an_event_answers_to_its_contact_address(app, make_event):
    event = make_event(contact_email="integration@stmi.example")
    with app.app_context():
        made = issue_prize_certificate("Sibel Ateş", "1. Platz", "Ehrenamt", "500 Euro")
        made.event_id, made.recipient_email = event.id, "sibel@example.org"
        db.session.flush()
        mail_certificate(made, b"%PDF-1.7 placeholder")
        db.session.commit()
        deliver_due_mail()
    (mail,) = sent_mails(app)
    assert mail["Reply-To"] == "integration@stmi.example"


def test_the_seal_keeps_its_words_whole_and_the_kind_is_not_said_twice(app):
    from events.certificates.models import Certificate, CertificateBatch
    from events.certificates.pages import document_settings, page_for, render_certificates
    from tests.certificates.test_certificates import pdf_text

    with app.test_request_context():
        batch = CertificateBatch(kind="attendance", title="Teilnahmebescheinigung", body_template="", design="classic")
        certificate = Certificate(
            kind="attendance",
            title="Teilnahmebescheinigung",
            recipient_name="Sibel Ateş",
            body="hat teilgenommen.",
            serial="TP-2026-00001",
            code="abcdefghijkl",
            issuer="Bayerisches Staatsministerium des Innern, für Sport und Integration",
        )
        from events.core.types import utcnow

        certificate.issued_at = utcnow()
        page = page_for(certificate)
        settings = document_settings(batch, certificate.issuer)
        pdf = render_certificates([page], settings)
    assert page["kind_label"] == ""  # the title says it already
    text = pdf_text(pdf)
    assert text.count("Teilnahmebescheinigung") == 1
    assert "STAATSMINISTERIUM" in text and "STAATSMINI-" not in text and "INTEGRA-" not in text
