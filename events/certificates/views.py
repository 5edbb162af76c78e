import base64

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events.certificates import bp
from events.certificates.batches import (
    AREA,
    batch_files,
    batch_situation,
    failure_message,
    files_ready,
    may_restart,
    recent_batches,
    start_rendering,
)
from events.certificates.errors import CertificateProblem
from events.certificates.forms import SOURCE_LABELS, BatchForm, CorrectNameForm, RevokeForm
from events.certificates.issuing import (
    correct_recipient_name,
    issue_batch,
    new_batch,
    participant_certificate,
    preview_pdf,
    revoke_certificate,
)
from events.certificates.kinds import (
    DEFAULT_BODIES,
    DEFAULT_TITLES,
    KIND_LABELS,
    KINDS,
    PLACEHOLDER_LABELS,
    PLACEHOLDERS_BY_KIND,
)
from events.certificates.models import BatchStatus, Certificate, CertificateBatch
from events.certificates.pages import certificate_pdf, pdf_filename
from events.certificates.recipients import recipients_from_event, recipients_from_people
from events.certificates.verification import certificate_by_code, certificate_typed_in, search_certificates
from events.core.access import public, role_required
from events.core.database import german_order
from events.core.models import Person
from events.core.storage import file_store
from events.core.timezone import berlin_date
from events.documents.rendering import PreviewUnavailable, RenderingFailed, pdf_page_png
from events.extensions import db, limiter
from events.meetings.models import Event
from events.registration.tokens import registration_by_token


def _pdf_response(data: bytes, filename: str, inline: bool = True):
    import io

    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=not inline, download_name=filename)


@bp.route("/")
@role_required("organiser")
def index():
    term = request.args.get("q", "").strip()[:100]
    pagination = search_certificates(term, request.args.get("page", 1, type=int))
    return render_template(
        "certificates/index.html",
        batches=recent_batches(),
        pagination=pagination,
        term=term,
        kinds=KINDS.values(),
        kind_labels=KIND_LABELS,
        status_labels=BatchStatus.labels(),
    )


def _batch_form() -> BatchForm:
    form = BatchForm()
    # plain rows, not objects: the live preview builds this form again after every pause in typing
    events = db.session.execute(select(Event.id, Event.title, Event.starts_at).order_by(Event.starts_at.desc()))
    form.event_id.choices = [("", _("– bitte wählen –"))] + [
        (e.id, f"{e.title} ({berlin_date(e.starts_at):%d.%m.%Y})") for e in events
    ]
    people = db.session.execute(
        select(Person.id, Person.last_name, Person.first_name).order_by(
            german_order(Person.last_name), german_order(Person.first_name)
        )
    )
    form.person_ids.choices = [(p.id, f"{p.last_name}, {p.first_name}") for p in people]
    if not form.is_submitted():
        kind = request.args.get("kind", form.kind.default)
        form.kind.data = kind if kind in KIND_LABELS else form.kind.default
        form.event_id.data = request.args.get("event", type=int)
        form.title.data = DEFAULT_TITLES[form.kind.data]
        form.body_template.data = DEFAULT_BODIES[form.kind.data]
        if not KINDS[form.kind.data].event_only:
            form.source.data = "people"
    return form


def _batch_and_recipients(form: BatchForm, first_only: bool = False):
    """The (unsaved) batch described by a valid form, its event and its recipients in the chosen order
    (first_only: for a preview, the chosen people are read only as far as the first)."""
    event = db.session.get(Event, form.event_id.data) if form.event_id.data else None
    batch = new_batch(
        form.kind.data,
        form.title.data.strip(),
        form.body_template.data.strip(),
        design=form.design.data,
        event_id=event.id if event else None,
        signatories=form.signatories(),
        place=(form.place.data or "").strip(),
        issue_date=form.issue_date.data,
        logo=form.logo_bytes,
        logo_type=form.logo_type,
        created_by_id=current_user.id,
        list_workshops=form.list_workshops.data,
    )
    if form.source.data == "event":
        recipients = recipients_from_event(event)
    elif form.source.data == "people":
        recipients = recipients_from_people(form.person_ids.data[:1] if first_only else form.person_ids.data)
    else:
        recipients = form.csv_recipients or []
    return batch, event, recipients


def _preview_pdf(form: BatchForm) -> tuple[bytes, bool]:
    """The preview of a valid form (the first recipient's certificate, or an example name) and whether anyone
    matches the selection yet. Both the form page and the live preview use it."""
    batch, event, recipients = _batch_and_recipients(form, first_only=True)
    pdf = preview_pdf(batch, recipients[0] if recipients else None, form.issuer.data.strip(), event)
    return pdf, bool(recipients)


@bp.route("/batches/new", methods=["GET", "POST"])
@role_required("organiser")
def new_batch_view():
    form = _batch_form()
    preview_png = None
    if form.validate_on_submit():
        action = request.form.get("action", "preview")
        if action == "issue":
            batch, event, recipients = _batch_and_recipients(form)
            try:
                issue_batch(batch, recipients, form.issuer.data.strip(), event, form.send_mail.data)
            except CertificateProblem as problem:
                flash(str(problem), "error")
                return _render_batch_form(form, None), 400
            return redirect(url_for("certificates.batch", batch_id=batch.id))
        try:
            pdf, anyone = _preview_pdf(form)
        except CertificateProblem as problem:
            flash(str(problem), "error")
            return _render_batch_form(form, None), 400
        except RenderingFailed as failure:
            flash(failure.message, "error")
            return _render_batch_form(form, None), 422
        if action == "preview_pdf":
            return _pdf_response(pdf, "vorschau.pdf")
        try:
            preview_png = base64.b64encode(pdf_page_png(pdf)).decode()
        except PreviewUnavailable:
            flash(_("Die Bildvorschau ist auf diesem Server nicht verfügbar; die PDF-Vorschau schon."), "warning")
        if not anyone:
            flash(_("Noch niemand erfüllt die Auswahl; die Vorschau zeigt einen Beispielnamen."), "warning")
    status = 400 if form.is_submitted() and form.errors else 200
    return _render_batch_form(form, preview_png), status


def _render_batch_form(form, preview_png):
    return render_template(
        "certificates/batch_form.html",
        form=form,
        preview_png=preview_png,
        placeholder_labels=PLACEHOLDER_LABELS,
        placeholders_by_kind=PLACEHOLDERS_BY_KIND,
        source_labels=SOURCE_LABELS,
    )


@bp.route("/batches/preview.png", methods=["POST"])
@role_required("organiser")
def preview_image():
    """The live preview (used by static/js/certificates.js): a PNG, or the form's messages as JSON."""
    form = _batch_form()
    if not form.validate_on_submit():
        labels = {name: form[name].label.text for name in form.errors if name in form}
        # a label that is a question gets no colon after its question mark
        messages = [
            f"{label}{'' if label[-1:] in '?!.:' else ':'} {' '.join(form.errors[name])}"
            for name, label in labels.items()
        ]
        return jsonify(errors=messages), 400
    try:
        png = pdf_page_png(_preview_pdf(form)[0])
    except PreviewUnavailable:
        return jsonify(errors=[_("Die Bildvorschau ist auf diesem Server nicht verfügbar.")]), 503
    except RenderingFailed as failure:
        return jsonify(errors=[failure.message]), 422
    return png, 200, {"Content-Type": "image/png", "Cache-Control": "no-store"}


def _batch_or_404(batch_id: int) -> CertificateBatch:
    return db.session.get(CertificateBatch, batch_id) or abort(404)


@bp.route("/batches/<int:batch_id>")
@role_required("organiser")
def batch(batch_id):
    batch = _batch_or_404(batch_id)
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.batch_id == batch.id).order_by(Certificate.id)
    ).all()
    pdf_ready, zip_ready = files_ready(batch)
    return render_template(
        "certificates/batch.html",
        batch=batch,
        certificates=certificates,
        pdf_ready=pdf_ready,
        zip_ready=zip_ready,
        situation=batch_situation(batch),
        can_restart=may_restart(batch),
        failure_message=failure_message(batch),
        kind_labels=KIND_LABELS,
        status_labels=BatchStatus.labels(),
    )


@bp.route("/batches/<int:batch_id>/progress")
@role_required("organiser")
def batch_progress(batch_id):
    batch = _batch_or_404(batch_id)
    return jsonify(
        status=batch.status,
        status_label=str(BatchStatus.labels().get(batch.status, batch.status)),
        progress=batch.progress,
        total=batch.total,
        situation=batch_situation(batch) or "",
    )


def _not_ready(batch_id: int):
    flash(_("Die Dateien dieser Ausstellung sind (noch) nicht vorhanden."), "warning")
    return redirect(url_for("certificates.batch", batch_id=batch_id))


@bp.route("/batches/<int:batch_id>/certificates.pdf")
@role_required("organiser")
def batch_pdf(batch_id):
    batch = _batch_or_404(batch_id)
    if not files_ready(batch)[0]:
        return _not_ready(batch_id)
    merged, _archive = batch_files(batch)
    return file_store().send(AREA, merged, f"urkunden-{batch_id}.pdf", "application/pdf", as_attachment=False)


@bp.route("/batches/<int:batch_id>/certificates.zip")
@role_required("organiser")
def batch_zip(batch_id):
    batch = _batch_or_404(batch_id)
    if not files_ready(batch)[1]:
        return _not_ready(batch_id)
    _merged, archive = batch_files(batch)
    return file_store().send(AREA, archive, f"urkunden-{batch_id}.zip", "application/zip")


@bp.route("/batches/<int:batch_id>/restart", methods=["POST"])
@role_required("organiser")
def restart_batch(batch_id):
    batch = _batch_or_404(batch_id)
    if may_restart(batch):
        start_rendering(batch, send_mail=batch.send_mail)
        flash(_("Die Erstellung ist neu gestartet."), "success")
    else:
        flash(_("Die Erstellung läuft noch; ein Neustart ist erst möglich, wenn sie einige Minuten stockt."), "info")
    return redirect(url_for("certificates.batch", batch_id=batch.id))


def _certificate_or_404(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id) or abort(404)


@bp.route("/<int:certificate_id>")
@role_required("organiser")
def certificate(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    return _render_certificate(certificate, RevokeForm(), CorrectNameForm(name=certificate.recipient_name))


def _render_certificate(certificate, revoke_form, correct_form, status=200):
    replacement = db.session.scalars(select(Certificate).where(Certificate.replaces_id == certificate.id)).first()
    return (
        render_template(
            "certificates/certificate.html",
            certificate=certificate,
            replacement=replacement,
            revoke_form=revoke_form,
            correct_form=correct_form,
            kind_labels=KIND_LABELS,
        ),
        status,
    )


@bp.route("/<int:certificate_id>/certificate.pdf")
@role_required("organiser")
def certificate_download(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    return _pdf_response(certificate_pdf(certificate), pdf_filename(certificate.recipient_name, certificate.serial))


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@role_required("organiser")
def revoke(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            revoke_certificate(certificate, form.reason.data.strip())
        except CertificateProblem as problem:
            flash(str(problem), "error")
            return redirect(url_for("certificates.certificate", certificate_id=certificate.id))
        flash(_("Die Urkunde %(serial)s ist widerrufen.", serial=certificate.serial), "success")
        return redirect(url_for("certificates.certificate", certificate_id=certificate.id))
    return _render_certificate(certificate, form, CorrectNameForm(name=certificate.recipient_name), 400)


@bp.route("/<int:certificate_id>/correct", methods=["POST"])
@role_required("organiser")
def correct(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    form = CorrectNameForm()
    if form.validate_on_submit():
        try:
            replacement = correct_recipient_name(certificate, form.name.data)
        except CertificateProblem as problem:
            form.name.errors = [str(problem)]
            return _render_certificate(certificate, RevokeForm(), form, 400)
        flash(
            _(
                "Die berichtigte Urkunde %(new)s ist ausgestellt; %(old)s ist widerrufen.",
                new=replacement.serial,
                old=certificate.serial,
            ),
            "success",
        )
        return redirect(url_for("certificates.certificate", certificate_id=replacement.id))
    return _render_certificate(certificate, RevokeForm(), form, 400)


@bp.route("/v/")
@public
@limiter.limit("30 per minute")
def verify_typed():
    """The check page for a certificate number typed by hand (with the name) or its check address."""
    number, name = request.args.get("number", ""), request.args.get("name", "")
    if not number.strip():
        return render_template("certificates/verify.html", certificate=None, asked=False, number="", name="")
    certificate = certificate_typed_in(number, name)
    page = render_template("certificates/verify.html", certificate=certificate, asked=True, number=number, name=name)
    return page, 200 if certificate is not None else 404


@bp.route("/v/<code>")
@public
@limiter.limit("60 per minute")
def verify(code):
    certificate = certificate_by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, asked=True, number=code, name=""), 404
    return render_template("certificates/verify.html", certificate=certificate, asked=True)


@bp.route("/participant/<token>")
@public
@limiter.limit("30 per minute")
def participant(token):
    registration = registration_by_token(token)
    if registration is None:
        abort(404)
    try:
        certificate = participant_certificate(registration)
    except CertificateProblem as problem:
        return render_template("certificates/unavailable.html", message=str(problem))
    return _pdf_response(
        certificate_pdf(certificate), pdf_filename(certificate.recipient_name, certificate.serial), False
    )
