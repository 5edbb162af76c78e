from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from events.core.access import public, role_required, row_of_event_or_404
from events.core.form_pages import form_page
from events.meetings import bp
from events.meetings.access import event_organiser_required
from events.meetings.catalogue import (
    events_for_organisers,
    past_events,
    public_event,
    render_description,
    series_names,
    upcoming_events,
)
from events.meetings.changes import (
    cancel_event,
    copy_event,
    publish_event,
    save_event_and_announce,
    unpublish_event,
)
from events.meetings.errors import EventError
from events.meetings.forms import (
    CancelEventForm,
    EventForm,
    QuestionForm,
    SessionForm,
)
from events.meetings.models import (
    Event,
    EventAccess,
    EventKind,
    EventSession,
    EventStatus,
    Question,
    QuestionKind,
    SessionKind,
)
from events.meetings.programme import (
    delete_question,
    delete_session,
    programme_by_day,
    save_question,
    save_session,
    session_outside_event,
)
from events.meetings.rules import event_is_editable, registration_window_state
from events.meetings.signals import page_context

LABELS = {
    "kind_labels": EventKind.labels(),
    "status_labels": EventStatus.labels(),
    "session_kind_labels": SessionKind.labels(),
    "access_labels": EventAccess.labels(),
    "question_kind_labels": QuestionKind.labels(),
}


# --- public ---------------------------------------------------------------------------------------------------


@bp.route("/")
@public
def index():
    events = upcoming_events()
    return render_template("meetings/index.html", events=events, **page_context("index", events=events), **LABELS)


@bp.route("/archive")
@public
def archive():
    return render_template("meetings/archive.html", events=past_events(), **LABELS)


@bp.route("/<slug>")
@public
def event_page(slug):
    event = public_event(slug) or abort(404)
    return render_template(
        "meetings/event.html",
        event=event,
        description=render_description(event.shown_description),
        programme=programme_by_day(event),
        window=registration_window_state(event),
        **page_context("event_page", event=event),
        **LABELS,
    )


# --- organisers -----------------------------------------------------------------------------------------------


@bp.route("/manage/")
@role_required("organiser")
def manage():
    return render_template("meetings/manage.html", events=events_for_organisers(), **LABELS)


def _event_form_page(event: Event | None):
    if event is not None and request.method == "GET":
        form = EventForm(obj=event, series_name=event.series.name if event.series else "")
    else:
        form = EventForm()
    if form.validate_on_submit():
        change = save_event_and_announce(event, form.data, current_user)
        if change.created:
            flash(
                _("Die Veranstaltung ist als Entwurf angelegt. Ergänzen Sie das Programm und veröffentlichen Sie sie."),
                "success",
            )
        elif change.notified:
            flash(
                ngettext(
                    "Gespeichert. %(num)d angemeldete Person erhält eine aktualisierte Einladung.",
                    "Gespeichert. %(num)d Angemeldete erhalten eine aktualisierte Einladung.",
                    change.notified,
                ),
                "success",
            )
        else:
            flash(_("Die Änderungen sind gespeichert."), "success")
        if change.programme_moved:
            flash(_("Das Programm ist mit der Veranstaltung auf die neuen Tage verschoben."), "success")
        if change.sessions_outside:
            flash(
                ngettext(
                    "%(num)d Programmpunkt liegt außerhalb der Veranstaltungszeit. Bitte passen Sie ihn an.",
                    "%(num)d Programmpunkte liegen außerhalb der Veranstaltungszeit. Bitte passen Sie sie an.",
                    change.sessions_outside,
                ),
                "warning",
            )
        for person in change.promoted:
            flash(_("%(name)s ist von der Warteliste nachgerückt.", name=person.full_name), "success")
        return redirect(url_for("meetings.detail", event_id=change.event.id))
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/event_form.html", form=form, event=event, series=series_names()), status


@bp.route("/manage/new", methods=["GET", "POST"])
@role_required("organiser")
def new_event():
    return _event_form_page(None)


def _detail_page(event: Event, cancel_form: CancelEventForm | None = None) -> str:
    """The organiser's page of an event; cancel_form carries a refused cancellation's input and errors."""
    return render_template(
        "meetings/detail.html",
        event=event,
        programme=programme_by_day(event),
        cancel_form=cancel_form or CancelEventForm(),
        **page_context("detail", event=event),
        **LABELS,
    )


@bp.route("/manage/<int:event_id>")
@event_organiser_required
def detail(event):
    return _detail_page(event)


@bp.route("/manage/<int:event_id>/edit", methods=["GET", "POST"])
@event_organiser_required
def edit_event(event):
    if not event_is_editable(event):
        flash(EventError("cancelled").message, "error")
        return redirect(url_for("meetings.detail", event_id=event.id))
    return _event_form_page(event)


@bp.route("/manage/<int:event_id>/copy", methods=["POST"])
@event_organiser_required
def copy(event):
    copy = copy_event(event, current_user)
    flash(_("Die neue Ausgabe ist als Entwurf angelegt. Bitte prüfen Sie Termine und Texte."), "success")
    return redirect(url_for("meetings.edit_event", event_id=copy.id))


def _change_status(event: Event, change, done: str):
    """Publish or withdraw an event: the service decides, the organiser reads why not or what happened."""
    try:
        change(event)
    except EventError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("meetings.detail", event_id=event.id))


@bp.route("/manage/<int:event_id>/publish", methods=["POST"])
@event_organiser_required
def publish(event):
    return _change_status(
        event, publish_event, _("Die Veranstaltung ist veröffentlicht. Anmeldungen sind jetzt möglich.")
    )


@bp.route("/manage/<int:event_id>/unpublish", methods=["POST"])
@event_organiser_required
def unpublish(event):
    return _change_status(event, unpublish_event, _("Die Veranstaltung ist wieder ein Entwurf."))


@bp.route("/manage/<int:event_id>/cancel", methods=["POST"])
@event_organiser_required
def cancel(event):
    form = CancelEventForm()
    if not form.validate_on_submit():
        return _detail_page(event, form), 400  # the field errors say what is missing; the reason stays as typed
    try:
        notified = cancel_event(event, form.reason.data or "")
    except EventError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "Die Veranstaltung ist abgesagt. %(num)d angemeldete Person wird benachrichtigt.",
                "Die Veranstaltung ist abgesagt. %(num)d Angemeldete werden benachrichtigt.",
                notified,
            ),
            "success",
        )
    return redirect(url_for("meetings.detail", event_id=event.id))


def _programme_part(event: Event, anchor: str, message: str):
    """The confirmation after changing a programme item or a question, and the event page's part to go back to."""
    return message, url_for("meetings.detail", event_id=event.id) + anchor


@bp.route("/manage/<int:event_id>/sessions/new", endpoint="new_session", methods=["GET", "POST"])
@bp.route("/manage/<int:event_id>/sessions/<int:session_id>/edit", endpoint="edit_session", methods=["GET", "POST"])
@event_organiser_required
def session_form(event, session_id=None):
    session = row_of_event_or_404(EventSession, session_id, event.id) if session_id is not None else None
    form = SessionForm(obj=session if request.method == "GET" else None)
    if session is None and request.method == "GET":
        form.starts_at.data = event.starts_at
        form.ends_at.data = event.starts_at + timedelta(hours=1)

    def save():
        if session_outside_event(event, form.data):
            form.starts_at.errors.append(_("Der Programmpunkt muss innerhalb der Veranstaltung liegen."))
            return None
        return save_session(event, session, form.data)

    saved = _programme_part(event, "#programme", _("Der Programmpunkt ist gespeichert."))
    return form_page(form, "meetings/session_form.html", save, lambda _s: saved, event=event, session=session)


@bp.route("/manage/<int:event_id>/questions/new", endpoint="new_question", methods=["GET", "POST"])
@bp.route("/manage/<int:event_id>/questions/<int:question_id>/edit", endpoint="edit_question", methods=["GET", "POST"])
@event_organiser_required
def question_form(event, question_id=None):
    question = row_of_event_or_404(Question, question_id, event.id) if question_id is not None else None
    if question is not None and request.method == "GET":
        form = QuestionForm(
            data={
                "label": question.label,
                "kind": question.kind,
                "options": "\n".join(question.options or []),
                "required": question.required,
            }
        )
    else:
        form = QuestionForm()
    saved = _programme_part(event, "#questions", _("Die Frage ist gespeichert."))
    return form_page(
        form,
        "meetings/question_form.html",
        lambda: save_question(event, question, form.data),
        lambda _q: saved,
        event=event,
        question=question,
    )


@bp.route("/manage/<int:event_id>/sessions/<int:session_id>/delete", methods=["POST"])
@event_organiser_required
def remove_session(event, session_id):
    delete_session(row_of_event_or_404(EventSession, session_id, event.id))
    return _back_to_part(*_programme_part(event, "#programme", _("Der Programmpunkt ist gelöscht.")))


@bp.route("/manage/<int:event_id>/questions/<int:question_id>/delete", methods=["POST"])
@event_organiser_required
def remove_question(event, question_id):
    delete_question(row_of_event_or_404(Question, question_id, event.id))
    return _back_to_part(*_programme_part(event, "#questions", _("Die Frage ist gelöscht.")))


def _back_to_part(message: str, url: str):
    flash(message, "success")
    return redirect(url)
