"""The organisers' seating and running-order pages. Every seat action is a plain form (keyboard and screen
readers); static/js/seating.js adds dragging a guest onto a seat, which sends the same form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.ceremonies import bp
from events.ceremonies.access import ceremony_organiser_required
from events.ceremonies.errors import CeremonyError
from events.ceremonies.forms import ItemForm, ItemTextForm, PlaceForm, SectionForm
from events.ceremonies.guests import guest_list
from events.ceremonies.models import Ceremony, GuestKind, ItemKind, Section
from events.ceremonies.running_order import (
    add_item,
    delete_item,
    edit_item,
    generate_laudations,
    greeting_list,
    move_item,
    running_order,
)
from events.ceremonies.seating import (
    add_section,
    assignments_of,
    clear_seating,
    free_seat,
    place_guest,
    remove_section,
    seat_labels,
    sections_of,
    set_blocked,
)
from events.ceremonies.suggestion import suggest_seating
from events.extensions import db

NOT_FOUND_CODES = ("seat_unknown", "guest_unknown", "item_unknown")


def _seating_page(ceremony: Ceremony, section_form=None, status: int = 200):
    sections = sections_of(ceremony)
    taken = assignments_of(ceremony)
    seats = seat_labels(ceremony)
    lines = [line for line in guest_list(ceremony) if line.status != "cancelled"]
    # the two lists of the keyboard form, written by the template itself (300 options each: WTForms' rendering
    # of every option would take longer than the rest of the page)
    guest_choices = [
        (
            line.guest.id,
            f"{line.guest.full_name} – {seats[line.guest.id]}" if line.guest.id in seats else line.guest.full_name,
        )
        for line in lines
    ]
    seat_choices = [
        (seat.id, f"{section.label}, {seat.number}")
        for section in sections
        for seat in section.seats
        if not seat.blocked and seat.id not in taken
    ]
    return render_template(
        "ceremonies/seating.html",
        ceremony=ceremony,
        sections=sections,
        taken=taken,
        unseated=[line.guest for line in lines if line.guest.id not in seats],
        kind_labels=GuestKind.labels(),
        guest_choices=guest_choices,
        seat_choices=seat_choices,
        section_form=section_form or SectionForm(),
        seat_count=sum(len(section.seats) for section in sections),
    ), status


def _back_to_seating(ceremony: Ceremony):
    return redirect(url_for("ceremonies.seating", ceremony_id=ceremony.id))


def _refused(ceremony: Ceremony, error: CeremonyError):
    if error.code in NOT_FOUND_CODES:
        abort(404)
    flash(error.message, "error")
    return _seating_page(ceremony, status=409)


@bp.route("/<int:ceremony_id>/seating")
@ceremony_organiser_required
def seating(ceremony):
    return _seating_page(ceremony)


@bp.route("/<int:ceremony_id>/seating/sections", methods=["POST"])
@ceremony_organiser_required
def new_section(ceremony):
    form = SectionForm()
    if not form.validate_on_submit():
        return _seating_page(ceremony, section_form=form, status=400)
    section = add_section(ceremony, form.label.data, form.seat_count.data, form.kind.data)
    flash(
        _("%(label)s mit %(count)d Plätzen ist angelegt.", label=section.label, count=form.seat_count.data), "success"
    )
    return _back_to_seating(ceremony)


@bp.route("/<int:ceremony_id>/seating/sections/<int:section_id>/delete", methods=["POST"])
@ceremony_organiser_required
def delete_section(ceremony, section_id):
    section = db.session.get(Section, section_id)
    if section is None or section.ceremony_id != ceremony.id:
        abort(404)
    label = section.label
    remove_section(section)
    flash(_("%(label)s ist entfernt; wer dort saß, hat keinen Platz mehr.", label=label), "success")
    return _back_to_seating(ceremony)


@bp.route("/<int:ceremony_id>/seating/place", methods=["POST"])
@ceremony_organiser_required
def place(ceremony):
    form = PlaceForm()
    if not form.validate_on_submit() or not form.guest_id.data or not form.seat_id.data:
        abort(400)
    try:
        seat = place_guest(ceremony, form.guest_id.data, form.seat_id.data)
    except CeremonyError as error:
        return _refused(ceremony, error)
    flash(_("Platz %(seat)s ist vergeben.", seat=seat.label), "success")
    return _back_to_seating(ceremony)


@bp.route("/<int:ceremony_id>/seating/seats", methods=["POST"])
@ceremony_organiser_required
def seat_action(ceremony):
    """The buttons at the seats (one form around the plan): free a guest's seat, block or unblock a seat."""
    try:
        if request.form.get("free", type=int):
            free_seat(ceremony, request.form.get("free", type=int))
            flash(_("Der Platz ist wieder frei."), "success")
        elif request.form.get("block", type=int):
            seat = set_blocked(ceremony, request.form.get("block", type=int), True)
            flash(_("Platz %(seat)s ist gesperrt.", seat=seat.label), "success")
        elif request.form.get("unblock", type=int):
            seat = set_blocked(ceremony, request.form.get("unblock", type=int), False)
            flash(_("Platz %(seat)s ist wieder frei.", seat=seat.label), "success")
        else:
            abort(400)
    except CeremonyError as error:
        return _refused(ceremony, error)
    return _back_to_seating(ceremony)


@bp.route("/<int:ceremony_id>/seating/<any(suggest, clear):action>", methods=["POST"])
@ceremony_organiser_required
def plan_action(ceremony, action):
    """The two buttons above the plan: seat everyone by the suggestion, or free every seat."""
    if action == "suggest":
        placed = suggest_seating(ceremony)
        flash(_("Nach dem Vorschlag haben %(count)d Gäste einen Platz bekommen.", count=placed), "success")
    else:
        clear_seating(ceremony)
        flash(_("Alle Plätze sind wieder frei."), "success")
    return _back_to_seating(ceremony)


# --- running order and greeting list ---------------------------------------------------------------------------


def _running_order_page(ceremony: Ceremony, form=None, status: int = 200):
    return render_template(
        "ceremonies/running_order.html",
        ceremony=ceremony,
        items=running_order(ceremony),
        greeting=greeting_list(ceremony),
        form=form or ItemForm(),
        ItemKind=ItemKind,
    ), status


def _back_to_running_order(ceremony: Ceremony):
    return redirect(url_for("ceremonies.running_order_page", ceremony_id=ceremony.id))


@bp.route("/<int:ceremony_id>/running-order")
@ceremony_organiser_required
def running_order_page(ceremony):
    return _running_order_page(ceremony)


@bp.route("/<int:ceremony_id>/running-order/laudations", methods=["POST"])
@ceremony_organiser_required
def laudations(ceremony):
    added = generate_laudations(ceremony)
    flash(_("%(count)d Laudationes in der Reihenfolge der Preise angelegt.", count=added), "success")
    return _back_to_running_order(ceremony)


@bp.route("/<int:ceremony_id>/running-order/items", methods=["POST"])
@ceremony_organiser_required
def new_item(ceremony):
    form = ItemForm()
    if not form.validate_on_submit():
        return _running_order_page(ceremony, form, 400)
    add_item(ceremony, form.kind.data, form.title.data, form.text.data or "")
    flash(_("Der Programmpunkt ist angelegt."), "success")
    return _back_to_running_order(ceremony)


@bp.route("/<int:ceremony_id>/running-order/items/<int:item_id>/<action>", methods=["POST"])
@ceremony_organiser_required
def item_action(ceremony, item_id, action):
    try:
        if action == "edit":
            form = ItemTextForm()
            if not form.validate_on_submit():
                flash(_("Bitte geben Sie einen Titel an (höchstens 300 Zeichen)."), "error")
                return _running_order_page(ceremony, status=400)
            edit_item(ceremony, item_id, form.title.data, form.text.data or "")
            flash(_("Der Programmpunkt ist gespeichert."), "success")
        elif action in ("up", "down"):
            move_item(ceremony, item_id, -1 if action == "up" else 1)
            flash(_("Die Reihenfolge ist geändert."), "success")
        elif action == "delete":
            delete_item(ceremony, item_id)
            flash(_("Der Programmpunkt ist entfernt."), "success")
        else:
            abort(404)
    except CeremonyError as error:
        if error.code in NOT_FOUND_CODES:
            abort(404)
        raise
    return _back_to_running_order(ceremony)
