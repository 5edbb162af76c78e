from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from events.core.access import role_required
from events.core.mailer import deliver_queue_now
from events.core.models import MailStatus, OutgoingMail
from events.core.secret_links import hide_secret_links
from events.extensions import db
from events.mail import bp


@bp.route("/")
@role_required("organiser")
def sent():
    status = request.args.get("status", "")
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if status in MailStatus.labels():
        query = query.where(OutgoingMail.status == status)
    pagination = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("mail/list.html", pagination=pagination, status=status)


@bp.route("/<int:mail_id>")
@role_required("organiser")
def show(mail_id):
    mail = db.session.get(OutgoingMail, mail_id) or abort(404)
    body = hide_secret_links(mail.body_text) if mail.body_text is not None else None
    return render_template("mail/show.html", mail=mail, body=body)


@bp.route("/send-now", methods=["POST"])
@role_required("organiser")
def send_now():
    deliver_queue_now()
    flash(
        _("Alle wartenden E-Mails werden jetzt versandt; der Stand erscheint hier in wenigen Augenblicken."), "success"
    )
    return redirect(url_for("mail.sent"))
