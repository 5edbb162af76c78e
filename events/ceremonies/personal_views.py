"""A guest's ceremony page, reached from their registration's personal link: their seat, the guests a winner
brings (registered by name, up to the allowance) and, when the venue requires it, the dates of birth."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from events.ceremonies import bp
from events.ceremonies.access import guest_link_required
from events.ceremonies.errors import CeremonyError
from events.ceremonies.forms import CompanionForm, DateOfBirthForm
from events.ceremonies.guests import register_companion, remove_companion, set_date_of_birth
from events.ceremonies.models import Guest
from events.ceremonies.rules import asks_date_of_birth, guest_list_is_open, guests_left, may_bring_guests
from events.ceremonies.seating import seat_of_guest
from events.extensions import db


def _page(guest: Guest, token: str, companion_form=None, birth_form=None, status: int = 200):
    return render_template(
        "ceremonies/personal.html",
        guest=guest,
        ceremony=guest.ceremony,
        event=guest.ceremony.event,
        token=token,
        seat=seat_of_guest(guest),
        companion_seats={c.id: seat_of_guest(c) for c in guest.companions},
        companion_form=companion_form or CompanionForm(),
        birth_form=birth_form or DateOfBirthForm(obj=guest),
        asks_date_of_birth=asks_date_of_birth(guest.ceremony),
        may_bring_guests=may_bring_guests(guest),
        guests_left=guests_left(guest),
        open=guest_list_is_open(guest.ceremony),
    ), status


def _back(token: str):
    return redirect(url_for("ceremonies.personal", token=token))


@bp.route("/me/<token>")
@guest_link_required
def personal(guest, token):
    return _page(guest, token)


@bp.route("/me/<token>/guests", methods=["POST"])
@guest_link_required
def add_companion(guest, token):
    form = CompanionForm()
    if not may_bring_guests(guest):
        abort(403)
    if not form.validate_on_submit():
        return _page(guest, token, companion_form=form, status=400)
    try:
        companion = register_companion(guest, form.first_name.data, form.last_name.data, form.date_of_birth.data)
    except CeremonyError as error:
        flash(error.message, "error")
        return _page(db.session.get(Guest, guest.id), token, companion_form=form, status=409)
    flash(_("%(name)s ist als Ihr Gast angemeldet.", name=companion.full_name), "success")
    return _back(token)


@bp.route("/me/<token>/guests/<int:companion_id>/delete", methods=["POST"])
@guest_link_required
def delete_companion(guest, token, companion_id):
    companion = db.session.get(Guest, companion_id)
    if companion is None or companion.host_id != guest.id:
        abort(404)
    if not guest_list_is_open(guest.ceremony):
        flash(CeremonyError("event_over").message, "error")
        return _back(token)
    name = companion.full_name
    remove_companion(companion)
    flash(_("%(name)s ist nicht mehr als Ihr Gast angemeldet.", name=name), "success")
    return _back(token)


@bp.route("/me/<token>/date-of-birth", methods=["POST"])
@guest_link_required
def date_of_birth(guest, token):
    form = DateOfBirthForm()
    if not asks_date_of_birth(guest.ceremony) or not guest_list_is_open(guest.ceremony):
        abort(403)
    if not form.validate_on_submit():
        return _page(guest, token, birth_form=form, status=400)
    set_date_of_birth(guest, form.date_of_birth.data)
    flash(_("Ihr Geburtsdatum ist gespeichert."), "success")
    return _back(token)
