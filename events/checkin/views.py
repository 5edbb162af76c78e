"""Door pages: scanner, search, undo, scan log, dashboard, devices, tickets and badges."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events.checkin import bp
from events.checkin import devices as scanning_devices
from events.checkin import staff as event_staff
from events.checkin.access import event_staff_required
from events.checkin.devices import create_device, device_window, devices_of
from events.checkin.door_list import door_list as door_list_of
from events.checkin.errors import CheckInError, StaffError
from events.checkin.figures import (
    arrivals,
    arrivals_chart,
    by_region,
    counts_per_day,
    expected_count,
    no_shows,
    no_shows_csv,
)
from events.checkin.forms import ConfirmForm, DeviceForm, ManualCheckInForm, ScanForm, StaffForm
from events.checkin.models import CheckIn, Device
from events.checkin.results import ScanResult
from events.checkin.scan_log import may_undo, recent_scans, scan_log, undo_checkin
from events.checkin.scanning import check_in_registration, reissue_ticket, scan_ticket
from events.checkin.scopes import berlin_time, event_days, scopes_for, valid_scope
from events.checkin.search import SEARCH_MIN_LENGTH, search_registrations
from events.checkin.staff import (
    assign_staff,
    assignable_staff,
    events_for_scanning,
    may_be_assigned,
    staff_of,
)
from events.config import CONTENT_SECURITY_POLICY
from events.core.access import role_required, row_of_event_or_404
from events.core.database import german_order, own_transactions
from events.core.downloads import CSV, PDF, file_response
from events.core.redirects import safe_next_url
from events.core.rules import is_organiser
from events.core.types import utcnow
from events.extensions import db, talisman
from events.meetings.access import event_organiser_required
from events.meetings.rules import event_is_over
from events.registration.models import Registration, RegistrationStatus
from events.registration.rules import holds_valid_ticket
from events.registration.tickets import render_badges_pdf, render_ticket_pdf

# The QR decoder is WebAssembly; compiling it needs 'wasm-unsafe-eval' (and nothing looser) on this page only.
SCANNER_POLICY = {**CONTENT_SECURITY_POLICY, "script-src": "'self' 'wasm-unsafe-eval'"}


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.route("/")
@role_required("checkin", "organiser")
def index():
    return render_template("checkin/index.html", events=events_for_scanning(current_user))


@bp.route("/<int:event_id>/")
@event_staff_required
@talisman(content_security_policy=SCANNER_POLICY)
def scanner(event):
    return _render_scanner(event, ScanForm(scope=request.args.get("scope"), device_name=request.args.get("door")))


def _counts_today(event) -> str:
    """The scanner's line on how many people are in today; a JSON scan brings it anew."""
    today = berlin_time(utcnow()).date()
    counts = next((row for row in counts_per_day(event) if row["day"] == today), None)
    if counts is None:
        return _("Heute ist kein Veranstaltungstag.")
    return _(
        "Heute eingecheckt: %(checked)d von %(expected)d", checked=counts["checked_in"], expected=counts["expected"]
    )


def _json_answer(event, outcome) -> dict:
    """The scanner script's answer; after a welcome with the day's new count (other answers leave it as it is)."""
    answer = outcome.as_json()
    if outcome.ok:
        answer["counts"] = _counts_today(event)
    return answer


def _render_scanner(event, form, outcome=None, status=200):
    scope = valid_scope(event, form.scope.data or request.args.get("scope"))
    form.scope.data = scope
    query = request.args.get("q", "").strip()[:100]
    results = search_registrations(event, query) if query else []
    recent = recent_scans(event, current_user)
    return (
        render_template(
            "checkin/scanner.html",
            event=event,
            form=form,
            outcome=outcome,
            scope=scope,
            scopes=scopes_for(event),
            query=query,
            query_too_short=bool(query) and len(query) < SEARCH_MIN_LENGTH,
            results=results,
            counts=_counts_today(event),
            recent=recent,
            may_undo=lambda row: may_undo(row, current_user),
            manual_form=ManualCheckInForm(scope=scope, device_name=form.device_name.data),
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/<int:event_id>/scan", methods=["POST"])
@own_transactions
@event_staff_required
@talisman(content_security_policy=SCANNER_POLICY)
def scan(event):
    if request.is_json:
        # the page's script sends JSON with the X-CSRFToken header, which CSRFProtect checks for every POST
        payload = request.get_json(silent=True)
        fields = {k: v for k, v in (payload or {}).items() if isinstance(v, str)} if isinstance(payload, dict) else {}
        form = ScanForm(formdata=None, data=fields, meta={"csrf": False})
        valid = form.validate()
    else:
        form = ScanForm()
        valid = form.validate_on_submit()
    if not valid:
        if _wants_json():
            return {"error": 400, "message": _("Bitte einen Ticket-Code scannen oder eingeben.")}, 400
        return _render_scanner(event, form, status=400)
    outcome = scan_ticket(
        event,
        form.code.data,
        user=current_user,
        device_name=form.device_name.data,
        scope=valid_scope(event, form.scope.data),
    )
    if _wants_json():
        return _json_answer(event, outcome)
    form.code.data = ""
    return _render_scanner(event, form, outcome)


@bp.route("/<int:event_id>/registrations/<int:registration_id>/checkin", methods=["POST"])
@own_transactions
@event_staff_required
@talisman(content_security_policy=SCANNER_POLICY)
def manual_checkin(event, registration_id):
    registration = row_of_event_or_404(Registration, registration_id, event.id)
    form = ManualCheckInForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = check_in_registration(
        event,
        registration,
        user=current_user,
        device_name=form.device_name.data,
        scope=valid_scope(event, form.scope.data),
    )
    if _wants_json():
        return _json_answer(event, outcome)
    scan_form = ScanForm(formdata=None, scope=form.scope.data, device_name=form.device_name.data)
    return _render_scanner(event, scan_form, outcome)


@bp.route("/<int:event_id>/checkins/<int:checkin_id>/undo", methods=["POST"])
@event_staff_required
def undo(event, checkin_id):
    row = row_of_event_or_404(CheckIn, checkin_id, event.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        undo_checkin(row, current_user)
    except CheckInError as error:
        if _wants_json():
            return {"error": 409, "message": str(error)}, 409
        flash(str(error), "error")
    else:
        name = row.registration.full_name if row.registration else ""
        if _wants_json():
            return {"undone": True, "checkin_id": row.id}
        flash(_("Der Check-in von %(name)s ist zurückgenommen.", name=name), "success")
    target = request.form.get("back")
    if target == "log" and is_organiser(current_user):
        return redirect(url_for("checkin.log", event_id=event.id))
    return redirect(url_for("checkin.scanner", event_id=event.id))


@bp.route("/<int:event_id>/log")
@event_organiser_required
def log(event):
    result = request.args.get("result", "")
    pagination = scan_log(event, request.args.get("page", 1, type=int), result)
    return render_template(
        "checkin/log.html",
        event=event,
        pagination=pagination,
        result=result,
        results=list(ScanResult),
        scope_labels=dict(scopes_for(event)),
        may_undo=lambda row: may_undo(row, current_user),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:event_id>/door-list")
@event_staff_required
def door_list(event):
    groups = door_list_of(event)
    return render_template(
        "checkin/door_list.html", event=event, groups=groups, total=sum(len(rows) for _, rows in groups), now=utcnow()
    )


@bp.route("/<int:event_id>/dashboard")
@event_organiser_required
def dashboard(event):
    days = event_days(event)
    today = berlin_time(utcnow()).date()
    chosen = request.args.get("day", "")
    day = next((d for d in days if d.isoformat() == chosen), today if today in days else days[0])
    buckets = arrivals(event, day)
    over = event_is_over(event)
    return render_template(
        "checkin/dashboard.html",
        event=event,
        days=days,
        day=day,
        counts=counts_per_day(event),
        expected=expected_count(event),
        buckets=buckets,
        chart=arrivals_chart(buckets),
        regions=by_region(event),
        over=over,
        no_shows=no_shows(event) if over else [],
        now=utcnow(),
    )


@bp.route("/<int:event_id>/no-shows.csv")
@event_organiser_required
def no_shows_export(event):
    if not event_is_over(event):
        abort(409)
    return file_response(no_shows_csv(event), CSV, f"no-shows-{event.slug}.csv")


@bp.route("/<int:event_id>/devices", methods=["GET", "POST"])
@event_organiser_required
def devices(event):
    form = DeviceForm()
    new_token = None
    new_device = None
    if form.validate_on_submit():
        new_device, new_token = create_device(event, form.name.data, current_user)
        form = DeviceForm(formdata=None)
    status = 400 if form.errors else 200
    valid_from, valid_until = device_window(event.starts_at, event.ends_at)
    return (
        render_template(
            "checkin/devices.html",
            event=event,
            form=form,
            devices=devices_of(event),
            valid_from=valid_from,
            valid_until=valid_until,
            window_over=utcnow() > valid_until,
            new_token=new_token,
            new_device=new_device,
            confirm_form=ConfirmForm(),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


@bp.route("/<int:event_id>/devices/<int:device_id>/revoke", methods=["POST"])
@event_organiser_required
def revoke_device(event, device_id):
    device = row_of_event_or_404(Device, device_id, event.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    scanning_devices.revoke_device(device)
    flash(_("Das Gerät „%(name)s“ kann nicht mehr einchecken.", name=device.name), "success")
    return redirect(url_for("checkin.devices", event_id=event.id))


@bp.route("/<int:event_id>/staff", methods=["GET", "POST"])
@event_organiser_required
def staff(event):
    form = StaffForm()
    if form.validate_on_submit():
        try:
            row = assign_staff(event, form.user_id.data)
        except StaffError as error:
            form.user_id.errors.append(str(error))
        else:
            flash(
                _("%(name)s ist jetzt dem Einlass dieser Veranstaltung zugeordnet.", name=row.user.display_name),
                "success",
            )
            return redirect(url_for("checkin.staff", event_id=event.id))
    candidates = assignable_staff(event)
    assigned = staff_of(event)
    form.user_id.choices = [("", _("– bitte wählen –"))] + [(u.id, f"{u.display_name} ({u.email})") for u in candidates]
    status = 400 if form.errors else 200
    return (
        render_template(
            "checkin/staff.html",
            event=event,
            form=form,
            staff=assigned,
            candidates=candidates,
            # no one left to choose, but someone who can scan is assigned: everyone is, rather than no one exists
            all_assigned=any(may_be_assigned(row.user) for row in assigned),
            may_be_assigned=may_be_assigned,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/<int:event_id>/staff/<int:staff_id>/remove", methods=["POST"])
@event_organiser_required
def remove_staff(event, staff_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = event_staff.remove_staff(event, staff_id)
    if user is None:
        flash(_("Diese Zuordnung besteht nicht mehr."), "warning")
    else:
        flash(
            _("%(name)s ist dem Einlass dieser Veranstaltung nicht mehr zugeordnet.", name=user.display_name), "success"
        )
    return redirect(url_for("checkin.staff", event_id=event.id))


@bp.route("/<int:event_id>/badges.pdf")
@event_organiser_required
def badges(event):
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(german_order(Registration.last_name), german_order(Registration.first_name))
    ).all()
    if not registrations:
        flash(_("Für diese Veranstaltung gibt es noch keine bestätigten Anmeldungen."), "warning")
        return redirect(url_for("checkin.dashboard", event_id=event.id))
    return file_response(render_badges_pdf(registrations), PDF, f"namensschilder-{event.slug}.pdf")


@bp.route("/<int:event_id>/registrations/<int:registration_id>/ticket.pdf")
@event_organiser_required
def ticket_pdf(event, registration_id):
    registration = row_of_event_or_404(Registration, registration_id, event.id)
    if not holds_valid_ticket(registration):  # as the participant's own ticket and the scanner: none once called off
        abort(409)
    return file_response(render_ticket_pdf(registration), PDF, f"ticket-{registration.id}.pdf", inline=True)


@bp.route("/<int:event_id>/registrations/<int:registration_id>/reissue", methods=["POST"])
@event_organiser_required
def reissue(event, registration_id):
    registration = row_of_event_or_404(Registration, registration_id, event.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reissue_ticket(registration)
    flash(
        _("Das Ticket von %(name)s ist neu ausgestellt; der alte Code gilt nicht mehr.", name=registration.full_name),
        "success",
    )
    return redirect(safe_next_url(request.form.get("next")) or url_for("checkin.dashboard", event_id=event.id))


@bp.app_template_filter("checkin_time")
def checkin_time_filter(moment) -> str:
    """A timestamp as local time of day in Europe/Berlin, e.g. 09:14."""
    return format_time(berlin_time(moment), "HH:mm") if moment else ""


@bp.app_template_filter("checkin_date")
def checkin_date_filter(moment) -> str:
    return format_date(berlin_time(moment), "medium") if moment else ""


@bp.context_processor
def result_labels():
    return {
        "result_labels": {
            "welcome": _("Willkommen"),
            "already": _("Schon eingecheckt"),
            "invalid": _("Nicht gültig"),
            "replaced": _("Ersetztes Ticket"),
            "cancelled": _("Storniert"),
            "other_event": _("Andere Veranstaltung"),
            "not_today": _("Nicht heute"),
            "not_chosen": _("Workshop nicht gewählt"),
            "not_booked_day": _("Nicht für heute angemeldet"),
        }
    }


@bp.app_template_filter("checkin_day")
def checkin_day_filter(day) -> str:
    """An event day, e.g. "Montag, 14. September 2026"."""
    return format_date(day, "full") if day else ""
