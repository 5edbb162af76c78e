"""The organisers' side: calls, screening, requests for documents, duplicates, refusals in one batch, demo data."""

from datetime import timedelta

from sqlalchemy import func, select

from events.awards.models import (
    AwardProgramme,
    ConflictDeclaration,
    JuryMember,
    Nomination,
    Score,
)
from events.core.mailer import deliver_queue_now
from events.core.models import OutgoingMail, Region
from events.core.types import utcnow
from events.extensions import db


def _get(app, model, ident):
    with app.app_context():
        row = db.session.get(model, ident)
        db.session.expunge(row)
        return row


def test_an_organiser_creates_a_call_adds_its_rubric_publishes_and_copies_it_for_next_year(app, client, login, account):
    login(account("organiser"))
    with app.app_context():
        region_id = db.session.scalars(select(Region.id).where(Region.name == "Oberpfalz")).one()
    deadline = (utcnow() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "name": "Integration vor Ort",
        "edition": "2026",
        "scope": "region",
        "state": "Bayern",
        "region_id": str(region_id),
        "deadline": deadline,
        "budget": "5000",
        "min_active_months": "12",
        "question_lines": "*Wer macht mit?\nWas wünschen Sie sich?",
        "category_lines": "Ehrenamt\nVereine",
    }
    missing_region = client.post("/awards/manage/new", data={**form, "region_id": ""})
    assert missing_region.status_code == 400
    assert "Bitte wählen Sie den Regierungsbezirk." in missing_region.get_data(as_text=True)
    created = client.post("/awards/manage/new", data=form)
    programme_id = int(created.location.rsplit("/", 1)[1])
    refused = client.post(f"/awards/manage/{programme_id}/publish", follow_redirects=True)
    assert "mindestens ein Kriterium, das zählt" in refused.get_data(as_text=True)
    client.post(
        f"/awards/manage/{programme_id}/criteria",
        data={"name": "Wirkung", "weight": "2", "counts": "1", "scale_max": "5", "descriptor_lines": "kaum\nstark"},
    )
    client.post(f"/awards/manage/{programme_id}/publish")
    with app.app_context():
        programme = db.session.get(AwardProgramme, programme_id)
        assert (programme.status, programme.budget_cents, programme.area) == ("published", 500_000, "Oberpfalz")
        db.session.expunge(programme)
    assert programme.questions == [
        {"label": "Wer macht mit?", "required": True},
        {"label": "Was wünschen Sie sich?", "required": False},
    ]
    page = client.get(f"/awards/call/{programme.slug}").get_data(as_text=True)
    assert "seit mindestens 12 Monaten aktiv" in page and "Oberpfalz" in page
    assert programme.slug in client.get("/awards/").get_data(as_text=True)

    copied = client.post(f"/awards/manage/{programme_id}/copy")
    with app.app_context():
        copy = db.session.get(AwardProgramme, int(copied.location.rsplit("/", 1)[1]))
        assert (copy.edition, copy.status, copy.copied_from_id) == (2027, "draft", programme_id)
        assert [c.name for c in copy.categories] == ["Ehrenamt", "Vereine"]
        assert [(c.name, c.weight) for c in copy.criteria] == [("Wirkung", 2.0)]
        assert copy.deadline.year == programme.deadline.year + 1


def test_screening_not_eligible_needs_a_reason_and_refusals_go_out_in_one_batch(
    app, client, login, account, make_programme, make_nomination
):
    programme = make_programme()
    first = make_nomination(programme, state="submitted", project_name="Erstes")
    second = make_nomination(programme, state="submitted", project_name="Zweites", language="en")
    admitted = make_nomination(programme, state="submitted", project_name="Drittes")
    login(account("organiser"))
    base = f"/awards/manage/{programme.id}/nominations"
    no_reason = client.post(f"{base}/{first.id}/screen", data={"decision": "not_eligible"})
    assert no_reason.status_code == 400
    assert "Bitte nennen Sie den Grund" in no_reason.get_data(as_text=True)
    reason = "Das Projekt besteht erst seit drei Monaten."
    client.post(f"{base}/{first.id}/screen", data={"decision": "not_eligible", "reason": reason})
    client.post(f"{base}/{second.id}/screen", data={"decision": "not_eligible", "reason": "Outside the region."})
    client.post(f"{base}/{admitted.id}/screen", data={"decision": "eligible"})
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.topic == "awards.refusal")) == 0
    page = client.get(f"/awards/manage/{programme.id}").get_data(as_text=True)
    assert "2 nicht zugelassene Vorschläge wurden noch nicht benachrichtigt." in page

    client.post(f"/awards/manage/{programme.id}/release")
    client.post(f"/awards/manage/{programme.id}/release")  # a second release tells nobody twice
    with app.test_request_context():
        deliver_queue_now()
        mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.topic == "awards.refusal")).all()
        assert sorted(m.recipient for m in mails) == sorted([first.contact_email, second.contact_email])
        german = next(m for m in mails if m.recipient == first.contact_email)
        assert reason in german.body_text and "kann nicht berücksichtigt werden" in german.subject
        english = next(m for m in mails if m.recipient == second.contact_email)
        assert "cannot be considered" in english.subject
    assert "Das Projekt besteht erst seit drei Monaten." in client.get(f"/awards/me/{first.token}").get_data(
        as_text=True
    )
    assert _get(app, Nomination, admitted.id).state == "eligible"


def test_an_organiser_asks_for_documents_and_the_applicant_answers_through_the_link(
    app, client, login, account, make_programme, make_nomination
):
    programme = make_programme()
    nomination = make_nomination(programme, state="submitted")
    login(account("organiser"))
    client.post(
        f"/awards/manage/{programme.id}/nominations/{nomination.id}/request",
        data={"text": "Bitte reichen Sie den Finanzplan nach.", "due_on": "2027-01-15"},
    )
    assert _get(app, Nomination, nomination.id).state == "more_information"
    with app.test_request_context():
        deliver_queue_now()
        mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.topic == "awards.document_request")).one()
        assert "Bitte reichen Sie den Finanzplan nach." in mail.body_text and "15. Januar 2027" in mail.body_text
    client.post("/accounts/logout")
    page = client.get(f"/awards/me/{nomination.token}").get_data(as_text=True)
    assert "Nachforderung bis 15. Januar 2027" in page
    with app.app_context():
        request_id = db.session.get(Nomination, nomination.id).requests[0].id
    client.post(f"/awards/me/{nomination.token}/requests/{request_id}", data={"answer": "Liegt als Anlage bei."})
    with app.app_context():
        answered = db.session.get(Nomination, nomination.id)
        assert answered.state == "submitted" and answered.requests[0].answer == "Liegt als Anlage bei."


def test_duplicates_of_one_project_are_flagged_and_merged(app, client, login, account, make_programme, make_nomination):
    from tests.awards.factories import document

    programme = make_programme()
    kept = make_nomination(programme, state="submitted", project_name="Sprachcafé am Bahnhof Landshut")
    duplicate = make_nomination(programme, state="submitted", project_name="Sprachcafe am Bahnhof, Landshut")
    other = make_nomination(programme, state="submitted", project_name="Fahrradwerkstatt")
    with app.app_context():
        document(db.session.get(Nomination, duplicate.id), "Foto.pdf")
    login(account("organiser"))
    listing = client.get(f"/awards/manage/{programme.id}/nominations").get_data(as_text=True)
    assert listing.count("Mögliches Duplikat") == 2
    assert "Mögliche Duplikate:" not in client.get(f"/awards/manage/{programme.id}/nominations/{other.id}").get_data(
        as_text=True
    )
    client.post(f"/awards/manage/{programme.id}/nominations/{duplicate.id}/merge", data={"into": str(kept.id)})
    with app.app_context():
        merged = db.session.get(Nomination, duplicate.id)
        assert (merged.state, merged.merged_into_id) == ("merged", kept.id)
        assert [d.filename for d in db.session.get(Nomination, kept.id).documents] == ["Foto.pdf"]
    assert "Mögliches Duplikat" not in client.get(f"/awards/manage/{programme.id}/nominations").get_data(as_text=True)


def test_an_organiser_enters_a_nomination_received_on_paper(app, client, login, account, make_programme):
    programme = make_programme()
    login(account("organiser"))
    with app.app_context():
        from events.core.models import District

        district_id = db.session.scalars(select(District.id).where(District.key == "09261")).one()
    client.post(
        f"/awards/manage/{programme.id}/nominations/new",
        data={
            "nominee_kind": "person",
            "project_name": "Frau Yilmaz, Lotsin im Ehrenamt",
            "description": "Begleitet seit 2019 Familien zu Ämtern.",
            "active_since": "2019-05-01",
            "district_id": str(district_id),
            "contact_name": "Derya Yilmaz",
            "contact_email": "derya.yilmaz@example.org",
            "consent_recorded": "y",
        },
    )
    with app.app_context():
        entered = db.session.scalars(select(Nomination).where(Nomination.programme_id == programme.id)).one()
        assert (entered.route, entered.state) == ("organiser", "submitted")
        assert "Einwilligung liegt dem Organisationsteam vor" in entered.consent_text


def test_the_demo_data_hold_a_regional_programme_with_twelve_nominations_a_jury_of_five_and_scores(app, runner):
    result = runner.invoke(args=["demo", "load", "--password", "Demo-Passwort-2026"])
    assert result.exit_code == 0, result.output
    assert "jury5@treffpunkt.example" in result.output
    with app.app_context():
        programme = db.session.scalars(select(AwardProgramme)).one()
        assert programme.region.name == "Niederbayern"
        states = db.session.scalars(select(Nomination.state).where(Nomination.programme_id == programme.id)).all()
        assert len(states) == 12 and len(set(states)) == 6  # every state but withdrawn and merged
        assert db.session.scalar(select(func.count(JuryMember.id))) == 5
        declared = db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.state == "declared")).one()
        assert declared.member.user.display_name == "Selin Arslan"
        assert db.session.scalar(select(func.count(Score.id))) > 50
        # decided and released: three places and a recognition, the record made, the winners page public
        from events.awards.decisions import winners_of
        from events.awards.rules import decision_is_released, winners_page_is_public

        assert decision_is_released(programme) and winners_page_is_public(programme)
        winners = winners_of(programme)
        assert [(w.place, w.amount_cents) for w in winners] == [(1, 250_000), (2, 150_000), (3, 100_000), (None, None)]
        assert programme.record_key is not None
        slug = programme.slug
    page = app.test_client().get(f"/awards/winners/{slug}").get_data(as_text=True)
    assert winners[0].project in page and "2.500 €" in page
