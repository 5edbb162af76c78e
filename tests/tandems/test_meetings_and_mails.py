"""Group meetings with invitations, minutes by the lead, phase changes, the daily digest, merging, certificates."""

from datetime import timedelta

from sqlalchemy import select

from events.certificates.models import Certificate
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Invitation
from events.tandems.models import BlockComment, GuidelineBlock, Phase, TandemGroup, TandemMeeting
from tests.conftest import mail_text, sent_mails


def test_a_new_meeting_is_an_invitation_only_tandem_meeting_with_every_member_invited(
    app, client, login, make_user, make_group, make_member
):
    group = make_group()
    make_member(group, "Lena", "Huber", role="lead")
    make_member(group, "Jonas", "Maier")
    login(make_user("organiser"))
    data = {"starts_at": "2031-03-04T14:00", "ends_at": "2031-03-04T17:00", "venue_name": "Rathaus Landshut"}
    response = client.post(f"/tandems/groups/{group.id}/meetings", data=data)
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalars(select(TandemMeeting)).one()
        event = db.session.get(Event, meeting.event_id)
        assert (event.kind, event.access, event.status) == ("tandem_meeting", "invited", "published")
        assert event.title == "Tandem Niederbayern: 1. Treffen"
        assert event.series.name == "Treffen Tandem Niederbayern"
        invited = db.session.scalars(select(Invitation.email).filter_by(event_id=event.id).order_by(Invitation.email))
        assert list(invited) == ["jonas.maier@example.org", "lena.huber@example.org"]
    invitation = [m for m in sent_mails(app) if m["To"] == "jonas.maier@example.org" and "Einladung" in m["Subject"]]
    assert invitation and "Tandem Niederbayern: 1. Treffen" in mail_text(invitation[-1])


def test_the_lead_records_minutes_and_links_the_recommendations_a_plain_member_only_reads_them(
    app, make_group, make_member, make_block, make_meeting, member_client
):
    group = make_group()
    block = make_block(group)
    meeting_id = make_meeting(group)
    _lead, lead_token = make_member(group, "Lena", "Huber", role="lead")
    _member, member_token = make_member(group, "Jonas", "Maier")
    data = {"minutes": "Pressearbeit besprochen.", "block_ids": [block.id]}
    assert member_client(member_token).post(f"/tandems/meetings/{meeting_id}/minutes", data=data).status_code == 403
    lead = member_client(lead_token)
    assert lead.post(f"/tandems/meetings/{meeting_id}/minutes", data=data).status_code == 302
    page = lead.get(f"/tandems/groups/{group.id}").get_data(as_text=True)
    assert "Gemeinsame Pressearbeit" in page.split("Treffen", 1)[1]
    read = member_client(member_token).get(f"/tandems/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert "Pressearbeit besprochen." in read and "Lena Huber" in read


def test_a_phase_change_tells_every_member(app, client, login, make_user, make_programme, make_group, make_member):
    programme = make_programme()
    make_member(make_group(programme), "Lena", "Huber")
    make_member(make_group(programme, name="Tandem Schwaben", region="Schwaben"), "Jonas", "Maier")
    login(make_user("organiser"))
    client.post(f"/tandems/{programme.id}/phase", data={"phase": "commenting", "phase_until": "2031-05-31"})
    mails = [m for m in sent_mails(app) if "Kommentierung durch alle Gruppen" in m["Subject"]]
    assert sorted(m["To"] for m in mails) == ["jonas.maier@example.org", "lena.huber@example.org"]
    assert "31. Mai 2031" in mail_text(mails[0])


def test_the_daily_digest_tells_a_group_about_comments_on_its_blocks_once_a_day(
    app, runner, make_programme, make_group, make_member, make_block
):
    programme = make_programme(phase=Phase.COMMENTING)
    owners = make_group(programme)
    make_member(owners, "Lena", "Huber")
    block = make_block(owners)
    with app.app_context():
        db.session.add(BlockComment(block_id=block.id, author="Jonas Maier", text="Bitte mit Beispiel."))
        db.session.commit()
    assert "digests: 1 groups" in runner.invoke(args=["tandems", "send-digests"]).output
    digest = [m for m in sent_mails(app) if m["To"] == "lena.huber@example.org" and "Neue Kommentare" in m["Subject"]]
    assert len(digest) == 1 and "Bitte mit Beispiel." in mail_text(digest[0])
    with app.app_context():
        db.session.add(BlockComment(block_id=block.id, author="Jonas Maier", text="Noch etwas."))
        db.session.commit()
    assert "digests: 0 groups" in runner.invoke(args=["tandems", "send-digests"]).output  # not twice a day
    with app.app_context():
        db.session.get(TandemGroup, owners.id).last_digest_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert "digests: 1 groups" in runner.invoke(args=["tandems", "send-digests"]).output


def test_merging_overlapping_recommendations_keeps_both_groups_credit(
    app, client, login, make_user, make_programme, make_group, make_block
):
    programme = make_programme(phase=Phase.CONSOLIDATION)
    first = make_block(make_group(programme), title="Pressearbeit", text="Gemeinsam in die Zeitung.")
    second = make_block(
        make_group(programme, name="Tandem Schwaben", region="Schwaben"), title="Medien", text="Auch ins Radio."
    )
    login(make_user("organiser"))
    assert client.post(f"/tandems/blocks/{second.id}/merge", data={"into_id": first.id}).status_code == 302
    with app.app_context():
        kept, merged = db.session.get(GuidelineBlock, first.id), db.session.get(GuidelineBlock, second.id)
        assert [group.name for group in kept.groups] == ["Tandem Niederbayern", "Tandem Schwaben"]
        assert kept.text == "Gemeinsam in die Zeitung.\n\nAuch ins Radio." and kept.version == 2
        assert (merged.state, merged.merged_into_id) == ("merged", first.id)


def test_members_who_attended_a_meeting_get_a_certificate_of_participation(
    app, make_group, make_member, make_event, make_registration
):
    from events.checkin.scanning import check_in_registration
    from events.registration.models import Registration
    from events.tandems.certificates import issue_participation_certificates
    from events.tandems.models import TandemProgramme

    group = make_group()
    make_member(group, "Lena", "Huber")
    make_member(group, "Jonas", "Maier")
    event = make_event(kind="tandem_meeting", starts_at=utcnow() - timedelta(days=3))
    registration = make_registration(event, first_name="Lena", last_name="Huber", email="lena.huber@example.org")
    with app.test_request_context():
        db.session.add(TandemMeeting(group_id=group.id, event_id=event.id))
        db.session.commit()
        check_in_registration(
            db.session.get(Event, event.id),
            db.session.get(Registration, registration.id),
            user=None,
            now=event.starts_at + timedelta(hours=1),
        )
        programme = db.session.get(TandemProgramme, group.programme_id)
        issue_participation_certificates(programme)
        certificates = db.session.scalars(select(Certificate)).all()
        assert [(c.kind, c.recipient_name) for c in certificates] == [("tandem", "Lena Huber")]
        assert "Tandem Niederbayern" in certificates[0].body and "Treffen am" in certificates[0].body
        assert issue_participation_certificates(programme) == []  # nobody gets two
