from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.core.access import role_required
from events.core.districts import district_choices, districts_by_region
from events.core.models import Organisation, OrganisationKind, Person
from events.directory import bp
from events.directory.forms import OrganisationForm, PersonForm
from events.directory.service import (
    organisation_choices,
    save_organisation,
    save_person,
    search_organisations,
    search_people,
)
from events.extensions import db


@bp.route("/organisations")
@role_required("organiser")
def organisations():
    term = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    kind = kind if kind in OrganisationKind.labels() else ""
    region_id = request.args.get("region", type=int)
    pagination = search_organisations(term, kind, region_id, request.args.get("page", 1, type=int))
    return render_template(
        "directory/organisations.html",
        pagination=pagination,
        term=term,
        kind=kind,
        region_id=region_id,
        kind_labels=OrganisationKind.labels(),
        regions=[region for region, _districts in districts_by_region()],
    )


def _organisation_form(organisation: Organisation | None):
    form = OrganisationForm(obj=organisation)
    form.district_id.choices = district_choices(_("– keine Angabe –"))
    if form.validate_on_submit():
        saved = save_organisation(organisation, form.data)
        flash(_("Die Organisation „%(name)s“ ist gespeichert.", name=saved.name), "success")
        return redirect(url_for("directory.organisation", organisation_id=saved.id))
    status = 400 if form.is_submitted() else 200
    return render_template("directory/organisation_form.html", form=form, organisation=organisation), status


@bp.route("/organisations/new", methods=["GET", "POST"])
@role_required("organiser")
def new_organisation():
    return _organisation_form(None)


@bp.route("/organisations/<int:organisation_id>")
@role_required("organiser")
def organisation(organisation_id):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template(
        "directory/organisation.html", organisation=organisation, kind_labels=OrganisationKind.labels()
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required("organiser")
def edit_organisation(organisation_id):
    return _organisation_form(db.session.get(Organisation, organisation_id) or abort(404))


@bp.route("/people")
@role_required("organiser")
def people():
    term = request.args.get("q", "").strip()[:100]
    pagination = search_people(term, request.args.get("page", 1, type=int))
    return render_template("directory/people.html", pagination=pagination, term=term)


def _person_form(person: Person | None):
    form = PersonForm(obj=person)
    if person is None and request.method == "GET":
        form.organisation_id.data = request.args.get("organisation", type=int)
    form.organisation_id.choices = [("", _("– keine –")), *organisation_choices()]
    if form.validate_on_submit():
        saved = save_person(person, form.data)
        flash(_("%(name)s ist gespeichert.", name=saved.full_name), "success")
        return redirect(url_for("directory.people", q=saved.last_name))
    status = 400 if form.is_submitted() else 200
    return render_template("directory/person_form.html", form=form, person=person), status


@bp.route("/people/new", methods=["GET", "POST"])
@role_required("organiser")
def new_person():
    return _person_form(None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@role_required("organiser")
def edit_person(person_id):
    return _person_form(db.session.get(Person, person_id) or abort(404))
