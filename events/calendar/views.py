from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from events.calendar import bp, service
from events.calendar.public_feed import public_feed_body, public_feed_state
from events.core.access import public
from events.core.languages import force_language
from events.registration.tokens import registration_by_feed_token


def _calendar_response(data: bytes, filename: str, *, download: bool) -> Response:
    response = Response(data, content_type=service.ICS_CONTENT_TYPE)
    response.headers.set("Content-Disposition", "attachment" if download else "inline", filename=filename)
    return response


@bp.app_template_global("webcal_url")
def webcal_url_global(url: str | None = None) -> str:
    return service.webcal_url(url)


@bp.app_template_global("personal_feed_url")
def personal_feed_url_global(registration) -> str:
    return service.personal_feed_url(registration)


@bp.route("/")
@public
def subscribe():
    return render_template("calendar/subscribe.html", feed_url=service.feed_url(), webcal_url=service.webcal_url())


@bp.route("/events/<int:event_id>.ics")
@public
def event_file(event_id):
    event = service.downloadable_event(event_id) or abort(404)
    return _calendar_response(service.event_calendar(event), f"{event.slug}.ics", download=True)


@bp.route("/feed.ics")
@public
def feed():
    """Answers a poll with 304 while the feed is unchanged (see public_feed)."""
    state = public_feed_state()
    if not is_resource_modified(request.environ, etag=state.etag, last_modified=state.last_modified):
        response = Response(status=304)
    else:
        response = _calendar_response(public_feed_body(state), _("treffpunkt-veranstaltungen.ics"), download=False)
    response.set_etag(state.etag)
    response.last_modified = state.last_modified
    response.cache_control.public = True
    response.cache_control.no_cache = True  # may be kept, but asked again before every use
    return response


@bp.route("/personal/<token>.ics")
@public
def personal_feed(token):
    registration = registration_by_feed_token(token, current_app.config["SECRET_KEY"]) or abort(404)
    registrations = service.personal_registrations(registration) or abort(404)
    data = service.personal_feed(registrations, language=registration.language)
    with force_language(registration.language):
        filename = _("meine-veranstaltungen.ics")
    response = _calendar_response(data, filename, download=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
