"""What the public sees: the open calls, a call's page and form, and an applicant's personal link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from events.awards import bp
from events.awards.access import personal_link_required
from events.awards.decisions import outcome_for_applicant
from events.awards.documents import document_response
from events.awards.errors import AwardError
from events.awards.forms import (
    AnswerForm,
    ApplicationForm,
    NominationForm,
    SubmitForm,
    UploadForm,
    nomination_form_class,
    prepare_nomination_form,
)
from events.awards.links import NOMINEE, PROPOSER, nominee_token
from events.awards.models import AwardProgramme, DocumentRequest, NominationDocument, NominationRoute
from events.awards.nominations import (
    add_document,
    answer_request,
    consent_text,
    may_upload,
    remove_document,
    save_nomination,
    send_links_again,
    start_nomination,
    submission_problems,
    submit_nomination,
    withdraw_nomination,
)
from events.awards.programmes import open_calls
from events.awards.rules import call_is_open, call_is_public, has_consent, may_change_nomination, may_withdraw
from events.core.access import public
from events.core.database import own_transactions
from events.extensions import db, limiter
from events.meetings.catalogue import render_description
from events.registration.forms import ResendLinkForm


@bp.route("/")
@public
def calls():
    return render_template("awards/calls.html", programmes=open_calls())


def _public_programme(slug: str) -> AwardProgramme:
    programme = db.session.scalars(select(AwardProgramme).where(AwardProgramme.slug == slug)).first()
    if programme is None or not call_is_public(programme):
        abort(404)
    return programme


@bp.route("/call/<slug>")
@public
def call(slug):
    programme = _public_programme(slug)
    return render_template(
        "awards/call.html",
        programme=programme,
        description=render_description(programme.description),
        is_open=call_is_open(programme),
        link_form=ResendLinkForm(),
    )


@bp.route("/call/<slug>/link", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def lost_link(slug):
    """An applicant or proposer who lost the mail with their link asks for a new one."""
    programme = _public_programme(slug)
    form = ResendLinkForm()
    if form.validate_on_submit():
        send_links_again(programme, form.email.data)
        # the same answer whether or not the address holds a nomination
        return render_template("awards/link_sent.html", programme=programme)
    status = 400 if form.is_submitted() else 200
    return render_template("awards/lost_link.html", programme=programme, form=form), status


@bp.route("/call/<slug>/apply", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def apply(slug):
    programme = _public_programme(slug)
    if not call_is_open(programme):
        flash(_("Die Einreichungsfrist ist abgelaufen."), "error")
        return redirect(url_for("awards.call", slug=slug))
    form = nomination_form_class(programme.questions, ApplicationForm)()
    prepare_nomination_form(form, programme)
    if form.validate_on_submit():
        route = NominationRoute(form.route.data)
        try:
            nomination = start_nomination(
                programme,
                route,
                form.values(programme.questions),
                language=str(get_locale() or "de"),
                proposer=form.proposer() if route == NominationRoute.THIRD_PARTY else None,
            )
        except AwardError as error:
            flash(error.message, "error")
        else:
            if route == NominationRoute.THIRD_PARTY:
                return render_template("awards/proposed.html", programme=programme, nomination=nomination)
            flash(_("Ihr Entwurf ist gespeichert. Wir haben Ihnen den Link zu dieser Seite gemailt."), "success")
            return redirect(url_for("awards.personal", token=nominee_token(nomination)))
    status = 400 if form.is_submitted() else 200
    return render_template("awards/apply.html", programme=programme, form=form), status


def _personal_page(nomination, role, token, form=None, status=200):
    programme = nomination.programme
    if form is None and role == NOMINEE:
        form = nomination_form_class(programme.questions, NominationForm)(obj=nomination)
        form.fill_answers(programme.questions, nomination.answers)
    if form is not None:
        prepare_nomination_form(form, programme)
    return (
        render_template(
            "awards/personal.html",
            nomination=nomination,
            programme=programme,
            role=role,
            token=token,
            form=form,
            editable=role == NOMINEE and may_change_nomination(nomination),
            problems=submission_problems(nomination),
            needs_consent=not has_consent(nomination),
            consent_text=consent_text(),
            submit_form=SubmitForm(),
            upload_form=UploadForm(),
            answer_form=AnswerForm(),
            may_upload=may_upload(nomination, role),
            may_withdraw=role == NOMINEE and may_withdraw(nomination),
            outcome=outcome_for_applicant(nomination),
        ),
        status,
    )


@bp.route("/me/<token>", methods=["GET", "POST"])
@personal_link_required
def personal(nomination, role, token):
    if request.method == "GET" or role != NOMINEE:
        return _personal_page(nomination, role, token)
    programme = nomination.programme
    form = nomination_form_class(programme.questions, NominationForm)()
    prepare_nomination_form(form, programme)
    if not form.validate_on_submit():
        return _personal_page(nomination, role, token, form, 400)
    try:
        save_nomination(nomination, form.values(programme.questions))
    except AwardError as error:
        flash(error.message, "error")
        return _personal_page(nomination, role, token, form, 409)
    flash(_("Ihre Angaben sind gespeichert."), "success")
    return redirect(url_for("awards.personal", token=token))


@bp.route("/me/<token>/submit", methods=["POST"])
@personal_link_required
def submit_own(nomination, role, token):
    form = SubmitForm()
    if role != NOMINEE or not form.validate_on_submit():
        abort(400)
    try:
        submit_nomination(nomination, consent=form.consent.data)
    except AwardError as error:
        flash(error.message, "error")  # the page lists what is missing
    else:
        flash(_("Ihr Vorschlag ist eingereicht. Vielen Dank!"), "success")
    return redirect(url_for("awards.personal", token=token))


@bp.route("/me/<token>/withdraw", methods=["POST"])
@personal_link_required
def withdraw_own(nomination, role, token):
    if role != NOMINEE:
        abort(403)
    try:
        withdraw_nomination(nomination)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Ihr Vorschlag ist zurückgezogen."), "success")
    return redirect(url_for("awards.personal", token=token))


@bp.route("/me/<token>/documents", methods=["POST"])
@personal_link_required
@own_transactions  # the file is stored before the write lock is taken (awards.nominations.add_document)
def upload_own(nomination, role, token):
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine Datei aus."), "error")
        return redirect(url_for("awards.personal", token=token))
    try:
        add_document(nomination, role, form.file.data.filename, form.file.data.stream)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Datei ist hochgeladen."), "success")
    return redirect(url_for("awards.personal", token=token))


def _own_document(nomination, document_id: int) -> NominationDocument:
    document = db.session.get(NominationDocument, document_id)
    if document is None or document.nomination_id != nomination.id:
        abort(404)
    return document


@bp.route("/me/<token>/documents/<int:document_id>/<filename>")
@personal_link_required
def own_document(nomination, role, token, document_id, filename):
    document = _own_document(nomination, document_id)
    if role == PROPOSER and document.uploaded_by != PROPOSER:
        abort(404)  # a proposer sees their own letters, not the nominee's application
    return document_response(document, filename)


@bp.route("/me/<token>/documents/<int:document_id>/delete", methods=["POST"])
@personal_link_required
def remove_own_document(nomination, role, token, document_id):
    try:
        remove_document(nomination, _own_document(nomination, document_id), role)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Datei ist entfernt."), "success")
    return redirect(url_for("awards.personal", token=token))


@bp.route("/me/<token>/requests/<int:request_id>", methods=["POST"])
@personal_link_required
def answer_own_request(nomination, role, token, request_id):
    document_request = db.session.get(DocumentRequest, request_id)
    if document_request is None or document_request.nomination_id != nomination.id or role != NOMINEE:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Bitte schreiben Sie eine Antwort."), "error")
        return redirect(url_for("awards.personal", token=token))
    try:
        answer_request(nomination, document_request, form.answer.data)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Ihre Antwort ist angekommen. Vielen Dank!"), "success")
    return redirect(url_for("awards.personal", token=token))
