from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from events.accounts import bp
from events.accounts.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from events.accounts.service import (
    INVITE_SALT,
    AccountError,
    authenticate,
    change_password,
    send_password_reset,
    user_from_password_token,
)
from events.core.access import public, signed_in
from events.core.redirects import safe_next_url
from events.extensions import limiter


def _login_key() -> str:
    return f"{request.remote_addr}|{(request.form.get('email') or '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_key,
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.start"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("Willkommen, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("pages.start"))
        form.password.errors.append(_("E-Mail-Adresse oder Passwort ist falsch."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    logout_user()
    flash(_("Sie haben sich abgemeldet."), "success")
    return redirect(url_for("pages.start"))


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
    form = NewPasswordForm()
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
