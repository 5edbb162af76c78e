"""Organisers add a registration (phone sign-up, walk-in), correct one, and write to registrants."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from events.core.access import role_required
from events.directory.service import organisation_names
from events.extensions import db
from events.meetings.access import event_organiser_required
from events.meetings.models import EventStatus
from events.meetings.service import registration_definition
from events.registration import bp
from events.registration.by_organiser import add_registration, correct_registration
from events.registration.days import day_fill, days_of, set_days
from events.registration.error_messages import error_message
from events.registration.forms import (
    OrganiserMessageForm,
    registration_form_data,
    registration_form_is_valid,
    registration_values,
)
from events.registration.lists import RegistrationFilter
from events.registration.models import Registration
from events.registration.organiser_forms import (
    AddedRegistrationForm,
    CorrectionForm,
    days_form,
    organiser_registration_form,
)
from events.registration.organiser_messages import (
    OrganiserMessage,
    message_recipients,
    message_registrants,
    preview,
    send_test_message,
)
from events.registration.service import RegistrationError, free_places


@bp.route("/manage/<int:event_id>/add", methods=["GET", "POST"])
@event_organiser_required
def add(event):
    if event.status == EventStatus.CANCELLED:
        flash(error_message(RegistrationError("cancelled")), "error")
        return redirect(url_for("registration.registrations", event_id=event.id))
    form = organiser_registration_form(event, AddedRegistrationForm)
    if registration_form_is_valid(form):
        try:
            outcome = add_registration(event.id, registration_values(form), send_mail=form.send_mail.data)
        except RegistrationError as error:
            flash(error_message(error), "error")  # what was typed stays in the form below
        else:
            name = outcome.registration.full_name
            if outcome.status == "confirmed":
                flash(_("%(name)s ist angemeldet und bestätigt.", name=name), "success")
            else:
                flash(
                    _(
                        "Alle Plätze sind vergeben: %(name)s steht auf Platz %(position)d der Warteliste.",
                        name=name,
                        position=outcome.waitlist_position,
                    ),
                    "warning",
                )
            return redirect(url_for("registration.entry", registration_id=outcome.registration.id))
    return render_template(
        "registration/add.html",
        event=event,
        form=form,
        free=free_places(event),
        organisations=organisation_names(),
    ), 400 if form.is_submitted() else 200


@bp.route("/manage/correct/<int:registration_id>", methods=["GET", "POST"])
@role_required("organiser")
def correct(registration_id):
    registration = db.session.get(Registration, registration_id) or abort(404)
    if registration.anonymised_at is not None:
        flash(error_message(RegistrationError("anonymised")), "error")
        return redirect(url_for("registration.entry", registration_id=registration.id))
    event = registration.event
    data = None
    if not CorrectionForm().is_submitted():
        data = {**registration_form_data(registration, registration_definition(event)), "email": registration.email}
    form = organiser_registration_form(
        event,
        CorrectionForm,
        data=data,
        own_workshops=frozenset(c.session_id for c in registration.workshop_choices),
        own_days=frozenset(c.event_day_id for c in registration.day_choices),
    )
    if registration_form_is_valid(form):
        try:
            changed = correct_registration(
                registration, registration_values(form), note=form.note.data or "", notify=form.notify.data
            )
        except RegistrationError as error:
            flash(error_message(error), "error")
        else:
            if not changed:
                flash(_("Es war nichts zu ändern."), "info")
            elif "email" in changed:
                flash(
                    _("Die Änderungen sind gespeichert. Der neue persönliche Link geht an die neue Adresse."),
                    "success",
                )
            else:
                flash(_("Die Änderungen sind gespeichert."), "success")
            return redirect(url_for("registration.entry", registration_id=registration.id))
    return render_template(
        "registration/correct.html",
        registration=registration,
        event=event,
        form=form,
        organisations=organisation_names(),
    ), 400 if form.is_submitted() else 200


@bp.route("/manage/<int:event_id>/message", methods=["GET", "POST"])
@event_organiser_required
def message(event):
    """Write a message to the selected registrants; "preview" shows it as it will read, "test" mails that to the
    organiser, and only "send" (the default) sends it."""
    wanted = RegistrationFilter.from_args(request.values)
    action = request.form.get("action", "send")
    form = OrganiserMessageForm()
    recipients = message_recipients(event, wanted)
    previews = []
    if form.validate_on_submit():
        text = OrganiserMessage(
            form.subject.data,
            form.body.data,
            form.subject_en.data or "",
            form.body_en.data or "",
            form.greeting.data,
        )
        example = recipients[0] if recipients else None
        if action == "preview":
            previews = preview(event, text, example)
        elif action == "test":
            send_test_message(event, text, example, current_user.email)
            flash(_("Eine Testnachricht ist an %(address)s unterwegs.", address=current_user.email), "success")
            previews = preview(event, text, example)
        else:
            try:
                count = message_registrants(event, text, wanted)
            except RegistrationError as error:
                flash(error_message(error), "error")  # the typed message stays in the form below
            else:
                flash(
                    ngettext("Die Nachricht geht an %(num)d Person.", "Die Nachricht geht an %(num)d Personen.", count),
                    "success",
                )
                return redirect(url_for("registration.registrations", event_id=event.id, **wanted.args()))
    failed = form.is_submitted() and (form.errors or action == "send")
    return render_template(
        "registration/message.html",
        event=event,
        form=form,
        wanted=wanted,
        recipients=len(recipients),
        previews=previews,
    ), 400 if failed else 200


@bp.route("/manage/<int:event_id>/days", methods=["GET", "POST"])
@event_organiser_required
def days(event):
    form = days_form(event, days_of(event.id), request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        capacities = {day: field.data for day, field in form.day_fields}
        try:
            set_days(event.id, form.per_day.data, capacities)
        except RegistrationError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Die Tage sind gespeichert."), "success")
            return redirect(url_for("registration.registrations", event_id=event.id))
    return render_template(
        "registration/days.html", event=event, form=form, fill=day_fill(event.id), days=days_of(event.id)
    ), 400 if form.is_submitted() else 200
