from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from markupsafe import Markup

from events.core.access import public, role_required
from events.core.database import own_transactions, statements_commit_themselves
from events.core.districts import district_choices
from events.core.pagecache import page_is_shared, shared_page
from events.directory.service import organisation_names
from events.documents.qr import qr_svg
from events.extensions import db, limiter
from events.meetings.access import event_organiser_required
from events.meetings.forms import EVENT_KIND_LABELS
from events.meetings.service import (
    public_event,
    registration_definition,
    registration_window_state,
)
from events.registration import bp
from events.registration.consent import photo_consent_text, privacy_consent_text
from events.registration.days import day_options
from events.registration.error_messages import ERROR_MESSAGES, error_message
from events.registration.export import answer_text, export_csv, export_xlsx
from events.registration.forms import (
    REGISTRATION_STATUS_LABELS,
    PromoteForm,
    ResendLinkForm,
    WaitingListPositionForm,
    blank_page_key,
    build_registration_form,
    registration_form_data,
    registration_form_is_valid,
    registration_values,
)
from events.registration.invitations import invitation_for
from events.registration.invites import event_invite
from events.registration.models import Registration
from events.registration.service import (
    RegistrationError,
    cancel_registration,
    free_places,
    move_in_waiting_list,
    move_to_position,
    participant_may_cancel,
    promote_by_hand,
    public_event_and_free_places,
    register_for_event,
    renew_personal_link,
    resend_personal_link,
    restorable,
    restore_registration,
    status_counts,
    update_registration,
    withdraw_photo_consent,
    workshop_fill,
)
from events.registration.tickets import render_ticket_pdf, ticket_token_for
from events.registration.tokens import registration_by_token


def _flash_dropped_workshops(titles: list[str]) -> None:
    """After a cancellation is taken back or a promotion: which chosen workshops filled up in the meantime."""
    if titles:
        flash(
            _("Inzwischen ausgebucht und daher nicht mehr gewählt: %(workshops)s", workshops=", ".join(titles)),
            "warning",
        )


# --- public ---------------------------------------------------------------------------------------------------


@bp.route("/<slug>", methods=["GET", "POST"])
@public
@own_transactions
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["REGISTRATION_LIMIT_PER_EVENT_AND_ADDRESS"],
    methods=["POST"],
    key_func=lambda: f"{request.view_args['slug']}|{request.remote_addr}",
    deduct_when=lambda response: response.status_code < 400,  # only what was taken; a form to correct is free
)
@limiter.limit(
    lambda: current_app.config["REGISTRATION_LIMIT_PER_EVENT"],
    methods=["POST"],
    key_func=lambda: f"event|{request.view_args['slug']}",
    deduct_when=lambda response: response.status_code < 400,
)
def register(slug):
    reading = request.method == "GET"
    if reading:
        statements_commit_themselves()  # only reads
        event, free = public_event_and_free_places(slug)
    else:
        event, free = public_event(slug), None
    if event is None:
        abort(404)
    token = request.args.get("invitation")
    invitation = invitation_for(event, token)
    window = registration_window_state(event)
    if window != "open" or (event.access == "invited" and invitation is None):
        reason = "invitation_required" if window == "open" else window
        return render_template("registration/closed.html", event=event, message=ERROR_MESSAGES[reason]()), 403
    definition = registration_definition(event)
    fill = workshop_fill(event.id) if definition.slots else {}
    days = day_options(event.id)

    def new_form(data=None):
        return build_registration_form(
            definition,
            fill,
            district_choices(_("– bitte wählen –")),
            new=True,
            invited_email=invitation.email if invitation is not None else None,
            days=days,
            data=data,
        )

    def page(form, organisations) -> str:
        return render_template(
            "registration/form.html",
            event=event,
            form=form,
            free=free_places(event) if free is None else free,  # a POST did not count them yet
            organisations=organisations,
            privacy_text=privacy_consent_text(),
            photo_text=photo_consent_text(),
            invitation_token=token if invitation else None,
            new=True,
        )

    if reading and not request.args and page_is_shared():
        organisations = organisation_names()
        key = blank_page_key(event, definition, fill, organisations, free, days)
        return shared_page(key, lambda: page(new_form(), organisations))
    data = None
    if invitation is not None and reading:
        data = {
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
            "organisation_name": invitation.organisation_name,
        }
    form = new_form(data)
    if registration_form_is_valid(form):
        try:
            outcome = register_for_event(event.id, registration_values(form), invitation)
        except RegistrationError as error:
            flash(error_message(error), "error")
        else:
            if not outcome.created:
                return render_template("registration/link_sent.html", event=event)
            if outcome.status == "confirmed":
                flash(
                    _("Ihre Anmeldung ist bestätigt. Eine E-Mail mit Ticket und Kalendereintrag ist unterwegs."),
                    "success",
                )
            else:
                flash(
                    _(
                        "Die Veranstaltung ist ausgebucht. Sie stehen auf der Warteliste auf Platz %(position)d.",
                        position=outcome.waitlist_position,
                    ),
                    "warning",
                )
            return redirect(url_for("registration.personal", token=outcome.token))
    return page(form, organisation_names()), 400 if form.is_submitted() else 200


@bp.route("/<slug>/link", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def lost_link(slug):
    event = public_event(slug) or abort(404)
    form = ResendLinkForm()
    if form.validate_on_submit():
        resend_personal_link(event, form.email.data)
        # says the same whether or not the address is registered
        return render_template("registration/link_sent.html", event=event, lost=True)
    return render_template("registration/lost_link.html", event=event, form=form), 400 if form.is_submitted() else 200


def _registration_for_token(token: str) -> Registration:
    """The registration of a personal link; its pages speak the registrant's language unless the visitor chose
    one (see events.select_locale)."""
    registration = registration_by_token(token) or abort(404)
    g.registrant_language = registration.language
    refresh_locale()  # in case something of this request has asked for the locale already
    return registration


@bp.route("/me/<token>", methods=["GET", "POST"])
@public
def personal(token):
    registration = _registration_for_token(token)
    event = registration.event
    definition = registration_definition(event)
    own = {c.session_id for c in registration.workshop_choices}
    data = registration_form_data(registration, definition) if request.method == "GET" else None
    form = build_registration_form(
        definition,
        workshop_fill(event.id) if definition.slots else {},
        district_choices(_("– keine Angabe –")),
        new=False,
        own_workshops=frozenset(own),
        days=day_options(event.id, frozenset(c.event_day_id for c in registration.day_choices)),
        data=data,
    )
    editable = (
        registration.status != "cancelled"
        and event.status != "cancelled"
        and registration_window_state(event) != "over"
    )
    if editable and registration_form_is_valid(form):
        try:
            update_registration(registration, registration_values(form))
        except RegistrationError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Ihre Änderungen sind gespeichert."), "success")
            return redirect(url_for("registration.personal", token=token))
    status = 400 if form.is_submitted() else 200
    ticket_svg = Markup(qr_svg(ticket_token_for(registration))) if registration.status == "confirmed" else None  # noqa: S704
    return render_template(
        "registration/personal.html",
        ticket_svg=ticket_svg,
        registration=registration,
        event=event,
        form=form,
        token=token,
        editable=editable,
        can_cancel=participant_may_cancel(registration, event),
        can_restore=restorable(registration, by_participant=True),
        event_over=registration_window_state(event) == "over",
        # "register again" after a cancellation: only while the open form takes registrations (an invitee uses
        # the invitation's link again, which the form behind this one would refuse)
        can_register_again=registration_window_state(event) == "open" and event.access == "open",
        organisations=organisation_names(),
        photo_text=photo_consent_text(),
        kind_labels=EVENT_KIND_LABELS,
    ), status


@bp.route("/me/<token>/cancel", methods=["POST"])
@public
def cancel_own(token):
    registration = _registration_for_token(token)
    try:
        cancel_registration(registration, by_participant=True)
    except RegistrationError as error:
        flash(error_message(error), "error")
    else:
        flash(_("Ihre Anmeldung ist storniert. Sie erhalten eine Bestätigung per E-Mail."), "success")
        flash(_("Ein Versehen? „Stornierung zurücknehmen“ geht 10 Minuten lang."), "info")
    return redirect(url_for("registration.personal", token=token))


@bp.route("/me/<token>/photo-consent/withdraw", methods=["POST"])
@public
def withdraw_own_photo_consent(token):
    registration = _registration_for_token(token)
    if withdraw_photo_consent(registration):
        flash(
            _(
                "Ihre Einwilligung zur Fotoveröffentlichung ist widerrufen. Wir veröffentlichen keine weiteren "
                "Fotos, auf denen Sie zu sehen sind."
            ),
            "success",
        )
    else:
        flash(_("Es lag keine Einwilligung zur Fotoveröffentlichung vor."), "info")
    return redirect(url_for("registration.personal", token=token))


@bp.route("/me/<token>/restore", methods=["POST"])
@public
def restore_own(token):
    registration = _registration_for_token(token)
    try:
        dropped = restore_registration(registration, by_participant=True)
    except RegistrationError as error:
        flash(error_message(error), "error")
    else:
        if registration.status == "confirmed":
            flash(_("Ihre Anmeldung gilt wieder. Eine Bestätigung ist per E-Mail unterwegs."), "success")
        else:
            flash(_("Ihr Platz ist inzwischen vergeben. Sie stehen jetzt auf Platz 1 der Warteliste."), "warning")
        _flash_dropped_workshops(dropped)
    return redirect(url_for("registration.personal", token=token))


@bp.route("/me/<token>/renew", methods=["POST"])
@public
def renew_own_link(token):
    registration = _registration_for_token(token)
    renew_personal_link(registration, by_participant=True)
    return render_template("registration/link_sent.html", event=registration.event, renewed=True)


@bp.route("/me/<token>/invite.ics")
@public
def personal_invite(token):
    registration = _registration_for_token(token)
    return Response(
        event_invite(registration),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{registration.event.slug}.ics"'},
    )


@bp.route("/me/<token>/ticket.pdf")
@public
def personal_ticket(token):
    registration = _registration_for_token(token)
    if registration.status != "confirmed" or registration.event.status == "cancelled":
        abort(404)
    return Response(
        render_ticket_pdf(registration),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="ticket-{registration.event.slug}.pdf"'},
    )


# --- organisers -----------------------------------------------------------------------------------------------


@bp.route("/manage/<int:event_id>/export.<fmt>")
@event_organiser_required
def export(event, fmt):
    if fmt == "csv":
        return Response(
            export_csv(event),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{event.slug}-anmeldungen.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            export_xlsx(event),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{event.slug}-anmeldungen.xlsx"'},
        )
    abort(404)


def _registration_or_404(registration_id: int) -> Registration:
    return db.session.get(Registration, registration_id) or abort(404)


@bp.route("/manage/entry/<int:registration_id>")
@role_required("organiser")
def entry(registration_id):
    registration = _registration_or_404(registration_id)
    waiting = registration.status == "waitlisted"
    return render_template(
        "registration/entry.html",
        registration=registration,
        event=registration.event,
        can_restore=restorable(registration),
        answer_text=answer_text,
        status_labels=REGISTRATION_STATUS_LABELS,
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
            _flash_dropped_workshops(promotion.dropped_workshops)
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
            if registration.status == "confirmed":
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
            _flash_dropped_workshops(dropped)
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
        flash(error_message(error), "error")
    back = request.form.get("back")
    if back == "list":
        return redirect(url_for("registration.registrations", event_id=event_id, status=request.form.get("status", "")))
    return redirect(url_for("registration.entry", registration_id=registration_id))
