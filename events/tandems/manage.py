"""Organisers' pages: programmes, groups at a glance, pairs, members, meetings, phases and the sign-off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events.certificates.batches import start_rendering
from events.core.access import role_required, row_or_404
from events.core.database import german_order
from events.core.form_pages import form_action, form_page
from events.core.models import Organisation, Region
from events.extensions import db
from events.tandems import bp
from events.tandems.access import actor_for
from events.tandems.certificates import issue_participation_certificates
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


@bp.route("/")
@role_required("organiser")
def index():
    programmes = db.session.scalars(select(TandemProgramme).order_by(TandemProgramme.starts_on.desc())).all()
    return render_template("tandems/index.html", programmes=programmes)


@bp.route("/new", endpoint="new_programme", methods=["GET", "POST"])
@bp.route("/<int:programme_id>/edit", endpoint="edit_programme", methods=["GET", "POST"])
@role_required("organiser")
def programme_form(programme_id=None):
    programme = row_or_404(TandemProgramme, programme_id)
    form = ProgrammeForm(obj=programme)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(german_order(Organisation.name))
    ).all()
    form.partner_id.choices = [("", _("– keine –")), *((row.id, row.name) for row in organisations)]
    return form_page(
        form,
        "tandems/programme_form.html",
        lambda: save_programme(programme, form.data),
        lambda saved: (
            _("Das Programm „%(title)s“ ist gespeichert.", title=saved.title),
            url_for("tandems.programme", programme_id=saved.id),
        ),
        programme=programme,
    )


def _region_choices():
    return [
        (region.id, region.name) for region in db.session.scalars(select(Region).order_by(Region.state, Region.name))
    ]


@bp.route("/<int:programme_id>")
@role_required("organiser")
def programme(programme_id):
    programme = row_or_404(TandemProgramme, programme_id)
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
    programme = row_or_404(TandemProgramme, programme_id)
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
    programme = row_or_404(TandemProgramme, programme_id)
    form = ChapterForm()
    form_action(
        form,
        lambda: add_chapter(programme, form.title.data, form.introduction.data or ""),
        _("Das Kapitel ist angelegt."),
        invalid=_("Bitte geben Sie einen Titel für das Kapitel an."),
    )
    return redirect(url_for("tandems.guideline", programme_id=programme.id))


@bp.route("/<int:programme_id>/phase", methods=["POST"])
@role_required("organiser")
def set_phase(programme_id):
    programme = row_or_404(TandemProgramme, programme_id)
    form = PhaseForm()
    form_action(
        form,
        lambda: change_phase(programme, actor_for(programme), form.phase.data, form.phase_until.data),
        lambda sent: _("Die Phase ist geändert; %(count)d Personen werden benachrichtigt.", count=sent),
        invalid=_("Bitte wählen Sie eine Phase und ein gültiges Datum."),
    )
    return redirect(url_for("tandems.programme", programme_id=programme.id))


@bp.route("/<int:programme_id>/sign-off", methods=["POST"])
@role_required("organiser")
def approve(programme_id):
    programme = row_or_404(TandemProgramme, programme_id)
    form = SignOffForm()
    form_action(
        form,
        lambda: sign_off(programme, actor_for(programme), form.approved_by.data, current_user.id),
        _("Der Leitfaden ist freigegeben."),
        invalid=_("Bitte nennen Sie, wer im Ministerium den Leitfaden freigibt."),
    )
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
    group = row_or_404(TandemGroup, group_id)
    form = PairForm()
    group_admin_forms(group, pair_form=form)

    def refused(error):
        form.override_reason.errors = [error.message] if error.code == "cross_region" else []
        flash(error.message, "error")

    if form_action(
        form,
        lambda: add_pair(
            group, form.agency_id.data, form.lotsen_id.data, actor_for(group.programme), form.override_reason.data
        ),
        _("Das Tandem ist angelegt."),
        refused=refused,
    ):
        return redirect(url_for("tandems.group", group_id=group.id) + "#pairs")
    return _group_page(group, 400, pair_form=form)


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@role_required("organiser")
def new_member(group_id):
    group = row_or_404(TandemGroup, group_id)
    form = MemberForm()
    group_admin_forms(group, member_form=form)
    if form_action(
        form,
        lambda: add_member(group, form.person_id.data, form.role.data),
        lambda member: _("%(name)s ist Mitglied und erhält den persönlichen Link.", name=member.person.full_name),
    ):
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
    group = row_or_404(TandemGroup, group_id)
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
    programme = row_or_404(TandemProgramme, programme_id)
    batches = issue_participation_certificates(programme, current_user.id)
    for batch in batches:
        start_rendering(batch)
    if batches:
        count = sum(batch.total for batch in batches)
        flash(_("%(count)d Teilnahmebestätigungen werden erstellt.", count=count), "success")
        return redirect(url_for("certificates.index"))
    flash(_("Niemand hat noch ein Treffen besucht, der nicht schon eine Bestätigung hat."), "warning")
    return redirect(url_for("tandems.programme", programme_id=programme.id))
