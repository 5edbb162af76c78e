"""Decisions, the announcement under embargo, the decision record and the award certificates, as stories: the chair
records, the organisers release, winners and the others hear in their language, the public page appears at its
time, and certificates verify only once the decision is out."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from events.awards.decision_models import AwardDecision, Prize
from events.awards.decisions import record_decision, winners_of
from events.awards.errors import AwardError
from events.awards.models import AwardProgramme, Nomination, NominationState
from events.awards.prizes import Entry
from events.awards.signals import decision_released
from events.certificates.models import Certificate
from events.core.models import AuditEntry, OutgoingMail, User
from events.core.types import utcnow
from events.extensions import db

FIXED = [250_000, 150_000, 100_000]


@pytest.fixture
def jury_meeting(app, make_programme, make_nomination, make_juror, give_scores):
    """A programme with 2,500 / 1,500 / 1,000 EUR for the places (budget 5,000 EUR), a chair and three jurors who
    scored four admitted nominations (Sprachcafé best, then Fahrradwerkstatt and Lesepaten equal on the mean,
    Lesepaten with the higher median), one submitted nomination and one not admitted."""

    def make(**settings):
        programme = make_programme()
        with app.app_context():
            row = db.session.get(AwardProgramme, programme.id)
            row.prize_mode = settings.get("mode", "fixed")
            row.place_amounts = settings.get("amounts", FIXED)
            row.budget_cents = settings.get("budget", 500_000)
            db.session.commit()
        chair = make_juror(programme, is_chair=True)
        jurors = [make_juror(programme) for _ in range(3)]
        names = ["Sprachcafé am Bahnhof", "Fahrradwerkstatt für alle", "Lesepaten Straubing", "Nähwerkstatt"]
        languages = ["de", "en", "de", "de"]
        made = [
            make_nomination(programme, project_name=n, language=lang) for n, lang in zip(names, languages, strict=True)
        ]
        totals = {0: [5, 5, 4], 1: [2, 4, 3], 2: [1, 4, 4], 3: [1, 1, 2]}
        for index, values in totals.items():
            for juror, value in zip(jurors, values, strict=True):
                give_scores(juror, made[index], [value, value, 0])
        submitted = make_nomination(programme, project_name="Elterncafé", state=NominationState.SUBMITTED)
        refused = make_nomination(programme, project_name="Chor", state=NominationState.NOT_ELIGIBLE)
        return programme, chair, made, submitted, refused

    return make


def _decide(app, programme, chair, nominations, entries=None):
    entries = entries or [
        Entry(nominations[0].id, "place", place=1, laudation="Ein Ort, an dem Sprache wächst."),
        Entry(nominations[2].id, "place", place=2, laudation="Lesen verbindet Generationen."),
        Entry(nominations[1].id, "place", place=3, laudation="Mobil und gemeinsam."),
    ]
    with app.test_request_context():
        programme = db.session.get(AwardProgramme, programme.id)
        return record_decision(programme, None, entries, [chair.id], db.session.get(User, chair.user.id)).id


def _decision_form(nominations, **lines) -> dict:
    data = {"present": []}
    for index, (kind, place, laudation) in lines.items():
        nomination = nominations[int(index[1:])]
        data |= {f"k{nomination.id}": kind, f"p{nomination.id}": place, f"l{nomination.id}": laudation}
    return data


def test_the_chair_records_places_and_the_money_follows_the_programme(app, client, jury_meeting, as_juror):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    as_juror(chair)
    page = client.get(f"/awards/jury/{programme.id}/decisions/0")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # the order of the jury, the tie between Fahrradwerkstatt and Lesepaten broken by the higher median, visibly
    listed = text[text.index("<fieldset") :]
    assert (
        listed.index("Sprachcafé am Bahnhof") < listed.index("Lesepaten Straubing") < listed.index("Fahrradwerkstatt")
    )
    assert (
        "Gleichstand: „Lesepaten Straubing“ vor „Fahrradwerkstatt für alle“ – entschieden nach dem höheren Median"
        in text
    )
    form = _decision_form(
        nominations,
        n0=("place", "1", "Ein Ort, an dem Sprache wächst."),
        n2=("place", "2", "Lesen verbindet Generationen."),
        n1=("place", "2", "Mobil und gemeinsam."),
    )
    form["present"] = [str(chair.id)]
    response = client.post(f"/awards/jury/{programme.id}/decisions/0", data=form, follow_redirects=True)
    assert "Die Entscheidung ist festgehalten." in response.get_data(as_text=True)
    again = client.get(f"/awards/jury/{programme.id}/decisions/0").get_data(as_text=True)
    assert 'value="Lesen verbindet Generationen."' in again  # the chair corrects what was recorded, until released
    with app.app_context():
        decision = db.session.scalars(select(AwardDecision)).one()
        amounts = {p.nomination.project_name: (p.place, p.amount_cents) for p in decision.prizes}
        assert amounts == {
            "Sprachcafé am Bahnhof": (1, 250_000),
            "Lesepaten Straubing": (2, 125_000),  # the shared 2nd place pools the 2nd and 3rd amounts
            "Fahrradwerkstatt für alle": (2, 125_000),
        }
        assert decision.present == [chair.user.display_name]
        assert decision.decided_by_name == chair.user.display_name
        assert any("höheren Median" in line for line in decision.tie_breaks)
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "award_decision.record")).one()


def test_a_decision_beyond_the_budget_is_refused_and_nothing_is_written(app, client, jury_meeting, as_juror):
    programme, chair, nominations, _submitted, _refused = jury_meeting(budget=400_000)
    as_juror(chair)
    form = _decision_form(
        nominations, n0=("place", "1", "Sehr gut."), n1=("place", "2", "Gut."), n2=("place", "3", "Auch gut.")
    )
    response = client.post(f"/awards/jury/{programme.id}/decisions/0", data=form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "übersteigen das Budget der Ausschreibung (4.000 €)" in text
    assert 'value="Sehr gut."' in text  # what was typed stays
    with app.app_context():
        assert db.session.scalars(select(AwardDecision)).all() == []


def test_a_budget_is_split_among_the_winners_next_to_a_special_prize(app, jury_meeting):
    programme, chair, nominations, _submitted, _refused = jury_meeting(mode="budget", amounts=[3, 2, 1], budget=650_000)
    _decide(
        app,
        programme,
        chair,
        nominations,
        [
            Entry(nominations[0].id, "place", place=1, laudation="a"),
            Entry(nominations[1].id, "place", place=2, laudation="b"),
            Entry(nominations[2].id, "place", place=3, laudation="c"),
            Entry(nominations[3].id, "special", amount_cents=50_000, laudation="Eine Person, ein Leben lang."),
        ],
    )
    with app.app_context():
        paid = {p.nomination.project_name: p.amount_cents for p in db.session.scalars(select(Prize))}
    assert paid == {
        "Sprachcafé am Bahnhof": 300_000,
        "Fahrradwerkstatt für alle": 200_000,
        "Lesepaten Straubing": 100_000,
        "Nähwerkstatt": 50_000,
    }


def test_a_nomination_not_admitted_cannot_win(app, jury_meeting):
    programme, chair, nominations, submitted, _refused = jury_meeting()
    with pytest.raises(AwardError) as refused:
        _decide(app, programme, chair, nominations, [Entry(submitted.id, "place", place=1, laudation="x")])
    assert refused.value.code == "not_candidate"


def _decision_mails(app):
    with app.app_context():
        return db.session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.topic.in_(["awards.winner", "awards.not_awarded"]))
            .order_by(OutgoingMail.id)
        ).all()


def test_before_the_release_nobody_outside_jury_and_organisers_sees_the_decision(
    app, client, jury_meeting, login, account
):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    assert client.get(f"/awards/winners/{programme.slug}").status_code == 404
    personal = client.get(f"/awards/me/{nominations[0].token}").get_data(as_text=True)
    assert "Entscheidung der Jury" not in personal and "ausgezeichnet" not in personal
    assert _decision_mails(app) == []
    login(account("organiser"))
    assert "Sprachcafé am Bahnhof" in client.get(f"/awards/jury/{programme.id}/decisions").get_data(as_text=True)


def test_the_release_tells_everyone_in_their_language_and_the_winners_page_appears_at_its_time(
    app, client, jury_meeting, login, account
):
    programme, chair, nominations, submitted, refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    told = []

    def receiver(sender):
        with db.engine.connect() as connection:  # another connection sees the release: it is committed
            released = connection.scalar(
                select(AwardProgramme.decision_released_at).where(AwardProgramme.id == programme.id)
            )
        told.append((sender.id, released is not None))

    decision_released.connect(receiver)
    try:
        login(account("organiser"))
        later = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(
            f"/awards/manage/{programme.id}/decision/release", data={"winners_public_at": later}, follow_redirects=True
        )
    finally:
        decision_released.disconnect(receiver)
    assert "3 Mails an Ausgezeichnete und 2 an die übrigen" in response.get_data(as_text=True)
    assert told == [(programme.id, True)]
    from events.core.mailer import deliver_queue_now

    with app.test_request_context():
        deliver_queue_now()
    mails = {m.recipient: m for m in _decision_mails(app)}
    with app.app_context():
        by_id = {n.id: n for n in db.session.scalars(select(Nomination))}
    winner_de, winner_en = by_id[nominations[0].id], by_id[nominations[1].id]
    assert mails[winner_de.contact_email].subject.startswith("Herzlichen Glückwunsch")
    assert "1. Platz · 2.500 €" in mails[winner_de.contact_email].body_text
    assert "Einladung zur Preisverleihung" in mails[winner_de.contact_email].body_text
    assert mails[winner_en.contact_email].subject.startswith("Congratulations")
    assert "nicht unter" in mails[by_id[nominations[3].id].contact_email].body_text
    assert by_id[submitted.id].contact_email in mails  # submitted and not winning: a respectful no
    assert by_id[refused.id].contact_email not in mails  # told in the screening's own batch
    # released, but the page waits for its time; the personal link now tells
    client.post("/accounts/logout")
    assert client.get(f"/awards/winners/{programme.slug}").status_code == 404
    assert "1. Platz" in client.get(f"/awards/me/{nominations[0].token}").get_data(as_text=True)
    with app.app_context():
        db.session.get(AwardProgramme, programme.id).winners_public_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.get(f"/awards/winners/{programme.slug}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sprachcafé am Bahnhof" in text and "Ein Ort, an dem Sprache wächst." in text and "2.500 €" in text
    assert "Nähwerkstatt" not in text


def test_a_released_decision_cannot_be_changed(app, client, jury_meeting, login, account):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))
    client.post(f"/awards/manage/{programme.id}/decision/release", data={"winners_public_at": "2030-01-01T20:00"})
    with pytest.raises(AwardError) as refused:
        _decide(app, programme, chair, nominations)
    assert refused.value.code == "decision_released"


def test_the_decision_record_is_rendered_in_the_background_and_holds_names_and_figures(
    app, client, jury_meeting, login, account
):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))
    assert client.get(f"/awards/jury/{programme.id}/decision-record.pdf").status_code == 302  # none yet
    client.post(f"/awards/jury/{programme.id}/decision-record")  # the task runs where it is queued in tests
    response = client.get(f"/awards/jury/{programme.id}/decision-record.pdf")
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", " ", text)
    assert "Entscheidungsprotokoll" in text
    for expected in ("Sprachcafé am Bahnhof", "Lesepaten Straubing", "2.500 €", "1.500 €", "1.000 €", "5.000 €"):
        assert expected in text
    assert chair.user.display_name in text and "Vorsitz" in text
    assert "Wirkung: Gewicht 2" in text
    assert "höheren Median" in text


def test_a_record_made_before_a_decision_changed_says_it_is_out_of_date_until_made_anew(
    app, client, jury_meeting, login, account
):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))
    client.post(f"/awards/jury/{programme.id}/decision-record")  # the task runs where it is queued in tests
    page = client.get(f"/awards/jury/{programme.id}/decisions").get_data(as_text=True)
    assert "Entscheidungsprotokoll (PDF)" in page and "nicht mehr aktuell" not in page

    _decide(  # the chair corrects the decision: Lesepaten and Fahrradwerkstatt change places
        app,
        programme,
        chair,
        nominations,
        [
            Entry(nominations[0].id, "place", place=1, laudation="Ein Ort, an dem Sprache wächst."),
            Entry(nominations[1].id, "place", place=2, laudation="Mobil und gemeinsam."),
            Entry(nominations[2].id, "place", place=3, laudation="Lesen verbindet Generationen."),
        ],
    )
    page = client.get(f"/awards/jury/{programme.id}/decisions").get_data(as_text=True)
    assert "Das Protokoll ist nicht mehr aktuell" in page
    assert "Veraltetes Entscheidungsprotokoll vom" in page and "Protokoll neu erstellen" in page
    old = client.get(f"/awards/jury/{programme.id}/decision-record.pdf")
    assert old.mimetype == "application/pdf" and re.search(
        r"Entscheidungsprotokoll-.*-\d{4}-\d\d-\d\d\.pdf", old.headers["Content-Disposition"]
    )

    client.post(f"/awards/jury/{programme.id}/decision-record")
    page = client.get(f"/awards/jury/{programme.id}/decisions").get_data(as_text=True)
    assert "nicht mehr aktuell" not in page and "Veraltet" not in page
    client.post(  # new prize money before the release: the record's amounts no longer hold
        f"/awards/manage/{programme.id}/prize-settings",
        data={"prize_mode": "fixed", "amounts": "2000 / 1500 / 1000", "tie_break_rule": "median_chair"},
    )
    assert "nicht mehr aktuell" in client.get(f"/awards/jury/{programme.id}/decisions").get_data(as_text=True)


def test_certificates_come_only_after_the_release_and_verify_only_while_it_stands(
    app, client, jury_meeting, login, account
):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))
    response = client.post(f"/awards/manage/{programme.id}/certificates", follow_redirects=True)
    assert "erst, wenn die Entscheidung bekanntgegeben ist" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Certificate)).all() == []
    client.post(f"/awards/manage/{programme.id}/decision/release", data={"winners_public_at": "2030-01-01T20:00"})
    client.post(f"/awards/manage/{programme.id}/certificates")
    again = client.post(f"/awards/manage/{programme.id}/certificates", follow_redirects=True)
    assert "bereits" in again.get_data(as_text=True)  # nobody gets two
    with app.app_context():
        certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
        prizes = [c for c in certificates if c.kind == "award_prize"]
        thanks = [c for c in certificates if c.kind == "jury_thanks"]
        assert len(prizes) == 3 and len(thanks) == 4
        first = next(c for c in prizes if "Sprachcafé am Bahnhof" in c.body)
        assert "1. Platz" in first.body and "Ein Ort, an dem Sprache wächst." in first.body
        assert "2.500 €" in first.body
        code = first.code
    client.post("/accounts/logout")
    assert "Gültig" in client.get(f"/certificates/v/{code}").get_data(as_text=True)
    with app.app_context():  # were the release ever taken back, the certificate would stop verifying
        db.session.get(AwardProgramme, programme.id).decision_released_at = None
        db.session.commit()
    assert client.get(f"/certificates/v/{code}").status_code == 404


def test_winners_of_gives_the_ceremony_what_it_needs(app, jury_meeting):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    with app.test_request_context():
        winners = winners_of(db.session.get(AwardProgramme, programme.id))
    assert [(w.prize_label, w.place, w.amount_cents) for w in winners] == [
        ("1. Platz", 1, 250_000),
        ("2. Platz", 2, 150_000),
        ("3. Platz", 3, 100_000),
    ]
    assert winners[0].person.organisation == "Helferkreis Miteinander e. V."
    assert winners[1].person.language == "de" and winners[2].person.language == "en"
    assert winners[0].laudation == "Ein Ort, an dem Sprache wächst."


def _scored_in_categories(app, programme, juror, make_nomination, give_scores, lines) -> dict:
    """A nomination per (project name, category id), scored alike by the juror; by project name."""
    made = {}
    for name, category in lines:
        nomination = make_nomination(programme, project_name=name)
        with app.app_context():
            db.session.get(Nomination, nomination.id).category_id = category
            db.session.commit()
        give_scores(juror, nomination, [4, 4, 1])
        made[name] = nomination
    return made


def test_each_category_decides_its_own_and_together_they_stay_within_the_budget(
    app, client, make_programme, make_nomination, make_juror, give_scores, as_juror
):
    programme = make_programme(categories=["Ehrenamt", "Projekte"])
    chair = make_juror(programme, is_chair=True)
    juror = make_juror(programme)
    with app.app_context():
        row = db.session.get(AwardProgramme, programme.id)
        row.place_amounts, row.budget_cents = [250_000], 400_000
        volunteer, project = (c.id for c in row.categories)
        db.session.commit()
    lines = [("Frau Yilmaz", volunteer), ("Sprachcafé", project), ("Lesepaten", project)]
    made = _scored_in_categories(app, programme, juror, make_nomination, give_scores, lines)
    as_juror(chair)
    page = client.get(f"/awards/jury/{programme.id}/decisions/{volunteer}").get_data(as_text=True)
    assert "Frau Yilmaz" in page and "Sprachcafé" not in page
    first = {
        f"k{made['Frau Yilmaz'].id}": "place",
        f"p{made['Frau Yilmaz'].id}": "1",
        f"l{made['Frau Yilmaz'].id}": "Seit 20 Jahren da.",
    }
    assert client.post(f"/awards/jury/{programme.id}/decisions/{volunteer}", data=first).status_code == 302
    second = {
        f"k{made['Sprachcafé'].id}": "place",
        f"p{made['Sprachcafé'].id}": "1",
        f"l{made['Sprachcafé'].id}": "Jeden Donnerstag.",
    }
    refused = client.post(f"/awards/jury/{programme.id}/decisions/{project}", data=second)
    assert refused.status_code == 400  # 2,500 + 2,500 EUR beyond the 4,000 EUR budget
    assert "übersteigen das Budget" in refused.get_data(as_text=True)
    assert client.get(f"/awards/jury/{programme.id}/decisions/999999").status_code == 404
    with app.test_request_context():
        winners = winners_of(db.session.get(AwardProgramme, programme.id))
    assert [(w.category_name, w.project) for w in winners] == [("Ehrenamt", "Frau Yilmaz")]


def test_the_release_waits_until_every_category_is_decided(
    app, client, make_programme, make_nomination, make_juror, give_scores, login, account
):
    programme = make_programme(categories=["Ehrenamt", "Projekte"])
    chair = make_juror(programme, is_chair=True)
    juror = make_juror(programme)
    with app.app_context():
        volunteer, project = (c.id for c in db.session.get(AwardProgramme, programme.id).categories)
    lines = [("Frau Yilmaz", volunteer), ("Sprachcafé", project)]
    made = _scored_in_categories(app, programme, juror, make_nomination, give_scores, lines)
    with app.test_request_context():
        row = db.session.get(AwardProgramme, programme.id)
        record_decision(
            row,
            next(c for c in row.categories if c.id == volunteer),
            [Entry(made["Frau Yilmaz"].id, "place", place=1, laudation="Seit 20 Jahren da.")],
            [chair.id],
            db.session.get(User, chair.user.id),
        )
    login(account("organiser"))
    response = client.post(
        f"/awards/manage/{programme.id}/decision/release",
        data={"winners_public_at": "2030-01-01T20:00"},
        follow_redirects=True,
    )
    assert "In „Projekte“ fehlt noch die Entscheidung der Jury" in response.get_data(as_text=True)
    assert _decision_mails(app) == []  # the Sprachcafé is not told "no" before its category is decided
    with app.app_context():
        assert db.session.get(AwardProgramme, programme.id).decision_released_at is None


def test_prize_settings_beyond_any_prize_are_refused_not_saved(app, client, jury_meeting, as_juror, login, account):
    programme, chair, nominations, _submitted, _refused = jury_meeting(budget=None)
    login(account("organiser"))
    response = client.post(
        f"/awards/manage/{programme.id}/prize-settings",
        data={"prize_mode": "fixed", "amounts": "99999999999999999999 / 1500", "tie_break_rule": "median_chair"},
        follow_redirects=True,
    )
    assert "Ein Betrag oder Anteil je Platz kann höchstens 1.000.000 € sein." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AwardProgramme, programme.id).place_amounts == FIXED
    client.post("/accounts/logout")
    as_juror(chair)  # the chair's decision is computed with the amounts as they were: no server error
    form = _decision_form(nominations, n0=("place", "1", "Ein Ort, an dem Sprache wächst."))
    assert client.post(f"/awards/jury/{programme.id}/decisions/0", data=form).status_code == 302


def test_changed_prize_settings_reprice_the_recorded_decision_or_are_refused(app, client, jury_meeting, login, account):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))

    def paid():
        with app.app_context():
            return sorted(p.amount_cents for p in db.session.scalars(select(Prize)))

    settings = {"prize_mode": "fixed", "amounts": "2000 / 1500 / 1000", "tie_break_rule": "median_chair"}
    response = client.post(f"/awards/manage/{programme.id}/prize-settings", data=settings, follow_redirects=True)
    assert "Preisgeld und Regel bei Gleichstand sind gespeichert." in response.get_data(as_text=True)
    assert paid() == [100_000, 150_000, 200_000]  # the winners are told what the settings now say
    settings["amounts"] = "3000 / 2000 / 1000"  # 6,000 EUR beyond the 5,000 EUR budget
    response = client.post(f"/awards/manage/{programme.id}/prize-settings", data=settings, follow_redirects=True)
    assert "übersteigen das Budget" in response.get_data(as_text=True)
    assert paid() == [100_000, 150_000, 200_000]
    with app.app_context():
        assert db.session.get(AwardProgramme, programme.id).place_amounts == [200_000, 150_000, 100_000]


def test_a_new_budget_splits_the_recorded_decision_anew_or_is_refused_when_it_does_not_fit(app, jury_meeting):
    from events.awards.programmes import update_programme

    def paid():
        return sorted(p.amount_cents for p in db.session.scalars(select(Prize)))

    programme, chair, nominations, _submitted, _refused = jury_meeting(mode="budget", amounts=[3, 2, 1], budget=600_000)
    _decide(app, programme, chair, nominations)
    with app.test_request_context():
        update_programme(db.session.get(AwardProgramme, programme.id), {"budget_cents": 900_000})
        assert paid() == [150_000, 300_000, 450_000]  # 9,000 EUR as 3 : 2 : 1


def test_a_budget_below_the_recorded_fixed_amounts_is_refused(app, jury_meeting):
    from events.awards.programmes import update_programme

    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations)  # 2,500 + 1,500 + 1,000 EUR
    with app.test_request_context():
        with pytest.raises(AwardError) as refused:
            update_programme(db.session.get(AwardProgramme, programme.id), {"budget_cents": 400_000})
        assert refused.value.code == "budget_exceeded"
        assert db.session.get(AwardProgramme, programme.id).budget_cents == 500_000


def test_a_special_prize_without_money_shows_again_in_the_chairs_form(app, client, jury_meeting, as_juror):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(
        app,
        programme,
        chair,
        nominations,
        [
            Entry(nominations[0].id, "place", place=1, laudation="Ein Ort, an dem Sprache wächst."),
            Entry(nominations[3].id, "special", laudation="Mit Herz und Hand."),  # an honour without money
        ],
    )
    as_juror(chair)
    page = client.get(f"/awards/jury/{programme.id}/decisions/0")
    assert page.status_code == 200
    assert 'value="Mit Herz und Hand."' in page.get_data(as_text=True)


def test_the_personal_link_says_what_the_release_mail_said(app, client, jury_meeting, login, account):
    programme, chair, nominations, submitted, refused = jury_meeting()
    _decide(app, programme, chair, nominations)
    login(account("organiser"))
    client.post(f"/awards/manage/{programme.id}/decision/release", data={"winners_public_at": "2030-01-01T20:00"})
    client.post("/accounts/logout")
    with app.app_context():
        told_no = {m.recipient for m in _decision_mails(app) if m.topic == "awards.not_awarded"}
        assert db.session.get(Nomination, submitted.id).contact_email in told_no
    page = client.get(f"/awards/me/{submitted.token}").get_data(as_text=True)
    assert "Das Projekt ist diesmal nicht unter den ausgezeichneten." in page  # as its mail said
    assert "Entscheidung der Jury" not in client.get(f"/awards/me/{refused.token}").get_data(as_text=True)


def test_the_release_counts_one_winner_as_one_mail(app, client, jury_meeting, login, account):
    programme, chair, nominations, _submitted, _refused = jury_meeting()
    _decide(app, programme, chair, nominations, [Entry(nominations[0].id, "place", place=1, laudation="Danke.")])
    login(account("organiser"))
    later = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        f"/awards/manage/{programme.id}/decision/release", data={"winners_public_at": later}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Die Entscheidung ist bekanntgegeben: 1 Mail an Ausgezeichnete und 4 an die übrigen" in page
