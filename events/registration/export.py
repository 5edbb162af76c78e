"""Registrations of an event as CSV or XLSX, with every answer."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from events.core.database import german_order
from events.core.timezone import BERLIN
from events.directory.forms import ORGANISATION_KIND_LABELS
from events.documents.spreadsheets import table_csv, table_xlsx
from events.extensions import db
from events.meetings.models import QuestionKind
from events.registration.forms import LANGUAGE_CHOICES, REGISTRATION_STATUS_LABELS
from events.registration.models import Registration, WorkshopChoice

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def _label(labels: dict, key) -> str:
    return str(labels.get(key, key)) if key else ""


def _when(value) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if value else ""


def _berlin(value) -> datetime | None:
    """A moment as Berlin wall-clock time without zone, as spreadsheets hold dates."""
    return value.astimezone(BERLIN).replace(tzinfo=None, second=0, microsecond=0) if value else None


def answer_text(question, answers: dict | None) -> str:
    """A registration's answer to one of the event's questions as people read it, in the reader's language:
    choices joined by "; ", a yes/no answer as "ja" or "nein", nothing given as ""."""
    answer = (answers or {}).get(str(question.id), "")
    if isinstance(answer, list):
        return "; ".join(answer)
    if question.kind == QuestionKind.YESNO and answer:
        return _("ja") if answer == "yes" else _("nein")
    return answer or ""


def export_table(event) -> tuple[list[str], list[list[str | int | datetime]]]:
    """Header and rows in the reader's language: numbers (number, waiting-list place) as int, times of
    registration and cancellation as Berlin datetime, everything else as text ("" for nothing); each format
    protects the texts from formulas itself."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(
            joinedload(Registration.district),
            joinedload(Registration.organisation),
            selectinload(Registration.workshop_choices).joinedload(WorkshopChoice.session),
        )
        .order_by(
            Registration.status, Registration.waitlist_position, german_order(Registration.last_name), Registration.id
        )
    ).all()
    header = [
        _("Nr."),
        _("Status"),
        _("Wartelistenplatz"),
        _("Vorname"),
        _("Nachname"),
        _("E-Mail-Adresse"),
        _("Organisation"),
        _("Art der Organisation"),
        _("Landkreis / Stadt"),
        _("Regierungsbezirk"),
        _("Funktion"),
        _("Workshops"),
        _("Ernährung"),
        _("Barrierefreiheit"),
        _("Fotoveröffentlichung"),
        _("Sprache"),
        _("Datenschutz-Einwilligung"),
        _("Angemeldet am"),
        _("Storniert am"),
    ]
    questions = list(event.questions)
    header += [question.label for question in questions]
    rows = []
    for r in registrations:
        row = [
            r.id,
            _label(REGISTRATION_STATUS_LABELS, r.status),
            r.waitlist_position or "",
            r.first_name,
            r.last_name,
            r.email,
            r.organisation_name,
            _label(ORGANISATION_KIND_LABELS, r.organisation.kind if r.organisation else ""),
            r.district.label if r.district else "",
            r.district.region.name if r.district else "",
            r.function,
            "; ".join(w.title for w in r.workshops),
            r.dietary_needs,
            r.accessibility_needs,
            _("ja") if r.photo_consent else _("nein"),
            _label(LANGUAGE_NAMES, r.language),
            f"{_when(r.privacy_consent_at)} ({r.privacy_consent_version})",
            _berlin(r.created_at),
            _berlin(r.cancelled_at),
        ]
        row.extend(answer_text(question, r.answers) for question in questions)
        rows.append(
            ["" if value is None else value if isinstance(value, int | datetime) else str(value) for value in row]
        )
    return header, rows


def export_csv(event) -> bytes:
    return table_csv(*export_table(event))


def export_xlsx(event) -> bytes:
    header, rows = export_table(event)
    return table_xlsx(header, rows, _("Anmeldungen"))
