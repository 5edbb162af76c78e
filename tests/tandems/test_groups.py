"""Programmes, groups, tandem pairs and members with their personal links."""

from sqlalchemy import select

from events.core.models import AuditEntry
from events.extensions import db
from events.tandems.models import GroupMember, TandemPair
from tests.conftest import sent_mails


def test_a_pair_across_regions_is_refused_unless_an_organiser_gives_a_reason(
    app, client, login, make_user, make_group, make_organisation
):
    group = make_group(region="Niederbayern")
    agency = make_organisation("Freiwilligenagentur Landshut", "freiwilligenagentur", "09261")
    munich = make_organisation("Landeshauptstadt München, Integrationslotsen", "municipality", "09162")
    login(make_user("organiser"))

    refused = client.post(f"/tandems/groups/{group.id}/pairs", data={"agency_id": agency.id, "lotsen_id": munich.id})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "nicht im Regierungsbezirk der Gruppe" in page
    with app.app_context():
        assert db.session.scalar(select(TandemPair.id)) is None

    reason = "Die Lotsin aus München betreut auch den Landkreis Landshut."
    allowed = client.post(
        f"/tandems/groups/{group.id}/pairs",
        data={"agency_id": agency.id, "lotsen_id": munich.id, "override_reason": reason},
    )
    assert allowed.status_code == 302
    with app.app_context():
        pair = db.session.scalars(select(TandemPair)).one()
        assert pair.override_reason == reason
        assert pair.override_by
        audit = db.session.scalars(select(AuditEntry).filter_by(action="tandem.pair.create")).one()
        assert reason in audit.summary
    assert reason in client.get(f"/tandems/groups/{group.id}").get_data(as_text=True)


def test_a_pair_of_one_region_needs_no_reason(app, client, login, make_user, make_group, make_organisation):
    group = make_group(region="Niederbayern")
    agency = make_organisation("Freiwilligen-Zentrum Landshut", "freiwilligen_zentrum", "09261")
    lotsen = make_organisation("Caritas Landshut", "welfare", "09274")
    login(make_user("organiser"))
    response = client.post(f"/tandems/groups/{group.id}/pairs", data={"agency_id": agency.id, "lotsen_id": lotsen.id})
    assert response.status_code == 302
    page = client.get(f"/tandems/groups/{group.id}").get_data(as_text=True)
    assert "Freiwilligen-Zentrum Landshut + Caritas Landshut" in page


def test_a_new_member_gets_a_personal_link_that_opens_only_their_group(
    app, login, make_user, make_group, make_person, make_programme
):
    programme = make_programme()
    own = make_group(programme, name="Tandem Niederbayern")
    other = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    person = make_person("Lena", "Huber")
    organiser = app.test_client()
    login(make_user("organiser"), organiser)
    assert (
        organiser.post(f"/tandems/groups/{own.id}/members", data={"person_id": person.id, "role": "lead"}).status_code
        == 302
    )
    mail = [m for m in sent_mails(app) if m["To"] == "lena.huber@example.org"][-1]
    link = next(word for word in mail.get_body(("plain",)).get_content().split() if "/tandems/link/" in word)
    with app.app_context():
        member = db.session.scalars(select(GroupMember)).one()
        assert member.token_hash and link.rsplit("/", 1)[1] not in member.token_hash  # only the hash is kept

    member_browser = app.test_client()
    opened = member_browser.get(link.replace("http://localhost", ""))
    assert opened.status_code == 302 and opened.location.endswith(f"/tandems/groups/{own.id}")
    assert "Tandem Niederbayern" in member_browser.get(f"/tandems/groups/{own.id}").get_data(as_text=True)
    assert member_browser.get(f"/tandems/groups/{other.id}").status_code == 403
    assert member_browser.get(f"/tandems/{programme.id}/guideline").status_code == 200
    assert member_browser.get(f"/tandems/{programme.id}").status_code in (302, 403)  # the organisers' overview


def test_an_unknown_personal_link_is_not_found(client):
    assert client.get("/tandems/link/not-a-real-token").status_code == 404


def test_a_member_with_an_account_signs_in_instead_of_using_the_link(
    app, login, make_user, make_programme, make_group, make_member
):
    from events.core.models import User

    programme = make_programme()
    own = make_group(programme, name="Tandem Niederbayern")
    other = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    member, _token = make_member(own, "Lena", "Huber")
    account = make_user("jury")  # any account, linked to the member's person in the directory
    with app.app_context():
        db.session.get(User, account.id).person_id = member.person_id
        db.session.commit()
    browser = app.test_client()
    login(account, browser)
    assert "Tandem Niederbayern" in browser.get(f"/tandems/groups/{own.id}").get_data(as_text=True)
    assert browser.get(f"/tandems/groups/{other.id}").status_code == 403
    assert browser.get(f"/tandems/{programme.id}/guideline").status_code == 200


def test_a_new_personal_link_ends_what_the_old_one_opened(app, make_group, make_member, member_client):
    from events.tandems.programmes import resend_personal_link

    group = make_group()
    member, token = make_member(group)
    browser = member_client(token)
    assert browser.get(f"/tandems/groups/{group.id}").status_code == 200
    with app.test_request_context():
        resend_personal_link(db.session.get(GroupMember, member.id))  # the old link leaked
    assert browser.get(f"/tandems/groups/{group.id}").status_code == 403
    assert app.test_client().get(f"/tandems/link/{token}").status_code == 404
