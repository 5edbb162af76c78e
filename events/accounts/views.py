from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from events.accounts import bp
from events.accounts.forms import EndOtherSessionsForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from events.accounts.service import (
    INVITE_SALT,
    AccountError,
    authenticate,
    change_password,
    send_password_reset,
    user_from_password_token,
)
from events.accounts.sessions import (
    SESSION_KEY,
    current_session_token,
    end_session,
    open_session,
    open_sessions_of,
    sign_out_other_sessions,
)
from events.accounts.throttling import login_limits
from events.core.access import public, signed_in
from events.core.redirects import safe_next_url
from events.extensions import limiter


@bp.route("/login", methods=["GET", "POST"])
@public
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.start"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            # a new session: whatever the browser carried before (a planted cookie, say) opens nothing now
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            login_user(user)
            session[SESSION_KEY] = open_session(user)
            flash(_("Willkommen, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("pages.start"))
        form.password.errors.append(_("E-Mail-Adresse oder Passwort ist falsch."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    end_session(current_session_token())
    logout_user()
    session.pop(SESSION_KEY, None)
    flash(_("Sie haben sich abgemeldet."), "success")
    return redirect(url_for("pages.start"))


@bp.route("/sessions", methods=["GET", "POST"])
@signed_in
def sessions():
    form = EndOtherSessionsForm()
    if form.validate_on_submit():
        ended = sign_out_other_sessions(current_user, current_session_token())
        flash(ngettext("%(num)d andere Sitzung beendet.", "%(num)d andere Sitzungen beendet.", ended), "success")
        return redirect(url_for("accounts.sessions"))
    return render_template("accounts/sessions.html", form=form, sessions=open_sessions_of(current_user))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data)
        flash(
            _("Wenn die Adresse zu einem Konto gehört, ist ein Link zum Zurücksetzen unterwegs. Er gilt eine Stunde."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


def _set_password_page(token: str, salt: str, title: str):
    try:
        user = user_from_password_token(token, salt)
    except AccountError as error:
        message = (
            _("Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an.")
            if str(error) == "expired"
            else _("Dieser Link ist ungültig oder wurde schon benutzt.")
        )
        return render_template("accounts/link_invalid.html", message=message), 400
    form = NewPasswordForm(own_inputs=(user.email, user.display_name))
    if form.validate_on_submit():
        change_password(user, form.password.data)
        flash(_("Ihr Passwort ist gespeichert. Sie können sich jetzt anmelden."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, title=title, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    return _set_password_page(token, "password-reset", _("Neues Passwort festlegen"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    return _set_password_page(token, INVITE_SALT, _("Einladung annehmen"))
