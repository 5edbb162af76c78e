"""The organiser's list of an event's registrations: filters, counts, breakdowns and charts."""

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _

from events.core.districts import district_choices
from events.core.models import OrganisationKind
from events.extensions import db
from events.meetings.access import event_organiser_required
from events.meetings.programme import workshop_slots
from events.registration import bp
from events.registration.cancelling import restorable
from events.registration.lists import (
    RegistrationFilter,
    answer_counts,
    check_in_filter_offered,
    filter_choices,
    filtered_registrations,
    registrations_per_day,
)
from events.registration.models import RegistrationStatus
from events.registration.overview import breakdowns, status_counts
from events.registration.places import free_places, workshop_fill


@bp.route("/manage/<int:event_id>")
@event_organiser_required
def registrations(event):
    wanted = RegistrationFilter.from_args(request.args)
    pagination = db.paginate(
        filtered_registrations(event, wanted),
        page=request.args.get("page", 1, type=int),
        per_page=50,
        error_out=False,
    )
    counts = status_counts(event)
    breakdown = breakdowns(event)
    return render_template(
        "registration/list.html",
        event=event,
        pagination=pagination,
        wanted=wanted,
        status=wanted.status,
        term=wanted.q,
        counts=counts,
        free=free_places(event, counts["confirmed"] + counts["unconfirmed"]),  # held places are taken
        fill=workshop_fill(event.id),
        slots=workshop_slots(event),
        restorable=restorable,
        breakdowns=breakdown,
        status_labels=RegistrationStatus.labels(),
        choices=filter_choices(event),
        districts=district_choices(_("alle")),
        kind_labels=OrganisationKind.labels(),
        check_in_filter=check_in_filter_offered(),
        answers=answer_counts(event, _("ja"), _("nein")),
        per_day=[(format_date(day, "short"), number) for day, number in registrations_per_day(event)],
        by_region=[(region or _("ohne Angabe"), number) for region, number in breakdown["region"]],
    )
