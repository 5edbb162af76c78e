"""A real Chromium with a fake camera that films a ticket's QR code checks the participant in."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from events.checkin.models import CheckIn
from events.core.types import utcnow
from events.documents.qr import qr_png
from events.extensions import db
from events.meetings.models import EventStaff
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 640, 480


def write_y4m(path, picture: Image.Image, frames: int = 20) -> None:
    """A YUV4MPEG2 video (4:2:0) showing the picture centred on white, for Chromium's fake camera."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture = picture.convert("RGB")
    side = min(HEIGHT - 40, picture.width)
    picture = picture.resize((side, side), Image.NEAREST)
    canvas.paste(picture, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + frame)


def test_the_camera_scans_a_ticket_and_the_page_welcomes_the_participant(
    app, live_server, make_event, make_registration, make_user, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    start = utcnow() - timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=10))
    registration = make_registration(event, first_name="Fatma", last_name="Demir", organisation_name="KoBE Fürth")
    door = make_user("checkin", email="tuer@example.org")
    with app.app_context():
        db.session.add(EventStaff(event_id=event.id, user_id=door.id))
        db.session.commit()
        code = ticket_token_for(db.session.get(Registration, registration.id))
    video = tmp_path / "ticket.y4m"
    write_y4m(video, Image.open(io.BytesIO(qr_png(code, box_size=10))))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(f"{live_server}/accounts/login")
            page.fill("input[name=email]", "tuer@example.org")
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login" not in url)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server}/checkin/{event.id}/")
            counts = page.locator("#scan-counts")
            expect(counts).to_have_text("Heute eingecheckt: 0 von 1")
            result = page.locator("#scan-result")
            expect(result).to_have_attribute("data-result", "welcome", timeout=20_000)
            expect(result).to_contain_text("Willkommen, Fatma Demir!")
            expect(result).to_contain_text("KoBE Fürth")
            expect(counts).to_have_text("Heute eingecheckt: 1 von 1")  # without reloading the page
            assert errors == []
        finally:
            browser.close()

    with app.app_context():
        rows = db.session.scalars(select(CheckIn).where(CheckIn.registration_id == registration.id)).all()
        welcomes = [row for row in rows if row.result == "welcome"]
        assert len(welcomes) == 1 and welcomes[0].user_id == door.id


def test_a_typed_code_checks_in_and_the_answer_offers_to_take_it_back(
    app, live_server, browser, make_event, make_registration, make_user
):
    from playwright.sync_api import expect

    start = utcnow() - timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=10))
    registration = make_registration(event, first_name="Fatma", last_name="Demir")
    door = make_user("checkin", email="tuer2@example.org")
    with app.app_context():
        db.session.add(EventStaff(event_id=event.id, user_id=door.id))
        db.session.commit()
        code = ticket_token_for(db.session.get(Registration, registration.id))

    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/accounts/login")
        page.fill("input[name=email]", "tuer2@example.org")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login" not in url)
        page.goto(f"{live_server}/checkin/{event.id}/")
        page.fill("#code", code)
        page.keyboard.press("Enter")  # as a hand scanner does; the page's script sends it
        result = page.locator("#scan-result")
        expect(result).to_contain_text("Willkommen, Fatma Demir!")
        undo = result.locator("button", has_text="Rückgängig")
        expect(undo).to_have_text("Rückgängig: Fatma Demir")  # the name is read out, not shown
        undo.click()
        expect(page.locator("main")).to_contain_text("Der Check-in von Fatma Demir ist zurückgenommen.")
    finally:
        context.close()

    with app.app_context():
        (row,) = db.session.scalars(select(CheckIn).where(CheckIn.registration_id == registration.id)).all()
        assert row.result == "welcome" and row.undone_at is not None and row.undone_by_id == door.id
