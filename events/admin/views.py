from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from events.accounts.errors import AccountError
from events.admin import bp
from events.admin.audit_labels import audit_labels
from events.admin.forms import EditUserForm, InviteUserForm
from events.admin.service import audit_page, change_roles, create_and_invite_user, invite_again, list_users
from events.core.access import role_required
from events.core.models import Role, User
from events.extensions import db


@bp.route("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=list_users(), role_labels=Role.labels())


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required("admin")
def invite_user():
    form = InviteUserForm()
    if form.validate_on_submit():
        try:
            user = create_and_invite_user(form.email.data, form.display_name.data, form.roles.data)
        except AccountError as error:
            form.email.errors.append(error.message)
        else:
            flash(_("Die Einladung an %(email)s ist unterwegs.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=None if request.method == "POST" else user, data={"roles": sorted(user.roles)})
    if request.method == "GET":
        form.active.data = user.active
    if form.validate_on_submit():
        was_active = user.active
        try:
            change_roles(user, form.roles.data, form.active.data)
        except AccountError as error:
            (form.active if "admin" in form.roles.data else form.roles).errors.append(error.message)
            user = db.session.get(User, user_id)
        else:
            if was_active and not user.active:
                flash(_("Das Konto von %(name)s ist deaktiviert.", name=user.display_name), "success")
            elif user.active and not was_active:
                flash(_("Das Konto von %(name)s ist wieder aktiv.", name=user.display_name), "success")
            else:
                flash(_("Die Rollen von %(name)s sind gespeichert.", name=user.display_name), "success")
            # an admin who gave up their own admin role (or account) can no longer open the user list
            if not current_user.is_authenticated or not current_user.has_role("admin"):
                return redirect(url_for("pages.start"))
            return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/edit_user.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/resend", methods=["POST"])
@role_required("admin")
def resend_invitation(user_id):
    user = db.session.get(User, user_id) or abort(404)
    try:
        invite_again(user)
    except AccountError as error:
        flash(error.message, "warning")
    else:
        flash(_("Die Einladung an %(email)s wurde erneut verschickt.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@role_required("admin")
def audit_log():
    page = request.args.get("page", 1, type=int)
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip()[:100]
    return render_template(
        "admin/audit.html", pagination=audit_page(page, action, actor), action=action, actor=actor, **audit_labels()
    )
