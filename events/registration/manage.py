"""The organisers' pages of an event's registrations: list, export, one registration and its actions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.core.access import role_required
from events.core.downloads import CSV, XLSX, file_response
from events.extensions import db
from events.meetings.access import event_organiser_required
from events.registration import bp
from events.registration.cancelling import cancel_registration, restorable, restore_registration
from events.registration.errors import RegistrationError, flash_dropped_workshops
from events.registration.export import answer_text, export_csv, export_xlsx
from events.registration.forms import PromoteForm, WaitingListPositionForm
from events.registration.models import Registration, RegistrationStatus
from events.registration.overview import status_counts
from events.registration.personal_links import renew_personal_link
from events.registration.places import free_places
from events.registration.waiting_list import move_in_waiting_list, move_to_position, promote_by_hand


@bp.route("/manage/<int:event_id>/export.<fmt>")
@event_organiser_required
def export(event, fmt):
    if fmt == "csv":
        return file_response(export_csv(event), CSV, f"{event.slug}-anmeldungen.csv")
    if fmt == "xlsx":
        return file_response(export_xlsx(event), XLSX, f"{event.slug}-anmeldungen.xlsx")
    abort(404)


def _registration_or_404(registration_id: int) -> Registration:
    return db.session.get(Registration, registration_id) or abort(404)


@bp.route("/manage/entry/<int:registration_id>")
@role_required("organiser")
def entry(registration_id):
    registration = _registration_or_404(registration_id)
    waiting = registration.status == RegistrationStatus.WAITLISTED
    return render_template(
        "registration/entry.html",
        registration=registration,
        event=registration.event,
        can_restore=restorable(registration),
        answer_text=answer_text,
        status_labels=RegistrationStatus.labels(),
        free=free_places(registration.event) if waiting else None,
        promote_form=PromoteForm() if waiting else None,
    )


def _flash_waiting_position(registration: Registration, position: int) -> None:
    """Where a waiting person stands after the organiser moved them (also when they were at the end already)."""
    flash(
        _(
            "%(name)s steht jetzt auf Platz %(position)d der Warteliste.",
            name=registration.full_name,
            position=position,
        ),
        "success",
    )


@bp.route("/manage/entry/<int:registration_id>/<action>", methods=["POST"])
@role_required("organiser")
def entry_action(registration_id, action):
    registration = _registration_or_404(registration_id)
    event_id = registration.event_id
    try:
        if action == "promote":
            promotion = promote_by_hand(registration, beyond_capacity=PromoteForm().beyond_capacity.data)
            if promotion.beyond_capacity:
                flash(
                    _(
                        "%(name)s ist über die Kapazität hinaus bestätigt und wird benachrichtigt.",
                        name=registration.full_name,
                    ),
                    "success",
                )
            else:
                flash(
                    _("%(name)s ist jetzt bestätigt und wird benachrichtigt.", name=registration.full_name), "success"
                )
            flash_dropped_workshops(promotion.dropped_workshops)
        elif action == "cancel":
            promoted = cancel_registration(registration, by_participant=False)
            flash(_("Die Anmeldung von %(name)s ist storniert.", name=registration.full_name), "success")
            flash(_("Ein Versehen? „Stornierung zurücknehmen“ geht 10 Minuten lang."), "info")
            for person in promoted:
                flash(_("%(name)s ist von der Warteliste nachgerückt.", name=person.full_name), "success")
        elif action == "renew_link":
            renew_personal_link(registration, by_participant=False)
            flash(
                _(
                    "Der bisherige Link gilt nicht mehr; %(name)s bekommt den neuen per E-Mail.",
                    name=registration.full_name,
                ),
                "success",
            )
        elif action == "restore":
            dropped = restore_registration(registration)
            if registration.status == RegistrationStatus.CONFIRMED:
                flash(
                    _(
                        "Die Stornierung ist zurückgenommen: %(name)s ist wieder bestätigt.",
                        name=registration.full_name,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "Die Stornierung ist zurückgenommen. Der Platz ist inzwischen vergeben: %(name)s steht "
                        "jetzt auf Platz 1 der Warteliste.",
                        name=registration.full_name,
                    ),
                    "warning",
                )
            flash_dropped_workshops(dropped)
        elif action in ("up", "down"):
            _flash_waiting_position(registration, move_in_waiting_list(registration, -1 if action == "up" else 1))
        elif action == "move":
            form = WaitingListPositionForm(waiting=status_counts(registration.event)["waitlisted"])
            if form.validate_on_submit():
                _flash_waiting_position(registration, move_to_position(registration, form.position.data))
            else:
                flash(" ".join(form.position.errors), "error")
        else:
            abort(404)
    except RegistrationError as error:
        flash(error.message, "error")
    back = request.form.get("back")
    if back == "list":
        return redirect(url_for("registration.registrations", event_id=event_id, status=request.form.get("status", "")))
    return redirect(url_for("registration.entry", registration_id=registration_id))
