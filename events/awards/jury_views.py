"""The jury's pages: a juror's programmes and list, scoring, conflicts, the shortlist ranking; the chair's
conflict decisions, results and meeting sheet."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events.awards import bp
from events.awards.access import (
    chair_or_organiser_required,
    chair_required,
    jury_member_required,
    jury_nomination_required,
)
from events.awards.documents import document_response
from events.awards.errors import AwardError
from events.awards.forms import ConflictForm, DecisionForm, ranking_form_class, review_form_class
from events.awards.jury import (
    conflict_of,
    conflicts_of_programme,
    decide_suggestion,
    declare_conflict,
    member_list,
    memberships,
    suggest_conflicts,
)
from events.awards.models import (
    ConflictDeclaration,
    ConflictState,
    JuryReview,
    Nomination,
    NominationDocument,
    Score,
)
from events.awards.pdf import render_meeting_sheet
from events.awards.results import decimal_sign, figure_format, results_for_meeting
from events.awards.reviews import (
    mark_shortlist,
    rank_shortlist,
    review_of,
    save_review,
    scores_of,
    shortlist,
    shortlist_is_fixed,
)
from events.awards.rules import (
    covers,
    is_conflicted,
    jury_sees_nominations,
    may_declare_over,
    may_rank_shortlist,
    may_score,
    may_see_other_scores,
    reaches_jury,
)
from events.awards.versions import list_version
from events.core.access import role_required
from events.core.downloads import PDF, file_response
from events.core.pagecache import shared_part
from events.extensions import db
from events.meetings.changes import slugify


@bp.route("/jury/")
@role_required("jury")
def jury_start():
    return render_template("awards/jury/start.html", memberships=memberships(current_user))


@bp.route("/jury/<int:programme_id>")
@jury_member_required
def jury_list(programme, member):
    sees_nominations = jury_sees_nominations(programme)
    entries_html = shared_part(
        f"awards/jury-list/{member.id}/{get_locale()}",
        str(sees_nominations and list_version(member)),
        lambda: render_template(
            "awards/jury/_list_entries.html",
            programme=programme,
            entries=member_list(member) if sees_nominations else [],
            may_declare=lambda entry: entry.conflict is None or may_declare_over(entry.conflict),
        ),
    )
    return render_template(
        "awards/jury/list.html",
        programme=programme,
        member=member,
        entries_html=entries_html,
        sees_nominations=sees_nominations,
        may_rank=may_rank_shortlist(programme),
    )


def _jury_nomination(programme, member, nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.programme_id != programme.id or not reaches_jury(nomination):
        abort(404)
    if not covers(member, nomination):
        abort(403)
    return nomination


@bp.route("/jury/<int:programme_id>/nominations/<int:nomination_id>/conflict", methods=["GET", "POST"])
@jury_member_required
def declare(programme, member, nomination_id):
    """A member declares a conflict (or none) on a nomination, without opening it."""
    nomination = _jury_nomination(programme, member, nomination_id)
    conflict = conflict_of(member, nomination)
    if conflict is not None and not may_declare_over(conflict):
        abort(403)  # the chair's decision or suggestion stands
    form = ConflictForm(obj=conflict)
    if form.validate_on_submit():
        try:
            conflict = declare_conflict(
                member, nomination, ConflictState(form.state.data), form.conflict_type.data or None, form.note.data
            )
        except AwardError as error:
            flash(error.message, "error")
        else:
            flash(_("Ihre Erklärung zu „%(project)s“ ist gespeichert.", project=nomination.project_name), "success")
            if is_conflicted(conflict):
                return redirect(url_for("awards.jury_list", programme_id=programme.id))
            return redirect(url_for("awards.jury_nomination", programme_id=programme.id, nomination_id=nomination.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "awards/jury/conflict.html", programme=programme, nomination=nomination, conflict=conflict, form=form
    ), status


def _other_reviews(member, nomination) -> list[dict]:
    """The other jurors' submitted scores and comments on the nomination (not of conflicted ones)."""
    conflicted = {
        c.jury_member_id
        for c in db.session.scalars(
            select(ConflictDeclaration).where(ConflictDeclaration.nomination_id == nomination.id)
        )
        if is_conflicted(c)
    }
    reviews = db.session.scalars(
        select(JuryReview).where(
            JuryReview.nomination_id == nomination.id,
            JuryReview.jury_member_id != member.id,
            JuryReview.submitted_at.is_not(None),
        )
    ).all()
    values = {}
    for score in db.session.scalars(select(Score).where(Score.nomination_id == nomination.id)):
        values.setdefault(score.jury_member_id, {})[score.criterion_id] = score.value
    return [
        {"name": r.member.name, "review": r, "values": values.get(r.jury_member_id, {})}
        for r in reviews
        if r.jury_member_id not in conflicted
    ]


@bp.route("/jury/<int:programme_id>/nominations/<int:nomination_id>", methods=["GET", "POST"])
@jury_nomination_required
def jury_nomination(programme, member, nomination):
    review = review_of(member, nomination)
    form = review_form_class(programme.criteria)(obj=review)
    if not form.is_submitted():
        for criterion_id, value in scores_of(member, nomination).items():
            form[f"c{criterion_id}"].data = str(value)
    status = 200
    if form.validate_on_submit():
        values = {c.id: int(form[f"c{c.id}"].data) if form[f"c{c.id}"].data else None for c in programme.criteria}
        try:
            save_review(
                member,
                nomination,
                values,
                comment=form.comment.data or "",
                abstained=form.abstained.data,
                abstain_reason=form.abstain_reason.data or "",
                submit=request.form.get("action") == "submit",
            )
        except AwardError as error:
            flash(error.message, "error")
            status = 400
        else:
            flash(_("Ihre Bewertung ist gespeichert."), "success")
            return redirect(url_for("awards.jury_nomination", programme_id=programme.id, nomination_id=nomination.id))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "awards/jury/nomination.html",
            programme=programme,
            member=member,
            nomination=nomination,
            review=review,
            form=form,
            may_score=may_score(member, nomination, conflict_of(member, nomination), programme),
            others=_other_reviews(member, nomination) if may_see_other_scores(review) else None,
            criteria={c.id: c for c in programme.criteria},
        ),
        status,
    )


@bp.route("/jury/<int:programme_id>/documents/<int:document_id>/<filename>")
@jury_member_required
def jury_document(programme, member, document_id, filename):
    document = db.session.get(NominationDocument, document_id) or abort(404)
    nomination = _jury_nomination(programme, member, document.nomination_id)
    if is_conflicted(conflict_of(member, nomination)):
        abort(403)
    return document_response(document, filename)


@bp.route("/jury/<int:programme_id>/ranking", methods=["GET", "POST"])
@jury_member_required
def ranking(programme, member):
    listed = [n for n in shortlist(programme) if not is_conflicted(conflict_of(member, n)) and covers(member, n)]
    form = ranking_form_class(listed)()
    if not form.is_submitted():
        for nomination in listed:
            review = review_of(member, nomination)
            form[f"n{nomination.id}"].data = review.shortlist_rank if review else None
    status = 200
    if form.validate_on_submit():
        try:
            rank_shortlist(member, {n.id: form[f"n{n.id}"].data for n in listed})
        except AwardError as error:
            flash(error.message, "error")
            status = 400
        else:
            flash(_("Ihre Rangfolge ist gespeichert."), "success")
            return redirect(url_for("awards.ranking", programme_id=programme.id))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "awards/jury/ranking.html",
            programme=programme,
            form=form,
            listed=listed,
            may_rank=may_rank_shortlist(programme),
        ),
        status,
    )


@bp.route("/jury/<int:programme_id>/conflicts")
@chair_required
def conflicts(programme, member):
    return render_template(
        "awards/jury/conflicts.html",
        programme=programme,
        conflicts=conflicts_of_programme(programme),
        decision_form=DecisionForm(),
    )


@bp.route("/jury/<int:programme_id>/conflicts/suggest", methods=["POST"])
@chair_required
def suggest(programme, member):
    added = suggest_conflicts(programme)
    flash(_("%(count)d mögliche Konflikte gefunden.", count=added), "success")
    return redirect(url_for("awards.conflicts", programme_id=programme.id))


@bp.route("/jury/<int:programme_id>/conflicts/<int:conflict_id>", methods=["POST"])
@chair_required
def decide(programme, member, conflict_id):
    conflict = db.session.get(ConflictDeclaration, conflict_id)
    if conflict is None or conflict.member.programme_id != programme.id:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie: bestätigen oder verwerfen."), "error")
        return redirect(url_for("awards.conflicts", programme_id=programme.id))
    try:
        decide_suggestion(conflict, form.decision.data == "confirm", current_user)
    except AwardError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Entscheidung ist festgehalten."), "success")
    return redirect(url_for("awards.conflicts", programme_id=programme.id))


@bp.route("/jury/<int:programme_id>/results")
@chair_or_organiser_required
def results(programme):
    figures, proposal, frozen = results_for_meeting(programme)
    shortlist_open = not shortlist_is_fixed(programme)
    rows_html = shared_part(
        f"awards/results/{programme.id}/{get_locale()}",
        f"{shortlist_open}/{figures['version']}",
        lambda: render_template(
            "awards/jury/_results_rows.html",
            programme=programme,
            results=figures,
            shortlist_open=shortlist_open,
            num=figure_format(decimal_sign()),
        ),
    )
    return render_template(
        "awards/jury/results.html",
        programme=programme,
        results=figures,
        rows_html=rows_html,
        proposal=proposal,
        frozen=frozen,
    )


@bp.route("/jury/<int:programme_id>/results/<int:nomination_id>/<any(on, off):mark>", methods=["POST"])
@chair_or_organiser_required
def mark(programme, nomination_id, mark):
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.programme_id != programme.id:
        abort(404)
    try:
        mark_shortlist(nomination, mark == "on")
    except AwardError as error:
        flash(error.message, "error")
    return redirect(url_for("awards.results", programme_id=programme.id) + f"#n{nomination.id}")


@bp.route("/jury/<int:programme_id>/meeting-sheet.pdf")
@chair_or_organiser_required
def meeting_sheet(programme):
    return file_response(render_meeting_sheet(programme), PDF, f"{slugify(str(programme))}-sitzung.pdf", inline=True)
