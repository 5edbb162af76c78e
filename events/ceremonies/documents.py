"""The ceremony's printed documents: table plan, place cards, name badges and the greeting list. The organiser
asks for one (request_document); a task renders it (never a web request) through the shared sandboxed renderer
from plain values, and keeps it in the file storage until it is asked for again."""

from __future__ import annotations

from flask_babel import format_date, format_datetime

from events.ceremonies.guests import guest_list
from events.ceremonies.models import Ceremony, CeremonyDocument, DocumentKind, DocumentState, GuestKind
from events.ceremonies.running_order import greeting_list
from events.ceremonies.seating import assignments_of, seat_labels, sections_of
from events.core.storage import file_store
from events.core.types import utcnow
from events.documents.rendering import RenderingFailed, render_many, render_pdf, warm_up_with
from events.extensions import db

AREA = "ceremonies"


def request_document(ceremony: Ceremony, kind: str) -> int:
    """Queue the rendering of a document; the organiser's page shows when it is ready."""
    from events.ceremonies.tasks import render_document

    document = CeremonyDocument(ceremony_id=ceremony.id, kind=DocumentKind(kind))
    db.session.add(document)
    db.session.flush()
    document_id = document.id  # read before the commit: reading after it would open a new transaction
    db.session.commit()
    render_document(document_id)
    return document_id


def latest_documents(ceremony: Ceremony) -> dict[str, CeremonyDocument]:
    """The newest document of each kind."""
    rows = db.session.scalars(
        db.select(CeremonyDocument).where(CeremonyDocument.ceremony_id == ceremony.id).order_by(CeremonyDocument.id)
    ).all()
    return {row.kind: row for row in rows}


def _shared(ceremony: Ceremony) -> dict:
    event = ceremony.event
    return {
        "event_title": event.title,
        "event_date": format_date(event.starts_at, "long"),
        "venue": ", ".join(part for part in (event.venue_name, event.address) if part),
        "printed": format_datetime(utcnow(), "short"),
    }


def _person(guest, seats) -> dict:
    seat = seats.get(guest.id)
    return {
        "name": guest.full_name,
        "first_name": guest.first_name,
        "last_name": guest.last_name,
        "organisation": guest.organisation or "",
        "office": guest.office or "" if guest.kind in GuestKind.WITH_RANK else "",
        "kind": str(guest.kind_enum.label),
        "seat": str(seat) if seat else "",
        "award": ", ".join(p for p in (guest.category_name, guest.prize_label) if p),
    }


def table_plan_values(ceremony: Ceremony) -> dict:
    taken = assignments_of(ceremony)
    sections = [
        {
            "label": section.label,
            "seats": [
                {
                    "number": seat.number,
                    "blocked": seat.blocked,
                    "name": taken[seat.id].full_name if seat.id in taken else "",
                }
                for seat in section.seats
            ],
        }
        for section in sections_of(ceremony)
    ]
    return {**_shared(ceremony), "sections": sections}


def place_card_items(ceremony: Ceremony) -> list[dict]:
    """One card per seated guest, table by table."""
    seats = seat_labels(ceremony)
    guests = {line.guest.id: line.guest for line in guest_list(ceremony)}
    ordered = sorted(seats, key=lambda guest_id: (seats[guest_id].section, seats[guest_id].number))
    return [_person(guests[guest_id], seats) for guest_id in ordered if guest_id in guests]


def badge_items(ceremony: Ceremony) -> list[dict]:
    """A badge for everyone on the list who has not cancelled, in protocol order."""
    seats = seat_labels(ceremony)
    return [_person(line.guest, seats) for line in guest_list(ceremony) if line.status != "cancelled"]


def greeting_values(ceremony: Ceremony) -> dict:
    seats = seat_labels(ceremony)
    return {**_shared(ceremony), "guests": [_person(guest, seats) for guest in greeting_list(ceremony)]}


def render_document_pdf(ceremony: Ceremony, kind: str) -> bytes:
    template = DocumentKind(kind).template
    if kind == DocumentKind.TABLE_PLAN:
        return render_pdf(template, table_plan_values(ceremony))
    if kind == DocumentKind.GREETING_LIST:
        return render_pdf(template, greeting_values(ceremony))
    items = place_card_items(ceremony) if kind == DocumentKind.PLACE_CARDS else badge_items(ceremony)
    merged, _parts = render_many(template, _shared(ceremony), items)
    return merged


def render_stored_document(document_id: int) -> None:
    """The task's work: render, store, and note the outcome on the document's row."""
    document = db.session.get(CeremonyDocument, document_id)
    if document is None or document.state == DocumentState.READY:
        return
    ceremony = db.session.get(Ceremony, document.ceremony_id)
    try:
        pdf = render_document_pdf(ceremony, document.kind)
    except RenderingFailed as error:
        document.state, document.error = DocumentState.FAILED, str(error.message)[:500]
    else:
        name = f"ceremony-{ceremony.id}-{document.kind}-{document.id}.pdf"
        file_store().write(AREA, name, pdf)
        document.state, document.file_name = DocumentState.READY, name
    document.finished_at = utcnow()
    db.session.commit()


def download_name(ceremony: Ceremony, document: CeremonyDocument) -> str:
    return f"{DocumentKind(document.kind).label}-{ceremony.event.slug}.pdf".replace(" ", "-")


def _untranslated(text: str, **values) -> str:
    return text % values if values else text


# The fork server of the rendering processes lays a badge and a place card out once, so that each render starts
# with the fonts and styles loaded (see documents.rendering.warm_up_with).
_SAMPLE = {
    "name": "Erika Mustermann",
    "first_name": "Erika",
    "last_name": "Mustermann",
    "organisation": "Helferkreis Asyl Landshut",
    "office": "Staatsministerin",
    "kind": "",
    "seat": "Tisch 1, 1",
    "award": "",
}
for _template in (DocumentKind.BADGES.template, DocumentKind.PLACE_CARDS.template):
    warm_up_with(
        __name__,
        _template,
        {"_": _untranslated, "current_locale": "de", "event_title": "Festakt", "items": [_SAMPLE]},
    )
