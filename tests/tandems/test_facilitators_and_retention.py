"""The facilitator of a group (Moderation) records minutes and moderates the comments on the group's blocks; the
comments and suggestions of a programme lose the people behind them six months after its period has ended."""

from datetime import timedelta

from sqlalchemy import select

from events.core.types import utcnow
from events.extensions import db
from events.privacy.retention import delete_expired_personal_data
from events.tandems.models import BlockComment, BlockSuggestion, Phase, TandemMeeting


def _comment(app, block, author="Ida Idee", text="Und die Lokalzeitung?") -> int:
    with app.app_context():
        comment = BlockComment(block_id=block.id, author=author, text=text)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def test_the_facilitator_records_the_minutes_of_the_groups_meeting(
    app, make_group, make_member, make_block, make_meeting, member_client
):
    group = make_group()
    block = make_block(group)
    meeting_id = make_meeting(group)
    _facilitator, token = make_member(group, "Fritzi", "Moderatorin", role="facilitator")
    data = {"minutes": "Moderiert: Pressearbeit.", "block_ids": [block.id]}
    facilitator = member_client(token)
    assert "Protokoll" in facilitator.get(f"/tandems/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert facilitator.post(f"/tandems/meetings/{meeting_id}/minutes", data=data).status_code == 302
    with app.app_context():
        meeting = db.session.get(TandemMeeting, meeting_id)
        assert (meeting.minutes, meeting.minutes_by) == ("Moderiert: Pressearbeit.", "Fritzi Moderatorin")


def test_the_facilitator_removes_a_comment_on_the_groups_blocks_members_and_other_groups_cannot(
    app, make_programme, make_group, make_member, make_block, member_client
):
    programme = make_programme(phase=Phase.COMMENTING)
    group = make_group(programme, name="Tandem Niederbayern")
    other = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    block = make_block(group)
    comment_id = _comment(app, block)
    _member, member_token = make_member(group, "Jonas", "Maier")
    _other, other_token = make_member(other, "Sepp", "Schwab", role="facilitator")
    _facilitator, token = make_member(group, "Fritzi", "Moderatorin", role="facilitator")

    member = member_client(member_token)
    assert "Kommentar entfernen" not in member.get(f"/tandems/blocks/{block.id}").get_data(as_text=True)
    assert member.post(f"/tandems/comments/{comment_id}/remove").status_code == 403
    assert member_client(other_token).post(f"/tandems/comments/{comment_id}/remove").status_code == 403

    facilitator = member_client(token)
    assert "Kommentar entfernen" in facilitator.get(f"/tandems/blocks/{block.id}").get_data(as_text=True)
    page = facilitator.post(f"/tandems/comments/{comment_id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Der Kommentar ist entfernt." in page and "Und die Lokalzeitung?" not in page
    with app.app_context():
        assert db.session.get(BlockComment, comment_id) is None


def test_six_months_after_the_programme_comments_are_deleted_and_suggestions_name_only_the_group(
    app, make_programme, make_group, make_block
):
    today = utcnow()
    ended = make_programme(ends_on=(today - timedelta(days=200)).date())
    running = make_programme(title="Tandems später", ends_on=(today - timedelta(days=100)).date())
    old_block = make_block(make_group(ended))
    new_block = make_block(make_group(running, name="Tandem Schwaben", region="Schwaben"))
    old_comment, new_comment = _comment(app, old_block), _comment(app, new_block)
    with app.app_context():
        db.session.add_all(
            BlockSuggestion(
                block_id=block.id, author="Ida Idee", author_group_id=block.group_id, base_version=1, text="Neu."
            )
            for block in (old_block, new_block)
        )
        db.session.commit()

        report = delete_expired_personal_data(now=today)
        assert (report.tandem_comments, report.tandem_suggestions) == (1, 1)
        assert db.session.get(BlockComment, old_comment) is None
        assert db.session.get(BlockComment, new_comment) is not None
        authors = db.session.execute(select(BlockSuggestion.block_id, BlockSuggestion.author)).all()
        assert dict(authors) == {old_block.id: "Tandem Niederbayern", new_block.id: "Ida Idee"}
        again = delete_expired_personal_data(now=today)
        assert (again.tandem_comments, again.tandem_suggestions) == (0, 0)
