"""The parts of the pages of meetings that are registration's: free places, counts and invitations on an event's
pages (added through meetings.signals.page_shown), and the invitation pages, which hang under an event's
management pages (/meetings/manage/<id>/invitations, on the meetings blueprint) as they always have."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from events.core.access import row_of_event_or_404
from events.core.downloads import CSV, file_response
from events.extensions import db
from events.meetings import bp
from events.meetings.access import event_organiser_required
from events.meetings.models import Event
from events.meetings.signals import page_shown
from events.registration.errors import InvitationError
from events.registration.forms import InvitationImportForm
from events.registration.invitation_list import (
    INVITATION_FILTERS,
    invitation_counts,
    invitation_registrations,
    invitations_csv,
    search_invitations,
)
from events.registration.invitations import (
    import_invitations,
    invitation_refusal,
    invitation_version,
    resend_invitation,
)
from events.registration.invitee_file import INVITATION_FILE_PROBLEMS
from events.registration.models import Invitation, RegistrationStatus
from events.registration.overview import status_counts
from events.registration.places import free_places, free_places_by_event, workshop_fill

# What is wrong with an invitation file (registration.invitee_file.INVITATION_FILE_PROBLEMS), for the organiser.
INVITATION_PROBLEM_MESSAGES = {
    "encoding": lambda: _(
        "Die Zeichenkodierung der Datei ist unbekannt. Bitte speichern Sie sie in Excel als "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“."
    ),
    "empty": lambda: _("Die Datei enthält keine Einträge."),
    "header": lambda: _(
        "In der Kopfzeile fehlt die Spalte „E-Mail“ (oder „email“; Spalten getrennt durch Semikolon, Komma oder "
        "Tabulator)."
    ),
    "format": lambda: _("Ein Anführungszeichen ist nicht geschlossen oder ein Feld ist zu lang."),
    "columns": lambda: _("mehr Spalten als in der Kopfzeile"),
    "email": lambda: _("keine gültige E-Mail-Adresse"),
    "too_long": lambda: _("Vorname oder Nachname länger als 100 Zeichen, oder Organisation länger als 200"),
}


def _invitations_refused(event: Event) -> str | None:
    """Why the event sends no invitations now, for the organiser (see invitation_refusal)."""
    refusal = invitation_refusal(event)
    return InvitationError(refusal).message if refusal else None


# --- what registration adds to the pages of meetings ----------------------------------------------------------


@page_shown.connect_via("index")
def _free_places_of_events(_page, events) -> dict:
    return {"free": free_places_by_event(events)}


@page_shown.connect_via("event_page")
def _free_places_and_workshops(_page, event: Event) -> dict:
    return {"free": free_places(event), "fill": workshop_fill(event.id)}


@page_shown.connect_via("detail")
def _registrations_and_invitations(_page, event: Event) -> dict:
    counts = status_counts(event)
    return {
        "counts": counts,
        "free": free_places(event, counts["confirmed"] + counts["unconfirmed"]),  # held places are taken
        "fill": workshop_fill(event.id),
        "import_form": InvitationImportForm(),
        "invitation_counts": invitation_counts(event),
        "invitations_refused": _invitations_refused(event),
    }


# --- the invitation pages -------------------------------------------------------------------------------------


@bp.route("/manage/<int:event_id>/invitations", methods=["POST"])
@event_organiser_required
def invitations(event):
    form = InvitationImportForm()
    if not form.validate_on_submit():
        # the messages may be lazy strings (FileAllowed's is), so each becomes text before they are joined
        flash(" ".join(str(error) for error in form.file.errors) or _("Bitte wählen Sie eine CSV-Datei."), "error")
        return redirect(url_for("meetings.detail", event_id=event.id) + "#invitations")
    try:
        result = import_invitations(event, form.file.data.read())
    except InvitationError as error:
        flash(error.message, "error")
        return redirect(url_for("meetings.detail", event_id=event.id) + "#invitations")
    if result.errors:
        flash(_("Die Datei wurde nicht übernommen, niemand wurde eingeladen. Bitte korrigieren Sie sie:"), "error")
        for problem in INVITATION_FILE_PROBLEMS:
            lines = [line for line, found in result.errors if found == problem]
            if not lines:
                continue
            if problem in ("encoding", "empty"):
                flash(INVITATION_PROBLEM_MESSAGES[problem](), "error")
                continue
            shown = ", ".join(str(line) for line in lines[:20]) + (" …" if len(lines) > 20 else "")
            flash(
                _("Zeile %(lines)s: %(problem)s", lines=shown, problem=INVITATION_PROBLEM_MESSAGES[problem]()), "error"
            )
    else:
        done = ngettext("%(num)d Einladung verschickt.", "%(num)d Einladungen verschickt.", result.created)
        if result.skipped:
            done += " " + ngettext(
                "%(num)d Adresse war schon eingeladen.", "%(num)d Adressen waren schon eingeladen.", result.skipped
            )
        flash(done, "success")
    return redirect(url_for("meetings.detail", event_id=event.id) + "#invitations")


# The invitation list's filters (registration.invitation_list.INVITATION_FILTERS), for the organiser.
INVITATION_FILTER_LABELS = {
    "": lambda: _("alle"),
    "open": lambda: _("noch nicht angemeldet"),
    "registered": lambda: _("angemeldet (bestätigt oder Warteliste)"),
    "cancelled": lambda: _("angemeldet und wieder storniert"),
}


def _invitation_selection() -> tuple[str, str]:
    """The invitation list's filter and search text, as the list, its export and the resend button pass them."""
    status = request.values.get("status", "")
    return (status if status in INVITATION_FILTERS else ""), request.values.get("q", "").strip()[:100]


@bp.route("/manage/<int:event_id>/invitations")  # a POST to this address imports a file (invitations above)
@event_organiser_required
def invitation_list(event):
    status, term = _invitation_selection()
    pagination = db.paginate(
        search_invitations(event, status, term),
        page=request.args.get("page", 1, type=int),
        per_page=50,
        error_out=False,
    )
    return render_template(
        "meetings/invitations.html",
        event=event,
        pagination=pagination,
        registrations=invitation_registrations(pagination.items),
        invitation_counts=invitation_counts(event),
        invitations_refused=_invitations_refused(event),
        status=status,
        term=term,
        version=invitation_version,
        filter_labels={value: label() for value, label in INVITATION_FILTER_LABELS.items()},
        status_labels=RegistrationStatus.labels(),
    )


@bp.route("/manage/<int:event_id>/invitations.csv")
@event_organiser_required
def invitations_export(event):
    status, term = _invitation_selection()
    return file_response(invitations_csv(event, status, term), CSV, f"{event.slug}-einladungen.csv")


@bp.route("/manage/<int:event_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@event_organiser_required
def invitation_resend(event, invitation_id):
    invitation = row_of_event_or_404(Invitation, invitation_id, event.id)
    email = invitation.email
    try:
        resend_invitation(invitation, request.form.get("version"))
    except InvitationError as error:
        flash(error.message, "info" if error.code == "sent_again" else "error")
    else:
        flash(
            _("Die Einladung an %(email)s ist erneut verschickt. Der bisherige Link gilt nicht mehr.", email=email),
            "success",
        )
    status, term = _invitation_selection()
    page = request.form.get("page", 1, type=int)
    return redirect(
        url_for(
            "meetings.invitation_list",
            event_id=event.id,
            status=status or None,
            q=term or None,
            page=page if page > 1 else None,
        )
    )
