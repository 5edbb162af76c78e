"""The pages of participants: the registration form, the lost-link form, and everything behind the personal link."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from markupsafe import Markup

from events.core.access import public
from events.core.database import own_transactions, statements_commit_themselves
from events.core.districts import district_choices
from events.core.downloads import PDF, file_response
from events.core.pagecache import page_is_shared, shared_page
from events.directory.service import organisation_names
from events.documents.qr import qr_svg
from events.extensions import limiter
from events.meetings.catalogue import public_event
from events.meetings.models import EventAccess, EventKind
from events.meetings.programme import registration_definition
from events.meetings.rules import event_is_over, registration_is_open, registration_window_state
from events.registration import bp, personal_page
from events.registration.address_check import confirm_address
from events.registration.cancelling import cancel_registration, restorable, restore_registration
from events.registration.consent import photo_consent_text, privacy_consent_text
from events.registration.days import day_options
from events.registration.errors import RegistrationError, flash_dropped_workshops
from events.registration.forms import (
    ResendLinkForm,
    blank_page_key,
    build_registration_form,
    registration_form_data,
    registration_form_is_valid,
    registration_values,
)
from events.registration.invitations import invitation_for, standing_registration_of
from events.registration.invites import registration_calendar
from events.registration.models import Registration, RegistrationStatus
from events.registration.personal_links import personal_token, renew_personal_link, resend_personal_link
from events.registration.places import free_places, public_event_for_form, workshop_fill
from events.registration.registering import register_for_event, update_registration, withdraw_photo_consent
from events.registration.rules import holds_valid_ticket, participant_may_cancel, participant_may_edit
from events.registration.tickets import render_ticket_pdf, ticket_token_for
from events.registration.tokens import registration_by_token


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
    event, free, per_day = public_event_for_form(slug, count_places=reading)  # a POST counts under the lock
    if event is None:
        abort(404)
    token = request.args.get("invitation")
    invitation = invitation_for(event, token)
    registered = standing_registration_of(invitation) if invitation is not None else None
    if registered is not None:  # the link was used: say so at once, and lead to the personal page
        personal_url = url_for("registration.personal", token=personal_token(registered))
        return render_template("registration/already_registered.html", event=event, personal_url=personal_url)
    window = registration_window_state(event)
    if window != "open" or (event.access == EventAccess.INVITED and invitation is None):
        reason = "invitation_required" if window == "open" else window
        return render_template("registration/closed.html", event=event, message=RegistrationError(reason).message), 403
    definition = registration_definition(event)
    fill = workshop_fill(event.id) if definition.slots else {}
    days = day_options(event.id, per_day=per_day)

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
            flash(error.message, "error")
        else:
            if invitation is None or not outcome.created:
                # the same answer for a new and a registered address (which gets its link by mail): the page
                # does not tell whether an address is registered
                return redirect(url_for("registration.check_mail", slug=slug))  # event is expired by the commit
            if outcome.status == RegistrationStatus.CONFIRMED:
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


@bp.route("/<slug>/check-mail")
@public
def check_mail(slug):
    """Where the open form leads after every registration, whether the address was new or registered already."""
    event = public_event(slug) or abort(404)
    hours = f"{current_app.config['ADDRESS_HOLD_HOURS']:g}"
    return render_template("registration/link_sent.html", event=event, registered=True, hold_hours=hours)


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
    editable = participant_may_edit(registration, event)
    if editable and registration_form_is_valid(form):
        try:
            update_registration(registration, registration_values(form))
        except RegistrationError as error:
            flash(error.message, "error")
        else:
            flash(_("Ihre Änderungen sind gespeichert."), "success")
            return redirect(url_for("registration.personal", token=token))
    status = 400 if form.is_submitted() else 200
    ticket_svg = Markup(qr_svg(ticket_token_for(registration))) if holds_valid_ticket(registration) else None  # noqa: S704
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
        event_over=event_is_over(event),
        # "register again" after a cancellation: only while the open form takes registrations (an invitee uses
        # the invitation's link again, which the form behind this one would refuse)
        can_register_again=registration_is_open(event) and event.access == EventAccess.OPEN,
        organisations=organisation_names(),
        photo_text=photo_consent_text(),
        kind_labels=EventKind.labels(),
        personal_lines=personal_page.lines_for(registration, token),
    ), status


@bp.route("/me/<token>/cancel", methods=["POST"])
@public
def cancel_own(token):
    registration = _registration_for_token(token)
    try:
        cancel_registration(registration, by_participant=True)
    except RegistrationError as error:
        flash(error.message, "error")
    else:
        flash(_("Ihre Anmeldung ist storniert. Sie erhalten eine Bestätigung per E-Mail."), "success")
        flash(_("Ein Versehen? „Stornierung zurücknehmen“ geht 10 Minuten lang."), "info")
    return redirect(url_for("registration.personal", token=token))


@bp.route("/me/<token>/confirm", methods=["POST"])
@public
def confirm_own_address(token):
    """The button on the personal page of a held place: the address is confirmed, the place becomes the person's."""
    registration = _registration_for_token(token)
    try:
        confirmed = confirm_address(registration)
    except RegistrationError as error:
        flash(error.message, "error")
    else:
        if confirmed:
            flash(_("Ihr Platz ist bestätigt. Eine E-Mail mit Ticket und Kalendereintrag ist unterwegs."), "success")
        else:
            flash(_("Ihr Platz war bereits bestätigt."), "info")
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
        flash(error.message, "error")
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            flash(_("Ihre Anmeldung gilt wieder. Eine Bestätigung ist per E-Mail unterwegs."), "success")
        else:
            flash(_("Ihr Platz ist inzwischen vergeben. Sie stehen jetzt auf Platz 1 der Warteliste."), "warning")
        flash_dropped_workshops(dropped)
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
    return file_response(registration_calendar(registration), "text/calendar", f"{registration.event.slug}.ics")


@bp.route("/me/<token>/ticket.pdf")
@public
def personal_ticket(token):
    registration = _registration_for_token(token)
    if not holds_valid_ticket(registration):
        abort(404)
    return file_response(render_ticket_pdf(registration), PDF, f"ticket-{registration.event.slug}.pdf")
