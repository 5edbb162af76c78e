"""The decision pages: the chair's decision per category, the decision record; the organisers' announcement
(prize money, release under embargo, the winners page's time, certificates); the public winners page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from events.awards import bp
from events.awards.access import chair_or_organiser_required, chair_required
from events.awards.announcement import (
    amounts_text,
    prize_settings_line,
    release_decisions,
    save_prize_settings,
    set_publication_time,
    tie_break_rule_text,
)
from events.awards.certificates import certificates_of, issue_award_certificates
from events.awards.decision_forms import PrizeSettingsForm, ReleaseForm, decision_form_class
from events.awards.decision_models import PrizeKind
from events.awards.decisions import (
    category_by_key,
    decision_categories,
    decision_of,
    decisions_of,
    proposal_for,
    record_decision,
    tie_break_text,
    winners_of,
    winners_withdrawn_after_release,
)
from events.awards.errors import AwardError
from events.awards.models import AwardProgramme
from events.awards.prizes import euros
from events.awards.record import record_outdated, record_response, request_record
from events.awards.rules import decision_is_released, may_change_decision, winners_page_is_public
from events.core.access import public, role_required
from events.extensions import db


def _programme(programme_id: int) -> AwardProgramme:
    return db.session.get(AwardProgramme, programme_id) or abort(404)


@bp.route("/jury/<int:programme_id>/decisions")
@chair_or_organiser_required
def decisions(programme):
    by_category = {d.category_key: d for d in decisions_of(programme)}
    return render_template(
        "awards/jury/decisions.html",
        programme=programme,
        categories=[(c, by_category.get(c.id if c else 0)) for c in decision_categories(programme)],
        released=decision_is_released(programme),
        record_outdated=record_outdated(programme),
        withdrawn=winners_withdrawn_after_release(programme),
        euros=euros,
    )


def _decision_form(form_class, decision):
    """The chair's form, filled from the recorded decision when there is one (and nothing was posted)."""
    form = form_class()
    if form.is_submitted() or decision is None:
        return form
    for prize in decision.prizes:
        if prize.nomination_id is None or f"k{prize.nomination_id}" not in form:
            continue  # a place not awarded, or a nomination no longer among the candidates
        form[f"k{prize.nomination_id}"].data = prize.kind
        form[f"p{prize.nomination_id}"].data = prize.place
        special_money = prize.kind == PrizeKind.SPECIAL and prize.amount_cents is not None
        form[f"a{prize.nomination_id}"].data = prize.amount_cents / 100 if special_money else None
        form[f"l{prize.nomination_id}"].data = prize.laudation
    form.not_awarded.data = ", ".join(str(p.place) for p in decision.prizes if p.kind == PrizeKind.NOT_AWARDED)
    form.note.data = decision.note
    return form


@bp.route("/jury/<int:programme_id>/decisions/<int:category_key>", methods=["GET", "POST"])
@chair_required
def decision(programme, member, category_key):
    try:
        category = category_by_key(programme, category_key)
    except LookupError:
        abort(404)
    proposal = proposal_for(programme, category)
    existing = decision_of(programme, category)
    max_place = max(len(proposal.candidates), len(programme.place_amounts or []), 1)
    form = _decision_form(decision_form_class(proposal.candidates, max_place), existing)
    form.present.choices = [(m.id, m.name) for m in programme.jury]
    if not form.is_submitted():
        form.present.data = [m.id for m in programme.jury if not existing or m.name in existing.present]
    status = 200
    if form.validate_on_submit():
        try:
            record_decision(programme, category, form.entries(), form.present.data, current_user, form.note.data)
        except AwardError as error:
            flash(error.message, "error")
            status = 400
        else:
            flash(_("Die Entscheidung ist festgehalten."), "success")
            return redirect(url_for("awards.decisions", programme_id=programme.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "awards/jury/decision.html",
        programme=programme,
        category=category,
        proposal=proposal,
        tie_breaks=[tie_break_text(t) for t in proposal.tie_breaks],
        form=form,
        existing=existing,
        editable=may_change_decision(programme),
        settings_line=prize_settings_line(programme),
        tie_break_rule=tie_break_rule_text(programme),
    ), status


@bp.route("/jury/<int:programme_id>/decision-record", methods=["POST"])
@chair_or_organiser_required
def make_record(programme):
    request_record(programme)
    flash(_("Das Entscheidungsprotokoll wird im Hintergrund erstellt; laden Sie die Seite gleich neu."), "success")
    return redirect(url_for("awards.decisions", programme_id=programme.id))


@bp.route("/jury/<int:programme_id>/decision-record.pdf")
@chair_or_organiser_required
def decision_record(programme):
    if not programme.record_key:
        flash(_("Es gibt noch kein Entscheidungsprotokoll. Bitte lassen Sie es zuerst erstellen."), "error")
        return redirect(url_for("awards.decisions", programme_id=programme.id))
    return record_response(programme)


@bp.route("/manage/<int:programme_id>/announcement")
@role_required("organiser")
def announcement(programme_id):
    programme = _programme(programme_id)
    settings = PrizeSettingsForm(obj=programme)
    settings.amounts.data = amounts_text(programme)
    release_form = ReleaseForm(obj=programme)
    return render_template(
        "awards/manage/announcement.html",
        programme=programme,
        settings=settings,
        release_form=release_form,
        decisions=decisions_of(programme),
        winners=winners_of(programme),
        released=decision_is_released(programme),
        public_now=winners_page_is_public(programme),
        certificates=certificates_of(programme),
        euros=euros,
    )


def _back(programme_id: int):
    return redirect(url_for("awards.announcement", programme_id=programme_id))


@bp.route("/manage/<int:programme_id>/prize-settings", methods=["POST"])
@role_required("organiser")
def prize_settings(programme_id):
    programme = _programme(programme_id)
    form = PrizeSettingsForm()
    if not form.validate_on_submit():
        flash(_("Bitte prüfen Sie die Angaben zum Preisgeld."), "error")
        return _back(programme.id)
    try:
        save_prize_settings(
            programme, form.prize_mode.data, form.amounts.data, form.tie_break_rule.data, form.tie_break_text.data
        )
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Preisgeld und Regel bei Gleichstand sind gespeichert."), "success")
    return _back(programme.id)


@bp.route("/manage/<int:programme_id>/decision/<any(release, schedule):action>", methods=["POST"])
@role_required("organiser")
def release(programme_id, action):
    programme = _programme(programme_id)
    form = ReleaseForm()
    if not form.validate_on_submit():
        flash(AwardError("public_time_missing").message, "error")
        return _back(programme.id)
    try:
        if action == "release":
            winners, others = release_decisions(programme, current_user, form.winners_public_at.data)
            flash(
                _(
                    "Die Entscheidung ist bekanntgegeben: %(winners)s und %(others)s werden versandt.",
                    winners=ngettext("%(num)d Mail an Ausgezeichnete", "%(num)d Mails an Ausgezeichnete", winners),
                    others=ngettext("%(num)d an die übrige Bewerbung", "%(num)d an die übrigen Bewerbungen", others),
                ),
                "success",
            )
        else:
            set_publication_time(programme, form.winners_public_at.data)
            flash(_("Die Zeit der Veröffentlichung ist gespeichert."), "success")
    except AwardError as error:
        flash(error.message, "error")
    return _back(programme.id)


@bp.route("/manage/<int:programme_id>/certificates", methods=["POST"])
@role_required("organiser")
def issue_certificates(programme_id):
    programme = _programme(programme_id)
    try:
        batches = issue_award_certificates(programme, current_user.id)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d Urkunden werden im Hintergrund erstellt.", count=sum(b.total for b in batches)), "success")
    return _back(programme.id)


@bp.route("/winners/<slug>")
@public
def winners(slug):
    programme = db.session.scalars(select(AwardProgramme).where(AwardProgramme.slug == slug)).first()
    if programme is None or not winners_page_is_public(programme):
        abort(404)  # under embargo the page does not exist, as far as anyone outside can tell
    return render_template("awards/winners.html", programme=programme, winners=winners_of(programme), euros=euros)
