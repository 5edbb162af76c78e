"""Pages of members and organisers alike: the personal link, a group, the shared draft, a block and its versions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.core.access import public
from events.core.downloads import DOCX, file_response
from events.core.form_pages import form_action
from events.documents.sandbox import RenderingFailed
from events.extensions import db
from events.meetings.catalogue import render_description
from events.tandems import bp, rules
from events.tandems.access import remember_member, tandem_member_required
from events.tandems.diffs import diff_html, word_diff
from events.tandems.errors import TandemError
from events.tandems.forms import (
    BlockForm,
    CommentForm,
    MergeForm,
    MinutesForm,
    StateForm,
    SuggestionForm,
    group_admin_forms,
)
from events.tandems.guideline import (
    add_block,
    block_version,
    chapters_with_blocks,
    comment_on_block,
    decide_suggestion,
    draft_outline,
    guideline_text_at,
    guideline_version_in,
    guideline_versions,
    merge_blocks,
    remove_comment,
    save_block,
    set_block_state,
    suggest_change,
)
from events.tandems.meetings import blocks_of_group, record_minutes
from events.tandems.models import LIVE_BLOCK_STATES, BlockState, GuidelineBlock, MemberRole, Phase, SuggestionStatus
from events.tandems.print_jobs import FAILED, READY, WAITING, print_state, request_print, send_print
from events.tandems.printing import guideline_docx
from events.tandems.programmes import member_for_token
from events.tandems.rules import may_add_block

REFUSALS = ("not_allowed", "frozen")  # answered 403; every other refusal is a 400 with the form kept


@bp.context_processor
def _rules_for_templates():
    return {
        "may_edit_block": rules.may_edit_block,
        "may_comment": rules.may_comment,
        "may_suggest": rules.may_suggest,
        "may_decide_suggestion": rules.may_decide_suggestion,
        "may_set_state": rules.may_set_state,
        "may_record_minutes": rules.may_record_minutes,
        "may_remove_comment": rules.may_remove_comment,
        "may_sign_off": rules.may_sign_off,
        "live_states": LIVE_BLOCK_STATES,
        "phase_label": lambda value: Phase(value).label,
        "state_label": lambda value: BlockState(value).label,
        "role_label": lambda value: MemberRole(value).label,
        "suggestion_label": lambda value: SuggestionStatus(value).label,
        "render_markdown": render_description,
    }


@bp.after_request
def _private(response):
    """Every tandem page is for one member or organiser: kept by no cache (a personal link's session, too)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _refuse(error: TandemError):
    if error.code in REFUSALS:
        abort(403)
    flash(error.message, "error")


@bp.route("/link/<token>")
@public
def personal_link(token):
    member = member_for_token(token) or abort(404)
    remember_member(member)
    return redirect(url_for("tandems.group", group_id=member.group_id))


@bp.route("/groups/<int:group_id>")
@tandem_member_required("group")
def group(group, actor):
    forms = group_admin_forms(group) if actor.organiser else {}
    return render_template("tandems/group.html", group=group, actor=actor, programme=group.programme, **forms)


@bp.route("/<int:programme_id>/guideline")
@tandem_member_required("programme")
def guideline(programme, actor):
    return render_template(
        "tandems/guideline.html",
        programme=programme,
        actor=actor,
        chapters=draft_outline(programme),
        state_labels={state.value: state.label for state in BlockState},
        may_add=may_add_block(actor, programme),
        form=BlockForm(),
        group_choices=[(group.id, group.name) for group in programme.groups],
    )


@bp.route("/chapters/<int:chapter_id>/blocks", methods=["POST"])
@tandem_member_required("chapter")
def new_block(chapter, actor):
    form = BlockForm()
    if added := form_action(
        form,
        lambda: add_block(chapter, actor, form.title.data, form.text.data, form.group_id.data),
        lambda block: _("Die Empfehlung „%(title)s“ ist angelegt.", title=block.title),
        invalid=_("Bitte geben Sie Titel und Text der Empfehlung an."),
        refused=_refuse,
    ):
        return redirect(url_for("tandems.block", block_id=added.result.id))
    return redirect(url_for("tandems.guideline", programme_id=chapter.programme_id) + f"#chapter-{chapter.id}")


def _block_page(block: GuidelineBlock, actor, status: int = 200, **forms):
    programme = block.chapter.programme
    forms.setdefault("edit_form", BlockForm(formdata=None, obj=block))
    forms.setdefault("comment_form", CommentForm(formdata=None))
    forms.setdefault("suggestion_form", SuggestionForm(formdata=None, proposal=block.text))
    state_form = StateForm(formdata=None, state=block.state)
    merge_form = MergeForm(formdata=None)
    if actor.editor:  # only organisers and the partner merge; the list names every live block of the programme
        merge_form.into_id.choices = [
            (other.id, f"{other.title} ({other.group.name})")
            for chapter, blocks in chapters_with_blocks(programme, LIVE_BLOCK_STATES)
            for other in blocks
            if other.id != block.id
        ]
    suggestions = [(s, diff_html(word_diff(block.text, s.text))) for s in block.suggestions]
    page = render_template(
        "tandems/block.html",
        block=block,
        actor=actor,
        programme=programme,
        suggestions=suggestions,
        state_form=state_form,
        merge_form=merge_form,
        **forms,
    )
    return page, status


@bp.route("/blocks/<int:block_id>")
@tandem_member_required("block")
def block(block, actor):
    return _block_page(block, actor)


def _back_to(block, anchor: str = ""):
    return redirect(url_for("tandems.block", block_id=block.id) + anchor)


@bp.route("/blocks/<int:block_id>/edit", methods=["POST"])
@tandem_member_required("block")
def edit_block(block, actor):
    form = BlockForm()
    if form_action(
        form,
        lambda: save_block(block, actor, form.title.data, form.text.data),
        lambda version: _("Gespeichert als Fassung %(number)d.", number=version.number),
        refused=_refuse,
    ):
        return _back_to(block)
    return _block_page(block, actor, 400, edit_form=form)


@bp.route("/blocks/<int:block_id>/comments", methods=["POST"])
@tandem_member_required("block")
def comment(block, actor):
    form = CommentForm()
    if form_action(
        form,
        lambda: comment_on_block(block, actor, form.comment.data),
        _("Ihr Kommentar ist gespeichert."),
        refused=_refuse,
    ):
        return _back_to(block, "#comments")
    return _block_page(block, actor, 400, comment_form=form)


@bp.route("/comments/<int:comment_id>/remove", methods=["POST"])
@tandem_member_required("comment")
def remove_a_comment(comment, actor):
    block = comment.block
    try:
        remove_comment(comment, actor)
    except TandemError as error:
        _refuse(error)
    else:
        flash(_("Der Kommentar ist entfernt."), "success")
    return _back_to(block, "#comments")


@bp.route("/blocks/<int:block_id>/suggestions", methods=["POST"])
@tandem_member_required("block")
def suggest(block, actor):
    form = SuggestionForm()
    if form_action(
        form,
        lambda: suggest_change(block, actor, form.proposal.data, form.reason.data),
        _("Ihr Änderungsvorschlag ist gespeichert; die Gruppe entscheidet darüber."),
        refused=_refuse,
    ):
        return _back_to(block, "#suggestions")
    return _block_page(block, actor, 400, suggestion_form=form)


@bp.route("/suggestions/<int:suggestion_id>/decide", methods=["POST"])
@tandem_member_required("suggestion")
def decide(suggestion, actor):
    accept = request.form.get("decision") == "accept"
    try:
        decide_suggestion(suggestion, actor, accept)
    except TandemError as error:
        _refuse(error)
    else:
        flash(_("Der Vorschlag ist übernommen.") if accept else _("Der Vorschlag ist abgelehnt."), "success")
    return _back_to(suggestion.block, "#suggestions")


@bp.route("/blocks/<int:block_id>/state", methods=["POST"])
@tandem_member_required("block")
def change_state(block, actor):
    form = StateForm()
    if form_action(
        form, lambda: set_block_state(block, actor, form.state.data), _("Der Stand ist geändert."), refused=_refuse
    ):
        return _back_to(block)
    return _block_page(block, actor, 400)


@bp.route("/blocks/<int:block_id>/merge", methods=["POST"])
@tandem_member_required("block")
def merge(block, actor):
    into = db.session.get(GuidelineBlock, request.form.get("into_id", type=int) or 0) or abort(404)
    try:
        merge_blocks(block, into, actor)
    except TandemError as error:
        _refuse(error)
        return _back_to(block)
    flash(_("Die Empfehlung ist in „%(title)s“ eingearbeitet.", title=into.title), "success")
    return _back_to(into)


@bp.route("/blocks/<int:block_id>/compare")
@tandem_member_required("block")
def compare_block(block, actor):
    a = request.args.get("a", type=int) or max(block.version - 1, 1)
    b = request.args.get("b", type=int) or block.version
    try:
        old, new = block_version(block, a), block_version(block, b)
    except TandemError:
        abort(404)
    return render_template(
        "tandems/compare.html",
        programme=block.chapter.programme,
        block=block,
        old_label=_("Fassung %(number)d", number=old.number),
        new_label=_("Fassung %(number)d", number=new.number),
        title_diff=diff_html(word_diff(old.title, new.title)),
        diff=diff_html(word_diff(old.text, new.text)),
        choices=[(version.number, version) for version in block.versions],
        a=a,
        b=b,
    )


@bp.route("/<int:programme_id>/compare")
@tandem_member_required("programme")
def compare_guideline(programme, actor):
    versions = guideline_versions(programme)
    if not versions:
        abort(404)
    a = request.args.get("a", type=int) or versions[min(1, len(versions) - 1)].id
    b = request.args.get("b", type=int) or versions[0].id
    if not guideline_version_in(programme, a) or not guideline_version_in(programme, b):
        abort(404)
    return render_template(
        "tandems/compare.html",
        programme=programme,
        block=None,
        old_label=_("Stand nach Änderung %(number)d", number=a),
        new_label=_("Stand nach Änderung %(number)d", number=b),
        title_diff=None,
        diff=diff_html(word_diff(guideline_text_at(programme, a), guideline_text_at(programme, b))),
        choices=[(version.id, version) for version in versions],
        a=a,
        b=b,
    )


@bp.route("/<int:programme_id>/guideline/print", methods=["GET", "POST"])
@tandem_member_required("programme")
def guideline_print(programme, actor):
    """The printed guideline: ask for the PDF of the text as it stands (POST), see whether it is ready (GET)."""
    if request.method == "POST":
        row = request_print(programme)  # None when a newer print replaced it at once: the page tells where it is
        if row is not None and row.status == READY:
            flash(_("Die PDF-Datei ist fertig."), "success")
        elif row is not None and row.status == WAITING:
            flash(_("Die PDF-Datei wird erstellt. Das dauert einige Sekunden."), "success")
        return redirect(url_for("tandems.guideline_print", programme_id=programme.id))
    state = print_state(programme)
    failure = None
    if state.state == FAILED:
        failure = (
            _("Der Leitfaden hat sich während der Erstellung geändert. Bitte erstellen Sie die PDF-Datei neu.")
            if state.failure == "changed"
            else RenderingFailed(state.failure or "failed").message
        )
    return render_template("tandems/print.html", programme=programme, actor=actor, state=state, failure=failure)


@bp.route("/<int:programme_id>/guideline.pdf")
@tandem_member_required("programme")
def guideline_as_pdf(programme, actor):
    """The ready PDF of the guideline as it stands; while there is none, the page that prepares it."""
    response = send_print(programme)
    if response is None:
        return redirect(url_for("tandems.guideline_print", programme_id=programme.id))
    return response


@bp.route("/<int:programme_id>/guideline.docx")
@tandem_member_required("programme")
def guideline_as_docx(programme, actor):
    return file_response(guideline_docx(programme), DOCX, f"leitfaden-{programme.id}.docx")


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@tandem_member_required("meeting")
def minutes(meeting, actor):
    form = MinutesForm(obj=meeting) if request.method == "GET" else MinutesForm()
    if request.method == "GET":
        form.block_ids.data = [block.id for block in meeting.blocks]
    form.block_ids.choices = [(block.id, block.title) for block in blocks_of_group(meeting.group)]
    if form_action(
        form,
        lambda: record_minutes(meeting, actor, form.minutes.data, form.block_ids.data),
        _("Das Protokoll ist gespeichert."),
        refused=_refuse,
    ):
        return redirect(url_for("tandems.group", group_id=meeting.group_id))
    status = 400 if form.is_submitted() else 200
    return render_template("tandems/minutes.html", meeting=meeting, actor=actor, form=form), status
