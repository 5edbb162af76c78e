"""Organisers' pages: programmes, groups at a glance, pairs, members, meetings, phases and the sign-off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events.certificates.batches import start_rendering
from events.core.access import role_required
from events.core.database import german_order
from events.core.models import Organisation, Region
from events.extensions import db
from events.tandems import bp
from events.tandems.access import actor_for
from events.tandems.certificates import issue_participation_certificates
from events.tandems.errors import TandemError
from events.tandems.forms import (
    ChapterForm,
    GroupForm,
    MeetingForm,
    MemberForm,
    PairForm,
    PhaseForm,
    ProgrammeForm,
    SignOffForm,
    group_admin_forms,
)
from events.tandems.guideline import add_chapter
from events.tandems.meetings import schedule_meeting
from events.tandems.models import GroupMember, TandemGroup, TandemProgramme
from events.tandems.programmes import (
    add_group,
    add_member,
    add_pair,
    change_phase,
    groups_at_a_glance,
    resend_personal_link,
    save_programme,
    sign_off,
)


def _programme_or_404(programme_id: int) -> TandemProgramme:
    return db.session.get(TandemProgramme, programme_id) or abort(404)


def _group_or_404(group_id: int) -> TandemGroup:
    return db.session.get(TandemGroup, group_id) or abort(404)


@bp.route("/")
@role_required("organiser")
def index():
    programmes = db.session.scalars(select(TandemProgramme).order_by(TandemProgramme.starts_on.desc())).all()
    return render_template("tandems/index.html", programmes=programmes)


def _programme_form(programme: TandemProgramme | None):
    form = ProgrammeForm(obj=programme)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(german_order(Organisation.name))
    ).all()
    form.partner_id.choices = [("", _("– keine –")), *((row.id, row.name) for row in organisations)]
    if form.validate_on_submit():
        saved = save_programme(programme, form.data)
        flash(_("Das Programm „%(title)s“ ist gespeichert.", title=saved.title), "success")
        return redirect(url_for("tandems.programme", programme_id=saved.id))
    status = 400 if form.is_submitted() else 200
    return render_template("tandems/programme_form.html", form=form, programme=programme), status


@bp.route("/new", methods=["GET", "POST"])
@role_required("organiser")
def new_programme():
    return _programme_form(None)


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@role_required("organiser")
def edit_programme(programme_id):
    return _programme_form(_programme_or_404(programme_id))


def _region_choices():
    return [
        (region.id, region.name) for region in db.session.scalars(select(Region).order_by(Region.state, Region.name))
    ]


@bp.route("/<int:programme_id>")
@role_required("organiser")
def programme(programme_id):
    programme = _programme_or_404(programme_id)
    group_form = GroupForm(formdata=None)
    group_form.region_id.choices = _region_choices()
    return render_template(
        "tandems/programme.html",
        programme=programme,
        actor=actor_for(programme),
        figures=groups_at_a_glance(programme),
        group_form=group_form,
        chapter_form=ChapterForm(formdata=None),
        phase_form=PhaseForm(formdata=None, phase=programme.phase, phase_until=programme.phase_until),
        sign_off_form=SignOffForm(formdata=None, approved_by=current_user.display_name),
    )


@bp.route("/<int:programme_id>/groups", methods=["POST"])
@role_required("organiser")
def new_group(programme_id):
    programme = _programme_or_404(programme_id)
    form = GroupForm()
    form.region_id.choices = _region_choices()
    if form.validate_on_submit():
        group = add_group(programme, form.name.data, form.region_id.data, form.topic.data or "")
        flash(_("Die Gruppe „%(name)s“ ist angelegt.", name=group.name), "success")
        return redirect(url_for("tandems.group", group_id=group.id))
    flash(_("Bitte geben Sie Name und Regierungsbezirk der Gruppe an."), "error")
    return redirect(url_for("tandems.programme", programme_id=programme.id))


@bp.route("/<int:programme_id>/chapters", methods=["POST"])
@role_required("organiser")
def new_chapter(programme_id):
    programme = _programme_or_404(programme_id)
    form = ChapterForm()
    if form.validate_on_submit():
        try:
            add_chapter(programme, form.title.data, form.introduction.data or "")
        except TandemError as error:
            flash(error.message, "error")
        else:
            flash(_("Das Kapitel ist angelegt."), "success")
    else:
        flash(_("Bitte geben Sie einen Titel für das Kapitel an."), "error")
    return redirect(url_for("tandems.guideline", programme_id=programme.id))


@bp.route("/<int:programme_id>/phase", methods=["POST"])
@role_required("organiser")
def set_phase(programme_id):
    programme = _programme_or_404(programme_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            sent = change_phase(programme, actor_for(programme), form.phase.data, form.phase_until.data)
        except TandemError as error:
            flash(error.message, "error")
        else:
            flash(_("Die Phase ist geändert; %(count)d Personen werden benachrichtigt.", count=sent), "success")
    else:
        flash(_("Bitte wählen Sie eine Phase und ein gültiges Datum."), "error")
    return redirect(url_for("tandems.programme", programme_id=programme.id))


@bp.route("/<int:programme_id>/sign-off", methods=["POST"])
@role_required("organiser")
def approve(programme_id):
    programme = _programme_or_404(programme_id)
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            sign_off(programme, actor_for(programme), form.approved_by.data, current_user.id)
        except TandemError as error:
            flash(error.message, "error")
        else:
            flash(_("Der Leitfaden ist freigegeben."), "success")
    else:
        flash(_("Bitte nennen Sie, wer im Ministerium den Leitfaden freigibt."), "error")
    return redirect(url_for("tandems.programme", programme_id=programme.id))


def _group_page(group: TandemGroup, status: int, **forms):
    actor = actor_for(group.programme)
    page = render_template(
        "tandems/group.html", group=group, actor=actor, programme=group.programme, **group_admin_forms(group, **forms)
    )
    return page, status


@bp.route("/groups/<int:group_id>/pairs", methods=["POST"])
@role_required("organiser")
def new_pair(group_id):
    group = _group_or_404(group_id)
    form = PairForm()
    group_admin_forms(group, pair_form=form)
    if form.validate_on_submit():
        try:
            add_pair(
                group, form.agency_id.data, form.lotsen_id.data, actor_for(group.programme), form.override_reason.data
            )
        except TandemError as error:
            form.override_reason.errors = [error.message] if error.code == "cross_region" else []
            flash(error.message, "error")
        else:
            flash(_("Das Tandem ist angelegt."), "success")
            return redirect(url_for("tandems.group", group_id=group.id) + "#pairs")
    return _group_page(group, 400, pair_form=form)


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@role_required("organiser")
def new_member(group_id):
    group = _group_or_404(group_id)
    form = MemberForm()
    group_admin_forms(group, member_form=form)
    if form.validate_on_submit():
        try:
            member = add_member(group, form.person_id.data, form.role.data)
        except TandemError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s ist Mitglied und erhält den persönlichen Link.", name=member.person.full_name), "success")
            return redirect(url_for("tandems.group", group_id=group.id) + "#members")
    return _group_page(group, 400, member_form=form)


@bp.route("/members/<int:member_id>/link", methods=["POST"])
@role_required("organiser")
def send_link(member_id):
    member = db.session.get(GroupMember, member_id) or abort(404)
    resend_personal_link(member)
    flash(_("Ein neuer persönlicher Link ist an %(name)s unterwegs.", name=member.person.full_name), "success")
    return redirect(url_for("tandems.group", group_id=member.group_id) + "#members")


@bp.route("/groups/<int:group_id>/meetings", methods=["POST"])
@role_required("organiser")
def new_meeting(group_id):
    group = _group_or_404(group_id)
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = schedule_meeting(
            group,
            form.starts_at.data,
            form.ends_at.data,
            form.venue_name.data or "",
            form.address.data or "",
            user=current_user,
        )
        flash(_("Das Treffen ist angelegt; die Mitglieder sind eingeladen."), "success")
        return redirect(url_for("meetings.detail", event_id=meeting.event_id))
    return _group_page(group, 400, meeting_form=form)


@bp.route("/<int:programme_id>/certificates", methods=["POST"])
@role_required("organiser")
def issue_certificates(programme_id):
    programme = _programme_or_404(programme_id)
    batches = issue_participation_certificates(programme, current_user.id)
    for batch in batches:
        start_rendering(batch)
    if batches:
        count = sum(batch.total for batch in batches)
        flash(_("%(count)d Teilnahmebestätigungen werden erstellt.", count=count), "success")
        return redirect(url_for("certificates.index"))
    flash(_("Niemand hat noch ein Treffen besucht, der nicht schon eine Bestätigung hat."), "warning")
    return redirect(url_for("tandems.programme", programme_id=programme.id))
