"""Every mail of the award workflow, queued through the outbox and rendered, in the recipient's language, when sent."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from events.awards.decisions import prize_label, prize_of
from events.awards.links import NOMINEE, PROPOSER, nominee_token, proposer_token
from events.awards.models import DocumentRequest, Nomination, NominationState
from events.awards.prizes import euros
from events.awards.rules import decision_is_released
from events.core.languages import force_language
from events.core.outbox import about, mail_renderer, queue_deferred_mail, render_templated_mail
from events.extensions import db

# notice -> (subject, paragraphs); %(project)s and %(programme)s are filled in
NOTICES = {
    "started": (
        _l("Ihr Vorschlag für %(programme)s ist gespeichert"),
        [
            _l("Ihr Vorschlag „%(project)s“ ist als Entwurf gespeichert."),
            _l("Über Ihren persönlichen Link können Sie ihn bis zum Einsendeschluss ergänzen und dann einreichen."),
        ],
    ),
    "submitted": (
        _l("Eingegangen: %(project)s"),
        [
            _l("Vielen Dank! Ihr Vorschlag „%(project)s“ für %(programme)s ist eingegangen."),
            _l("Wir prüfen nun die Teilnahmebedingungen. Den Stand sehen Sie jederzeit über Ihren persönlichen Link."),
        ],
    ),
    "consent_request": (
        _l("Sie wurden für %(programme)s vorgeschlagen"),
        [
            _l("%(proposer)s hat Ihr Projekt „%(project)s“ für %(programme)s vorgeschlagen."),
            _l(
                "Bitte prüfen und ergänzen Sie die Angaben über Ihren persönlichen Link und stimmen Sie der Teilnahme"
                " zu. Erst danach geht der Vorschlag an die Jury. Wenn Sie nicht teilnehmen möchten, ziehen Sie ihn"
                " dort zurück."
            ),
        ],
    ),
    "proposer_link": (
        _l("Ihr Vorschlag für %(programme)s"),
        [
            _l("Vielen Dank für Ihren Vorschlag „%(project)s“."),
            _l(
                "Wir haben die vorgeschlagene Person um ihre Zustimmung gebeten. Über Ihren Link sehen Sie den Stand"
                " und können Unterstützungsschreiben hochladen."
            ),
        ],
    ),
    "link_again": (
        _l("Ihr neuer Link zu „%(project)s“"),
        [
            _l(
                "Sie haben einen neuen persönlichen Link zu Ihrem Vorschlag „%(project)s“ für %(programme)s"
                " angefordert. Der bisherige Link gilt nicht mehr."
            ),
            _l("Haben Sie ihn nicht selbst angefordert, verwenden Sie ab jetzt einfach diesen Link."),
        ],
    ),
    "corrected": (
        _l("Ihr Vorschlag „%(project)s“ wurde berichtigt"),
        [
            _l(
                "Das Organisationsteam von %(programme)s hat die Angaben zu Ihrem Vorschlag „%(project)s“ berichtigt."
                " Wie er jetzt lautet, sehen Sie über Ihren persönlichen Link."
            ),
        ],
    ),
    "document_request": (
        _l("Bitte ergänzen Sie Ihren Vorschlag „%(project)s“"),
        [_l("Für die Prüfung Ihres Vorschlags „%(project)s“ bitten wir Sie um Folgendes:")],
    ),
    "refusal": (
        _l("Ihr Vorschlag „%(project)s“ kann nicht berücksichtigt werden"),
        [
            _l("Vielen Dank für Ihr Engagement und Ihren Vorschlag „%(project)s“ für %(programme)s."),
            _l("Leider kann er nicht an die Jury gehen, aus folgendem Grund:"),
        ],
    ),
    "winner": (
        _l("Herzlichen Glückwunsch: %(project)s ist ausgezeichnet"),
        [
            _l("Herzlichen Glückwunsch! Die Jury von %(programme)s zeichnet Ihr Projekt „%(project)s“ aus:"),
            _l(
                "Die Einladung zur Preisverleihung erhalten Sie in einer eigenen Nachricht. Bitte behandeln Sie die"
                " Auszeichnung bis zur Preisverleihung vertraulich; danach erscheint sie auf der öffentlichen Seite"
                " der Preisträgerinnen und Preisträger. Das Preisgeld überweisen wir nach der Preisverleihung."
            ),
        ],
    ),
    "not_awarded": (
        _l("%(programme)s: die Entscheidung der Jury"),
        [
            _l("Vielen Dank für Ihre Bewerbung mit „%(project)s“ für %(programme)s."),
            _l(
                "Die Jury hatte unter vielen überzeugenden Projekten zu wählen. Ihr Projekt ist diesmal nicht unter"
                " den ausgezeichneten. Das schmälert den Wert Ihres Engagements nicht: Wir danken Ihnen herzlich"
                " dafür und ermutigen Sie, sich wieder zu bewerben."
            ),
        ],
    ),
}
DECISION_NOTICES = ("winner", "not_awarded")


@mail_renderer("awards")
def render_award_mail(
    nomination_id: int, notice: str, role: str = NOMINEE, request_id: int | None = None, note: str = ""
):
    """Render a notice about a nomination; None when it no longer applies (the nomination is gone or withdrawn)."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.state in (NominationState.WITHDRAWN, NominationState.MERGED):
        return None
    if notice == "refusal" and nomination.state != NominationState.NOT_ELIGIBLE:
        return None
    if notice in DECISION_NOTICES and not decision_is_released(nomination.programme):
        return None  # the embargo: nothing of a decision leaves before it is released
    prize = prize_of(nomination) if notice == "winner" else None
    if notice == "winner" and prize is None:
        return None
    request = db.session.get(DocumentRequest, request_id) if request_id else None
    language = (nomination.proposer_language if role == PROPOSER else nomination.language) or "de"
    token = proposer_token(nomination) if role == PROPOSER else nominee_token(nomination)
    with force_language(language):
        subject, paragraphs = NOTICES[notice]
        values = {
            "project": nomination.project_name,
            "programme": str(nomination.programme),
            "proposer": nomination.proposer_name or "",
        }
        return render_templated_mail(
            "awards/notice",
            subject=str(subject) % values,
            paragraphs=[str(p) % values for p in paragraphs],
            name=nomination.proposer_name if role == PROPOSER else nomination.contact_name,
            reason=nomination.screening_reason if notice == "refusal" else _prize_line(prize) if prize else note,
            request=request,
            personal_url=current_app.config["BASE_URL"] + url_for("awards.personal", token=token),
            reply_to=nomination.programme.contact_email,
        )


def _prize_line(prize) -> str:
    parts = [prize_label(prize)]
    if prize.decision.category_name:
        parts.append(prize.decision.category_name)
    if prize.amount_cents:
        parts.append(euros(prize.amount_cents))
    return " · ".join(parts)


def _send(nomination: Nomination, notice: str, role: str = NOMINEE, **args) -> None:
    db.session.flush()
    recipient = nomination.proposer_email if role == PROPOSER else nomination.contact_email
    queue_deferred_mail(
        recipient,
        "awards",
        topic=f"awards.{notice}",
        about=about("award_nomination", nomination.id),
        nomination_id=nomination.id,
        notice=notice,
        role=role,
        **args,
    )


def send_started(nomination: Nomination) -> None:
    _send(nomination, "started")


def send_submitted(nomination: Nomination) -> None:
    _send(nomination, "submitted")


def send_consent_request(nomination: Nomination) -> None:
    _send(nomination, "consent_request")


def send_proposer_link(nomination: Nomination) -> None:
    _send(nomination, "proposer_link", role=PROPOSER)


def send_link_again(nomination: Nomination, role: str) -> None:
    _send(nomination, "link_again", role=role)


def send_corrected(nomination: Nomination, note: str) -> None:
    _send(nomination, "corrected", note=note)


def send_document_request(nomination: Nomination, request: DocumentRequest) -> None:
    _send(nomination, "document_request", request_id=request.id)


def send_refusal(nomination: Nomination) -> None:
    _send(nomination, "refusal")


def send_decision(nomination: Nomination, won: bool) -> None:
    _send(nomination, "winner" if won else "not_awarded")
