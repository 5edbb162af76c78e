"""The organisers' ceremony pages: the list, one ceremony with its guest list, honoured guests, the security list
and the printed documents."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from events.awards.decisions import winners_withdrawn_after_release
from events.awards.models import AwardProgramme
from events.awards.rules import decision_is_released
from events.ceremonies import bp
from events.ceremonies.access import ceremony_organiser_required
from events.ceremonies.documents import AREA, download_name, latest_documents, request_document
from events.ceremonies.errors import CeremonyError
from events.ceremonies.forms import CeremonyForm, HonouredGuestForm
from events.ceremonies.guests import add_honoured_guest, create_ceremony, guest_list, update_ceremony
from events.ceremonies.models import Ceremony, CeremonyDocument, DocumentKind, DocumentState, GuestKind
from events.ceremonies.receivers import invite_released_winners
from events.ceremonies.rules import asks_date_of_birth, guests_left
from events.ceremonies.seating import seat_labels
from events.ceremonies.security_list import security_csv, security_xlsx
from events.core.access import role_required
from events.core.storage import file_store
from events.extensions import db
from events.meetings.access import event_organiser_required
from events.meetings.models import Event, EventKind
from events.registration.models import RegistrationStatus


def _programme_choices() -> list[tuple]:
    programmes = db.session.scalars(select(AwardProgramme).order_by(AwardProgramme.edition.desc())).all()
    return [("", _("– kein Preis –"))] + [(p.id, str(p)) for p in programmes]


@bp.route("/")
@role_required("organiser")
def index():
    ceremonies = db.session.scalars(select(Ceremony).join(Event).order_by(Event.starts_at.desc())).all()
    events = db.session.scalars(
        select(Event)
        .where(Event.kind == EventKind.CEREMONY, Event.id.not_in(select(Ceremony.event_id)))
        .order_by(Event.starts_at.desc())
    ).all()
    return render_template("ceremonies/index.html", ceremonies=ceremonies, events=events)


@bp.route("/events/<int:event_id>/create", methods=["GET", "POST"])
@event_organiser_required
def create(event):
    form = CeremonyForm()
    form.programme_id.choices = _programme_choices()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("ceremonies/create.html", event=event, form=form), status
    programme = None
    if form.programme_id.data:
        programme = db.session.get(AwardProgramme, form.programme_id.data) or abort(400)
    try:
        ceremony = create_ceremony(event, programme, form.guest_allowance.data, form.requires_date_of_birth.data)
    except CeremonyError as error:
        flash(error.message, "error")
        return render_template("ceremonies/create.html", event=event, form=form), 409
    flash(_("Die Feier zu „%(title)s“ ist angelegt.", title=event.title), "success")
    if programme is not None and decision_is_released(programme):  # the winners were promised an invitation
        _invite_released_winners(ceremony, programme)
    return redirect(url_for("ceremonies.ceremony", ceremony_id=ceremony.id))


def _invite_released_winners(ceremony: Ceremony, programme: AwardProgramme | None) -> None:
    """Invite the winners and say how many, or why not (no released decision, an event still in draft)."""
    try:
        if programme is None:
            raise CeremonyError("not_released")
        invited = invite_released_winners(ceremony, programme)
    except CeremonyError as error:
        flash(error.message, "warning")
    else:
        flash(_("%(count)d Preisträgerinnen und Preisträger neu eingeladen.", count=invited), "success")


def _ceremony_page(ceremony: Ceremony, guest_form=None, settings_form=None, status: int = 200):
    lines = guest_list(ceremony)
    settings_form = settings_form or CeremonyForm(obj=ceremony)
    settings_form.programme_id.choices = _programme_choices()
    programme = db.session.get(AwardProgramme, ceremony.programme_id) if ceremony.programme_id else None
    return render_template(
        "ceremonies/ceremony.html",
        ceremony=ceremony,
        programme=programme,
        withdrawn=winners_withdrawn_after_release(programme) if programme is not None else [],
        lines=lines,
        seats=seat_labels(ceremony),
        guest_form=guest_form or HonouredGuestForm(),
        settings_form=settings_form,
        documents=latest_documents(ceremony),
        document_kinds=DocumentKind,
        DocumentState=DocumentState,
        GuestKind=GuestKind,
        RegistrationStatus=RegistrationStatus,
        guests_left=guests_left,
        asks_date_of_birth=asks_date_of_birth(ceremony),
        coming=sum(1 for line in lines if line.status == RegistrationStatus.CONFIRMED),
        can_invite_winners=ceremony.programme_id is not None,
    ), status


@bp.route("/<int:ceremony_id>")
@ceremony_organiser_required
def ceremony(ceremony):
    return _ceremony_page(ceremony)


@bp.route("/<int:ceremony_id>/settings", methods=["POST"])
@ceremony_organiser_required
def settings(ceremony):
    form = CeremonyForm()
    form.programme_id.choices = _programme_choices()
    if not form.validate_on_submit():
        return _ceremony_page(ceremony, settings_form=form, status=400)
    update_ceremony(ceremony, form.guest_allowance.data, form.requires_date_of_birth.data)
    flash(_("Die Einstellungen der Feier sind gespeichert."), "success")
    return redirect(url_for("ceremonies.ceremony", ceremony_id=ceremony.id))


@bp.route("/<int:ceremony_id>/guests", methods=["POST"])
@ceremony_organiser_required
def add_guest(ceremony):
    form = HonouredGuestForm()
    if not form.validate_on_submit():
        return _ceremony_page(ceremony, guest_form=form, status=400)
    try:
        guest = add_honoured_guest(ceremony, **form.values())
    except CeremonyError as error:
        flash(error.message, "error")
        return _ceremony_page(ceremony, guest_form=form, status=409)
    flash(_("%(name)s ist eingeladen.", name=guest.full_name), "success")
    return redirect(url_for("ceremonies.ceremony", ceremony_id=ceremony.id) + "#guests")


@bp.route("/<int:ceremony_id>/invite-winners", methods=["POST"])
@ceremony_organiser_required
def invite_winners(ceremony):
    programme = db.session.get(AwardProgramme, ceremony.programme_id) if ceremony.programme_id else None
    _invite_released_winners(ceremony, programme)
    return redirect(url_for("ceremonies.ceremony", ceremony_id=ceremony.id))


@bp.route("/<int:ceremony_id>/security.<fmt>")
@ceremony_organiser_required
def security_list(ceremony, fmt):
    name = f"sicherheitsliste-{ceremony.event.slug}.{fmt}"
    if fmt == "csv":
        return Response(
            security_csv(ceremony),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt == "xlsx":
        return Response(
            security_xlsx(ceremony),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    abort(404)


@bp.route("/<int:ceremony_id>/documents", methods=["POST"])
@ceremony_organiser_required
def new_document(ceremony):
    kind = request.form.get("kind", "")
    if kind not in DocumentKind.labels():
        abort(400)
    request_document(ceremony, kind)
    flash(
        _(
            "%(document)s wird erstellt; der Link erscheint hier, sobald es fertig ist.",
            document=DocumentKind(kind).label,
        ),
        "success",
    )
    return redirect(url_for("ceremonies.ceremony", ceremony_id=ceremony.id, _anchor=f"document-{kind}"))


@bp.route("/<int:ceremony_id>/documents/<int:document_id>.pdf")
@ceremony_organiser_required
def document(ceremony, document_id):
    row = db.session.get(CeremonyDocument, document_id)
    if row is None or row.ceremony_id != ceremony.id or row.state != DocumentState.READY:
        abort(404)
    return file_store().send(AREA, row.file_name, download_name(ceremony, row), "application/pdf")
