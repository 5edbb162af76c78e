"""Who may call a view: declared once per view with a decorator."""

from functools import wraps

from flask import abort
from flask_login import current_user

from events.core.rules import holds_role, roles_holding
from events.extensions import db, login_manager


def role_required(*roles: str):
    """Allow signed-in users holding any of the roles; admins may do everything an organiser may."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not holds_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles_holding(*roles)
        return wrapped

    return decorator


def public(view):
    """Mark a view as open to everybody, so the access table in the tests knows it is meant to be."""
    view.allowed_roles = None
    return view


def signed_in(view):
    """Allow any signed-in user, whatever their roles."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.allowed_roles = "signed-in"
    return wrapped


def row_or_404(model, ident: int | None):
    """The row with this id; 404 for an unknown id; None for no id (a view serving a new and an existing row)."""
    return None if ident is None else db.session.get(model, ident) or abort(404)


def row_of_event_or_404(model, ident: int, event_id: int):
    """A row that belongs to one event (programme item, question, registration, check-in, device) by its id;
    404 when there is no such row or it belongs to another event, so ids of other events reveal nothing."""
    row = db.session.get(model, ident)
    if row is None or row.event_id != event_id:
        abort(404)
    return row
