from flask import render_template, request, url_for
from flask_babel import gettext as _

from events.core.access import role_required, row_or_404
from events.core.districts import district_choices, districts_by_region
from events.core.form_pages import form_page
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


@bp.route("/organisations/new", endpoint="new_organisation", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>/edit", endpoint="edit_organisation", methods=["GET", "POST"])
@role_required("organiser")
def organisation_form(organisation_id=None):
    organisation = row_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    form.district_id.choices = district_choices(_("– keine Angabe –"))
    return form_page(
        form,
        "directory/organisation_form.html",
        lambda: save_organisation(organisation, form.data),
        lambda saved: (
            _("Die Organisation „%(name)s“ ist gespeichert.", name=saved.name),
            url_for("directory.organisation", organisation_id=saved.id),
        ),
        organisation=organisation,
    )


@bp.route("/organisations/<int:organisation_id>")
@role_required("organiser")
def organisation(organisation_id):
    organisation = row_or_404(Organisation, organisation_id)
    return render_template(
        "directory/organisation.html", organisation=organisation, kind_labels=OrganisationKind.labels()
    )


@bp.route("/people")
@role_required("organiser")
def people():
    term = request.args.get("q", "").strip()[:100]
    pagination = search_people(term, request.args.get("page", 1, type=int))
    return render_template("directory/people.html", pagination=pagination, term=term)


@bp.route("/people/new", endpoint="new_person", methods=["GET", "POST"])
@bp.route("/people/<int:person_id>/edit", endpoint="edit_person", methods=["GET", "POST"])
@role_required("organiser")
def person_form(person_id=None):
    person = row_or_404(Person, person_id)
    form = PersonForm(obj=person)
    if person is None and request.method == "GET":
        form.organisation_id.data = request.args.get("organisation", type=int)
    form.organisation_id.choices = [("", _("– keine –")), *organisation_choices()]
    return form_page(
        form,
        "directory/person_form.html",
        lambda: save_person(person, form.data),
        lambda saved: (
            _("%(name)s ist gespeichert.", name=saved.full_name),
            url_for("directory.people", q=saved.last_name),
        ),
        person=person,
    )
