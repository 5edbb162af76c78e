"""After the event: the personal page offers the certificate instead of the ticket; past events stay public."""

from __future__ import annotations

from datetime import timedelta

from events.core.types import utcnow


def test_after_the_event_the_personal_page_offers_the_certificate_not_the_entrance(
    client, make_event, make_registration
):
    start = utcnow() - timedelta(days=3)
    over = make_event(title="Vernetzungstreffen Fürth", starts_at=start, ends_at=start + timedelta(hours=8))
    registration = make_registration(over, first_name="Ole", last_name="Hansen")

    page = client.get(f"/registration/me/{registration.manage_token}").get_data(as_text=True)

    assert "Zeigen Sie diesen QR-Code am Einlass" not in page and "Ticket zum Ausdrucken" not in page
    assert "Die Veranstaltung ist vorbei. Danke, dass Sie dabei waren, Ole Hansen!" in page
    assert f'href="/certificates/participant/{registration.manage_token}">Teilnahmebescheinigung (PDF)</a>' in page


def test_before_the_event_the_personal_page_shows_the_ticket(client, make_event, make_registration):
    registration = make_registration(make_event())
    page = client.get(f"/registration/me/{registration.manage_token}").get_data(as_text=True)
    assert "Zeigen Sie diesen QR-Code am Einlass" in page and "Teilnahmebescheinigung" not in page


def test_past_events_stay_visible_in_a_public_archive(client, make_event):
    start = utcnow() - timedelta(days=400)
    make_event(title="Vernetzungstreffen 2025", starts_at=start, ends_at=start + timedelta(hours=8))
    make_event(
        title="Vernetzungstreffen 2024", starts_at=start - timedelta(days=365), ends_at=start - timedelta(days=364)
    )
    make_event(title="Entwurf von damals", starts_at=start, ends_at=start + timedelta(hours=8), status="draft")
    make_event(title="Geschlossener Festakt", starts_at=start, ends_at=start + timedelta(hours=8), access="invited")
    make_event(title="Vernetzungstreffen 2027")

    upcoming = client.get("/meetings/").get_data(as_text=True)
    assert "Vernetzungstreffen 2025" not in upcoming and 'href="/meetings/archive"' in upcoming
    page = client.get("/meetings/archive").get_data(as_text=True)
    assert page.index("Vernetzungstreffen 2025") < page.index("Vernetzungstreffen 2024")  # the latest first
    assert "Entwurf von damals" not in page and "Geschlossener Festakt" not in page
    assert "Vernetzungstreffen 2027" not in page
