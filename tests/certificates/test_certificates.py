"""Certificates: issued in batches, rendered to PDF, checked by anyone through the QR code."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from events.certificates.errors import CertificateProblem
from events.certificates.logos import check_logo
from events.certificates.models import Certificate, CertificateBatch
from events.certificates.pages import render_certificates
from events.certificates.single import issue_prize_certificate
from events.checkin.models import CheckIn
from events.core.models import OutgoingMail
from events.core.types import utcnow
from events.documents.rendering import data_url
from events.extensions import db
from events.meetings.models import Event
from tests.conftest import mail_text, sent_mails

PNG_LOGO = None


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_words(pdf: bytes) -> list[dict]:
    """Every word on the first page with its box in points (pdftotext -bbox)."""
    import re

    result = subprocess.run(["pdftotext", "-bbox", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [
        {"x_min": float(x0), "y": float(y0), "x_max": float(x1), "text": text}
        for x0, y0, x1, text in re.findall(pattern, result.stdout.decode())
    ]


def pdf_page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def qr_codes_on_first_page(pdf: bytes) -> list[str]:
    """Draw the first page at 150 dpi with poppler and read every QR code on it with zxing-cpp."""
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def png_bytes(width=40, height=20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def organiser(make_user, login):
    return login(make_user("organiser"))


@pytest.fixture
def sync_rendering(app, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_RENDERING", "sync")


def check_in(app, registration, *days: date, undone: bool = False, result: str = "welcome"):
    with app.app_context():
        for day in days:
            db.session.add(
                CheckIn(
                    event_id=registration.event_id,
                    registration_id=registration.id,
                    day=day,
                    scope="day",
                    result=result,
                    undone_at=utcnow() if undone else None,
                )
            )
        db.session.commit()


def past_event(make_event, **fields):
    start = (utcnow() - timedelta(days=10)).replace(hour=7, minute=0, second=0, microsecond=0)
    return make_event(starts_at=start, ends_at=start + timedelta(days=1, hours=9), **fields)


def attendance_form(event, **overrides):
    data = {
        "kind": "attendance",
        "source": "event",
        "event_id": str(event.id),
        "design": "classic",
        "title": "Teilnahmebescheinigung",
        "body_template": "hat am {days} an der Veranstaltung „{event}“ teilgenommen.",
        "issuer": "Bayerisches Staatsministerium des Innern, für Sport und Integration",
        "place": "München",
        "signatory_1_name": "Dr. Maria Huber",
        "signatory_1_office": "Staatsministerin",
        "signatory_2_name": "Jörg Weiß",
        "signatory_2_office": "Referatsleiter",
        "action": "issue",
    }
    data.update(overrides)
    return data


def test_attendance_batch_for_checked_in_participants_with_text_qr_code_and_verification(
    app, client, organiser, make_event, make_registration, sync_rendering
):
    event = past_event(make_event, title="Vernetzungstreffen Nürnberg")
    first_day = event.starts_at.date()
    ayse = make_registration(event, first_name="Ayşe", last_name="Großmann")
    jurek = make_registration(event, first_name="Jürgen", last_name="Äbersold")
    absent = make_registration(event, first_name="Nicht", last_name="Dagewesen")
    undone = make_registration(event, first_name="Zurück", last_name="Genommen")
    check_in(app, ayse, first_day, first_day + timedelta(days=1))
    check_in(app, jurek, first_day)
    check_in(app, undone, first_day, undone=True)
    check_in(app, absent, first_day, result="already")

    response = client.post("/certificates/batches/new", data=attendance_form(event))
    assert response.status_code == 302
    batch_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fertig" in batch_page
    with app.app_context():
        batch = db.session.scalars(select(CertificateBatch)).one()
        certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
        assert [c.recipient_name for c in certificates] == ["Jürgen Äbersold", "Ayşe Großmann"]  # by last name
        assert batch.status == "done" and batch.progress == batch.total == 2
        serials = [c.serial for c in certificates]
        ayse_certificate = certificates[1]

    merged = client.get(f"/certificates/batches/{batch.id}/certificates.pdf").data
    assert pdf_page_count(merged) == 2
    text = pdf_text(merged)
    assert "Ayşe Großmann" in text and "Jürgen Äbersold" in text
    assert serials[0] in text and serials[1] in text
    assert "Dr. Maria Huber" in text and "Staatsministerin" in text and "München" in text
    assert "Dagewesen" not in text and "Genommen" not in text
    # both days of the two-day participant are named
    assert f"{first_day.day}. " in text and f"{(first_day + timedelta(days=1)).day}. " in text

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/certificates/batches/{batch.id}/certificates.zip").data))
    names = archive.namelist()
    assert names == [f"Jürgen Äbersold ({serials[0]}).pdf", f"Ayşe Großmann ({serials[1]}).pdf"]
    single = archive.read(names[1])
    assert pdf_page_count(single) == 1
    assert "Ayşe Großmann" in pdf_text(single) and "Jürgen" not in pdf_text(single)

    (url,) = qr_codes_on_first_page(single)
    assert url == f"http://localhost/certificates/v/{ayse_certificate.code}"
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "Gültig" in page and "Ayşe Großmann" in page and "Teilnahmebescheinigung" in page
    assert "Bayerisches Staatsministerium des Innern" in page
    assert ayse.email not in page and "Freiwilligenagentur" not in page  # nothing else about the person


def test_a_revoked_certificate_shows_as_revoked(app, client, organiser):
    with app.app_context():
        certificate = issue_prize_certificate("Maximilian Öz", "1. Platz", "Sport", "2.500 Euro")
        db.session.commit()
        certificate_id, code = certificate.id, certificate.code
    response = client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "Doppelt ausgestellt"})
    assert response.status_code == 302
    logout = client.post("/accounts/logout")
    assert logout.status_code in (200, 302)
    page = client.get(f"/certificates/v/{code}").get_data(as_text=True)
    assert "Widerrufen" in page and "Gültig" not in page
    assert "Maximilian Öz" in page
    assert "Doppelt ausgestellt" not in page  # the reason is for the organisers only


def test_the_verification_page_in_english_says_revoked_not_revoke(app, client, organiser):
    with app.app_context():
        certificate = issue_prize_certificate("Maximilian Öz", "1. Platz", "Sport", "2.500 Euro")
        db.session.commit()
        certificate_id, code = certificate.id, certificate.code
    client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "Doppelt ausgestellt"})
    client.post("/accounts/logout")
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/certificates/v/{code}").get_data(as_text=True)
    assert "<strong>Revoked</strong>" in page and "Revoke<" not in page


def test_revoking_needs_a_reason_and_an_unknown_code_is_404(app, client, organiser):
    with app.app_context():
        certificate = issue_prize_certificate("Lena Roth", "2. Platz", "Kultur", "1.500 Euro")
        db.session.commit()
        certificate_id = certificate.id
    assert client.post(f"/certificates/{certificate_id}/revoke", data={"reason": ""}).status_code == 400
    with app.app_context():
        assert db.session.get(Certificate, certificate_id).revoked_at is None
    assert client.get("/certificates/v/doesnotexist").status_code == 404
    assert client.get("/certificates/999999").status_code == 404


def test_correcting_a_name_reissues_and_revokes_the_old_one(app, client, organiser):
    with app.app_context():
        old = issue_prize_certificate("Fatma Yilmas", "3. Platz", "Bildung", "1.000 Euro")
        db.session.commit()
        old_id, old_code, old_serial = old.id, old.code, old.serial
    response = client.post(f"/certificates/{old_id}/correct", data={"name": "Fatma Yılmaz"})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalars(select(Certificate).where(Certificate.replaces_id == old_id)).one()
        assert new.recipient_name == "Fatma Yılmaz" and new.serial != old_serial
        assert "Bildung" in new.body
        assert db.session.get(Certificate, old_id).revoked_at is not None
        new_code, new_id = new.code, new.id
    assert "Widerrufen" in client.get(f"/certificates/v/{old_code}").get_data(as_text=True)
    assert "Gültig" in client.get(f"/certificates/v/{new_code}").get_data(as_text=True)
    text = pdf_text(client.get(f"/certificates/{new_id}/certificate.pdf").data)
    assert "Fatma Yılmaz" in text and "Yilmas" not in text


def test_prize_certificate_through_the_same_code(app):
    with app.app_context():
        certificate = issue_prize_certificate(
            "Verein Miteinander e. V.",
            "1. Platz",
            "Integration vor Ort",
            "2.500 Euro",
            signatories=[{"name": "Regierungspräsidentin", "office": "Regierung von Oberbayern"}],
            city="München",
        )
        db.session.commit()
        assert certificate.kind == "prize" and certificate.batch.kind == "prize"
        assert certificate.details["values"]["place"] == "1. Platz"
        from events.certificates.pages import certificate_pdf

        text = pdf_text(certificate_pdf(certificate))
    assert "Verein Miteinander e. V." in text and "Integration vor Ort" in text and "2.500 Euro" in text
    assert certificate.serial in text


def test_an_unknown_placeholder_fails_at_preview_and_keeps_what_was_typed(app, client, organiser, make_event):
    event = past_event(make_event)
    data = attendance_form(event, body_template="Danke, {name}, für {ehrenamt}!", action="preview")
    response = client.post("/certificates/batches/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unbekannter Platzhalter {ehrenamt}" in page
    assert "Danke, {name}, für {ehrenamt}!" in page
    # the live preview endpoint says the same, as JSON
    live = client.post("/certificates/batches/preview.png", data=data)
    assert live.status_code == 400 and "{ehrenamt}" in " ".join(live.json["errors"])
    with app.app_context():
        assert db.session.scalars(select(CertificateBatch)).all() == []


def test_preview_as_image_and_as_pdf_without_saving(app, client, organiser, make_event, make_registration):
    event = past_event(make_event)
    registration = make_registration(event, first_name="Ömer", last_name="Çelik")
    check_in(app, registration, event.starts_at.date())
    page = client.post("/certificates/batches/new", data=attendance_form(event, action="preview"))
    assert page.status_code == 200 and 'src="data:image/png;base64,' in page.get_data(as_text=True)
    pdf = client.post("/certificates/batches/new", data=attendance_form(event, action="preview_pdf"))
    assert pdf.mimetype == "application/pdf"
    assert "Ömer Çelik" in pdf_text(pdf.data)
    live = client.post("/certificates/batches/preview.png", data=attendance_form(event))
    assert live.mimetype == "image/png" and Image.open(io.BytesIO(live.data)).width > 300
    with app.app_context():
        assert db.session.scalars(select(Certificate)).all() == []


def test_logo_upload_png_is_used_and_a_non_image_or_oversized_logo_is_refused(app, client, organiser, make_event):
    event = past_event(make_event)
    fake = attendance_form(event, action="preview", logo=(io.BytesIO(b"GIF89a not really"), "logo.png"))
    response = client.post("/certificates/batches/new", data=fake, content_type="multipart/form-data")
    assert response.status_code == 400 and "PNG- oder SVG-Datei" in response.get_data(as_text=True)

    huge = png_bytes() + b"\0" * (600 * 1024)
    big = attendance_form(event, action="preview", logo=(io.BytesIO(huge), "logo.png"))
    response = client.post("/certificates/batches/new", data=big, content_type="multipart/form-data")
    assert response.status_code == 400 and "zu groß" in response.get_data(as_text=True)

    good = attendance_form(event, action="preview", logo=(io.BytesIO(png_bytes()), "logo.png"))
    response = client.post("/certificates/batches/new", data=good, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ein Logo ist hochgeladen" in page  # kept for the next preview or for issuing


@pytest.mark.parametrize(
    "svg, accepted",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" cx="5" cy="5"/></svg>', True),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', False),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>', False),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="file:///etc/passwd"/></svg>',
            False,
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x.example/a)"/></svg>', False),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', False),
        (b"<html><body>no</body></html>", False),
    ],
)
def test_svg_logos_are_checked(svg, accepted, ctx):
    if accepted:
        assert check_logo(svg) == (svg, "image/svg+xml")
    else:
        with pytest.raises(CertificateProblem):
            check_logo(svg)


def test_the_renderer_fetches_nothing_from_files_or_the_network(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes(400, 400))
    page = {
        "kind_label": "Urkunde",
        "title": "Urkunde",
        "name": "Test",
        "name_size": "xl",
        "paragraphs": [],
        "details": "",
        "serial": "TP-1",
        "issued": "01.01.2026",
        "verify_url": "http://localhost/certificates/v/x",
        "short_url": "x",
    }
    settings = {
        "design": "classic",
        "language": "de",
        "document_title": "x",
        "seal_text": "",
        "signatories": [],
        "place_date": "",
        "labels": {"serial": "Nr.", "issued": "am", "verify": "prüfen"},
    }
    for logo_url in (f"file://{secret}", "http://127.0.0.1:9/logo.png"):
        pdf = render_certificates([page], {**settings, "logo_url": logo_url})
        assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf
    drawn = render_certificates([page], {**settings, "logo_url": data_url("image/png", png_bytes())})
    assert b"/Subtype /Image" in drawn or b"/Subtype/Image" in drawn  # what the checks above look for


def test_a_200_character_name_renders_on_one_page(app):
    long_name = ("Maria-Magdalena Öztürk-Großkopf von Weißenbach " * 5)[:200]
    with app.app_context():
        certificate = issue_prize_certificate(long_name, "1. Platz", "Ehrenamt", "500 Euro")
        db.session.commit()
        from events.certificates.pages import certificate_pdf

        pdf = certificate_pdf(certificate)
    assert pdf_page_count(pdf) == 1
    text = " ".join(pdf_text(pdf).split())
    assert "Weißenbach" in text and certificate.serial in text


def test_csv_batch_of_appreciation_certificates_mailed_to_each_recipient(app, client, organiser, sync_rendering):
    data = {
        "kind": "appreciation",
        "source": "csv",
        "csv_text": "Name;E-Mail;Organisation\nSibel Ateş;sibel@example.org;KoBE Landshut\nJonas Weiß;;\n",
        "design": "modern",
        "title": "Dankesurkunde",
        "body_template": "Für Ihr Engagement bei {organisation} danken wir Ihnen, {name}.",
        "issuer": "Hessisches Ministerium für Soziales und Integration",
        "send_mail": "y",
        "action": "issue",
    }
    response = client.post("/certificates/batches/new", data=data)
    assert response.status_code == 302
    mails = sent_mails(app)
    assert [m["To"] for m in mails] == ["sibel@example.org"]
    (attachment,) = list(mails[0].iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content())
    assert "Sibel Ateş" in text and "KoBE Landshut" in text
    assert "/certificates/v/" in mail_text(mails[0])
    with app.app_context():
        assert [c.recipient_name for c in db.session.scalars(select(Certificate).order_by(Certificate.id))] == [
            "Sibel Ateş",
            "Jonas Weiß",
        ]
        assert db.session.scalars(select(OutgoingMail)).one().status == "sent"


def test_a_broken_csv_line_is_named_and_nothing_is_written(app, client, organiser):
    data = {
        "kind": "appreciation",
        "source": "csv",
        "csv_text": "Sibel Ateş;sibel@example.org\nJonas Weiß;kein-mail\n",
        "design": "classic",
        "title": "Dankesurkunde",
        "body_template": "Danke, {name}.",
        "issuer": "Ministerium",
        "action": "issue",
    }
    response = client.post("/certificates/batches/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Zeile 2" in page and "Sibel Ateş;sibel@example.org" in page
    with app.app_context():
        assert db.session.scalars(select(Certificate)).all() == []


def test_a_batch_renders_in_the_background_and_reports_progress(app, client, organiser, make_person, start_worker):
    people = [make_person(first_name=f"Person{n}", last_name=f"Öffentlich{n}") for n in range(3)]
    data = {
        "kind": "appreciation",
        "source": "people",
        "person_ids": [str(p.id) for p in reversed(people)],
        "design": "classic",
        "title": "Dankesurkunde",
        "body_template": "Mit Dank an {name} ({organisation}).",
        "issuer": "Ministerium",
        "action": "issue",
    }
    response = client.post("/certificates/batches/new", data=data)
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    waiting = client.get(f"{batch_url}/progress").json
    assert waiting["status"] == "rendering" and waiting["progress"] == 0
    assert waiting["situation"] == "Wartet auf den Hintergrunddienst; die Erstellung beginnt in Kürze."
    assert "Wartet auf den Hintergrunddienst" in client.get(batch_url).get_data(as_text=True)

    start_worker("--no-periodic")
    deadline = time.monotonic() + 60
    while True:
        progress = client.get(f"{batch_url}/progress").json
        if progress["status"] not in ("rendering", "packing") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert progress == {"status": "done", "status_label": "Fertig", "progress": 3, "total": 3, "situation": ""}
    page = client.get(batch_url).get_data(as_text=True)
    assert "Einzelne PDF-Dateien als ZIP" in page
    merged = client.get(f"{batch_url}/certificates.pdf").data
    text = pdf_text(merged)
    order = [text.index(f"Person{n} Öffentlich{n}") for n in (2, 1, 0)]
    assert order == sorted(order)  # the order as chosen


def test_the_merged_pdf_can_be_downloaded_while_the_zip_is_still_being_packed(
    app, client, organiser, sync_rendering, monkeypatch
):
    from events.certificates.batches import batch_files
    from events.core.storage import file_store
    from events.documents import pdf_files

    seen = []
    split_pdf = pdf_files.split_pdf

    def split_and_look(document):
        batch = db.session.scalars(select(CertificateBatch)).one()
        db.session.refresh(batch)
        merged, archive = batch_files(batch)
        store = file_store()
        seen.append(
            (batch.status, pdf_page_count(store.read("certificates", merged)), store.exists("certificates", archive))
        )
        return split_pdf(document)

    monkeypatch.setattr(pdf_files, "split_pdf", split_and_look)
    data = {
        "kind": "appreciation",
        "source": "csv",
        "csv_text": "Sibel Ateş\nJonas Weiß\n",
        "design": "classic",
        "title": "Dankesurkunde",
        "body_template": "Danke, {name}.",
        "issuer": "Ministerium",
        "action": "issue",
    }
    batch_url = client.post("/certificates/batches/new", data=data).headers["Location"]
    assert seen == [("packing", 2, False)]  # the merged PDF was complete before the single PDFs were cut

    with app.app_context():
        batch = db.session.scalars(select(CertificateBatch)).one()
        batch.status = "packing"  # as the page looks to an organiser while the ZIP is packed
        db.session.commit()
        file_store().delete("certificates", [batch_files(batch)[1]])
    page = client.get(batch_url).get_data(as_text=True)
    assert "ZIP-Datei wird gepackt" in page and "Alle in einer PDF-Datei" in page
    assert "Einzelne PDF-Dateien als ZIP" not in page
    assert client.get(f"{batch_url}/certificates.pdf").data.startswith(b"%PDF")
    assert client.get(f"{batch_url}/certificates.zip").status_code == 302  # not there yet


def test_participants_download_their_certificate_through_their_personal_link(
    app, client, make_event, make_registration
):
    running = make_event()
    early = make_registration(running)
    check_in(app, early, running.starts_at.date())
    response = client.get(f"/certificates/participant/{early.manage_token}")
    assert response.mimetype == "text/html" and "sobald die Veranstaltung vorbei ist" in response.get_data(as_text=True)

    event = past_event(make_event, title="Vernetzungstreffen Landshut")
    attended = make_registration(event, first_name="Ayşe", last_name="Weißgerber")
    absent = make_registration(event)
    check_in(app, attended, event.starts_at.date())
    response = client.get(f"/certificates/participant/{attended.manage_token}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Ayşe Weißgerber" in text and "Vernetzungstreffen Landshut" in text
    again = client.get(f"/certificates/participant/{attended.manage_token}")
    with app.app_context():
        certificate = db.session.scalars(select(Certificate)).one()  # issued once, served again
        assert certificate.registration_id == attended.id and certificate.serial in pdf_text(again.data)
    refused = client.get(f"/certificates/participant/{absent.manage_token}").get_data(as_text=True)
    assert "keine Teilnahme (Check-in) verzeichnet" in refused
    assert client.get("/certificates/participant/forged-token").status_code == 404


def test_a_revoked_certificate_of_attendance_is_not_issued_again_through_the_personal_link(
    app, client, organiser, make_event, make_registration, sync_rendering
):
    event = past_event(make_event)
    absent = make_registration(event, first_name="Marie-Luise", last_name="Groß")
    check_in(app, absent, event.starts_at.date())
    assert client.post("/certificates/batches/new", data=attendance_form(event)).status_code == 302
    with app.app_context():
        certificate_id = db.session.scalars(select(Certificate.id)).one()
    client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "War nicht anwesend"})
    client.post("/accounts/logout")

    response = client.get(f"/certificates/participant/{absent.manage_token}")

    assert response.mimetype == "text/html"
    assert "Ihre Teilnahmebescheinigung wurde widerrufen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Certificate.revoked_at.is_not(None))).all() == [True]


def test_after_a_name_correction_the_personal_link_gives_the_corrected_certificate(
    app, client, organiser, make_event, make_registration, sync_rendering
):
    event = past_event(make_event)
    registration = make_registration(event, first_name="Ayse", last_name="Öztürk")
    check_in(app, registration, event.starts_at.date())
    client.post("/certificates/batches/new", data=attendance_form(event))
    with app.app_context():
        certificate_id = db.session.scalars(select(Certificate.id)).one()
    client.post(f"/certificates/{certificate_id}/correct", data={"name": "Ayşe Öztürk"})

    response = client.get(f"/certificates/participant/{registration.manage_token}")

    assert response.mimetype == "application/pdf" and "Ayşe Öztürk" in pdf_text(response.data)
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 2  # the old one and its correction


def test_choosing_no_event_for_certificates_of_attendance_asks_for_one(app, client, organiser, make_event):
    event = past_event(make_event)
    for action in ("issue", "preview"):
        response = client.post("/certificates/batches/new", data=attendance_form(event, event_id="", action=action))
        assert response.status_code == 400
        assert "Bitte wählen Sie eine Veranstaltung." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CertificateBatch)).all() == []


def test_an_uploaded_csv_file_alone_gives_the_list_of_names(app, client, organiser, sync_rendering):
    upload = "Name;E-Mail;Organisation\nSibel Ateş;sibel@example.org;KoBE Landshut\nJonas Weiß;;\n".encode()
    data = {
        "kind": "appreciation",
        "source": "csv",
        "csv_text": "",
        "csv_file": (io.BytesIO(upload), "liste.csv"),
        "design": "classic",
        "title": "Dankesurkunde",
        "body_template": "Danke, {name}.",
        "issuer": "Ministerium",
        "action": "issue",
    }
    response = client.post("/certificates/batches/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        names = db.session.scalars(select(Certificate.recipient_name).order_by(Certificate.id)).all()
        assert names == ["Sibel Ateş", "Jonas Weiß"]


def test_an_empty_list_of_names_is_named_as_such(app, client, organiser):
    data = {
        "kind": "appreciation",
        "source": "csv",
        "csv_text": "",
        "design": "classic",
        "title": "Dankesurkunde",
        "body_template": "Danke, {name}.",
        "issuer": "Ministerium",
        "action": "issue",
    }
    response = client.post("/certificates/batches/new", data=data)
    assert response.status_code == 400 and "Die Liste ist leer." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "design, issuer",
    [
        ("classic", "Programm Integrationslotsinnen und -lotsen"),
        ("classic", "Bayerisches Staatsministerium des Innern, für Sport und Integration"),
        ("modern", "Hessisches Ministerium für Soziales und Integration"),
        ("classic", "StMI"),
    ],
)
def test_the_issuers_name_stays_inside_the_seal(app, design, issuer):
    from events.certificates.pages import certificate_pdf

    with app.app_context():
        certificate = issue_prize_certificate(
            "Lena Roth", "1. Platz", "Kultur", "500 Euro", design=design, issuer=issuer
        )
        db.session.commit()
        pdf = certificate_pdf(certificate)
    words = pdf_words(pdf)
    # the seal is a circle of 24 mm at the top: centred on the page (classic) or at the right margin (modern)
    mm = 72 / 25.4
    left, top = ((105 - 12) * mm, 24 * mm) if design == "classic" else ((210 - 26 - 24) * mm, 26 * mm + 14.5)
    seal = [
        w
        for w in words
        if top <= w["y"] <= top + 24 * mm and left - 20 * mm <= (w["x_min"] + w["x_max"]) / 2 <= left + 44 * mm
    ]
    assert seal, "no seal found"
    assert all(left <= w["x_min"] and w["x_max"] <= left + 24 * mm for w in seal), seal
    shown = "".join(w["text"] for w in seal).replace("‐", "").replace("-", "")
    assert shown.casefold() == issuer.upper().replace(" ", "").replace("-", "").casefold()


def test_only_organisers_reach_the_certificate_pages(app, client, make_user, login):
    assert client.get("/certificates/").status_code == 302  # to the sign-in page
    login(make_user("checkin"))
    assert client.get("/certificates/").status_code == 403
    assert client.get("/certificates/batches/new").status_code == 403
    login(make_user("organiser"))
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Urkunden und Bescheinigungen" in page
    assert 'href="/certificates/"' in page  # in the navigation


def test_the_operator_issues_attendance_certificates_from_the_command_line_and_nobody_gets_two(
    app, runner, make_event, make_registration
):
    event = past_event(make_event, title="Vernetzungstreffen Landshut")
    first_day = event.starts_at.date()
    ayse = make_registration(event, first_name="Ayşe", last_name="Großmann")
    check_in(app, ayse, first_day)
    make_registration(event, first_name="Nicht", last_name="Dagewesen")

    first = runner.invoke(args=["certificates", "issue-attendance", event.slug, "--mail"])

    assert first.exit_code == 0, first.output
    assert "certificates: 1 issued" in first.output and ", mailed" in first.output
    with app.app_context():
        certificate = db.session.scalars(select(Certificate)).one()
        batch = db.session.get(CertificateBatch, certificate.batch_id)
        assert certificate.recipient_name == "Ayşe Großmann" and batch.status == "done"
    merged = Path(first.output.split("for printing: ")[1].splitlines()[0])
    assert pdf_page_count(merged.read_bytes()) == 1
    mail = sent_mails(app)[-1]
    assert mail["To"] == ayse.email and mail.get_content_type() == "multipart/mixed"

    # a participant checked in later gets theirs on the next run; nobody gets a second one
    jurek = make_registration(event, first_name="Jürgen", last_name="Äbersold")
    check_in(app, jurek, first_day)
    second = runner.invoke(args=["certificates", "issue-attendance", event.slug])
    third = runner.invoke(args=["certificates", "issue-attendance", event.slug])

    assert "certificates: 1 issued" in second.output
    assert "0 issued (every checked-in participant has one)" in third.output
    with app.app_context():
        names = sorted(db.session.scalars(select(Certificate.recipient_name)))
        assert names == ["Ayşe Großmann", "Jürgen Äbersold"]
    assert runner.invoke(args=["certificates", "issue-attendance", "gibt-es-nicht"]).exit_code != 0


def test_no_certificate_names_a_participant_whose_personal_data_was_deleted(app, make_event, make_registration):
    from events.certificates.recipients import recipients_from_event

    event = past_event(make_event)
    kept = make_registration(event, first_name="Ayşe", last_name="Großmann")
    gone = make_registration(event, first_name="", last_name="", anonymised_at=utcnow())
    check_in(app, kept, event.starts_at.date())
    check_in(app, gone, event.starts_at.date())
    with app.app_context():
        assert [r.name for r in recipients_from_event(db.session.get(Event, event.id))] == ["Ayşe Großmann"]


def test_the_command_line_waits_for_the_end_of_the_event_and_does_not_issue_a_revoked_certificate_again(
    app, runner, make_event, make_registration
):
    from events.certificates.issuing import revoke_certificate

    running = make_event(starts_at=utcnow() - timedelta(hours=2))
    early = make_registration(running)
    check_in(app, early, running.starts_at.date())
    refused = runner.invoke(args=["certificates", "issue-attendance", running.slug])
    assert refused.exit_code != 0 and "sobald die Veranstaltung vorbei ist" in refused.output

    event = past_event(make_event)
    absent = make_registration(event, first_name="Marie-Luise", last_name="Groß")
    check_in(app, absent, event.starts_at.date())
    assert "certificates: 1 issued" in runner.invoke(args=["certificates", "issue-attendance", event.slug]).output
    with app.app_context():
        revoke_certificate(db.session.scalars(select(Certificate)).one(), "War nicht anwesend")
        db.session.commit()

    again = runner.invoke(args=["certificates", "issue-attendance", event.slug])

    assert "certificates: 0 issued" in again.output
    with app.app_context():
        assert db.session.scalars(select(Certificate)).all()[0].revoked_at is not None
        assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_a_running_batch_cannot_be_started_twice_but_a_stuck_or_failed_one_can(app, client, organiser):
    with app.app_context():
        batch = CertificateBatch(kind="appreciation", title="Dankesurkunde", body_template="Danke, {name}.")
        batch.status, batch.progress_at = "rendering", utcnow()
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
    page = client.get(f"/certificates/batches/{batch_id}").get_data(as_text=True)
    assert "Erstellung neu starten" not in page
    refused = client.post(f"/certificates/batches/{batch_id}/restart", follow_redirects=True).get_data(as_text=True)
    assert "Die Erstellung läuft noch" in refused
    with app.app_context():
        assert db.session.get(CertificateBatch, batch_id).status == "rendering"  # nothing was started
        db.session.get(CertificateBatch, batch_id).progress_at = utcnow() - timedelta(minutes=6)
        db.session.commit()
    page = client.get(f"/certificates/batches/{batch_id}").get_data(as_text=True)
    assert "Seit einigen Minuten geht es nicht weiter" in page and "Erstellung neu starten" in page
    with app.app_context():
        db.session.get(CertificateBatch, batch_id).status = "failed"
        db.session.commit()
    page = client.get(f"/certificates/batches/{batch_id}").get_data(as_text=True)
    assert "Erstellung neu starten" in page and "Seit einigen Minuten" not in page


def test_a_batch_whose_render_hits_its_limit_fails_with_a_message_and_can_be_restarted(
    app, client, organiser, sync_rendering, monkeypatch
):
    """A hostile logo that slipped past the upload check (stored before the check existed) stops the render at its
    CPU limit: the batch fails cleanly and the organiser reads why; the web worker lives on."""
    from events.certificates.batches import start_rendering
    from events.certificates.issuing import issue_certificates, new_batch
    from events.certificates.recipients import Recipient
    from events.directory.person_details import PersonDetails
    from tests.documents.samples import use_bomb

    monkeypatch.setitem(app.config, "PDF_CPU_SECONDS", 1)
    with app.test_request_context():
        batch = new_batch(
            "appreciation", "Dankesurkunde", "Danke, {name}.", logo=use_bomb(5), logo_type="image/svg+xml"
        )
        issue_certificates(batch, [Recipient(PersonDetails("Sibel Ateş"))], "Ministerium")
        db.session.commit()
        batch_id = batch.id
        start_rendering(batch)  # the task runs at once in the tests
    with app.app_context():
        batch = db.session.get(CertificateBatch, batch_id)
        assert batch.status == "failed" and batch.error.startswith("rendering:time")
    page = client.get(f"/certificates/batches/{batch_id}").get_data(as_text=True)
    assert "Die Erstellung ist fehlgeschlagen." in page and "zu aufwendig" in page
    assert "Erstellung neu starten" in page


@pytest.mark.parametrize("depth", [5, 6])
def test_an_svg_logo_bomb_is_refused_at_upload_with_a_message(app, client, organiser, make_event, depth):
    """Issue 14: a 1.2 KB logo with <use> nested 5 or 6 deep kept a preview busy for 15 s to over 30 s."""
    from tests.documents.samples import use_bomb

    event = past_event(make_event)
    form = attendance_form(event, action="preview", logo=(io.BytesIO(use_bomb(depth)), "logo.svg"))
    response = client.post("/certificates/batches/new", data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "anwachsen" in page
    assert "Ein Logo ist hochgeladen" not in page
    with app.app_context():
        assert db.session.scalars(select(CertificateBatch)).all() == []


@pytest.mark.parametrize(
    "text, names, problem",
    [
        ("Name\tE-Mail\nSibel Ateş\tsibel@example.org\nJonas Weiß\n", ["Sibel Ateş", "Jonas Weiß"], None),
        ("Sibel Ateş,sibel@example.org\nJonas Weiß,\n", ["Sibel Ateş", "Jonas Weiß"], None),
        ('Sibel Ateş;sibel@example.org\n"Jonas Weiß;jonas@example.org\nErika\n', [], "Zeile 2: Ein Anführungszeichen"),
        ("Sibel Ateş;keine-adresse\n", [], "Zeile 1: „keine-adresse“ ist keine gültige E-Mail-Adresse."),
        ("Name;E-Mail\n", [], "Die Liste enthält keine Namen."),
    ],
    ids=["tabs and a header", "commas", "a quote left open", "a wrong address", "only a header"],
)
def test_lists_of_names_are_read_with_any_separator_and_every_error_names_its_line(ctx, text, names, problem):
    from events.certificates.recipients import parse_recipient_csv

    if problem is None:
        assert [recipient.name for recipient in parse_recipient_csv(text, "appreciation")] == names
    else:
        with pytest.raises(CertificateProblem, match=problem):
            parse_recipient_csv(text, "appreciation")


def test_a_new_kind_of_certificate_is_one_entry_in_the_registry(app, monkeypatch, make_person):
    """A tandem membership certificate with its own placeholder, issued through the same path as every kind."""
    from events.certificates.kinds import KINDS, Kind, joined
    from events.certificates.pages import certificate_pdf
    from events.certificates.recipients import Recipient
    from events.certificates.single import CertificateSettings, issue_certificate
    from events.core.models import Person
    from events.directory.person_details import PersonDetails

    membership = Kind(
        key="tandem_membership",
        label="Mitgliedsbescheinigung",
        issue_label="Mitgliedsbescheinigungen ausstellen",
        default_title="Mitgliedsbescheinigung",
        default_body="hat in der Tandem-Projektgruppe „{group}“ mitgearbeitet.",
        placeholders={"group": "Projektgruppe"},
        reason=lambda title, values: f"{title}: {values['group']}",
        detail_line=joined("group"),
    )
    monkeypatch.setitem(KINDS, membership.key, membership)
    person = make_person("Elif", "Kaya")
    with app.app_context():
        recipient = Recipient(
            PersonDetails.from_person(db.session.get(Person, person.id)),
            person_id=person.id,
            values={"group": "Tandem Oberbayern"},
        )
        certificate = issue_certificate("tandem_membership", recipient, CertificateSettings(city="München"))
        db.session.commit()
        assert certificate.kind == "tandem_membership" and certificate.batch.kind == "tandem_membership"
        assert certificate.reason == "Mitgliedsbescheinigung: Tandem Oberbayern"
        text = " ".join(pdf_text(certificate_pdf(certificate)).split())
        with pytest.raises(CertificateProblem, match="Unbekannter Platzhalter"):
            issue_certificate("tandem_membership", recipient, CertificateSettings(body_template="{place}"))
    assert "Elif Kaya" in text and "mitgearbeitet" in text and "Tandem Oberbayern" in text
