"""Certificates: who receives one, issuing, rendering batches in the background, revoking and verifying."""

from __future__ import annotations

import csv
import io
import re
import secrets
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from babel.dates import format_date, format_interval
from babel.lists import format_list
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from events.certificates import rendering
from events.certificates.models import Certificate, CertificateBatch, CertificateKind
from events.checkin.models import CheckIn
from events.core.audit import record_audit
from events.core.database import alphabetical_key
from events.core.mailer import deliver_due_mail, queue_templated_mail
from events.core.models import Organisation, Person
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.core.timezone import berlin_date
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus

CERTIFICATE_LANGUAGE = "de"  # certificates are worded in German, like the body texts organisers write
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
MAX_CSV_ROWS = 5000
MAX_SIGNATORIES = 3
SEAL_TEXT_LENGTH = 80  # as much of the issuer's name as the seal holds in its smallest type

KIND_LABELS = {
    CertificateKind.ATTENDANCE: _l("Teilnahmebescheinigung"),
    CertificateKind.APPRECIATION: _l("Dankesurkunde"),
    CertificateKind.PRIZE: _l("Urkunde"),
    CertificateKind.TANDEM: _l("Teilnahmebestätigung Tandem-Projektgruppe"),
}
DESIGN_LABELS = {"classic": _l("Klassisch (zentriert, Doppelrahmen)"), "modern": _l("Modern (linksbündig, Farbband)")}
STATUS_LABELS = {
    "draft": _l("Entwurf"),
    "rendering": _l("Wird erstellt"),
    "packing": _l("PDF-Datei fertig, ZIP-Datei wird gepackt"),
    "done": _l("Fertig"),
    "failed": _l("Fehlgeschlagen"),
}

PLACEHOLDER_LABELS = {
    "name": _l("Name der Person"),
    "event": _l("Titel der Veranstaltung"),
    "date": _l("Datum der Veranstaltung (sonst Ausstellungsdatum)"),
    "organisation": _l("Organisation der Person"),
    "district": _l("Landkreis / kreisfreie Stadt der Person"),
    "function": _l("Funktion der Person"),
    "days": _l("besuchte Tage (nur Teilnahmebescheinigung)"),
    "place": _l("Platzierung (nur Urkunde)"),
    "category": _l("Kategorie (nur Urkunde)"),
    "prize": _l("Preis (nur Urkunde)"),
}
_COMMON = {"name", "event", "date", "organisation", "district", "function"}
PLACEHOLDERS_BY_KIND = {
    CertificateKind.ATTENDANCE: _COMMON | {"days"},
    CertificateKind.APPRECIATION: _COMMON,
    CertificateKind.PRIZE: _COMMON | {"place", "category", "prize"},
    CertificateKind.TANDEM: _COMMON | {"days"},
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")

DEFAULT_TITLES = {
    CertificateKind.ATTENDANCE: "Teilnahmebescheinigung",
    CertificateKind.APPRECIATION: "Dankesurkunde",
    CertificateKind.PRIZE: "Urkunde",
    CertificateKind.TANDEM: "Teilnahmebestätigung",
}
DEFAULT_BODIES = {
    CertificateKind.ATTENDANCE: "hat am {days} an der Veranstaltung „{event}“ teilgenommen.",
    CertificateKind.APPRECIATION: "In Anerkennung und Würdigung des herausragenden ehrenamtlichen Engagements "
    "für die Integration in {district} sprechen wir Dank und Anerkennung aus.",
    CertificateKind.PRIZE: "erhält in der Kategorie „{category}“ den {place}.\n\n{prize}",
    CertificateKind.TANDEM: "hat in der Tandem-Projektgruppe „{event}“ mitgewirkt und an den Treffen am {days} "
    "teilgenommen.",
}
DEFAULT_ISSUER = "Programm Integrationslotsinnen und -lotsen"


class CertificateProblem(ValueError):
    """Something an organiser or participant can fix or must be told; the message is shown as it is."""


# --- placeholders ----------------------------------------------------------------------------------------------


def placeholder_problems(text: str, kind: str) -> list[str]:
    """Messages for every placeholder the kind does not know, and for braces that open or close nothing."""
    allowed = PLACEHOLDERS_BY_KIND.get(kind, _COMMON)
    problems = []
    for name in PLACEHOLDER_PATTERN.findall(text or ""):
        if name not in allowed:
            problems.append(
                _(
                    "Unbekannter Platzhalter {%(name)s}. Möglich sind: %(allowed)s.",
                    name=name,
                    allowed=", ".join("{" + p + "}" for p in sorted(allowed)),
                )
            )
    if "{" in PLACEHOLDER_PATTERN.sub("", text or "") or "}" in PLACEHOLDER_PATTERN.sub("", text or ""):
        problems.append(_("Eine geschweifte Klammer ist nicht geschlossen oder nicht geöffnet."))
    return problems


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match[1], ""), text)


# --- recipients --------------------------------------------------------------------------------------------------


@dataclass
class Recipient:
    """Who a certificate is for, as plain values."""

    name: str
    email: str | None = None
    organisation: str = ""
    district: str = ""
    function: str = ""
    registration_id: int | None = None
    person_id: int | None = None
    days: list[date] = field(default_factory=list)
    place: str = ""
    category: str = ""
    prize: str = ""


def attended_days(event_id: int, registration_id: int | None = None) -> dict[int, list[date]]:
    """Registration id -> the days with a standing day check-in, for one event (or only for one registration)."""
    query = select(CheckIn.registration_id, CheckIn.day).where(
        CheckIn.event_id == event_id,
        CheckIn.result == "welcome",
        CheckIn.undone_at.is_(None),
        CheckIn.scope == "day",
        CheckIn.registration_id.is_not(None),
    )
    if registration_id is not None:
        query = query.where(CheckIn.registration_id == registration_id)
    rows = db.session.execute(query.distinct()).all()
    days: dict[int, list[date]] = {}
    for registration_id, day in rows:
        days.setdefault(registration_id, []).append(day)
    return {key: sorted(value) for key, value in days.items()}


def _recipient_for_registration(registration: Registration, days: list[date]) -> Recipient:
    return Recipient(
        name=registration.full_name,
        email=registration.email,
        organisation=registration.organisation_name
        or (registration.organisation.name if registration.organisation else ""),
        district=registration.district.name if registration.district else "",
        function=registration.function or "",
        registration_id=registration.id,
        days=days,
    )


def recipients_from_event(event: Event) -> list[Recipient]:
    """Every checked-in participant of the event who is still registered, by last and first name (not those whose
    personal data has been deleted)."""
    days = attended_days(event.id)
    if not days:
        return []
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.id.in_(days),
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),  # nobody to name once the personal data is deleted
        )
        .options(selectinload(Registration.district), selectinload(Registration.organisation))
    ).all()
    registrations = sorted(
        registrations, key=lambda r: (alphabetical_key(r.last_name), alphabetical_key(r.first_name), r.id)
    )
    return [_recipient_for_registration(r, days[r.id]) for r in registrations]


def recipients_from_people(person_ids: list[int]) -> list[Recipient]:
    """The chosen people from the directory, in the order given."""
    query = (
        select(Person)
        .where(Person.id.in_(person_ids))
        .options(selectinload(Person.organisation).selectinload(Organisation.district))
    )
    people = {p.id: p for p in db.session.scalars(query)}
    recipients = []
    for person_id in person_ids:
        person = people.get(person_id)
        if person is None:
            continue
        organisation = person.organisation
        recipients.append(
            Recipient(
                name=person.full_name,
                email=person.email,
                organisation=organisation.name if organisation else "",
                district=organisation.district.name if organisation and organisation.district else "",
                function=person.function or "",
                person_id=person.id,
            )
        )
    return recipients


_HEADER_WORDS = {"name", "namen", "vorname", "e-mail", "email"}


def parse_recipient_csv(text: str, kind: str) -> list[Recipient]:
    """Recipients from CSV text, one per line: name; e-mail; organisation (and for prizes: place; category; prize).

    Separator ";" or ","; a first line of column headings is skipped. Raises CertificateProblem naming the line.
    """
    from email_validator import EmailNotValidError, validate_email

    text = (text or "").lstrip("\ufeff").strip()
    if not text:
        raise CertificateProblem(_("Die Liste ist leer."))
    first_line = text.splitlines()[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    recipients = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in _HEADER_WORDS:
            continue
        cells += [""] * (6 - len(cells))
        name, email, organisation, place, category, prize = cells[:6]
        if not name:
            raise CertificateProblem(_("Zeile %(line)d: Der Name fehlt.", line=number))
        if len(name) > 250:
            raise CertificateProblem(_("Zeile %(line)d: Der Name ist länger als 250 Zeichen.", line=number))
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                raise CertificateProblem(
                    _("Zeile %(line)d: „%(email)s“ ist keine gültige E-Mail-Adresse.", line=number, email=email[:80])
                ) from None
        if kind == CertificateKind.PRIZE and not place:
            raise CertificateProblem(_("Zeile %(line)d: Für eine Urkunde fehlt die Platzierung.", line=number))
        recipients.append(
            Recipient(
                name=name,
                email=email or None,
                organisation=organisation[:200],
                place=place[:100],
                category=category[:100],
                prize=prize[:100],
            )
        )
        if len(recipients) > MAX_CSV_ROWS:
            raise CertificateProblem(_("Höchstens %(count)d Personen pro Liste.", count=MAX_CSV_ROWS))
    if not recipients:
        raise CertificateProblem(_("Die Liste enthält keine Namen."))
    return recipients


# --- logo --------------------------------------------------------------------------------------------------------

_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def check_logo(data: bytes) -> tuple[bytes, str]:
    """The logo and its content type, if it is a harmless PNG or SVG no larger than the limit."""
    if not data:
        raise CertificateProblem(_("Die Logo-Datei ist leer."))
    if len(data) > MAX_LOGO_BYTES:
        raise CertificateProblem(_("Das Logo ist zu groß (höchstens %(size)d KB).", size=MAX_LOGO_BYTES // 1024))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if image.format != "PNG":
                    raise UnidentifiedImageError
                width, height = image.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise CertificateProblem(_("Die PNG-Datei ist beschädigt.")) from None
        if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
            raise CertificateProblem(
                _("Das Logo ist zu groß (höchstens %(pixels)d Pixel breit und hoch).", pixels=MAX_LOGO_PIXELS)
            )
        return data, "image/png"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return _check_svg(data), "image/svg+xml"
    raise CertificateProblem(_("Das Logo muss eine PNG- oder SVG-Datei sein."))


def _check_svg(data: bytes) -> bytes:
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise CertificateProblem(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten."))
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise CertificateProblem(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten.")) from None
    except SafeElementTree.ParseError:
        raise CertificateProblem(_("Die SVG-Datei ist kein gültiges XML.")) from None
    if _local(root.tag) != "svg":
        raise CertificateProblem(_("Das Logo muss eine PNG- oder SVG-Datei sein."))
    for element in root.iter():
        if _local(element.tag) in _FORBIDDEN_SVG_ELEMENTS:
            raise CertificateProblem(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on"):
                raise CertificateProblem(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
            if local in {"href", "src"} and not value.strip().startswith("#"):
                raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
            if "url(" in value.lower() and not re.fullmatch(r"\s*url\(\s*#[^)]*\)\s*", value):
                raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
        if _local(element.tag) == "style" and element.text and re.search(r"url\(|@import", element.text, re.I):
            raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
    return data


# --- values and pages --------------------------------------------------------------------------------------------


def local_today() -> date:
    return berlin_date(utcnow())


def long_date(day: date) -> str:
    return format_date(day, "d. MMMM y", locale=CERTIFICATE_LANGUAGE)


def event_dates(event: Event | None) -> str:
    if event is None:
        return ""
    start = berlin_date(event.starts_at)
    end = berlin_date(event.ends_at)
    if start == end:
        return long_date(start)
    return format_interval(start, end, "yMMMMd", locale=CERTIFICATE_LANGUAGE)


def placeholder_values(recipient: Recipient, event: Event | None, issue_date: date) -> dict[str, str]:
    return {
        "name": recipient.name,
        "event": event.title if event else "",
        "date": event_dates(event) or long_date(issue_date),
        "organisation": recipient.organisation,
        "district": recipient.district,
        "function": recipient.function,
        "days": format_list([long_date(d) for d in recipient.days], locale=CERTIFICATE_LANGUAGE),
        "place": recipient.place,
        "category": recipient.category,
        "prize": recipient.prize,
    }


def _reason(kind: str, title: str, values: dict[str, str]) -> str:
    if kind == CertificateKind.ATTENDANCE:
        reason = f"Teilnahme an „{values['event']}“ ({values['days'] or values['date']})"
    elif kind == CertificateKind.PRIZE:
        reason = " · ".join(part for part in (values["place"], values["category"], values["prize"]) if part)
    else:
        reason = f"{title}: {values['event']}" if values["event"] else title
    return reason[:300]


def verification_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/certificates/v/{code}"


def _seal_size(text: str) -> str:
    """Type size of the seal's words, so that they stay inside its 24 mm circle (long words are hyphenated)."""
    longest = max((len(word) for word in text.split()), default=0)
    if longest <= 10 and len(text) <= 30:
        return "l"
    return "m" if longest <= 14 and len(text) <= 50 else "s"


def _name_size(name: str) -> str:
    length = len(name)
    return "xl" if length <= 32 else "l" if length <= 60 else "m" if length <= 120 else "s"


def page_for(certificate: Certificate) -> dict:
    """The plain values of one certificate page."""
    details = certificate.details or {}
    url = verification_url(certificate.code)
    paragraphs = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", certificate.body.replace("\r\n", "\n"))
        if block.strip()
    ]
    with force_locale(CERTIFICATE_LANGUAGE):
        kind_label = str(KIND_LABELS.get(certificate.kind, ""))
    prize_line = ""
    if certificate.kind == CertificateKind.PRIZE:
        values = details.get("values", {})
        prize_line = " · ".join(v for v in (values.get("place"), values.get("category")) if v)
    return {
        "kind_label": kind_label,
        "title": certificate.title,
        "name": certificate.recipient_name,
        "name_size": _name_size(certificate.recipient_name),
        "paragraphs": paragraphs,
        "details": prize_line,
        "serial": certificate.serial,
        "issued": format_date(berlin_date(certificate.issued_at), "dd.MM.y", locale="de"),
        "verify_url": url,
        "short_url": url.split("://", 1)[-1],
    }


def document_settings(batch: CertificateBatch, issuer: str) -> dict:
    """The plain values every page of a batch shares."""
    issue_date = batch.issue_date or local_today()
    with force_locale(CERTIFICATE_LANGUAGE):
        labels = {"serial": _("Nr."), "issued": _("ausgestellt am"), "verify": _("Echtheit prüfen:")}
        document_title = str(KIND_LABELS.get(batch.kind, _("Urkunde")))
    place_date = f"{batch.place}, {long_date(issue_date)}" if batch.place else long_date(issue_date)
    seal_text = issuer[:SEAL_TEXT_LENGTH]
    return {
        "design": batch.design,
        "language": CERTIFICATE_LANGUAGE,
        "document_title": document_title,
        "logo_url": rendering.data_url(batch.logo_type, batch.logo) if batch.logo else None,
        "seal_text": seal_text,
        "seal_size": _seal_size(seal_text),
        "signatories": [
            {"name": s.get("name", ""), "office": s.get("office", "")}
            for s in (batch.signatories or [])[:MAX_SIGNATORIES]
            if s.get("name")
        ],
        "place_date": place_date,
        "labels": labels,
    }


# --- issuing -----------------------------------------------------------------------------------------------------


def new_batch(
    kind: str,
    title: str,
    body_template: str,
    *,
    design: str = "classic",
    event_id: int | None = None,
    signatories: list[dict] | None = None,
    place: str | None = None,
    issue_date: date | None = None,
    logo: bytes | None = None,
    logo_type: str | None = None,
    created_by_id: int | None = None,
) -> CertificateBatch:
    """A batch with the organiser's settings (not yet added to the session)."""
    if kind not in KIND_LABELS:
        raise CertificateProblem(_("Unbekannte Art von Urkunde."))
    problems = placeholder_problems(body_template, kind) + placeholder_problems(title, kind)
    if problems:
        raise CertificateProblem(" ".join(problems))
    return CertificateBatch(
        kind=kind,
        event_id=event_id,
        design=design if design in rendering.DESIGNS else "classic",
        title=title,
        body_template=body_template,
        signatories=[s for s in (signatories or []) if s.get("name")][:MAX_SIGNATORIES],
        place=place or None,
        issue_date=issue_date,
        logo=logo,
        logo_type=logo_type if logo else None,
        status="draft",
        created_by_id=created_by_id,
    )


def _certificate_for(batch: CertificateBatch, recipient: Recipient, event: Event | None, issuer: str) -> Certificate:
    values = placeholder_values(recipient, event, batch.issue_date or local_today())
    code = secrets.token_urlsafe(12)  # 96 random bits
    details: dict = {"values": values}
    if recipient.days:
        details["days"] = [d.isoformat() for d in recipient.days]
    return Certificate(
        serial=f"pending-{code[:12]}",
        code=code,
        kind=batch.kind,
        batch=batch,
        event_id=event.id if event else None,
        registration_id=recipient.registration_id,
        person_id=recipient.person_id,
        recipient_name=recipient.name[:250],
        recipient_email=recipient.email,
        title=fill_placeholders(batch.title, values)[:200],
        body=fill_placeholders(batch.body_template, values),
        reason=_reason(batch.kind, batch.title, values),
        details=details,
        issuer=issuer[:200],
        issued_at=utcnow(),
    )


def _assign_serials(certificates: list[Certificate]) -> None:
    """Serials follow the row ids, so they are unique without a counter that two workers could race for."""
    db.session.flush()
    for certificate in certificates:
        certificate.serial = f"TP-{berlin_date(certificate.issued_at).year}-{certificate.id:05d}"
    db.session.flush()


def issue_certificates(
    batch: CertificateBatch, recipients: list[Recipient], issuer: str, event: Event | None = None
) -> list[Certificate]:
    """Create a certificate per recipient, in the given order, in the current transaction."""
    if not recipients:
        raise CertificateProblem(_("Es gibt niemanden, für den eine Urkunde ausgestellt werden könnte."))
    if batch.id is None:
        db.session.add(batch)
    certificates = [_certificate_for(batch, recipient, event, issuer) for recipient in recipients]
    db.session.add_all(certificates)
    _assign_serials(certificates)
    batch.total = len(certificates)
    batch.progress = 0
    record_audit(
        "certificates.issued",
        batch,
        f"{len(certificates)} × {batch.kind}: {batch.title}",
        {"serials": [certificates[0].serial, certificates[-1].serial]},
    )
    return certificates


def preview_pdf(batch: CertificateBatch, recipient: Recipient | None, issuer: str, event: Event | None) -> bytes:
    """A one-page PDF with the batch's settings for the first recipient (or a sample name); nothing is saved."""
    sample = recipient or Recipient(
        name="Erika Mustermann",
        organisation="Freiwilligenagentur Musterstadt",
        district="Landkreis Musterstadt",
        function="Integrationslotsin",
        days=[local_today()],
        place="1. Platz",
        category="Ehrenamt",
        prize="2.500 Euro",
    )
    certificate = _certificate_for(batch, sample, event, issuer)  # transient: the batch is not in the session
    certificate.serial = "TP-VORSCHAU"
    certificate.code = "VORSCHAU"
    return rendering.render_pdf([page_for(certificate)], document_settings(batch, issuer))


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate rendered on demand."""
    return rendering.render_pdf([page_for(certificate)], document_settings(certificate.batch, certificate.issuer))


# --- batches in the background -----------------------------------------------------------------------------------


def batch_folder() -> Path:
    folder = Path(current_app.config.get("CERTIFICATE_FOLDER") or Path(current_app.instance_path) / "certificates")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def batch_files(batch: CertificateBatch) -> tuple[Path, Path]:
    folder = batch_folder()
    # the creation time makes the name unique even where ids are reused (a database restored or emptied)
    stem = f"batch-{batch.id}-{batch.created_at.strftime('%Y%m%d%H%M%S%f')}"
    return folder / f"{stem}.pdf", folder / f"{stem}.zip"


def start_rendering(batch: CertificateBatch, send_mail: bool = False, wait: bool = False) -> None:
    """Render the batch's certificates after the current transaction: in a thread, or at once when configured
    or asked to wait (the command line)."""
    batch.status = "rendering"
    batch.progress = 0
    batch.progress_at = utcnow()
    batch.error = None
    db.session.commit()
    if wait or current_app.config.get("CERTIFICATE_RENDERING") == "sync":
        render_batch_files(batch.id, send_mail)
        return
    app = current_app._get_current_object()
    threading.Thread(target=_render_in_thread, args=(app, batch.id, send_mail), daemon=True).start()


STUCK_AFTER = timedelta(minutes=5)  # a rendering without progress this long has stopped (say, a server restart)


def may_restart(batch: CertificateBatch, now: datetime | None = None) -> bool:
    """Whether the organiser may start the batch's rendering again: after it failed, or when it has stopped
    moving (STUCK_AFTER); never while it runs, which would render every certificate twice at once."""
    if batch.status == "failed":
        return True
    if batch.status not in ("rendering", "packing"):
        return False
    return batch.progress_at is None or (now or utcnow()) - batch.progress_at > STUCK_AFTER


def _render_in_thread(app, batch_id: int, send_mail: bool) -> None:
    with app.app_context():
        try:
            render_batch_files(batch_id, send_mail)
        finally:
            db.session.remove()


def _set_progress(batch_id: int, done: int) -> None:
    db.session.execute(
        update(CertificateBatch).where(CertificateBatch.id == batch_id).values(progress=done, progress_at=utcnow())
    )
    db.session.commit()


def render_batch_files(batch_id: int, send_mail: bool = False) -> None:
    """Render a batch into one merged PDF, then a ZIP of single PDFs; optionally mail each recipient theirs.

    The merged PDF (for printing) can be downloaded as soon as it is written, while the batch is "packing":
    cutting it into single PDFs, zipping them and queueing the mails comes after it.
    """
    batch = db.session.get(CertificateBatch, batch_id)
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.batch_id == batch_id).order_by(Certificate.id)
    ).all()
    try:
        pages = [page_for(c) for c in certificates]
        settings = document_settings(batch, certificates[0].issuer if certificates else DEFAULT_ISSUER)
        merged_path, zip_path = batch_files(batch)
        merged, documents = rendering.render_batch(
            pages,
            settings,
            workers=current_app.config.get("CERTIFICATE_WORKERS"),
            progress=lambda done: _set_progress(batch_id, done),
        )
        partial_pdf = merged_path.with_suffix(".pdf.part")
        partial_pdf.write_bytes(merged)
        partial_pdf.replace(merged_path)
        db.session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id)
            .values(status="packing", progress_at=utcnow())
        )
        db.session.commit()

        partial_zip = zip_path.with_suffix(".zip.part")
        with zipfile.ZipFile(partial_zip, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            singles = (single for document in documents for single in rendering.split_pdf(document))
            for certificate, single in zip(certificates, singles, strict=True):
                archive.writestr(rendering.pdf_filename(certificate.recipient_name, certificate.serial), single)
                if send_mail and certificate.recipient_email and not certificate.revoked_at:
                    mail_certificate(certificate, single)
        partial_zip.replace(zip_path)
        batch = db.session.get(CertificateBatch, batch_id)
        batch.status = "done"
        batch.progress = len(certificates)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - the organiser sees that the batch failed, the log says why
        db.session.rollback()
        current_app.logger.exception("certificate batch %s failed", batch_id)
        db.session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id)
            .values(status="failed", error=f"{type(error).__name__}: {error}"[:500])
        )
        db.session.commit()
        return
    # rendered in a request (CERTIFICATE_RENDERING "sync"): the request's own delivery sends them afterwards
    if send_mail and current_app.config["MAIL_DELIVERY"] != "cron" and not has_request_context():
        deliver_due_mail(limit=len(certificates) + 10)


def mail_certificate(certificate: Certificate, pdf: bytes) -> None:
    queue_templated_mail(
        certificate.recipient_email,
        "certificate",
        topic="certificate",
        registration_id=certificate.registration_id,
        certificate=certificate,
        verify_url=verification_url(certificate.code),
        attachments=[(rendering.pdf_filename(certificate.recipient_name, certificate.serial), "application/pdf", pdf)],
    )


# --- one certificate: revoke, correct, prizes, participants ------------------------------------------------------


def revoke_certificate(certificate: Certificate, reason: str) -> None:
    if certificate.revoked_at:
        raise CertificateProblem(_("Diese Urkunde ist bereits widerrufen."))
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason[:300]
    record_audit("certificates.revoked", certificate, f"{certificate.serial}: {reason}"[:500])


def correct_recipient_name(certificate: Certificate, new_name: str) -> Certificate:
    """Issue a corrected certificate with the new name and revoke the old one; returns the new certificate."""
    new_name = new_name.strip()
    if certificate.revoked_at:
        raise CertificateProblem(_("Eine widerrufene Urkunde kann nicht berichtigt werden."))
    if not new_name or new_name == certificate.recipient_name:
        raise CertificateProblem(_("Bitte geben Sie den berichtigten Namen ein."))
    values = dict((certificate.details or {}).get("values", {}))
    old_name = certificate.recipient_name
    values["name"] = new_name
    batch = certificate.batch
    body = fill_placeholders(batch.body_template, values) if batch else certificate.body.replace(old_name, new_name)
    code = secrets.token_urlsafe(12)
    replacement = Certificate(
        serial=f"pending-{code[:12]}",
        code=code,
        kind=certificate.kind,
        batch_id=certificate.batch_id,
        event_id=certificate.event_id,
        registration_id=certificate.registration_id,
        person_id=certificate.person_id,
        recipient_name=new_name[:250],
        recipient_email=certificate.recipient_email,
        title=fill_placeholders(batch.title, values)[:200] if batch else certificate.title,
        body=body,
        reason=certificate.reason,
        details={**(certificate.details or {}), "values": values},
        issuer=certificate.issuer,
        issued_at=utcnow(),
        replaces_id=certificate.id,
    )
    db.session.add(replacement)
    _assign_serials([replacement])
    revoke_certificate(certificate, f"Name berichtigt, ersetzt durch {replacement.serial}")
    record_audit(
        "certificates.reissued", replacement, f"{certificate.serial} → {replacement.serial}: {old_name} → {new_name}"
    )
    return replacement


def issue_prize_certificate(
    name: str,
    place: str,
    category: str,
    prize: str,
    *,
    email: str | None = None,
    organisation: str = "",
    person_id: int | None = None,
    event_id: int | None = None,
    title: str = DEFAULT_TITLES[CertificateKind.PRIZE],
    body_template: str = DEFAULT_BODIES[CertificateKind.PRIZE],
    design: str = "classic",
    signatories: list[dict] | None = None,
    city: str | None = None,
    issuer: str = DEFAULT_ISSUER,
    issue_date: date | None = None,
    logo: bytes | None = None,
    logo_type: str | None = None,
) -> Certificate:
    """A prize certificate (Urkunde: place, category, prize), for the award workflow; same path as every batch."""
    batch = new_batch(
        CertificateKind.PRIZE,
        title,
        body_template,
        design=design,
        event_id=event_id,
        signatories=signatories,
        place=city,
        issue_date=issue_date,
        logo=logo,
        logo_type=logo_type,
    )
    batch.status = "done"
    event = db.session.get(Event, event_id) if event_id else None
    recipient = Recipient(
        name=name,
        email=email,
        organisation=organisation,
        person_id=person_id,
        place=place,
        category=category,
        prize=prize,
    )
    (certificate,) = issue_certificates(batch, [recipient], issuer, event)
    batch.progress = 1
    return certificate


def participant_certificate(registration: Registration) -> Certificate:
    """The participant's standing attendance certificate, issued now if they attended and the event is over."""
    event = registration.event
    if registration.status == RegistrationStatus.CANCELLED:
        raise CertificateProblem(_("Diese Anmeldung wurde storniert."))
    if event.ends_at > utcnow():
        raise CertificateProblem(_("Die Teilnahmebescheinigung gibt es, sobald die Veranstaltung vorbei ist."))
    existing = db.session.scalars(
        select(Certificate)
        .where(Certificate.registration_id == registration.id, Certificate.kind == CertificateKind.ATTENDANCE)
        .order_by(Certificate.revoked_at.is_not(None), Certificate.id.desc())  # a valid one first
    ).first()
    if existing is not None and existing.revoked_at is None:
        return existing
    if existing is not None:  # revoked by the organisers: fetching it must not issue it again
        raise CertificateProblem(
            _(
                "Ihre Teilnahmebescheinigung wurde widerrufen. "
                "Bei Fragen wenden Sie sich bitte an das Organisationsteam."
            )
        )
    days = attended_days(event.id, registration.id).get(registration.id)
    if not days:
        raise CertificateProblem(_("Für diese Anmeldung ist keine Teilnahme (Check-in) verzeichnet."))
    batch = _attendance_batch_for(event)
    issuer = (
        db.session.scalar(
            select(Certificate.issuer).where(Certificate.batch_id == batch.id).order_by(Certificate.id).limit(1)
        )
        if batch.id
        else None
    )
    (certificate,) = issue_certificates_to_batch(
        batch, [_recipient_for_registration(registration, days)], issuer or DEFAULT_ISSUER, event
    )
    db.session.commit()
    return certificate


def issue_certificates_to_batch(batch, recipients, issuer, event) -> list[Certificate]:
    """Add certificates to a batch without touching its progress (for certificates fetched one at a time)."""
    total, progress = batch.total, batch.progress
    certificates = issue_certificates(batch, recipients, issuer, event)
    batch.total, batch.progress = (total or 0) + len(certificates), (progress or 0) + len(certificates)
    return certificates


def _attendance_batch_for(event: Event) -> CertificateBatch:
    """The organiser's latest attendance settings for the event, or the default wording."""
    batch = db.session.scalars(
        select(CertificateBatch)
        .where(CertificateBatch.event_id == event.id, CertificateBatch.kind == CertificateKind.ATTENDANCE)
        .order_by(CertificateBatch.id.desc())
    ).first()
    if batch:
        return batch
    batch = new_batch(
        CertificateKind.ATTENDANCE,
        DEFAULT_TITLES[CertificateKind.ATTENDANCE],
        DEFAULT_BODIES[CertificateKind.ATTENDANCE],
        event_id=event.id,
    )
    batch.status = "done"
    return batch


def issue_missing_attendance_certificates(
    event: Event, issuer: str, send_mail: bool = False
) -> CertificateBatch | None:
    """Attendance certificates for every checked-in participant who has no valid one for the event yet, in a new
    batch with the organiser's latest attendance settings for it, rendered at once (for `flask certificates`).

    Safe to run again: those who have a certificate are left out, so nobody gets two, and nobody whose
    certificate was revoked gets a new one. None when nobody is left. Refused before the event is over.
    """
    if event.ends_at > utcnow():
        raise CertificateProblem(_("Die Teilnahmebescheinigung gibt es, sobald die Veranstaltung vorbei ist."))
    have_one = set(
        db.session.scalars(
            select(Certificate.registration_id).where(
                Certificate.event_id == event.id,
                Certificate.kind == CertificateKind.ATTENDANCE,
                Certificate.registration_id.is_not(None),
            )
        )
    )
    recipients = [r for r in recipients_from_event(event) if r.registration_id not in have_one]
    if not recipients:
        return None
    settings = _attendance_batch_for(event)
    batch = new_batch(
        CertificateKind.ATTENDANCE,
        settings.title,
        settings.body_template,
        design=settings.design,
        event_id=event.id,
        signatories=settings.signatories,
        place=settings.place,
        logo=settings.logo,
        logo_type=settings.logo_type,
    )
    issue_certificates(batch, recipients, issuer, event)
    start_rendering(batch, send_mail, wait=True)
    return db.session.get(CertificateBatch, batch.id)


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 20:
        return None
    return db.session.scalars(select(Certificate).where(Certificate.code == code)).first()


def search_certificates(term: str, page: int):
    query = select(Certificate).order_by(Certificate.id.desc())
    if term:
        like = contains_pattern(term)
        query = query.where(
            func.lower(Certificate.recipient_name).like(like, escape=LIKE_ESCAPE)
            | func.lower(Certificate.serial).like(like, escape=LIKE_ESCAPE)
        )
    return db.paginate(query, page=page, per_page=50, error_out=False)


def recent_batches(limit: int = 30) -> list[CertificateBatch]:
    return db.session.scalars(select(CertificateBatch).order_by(CertificateBatch.id.desc()).limit(limit)).all()
