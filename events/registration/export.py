"""Registrations of an event as CSV or XLSX, with every answer."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from events.core.database import german_order
from events.core.timezone import BERLIN
from events.directory.forms import ORGANISATION_KIND_LABELS
from events.extensions import db
from events.meetings.models import QuestionKind
from events.registration.forms import LANGUAGE_CHOICES, REGISTRATION_STATUS_LABELS
from events.registration.models import Registration, WorkshopChoice

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def csv_safe(text: str) -> str:
    """Plain text that a spreadsheet opening the CSV will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _label(labels: dict, key) -> str:
    return str(labels.get(key, key)) if key else ""


def _when(value) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if value else ""


def _consent_words(registration) -> str:
    """The privacy consent as a sentence a reader of the export understands."""
    if not registration.privacy_consent_at:
        return _("nein")
    return _(
        "ja, am %(when)s (Fassung %(version)s)",
        when=_when(registration.privacy_consent_at),
        version=registration.privacy_consent_version,
    )


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
            _consent_words(r),
            _berlin(r.created_at),
            _berlin(r.cancelled_at),
        ]
        row.extend(answer_text(question, r.answers) for question in questions)
        rows.append(
            ["" if value is None else value if isinstance(value, int | datetime) else str(value) for value in row]
        )
    return header, rows


def export_csv(event) -> bytes:
    header, rows = export_table(event)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in [header, *rows]:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads the umlauts right


def _csv_value(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value) if isinstance(value, int) else csv_safe(value)


def export_xlsx(event) -> bytes:
    header, rows = export_table(event)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Anmeldungen")[:31]
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, int | datetime):  # numbers and dates sort and filter as such
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "DD.MM.YYYY HH:MM"
                continue
            # a string cell: shown as typed ("-5 Grad", "=1+1"), never run as a formula, no apostrophe;
            # control characters (pasted into a free-text answer) have no place in XLSX
            cell = sheet.cell(row=row_number, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions  # a filter button on every column of the header
    for index, title in enumerate(header, start=1):
        width = max([len(str(title))] + [len(_csv_value(row[index - 1])) for row in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
