"""The organisers' pages: programmes, their rubric, rounds and jury; nominations and their screening."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from events.awards import bp, programme_page
from events.awards.documents import document_response
from events.awards.errors import AwardError
from events.awards.forms import (
    CategoryForm,
    CorrectionForm,
    CriterionForm,
    DocumentRequestForm,
    JuryMemberForm,
    MergeForm,
    OrganiserNominationForm,
    ProgrammeForm,
    ScreeningForm,
    SiteVisitForm,
    nomination_form_class,
    prepare_nomination_form,
)
from events.awards.jury import add_member, remove_member
from events.awards.models import (
    AwardProgramme,
    Criterion,
    JuryMember,
    Nomination,
    NominationDocument,
    NominationRoute,
    NominationState,
    Round,
)
from events.awards.nominations import correct_nomination, correction_refused, start_nomination
from events.awards.programmes import (
    add_category,
    add_criterion,
    all_programmes,
    close_programme,
    close_round,
    copy_programme,
    create_programme,
    open_round,
    publish_programme,
    remove_criterion,
    update_programme,
)
from events.awards.rules import awaits_screening, is_finished
from events.awards.screening import (
    automatic_checks,
    merge_nominations,
    possible_duplicates,
    programme_nominations,
    record_site_visit,
    refusals_to_send,
    release_refusals,
    request_documents,
    screen,
)
from events.core.access import role_required, row_or_404
from events.core.districts import district_choices, districts_by_region
from events.core.form_pages import form_action, form_page
from events.extensions import db


def _programme(programme_id: int) -> AwardProgramme:
    return row_or_404(AwardProgramme, programme_id)


def _row(model, ident: int, programme_id: int):
    row = db.session.get(model, ident)
    if row is None or row.programme_id != programme_id:
        abort(404)
    return row


def _refused(error: AwardError, endpoint: str, **values):
    flash(error.message, "error")
    return redirect(url_for(endpoint, **values))


@bp.route("/manage/")
@role_required("organiser")
def programmes():
    return render_template("awards/manage/programmes.html", programmes=all_programmes())


@bp.route("/manage/new", endpoint="new_programme", methods=["GET", "POST"])
@bp.route("/manage/<int:programme_id>/edit", endpoint="edit_programme", methods=["GET", "POST"])
@role_required("organiser")
def programme_form(programme_id=None):
    programme = row_or_404(AwardProgramme, programme_id)
    form = ProgrammeForm(obj=programme)
    form.region_id.choices = [("", _("– kein Regierungsbezirk –"))] + [
        (region.id, f"{region.name} ({region.state})") for region, _districts in districts_by_region()
    ]
    if programme is not None and not form.is_submitted():
        form.fill_from(programme)

    def save():
        try:
            if programme is None:
                return create_programme(form.values(), form.categories())
            return update_programme(programme, form.values())
        except AwardError as error:  # a budget the recorded decisions no longer fit
            flash(error.message, "error")
            return None

    return form_page(
        form,
        "awards/manage/programme_form.html",
        save,
        lambda saved: (_("Die Ausschreibung ist gespeichert."), url_for("awards.programme", programme_id=saved.id)),
        programme=programme,
    )


@bp.route("/manage/<int:programme_id>")
@role_required("organiser")
def programme(programme_id):
    programme = _programme(programme_id)
    jury_form = JuryMemberForm()
    jury_form.category_id.choices = [("", _("Alle Kategorien"))] + [(c.id, c.name) for c in programme.categories]
    jury_form.district_id.choices = district_choices(_("– keine Angabe –"))
    nominations = programme_nominations(programme)
    counts = {state: sum(1 for n in nominations if n.state == state) for state in NominationState}
    return render_template(
        "awards/manage/programme.html",
        programme=programme,
        counts=counts,
        category_form=CategoryForm(),
        criterion_form=CriterionForm(),
        jury_form=jury_form,
        refusals_pending=len(refusals_to_send(programme)),
        more_links=programme_page.links_for(programme),
    )


@bp.route("/manage/<int:programme_id>/<any(publish, close, copy, release):action>", methods=["POST"])
@role_required("organiser")
def programme_action(programme_id, action):
    programme = _programme(programme_id)
    try:
        if action == "publish":
            publish_programme(programme)
            flash(_("Die Ausschreibung ist veröffentlicht."), "success")
        elif action == "close":
            close_programme(programme)
            flash(_("Die Ausschreibung ist geschlossen."), "success")
        elif action == "copy":
            copy = copy_programme(programme)
            flash(_("Die Ausschreibung für %(year)d ist als Entwurf angelegt.", year=copy.edition), "success")
            return redirect(url_for("awards.programme", programme_id=copy.id))
        else:
            told = release_refusals(programme)
            flash(_("%(count)d Absagen mit Begründung werden versandt.", count=told), "success")
    except AwardError as error:
        flash(error.message, "error")
    return redirect(url_for("awards.programme", programme_id=programme.id))


@bp.route("/manage/<int:programme_id>/categories", methods=["POST"])
@role_required("organiser")
def new_category(programme_id):
    programme = _programme(programme_id)
    form = CategoryForm()
    if form.validate_on_submit():
        add_category(programme, form.name.data)
        flash(_("Die Kategorie ist angelegt."), "success")
    else:
        flash(_("Bitte geben Sie den Namen der Kategorie an."), "error")
    return redirect(url_for("awards.programme", programme_id=programme.id))


@bp.route("/manage/<int:programme_id>/criteria", methods=["POST"])
@role_required("organiser")
def new_criterion(programme_id):
    programme = _programme(programme_id)
    form = CriterionForm()
    form_action(
        form,
        lambda: add_criterion(programme, form.values()),
        _("Das Kriterium ist angelegt."),
        invalid=_("Bitte prüfen Sie die Angaben zum Kriterium."),
    )
    return redirect(url_for("awards.programme", programme_id=programme.id))


@bp.route("/manage/<int:programme_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@role_required("organiser")
def delete_criterion(programme_id, criterion_id):
    try:
        remove_criterion(_row(Criterion, criterion_id, programme_id))
    except AwardError as error:
        flash(error.message, "error")
    return redirect(url_for("awards.programme", programme_id=programme_id))


@bp.route("/manage/<int:programme_id>/rounds/<int:round_id>/<any(open, close):action>", methods=["POST"])
@role_required("organiser")
def round_action(programme_id, round_id, action):
    round_ = _row(Round, round_id, programme_id)
    try:
        (open_round if action == "open" else close_round)(round_)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(
            _("Die Runde „%(name)s“ ist jetzt: %(state)s.", name=round_.kind_label, state=round_.state_label),
            "success",
        )
    return redirect(url_for("awards.programme", programme_id=programme_id))


@bp.route("/manage/<int:programme_id>/jury", methods=["POST"])
@role_required("organiser")
def new_jury_member(programme_id):
    programme = _programme(programme_id)
    form = JuryMemberForm()
    form.category_id.choices = [("", "")] + [(c.id, c.name) for c in programme.categories]
    form.district_id.choices = district_choices("")
    form_action(
        form,
        lambda: add_member(
            programme,
            form.email.data,
            is_chair=form.is_chair.data,
            category_id=form.category_id.data,
            organisation_name=form.organisation_name.data or "",
            district_id=form.district_id.data,
        ),
        _("Das Jury-Mitglied ist eingetragen."),
        invalid=_("Bitte geben Sie die E-Mail-Adresse eines Jury-Kontos an."),
    )
    return redirect(url_for("awards.programme", programme_id=programme.id))


@bp.route("/manage/<int:programme_id>/jury/<int:member_id>/remove", methods=["POST"])
@role_required("organiser")
def remove_jury_member(programme_id, member_id):
    remove_member(_row(JuryMember, member_id, programme_id))
    flash(_("Das Jury-Mitglied ist ausgetragen."), "success")
    return redirect(url_for("awards.programme", programme_id=programme_id))


@bp.route("/manage/<int:programme_id>/nominations")
@role_required("organiser")
def nominations(programme_id):
    programme = _programme(programme_id)
    state = request.args.get("state", "")
    state = state if state in set(NominationState) else ""
    return render_template(
        "awards/manage/nominations.html",
        programme=programme,
        nominations=programme_nominations(programme, state or None),
        duplicates=possible_duplicates(programme),
        state=state,
        states=list(NominationState),
    )


@bp.route("/manage/<int:programme_id>/nominations/new", methods=["GET", "POST"])
@role_required("organiser")
def new_nomination(programme_id):
    programme = _programme(programme_id)
    form = nomination_form_class(programme.questions, OrganiserNominationForm)()
    prepare_nomination_form(form, programme)
    if form.validate_on_submit():
        nomination = start_nomination(
            programme,
            NominationRoute.ORGANISER,
            form.values(programme.questions),
            created_by=current_user,
            consent_recorded=form.consent_recorded.data,
        )
        flash(_("Der Vorschlag ist eingetragen: %(state)s.", state=nomination.state_enum.label), "success")
        return redirect(url_for("awards.nomination", programme_id=programme.id, nomination_id=nomination.id))
    status = 400 if form.is_submitted() else 200
    return render_template("awards/manage/nomination_form.html", programme=programme, form=form), status


def _nomination_page(nomination: Nomination, status: int = 200, **forms):
    programme = nomination.programme
    merge_form = forms.pop("merge_form", None) or MergeForm()
    merge_form.into.choices = [
        (n.id, f"{n.project_name} ({n.state_enum.label})")
        for n in programme_nominations(programme)
        if n.id != nomination.id and n.state not in (NominationState.WITHDRAWN, NominationState.MERGED)
    ]
    return (
        render_template(
            "awards/manage/nomination.html",
            programme=programme,
            nomination=nomination,
            checks=automatic_checks(nomination),
            duplicates=possible_duplicates(programme).get(nomination.id, []),
            screening_form=forms.get("screening_form") or ScreeningForm(),
            request_form=forms.get("request_form") or DocumentRequestForm(),
            visit_form=forms.get("visit_form") or SiteVisitForm(),
            merge_form=merge_form,
            may_screen=awaits_screening(nomination),
            correction_refused=correction_refused(nomination),
            finished=is_finished(nomination),
        ),
        status,
    )


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>")
@role_required("organiser")
def nomination(programme_id, nomination_id):
    return _nomination_page(_row(Nomination, nomination_id, programme_id))


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
@role_required("organiser")
def correct(programme_id, nomination_id):
    nomination = _row(Nomination, nomination_id, programme_id)
    programme, refused = nomination.programme, correction_refused(nomination)
    form = nomination_form_class(programme.questions, CorrectionForm)(obj=nomination)
    form.fill_answers(programme.questions, nomination.answers)
    prepare_nomination_form(form, programme)
    if refused is None and form.validate_on_submit():
        try:
            changed = correct_nomination(
                nomination,
                form.values(programme.questions),
                current_user,
                note=form.note.data,
                tell=form.tell_applicant.data,
            )
        except AwardError as error:
            refused = error
        else:
            flash(_("Die Berichtigung ist gespeichert.") if changed else _("Es war nichts zu ändern."), "success")
            return redirect(url_for("awards.nomination", programme_id=programme.id, nomination_id=nomination.id))
    status = 409 if refused is not None and form.is_submitted() else 400 if form.is_submitted() else 200
    page = render_template(
        "awards/manage/nomination_edit.html", programme=programme, nomination=nomination, form=form, refused=refused
    )
    return page, status


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>/screen", methods=["POST"])
@role_required("organiser")
def screen_nomination(programme_id, nomination_id):
    nomination = _row(Nomination, nomination_id, programme_id)
    form = ScreeningForm()
    if not form.validate_on_submit():
        return _nomination_page(nomination, 400, screening_form=form)
    try:
        screen(nomination, form.decision.data == "eligible", form.reason.data, current_user)
    except AwardError as error:
        form.reason.errors = [error.message]
        return _nomination_page(nomination, 400, screening_form=form)
    flash(_("Das Ergebnis der Vorprüfung ist gespeichert."), "success")
    return redirect(url_for("awards.nominations", programme_id=programme_id))


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>/request", methods=["POST"])
@role_required("organiser")
def request_nomination_documents(programme_id, nomination_id):
    nomination = _row(Nomination, nomination_id, programme_id)
    form = DocumentRequestForm()
    if not form.validate_on_submit():
        return _nomination_page(nomination, 400, request_form=form)
    try:
        request_documents(nomination, form.text.data, form.due_on.data, current_user)
    except AwardError as error:
        return _refused(error, "awards.nomination", programme_id=programme_id, nomination_id=nomination_id)
    flash(_("Die Nachforderung ist an die Bewerberin oder den Bewerber gemailt."), "success")
    return redirect(url_for("awards.nomination", programme_id=programme_id, nomination_id=nomination_id))


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>/visit", methods=["POST"])
@role_required("organiser")
def record_visit(programme_id, nomination_id):
    nomination = _row(Nomination, nomination_id, programme_id)
    form = SiteVisitForm()
    if not form.validate_on_submit():
        return _nomination_page(nomination, 400, visit_form=form)
    record_site_visit(nomination, form.visited_on.data, form.note.data)
    flash(_("Der Besuch ist festgehalten."), "success")
    return redirect(url_for("awards.nomination", programme_id=programme_id, nomination_id=nomination_id))


@bp.route("/manage/<int:programme_id>/nominations/<int:nomination_id>/merge", methods=["POST"])
@role_required("organiser")
def merge_nomination(programme_id, nomination_id):
    nomination = _row(Nomination, nomination_id, programme_id)
    form = MergeForm()
    form.into.choices = [(n.id, "") for n in programme_nominations(nomination.programme)]
    if not form.validate_on_submit():
        return _nomination_page(nomination, 400, merge_form=form)
    try:
        kept = merge_nominations(nomination, _row(Nomination, form.into.data, programme_id))
    except AwardError as error:
        return _refused(error, "awards.nomination", programme_id=programme_id, nomination_id=nomination_id)
    flash(_("Die Vorschläge sind zusammengeführt."), "success")
    return redirect(url_for("awards.nomination", programme_id=programme_id, nomination_id=kept.id))


@bp.route("/manage/documents/<int:document_id>/<filename>")
@role_required("organiser")
def document(document_id, filename):
    return document_response(db.session.get(NominationDocument, document_id) or abort(404), filename)
