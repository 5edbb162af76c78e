"""The guideline block by block: who may edit, comment and suggest in which phase; versions and their diffs."""

import re

from sqlalchemy import select

from events.extensions import db
from events.tandems.models import BlockComment, BlockSuggestion, BlockVersion, GuidelineBlock, Phase, TandemProgramme


def added_words(page: str) -> list[str]:
    """The words a diff on the page shows as added (without the words for screen readers)."""
    return [re.sub(r"<span[^>]*>.*?</span>", "", ins).strip() for ins in re.findall(r"<ins>(.*?)</ins>", page)]


def _set_phase(app, programme_id, phase):
    with app.app_context():
        db.session.get(TandemProgramme, programme_id).phase = phase
        db.session.commit()


def test_a_member_cannot_edit_another_groups_block_but_comments_and_suggests_during_the_comment_period_only(
    app, make_programme, make_group, make_member, make_block, member_client
):
    programme = make_programme(phase=Phase.COMMENTING)
    owners = make_group(programme, name="Tandem Niederbayern")
    others = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    block = make_block(owners)
    _member, token = make_member(others, "Jonas", "Maier")
    browser = member_client(token)

    edit = browser.post(f"/tandems/blocks/{block.id}/edit", data={"title": "Übernommen", "text": "Fremder Text"})
    assert edit.status_code == 403
    page = browser.get(f"/tandems/blocks/{block.id}").get_data(as_text=True)
    assert "Text bearbeiten" not in page and "Änderung vorschlagen" in page

    assert browser.post(f"/tandems/blocks/{block.id}/comments", data={"comment": "Bitte konkreter."}).status_code == 302
    proposal = {"proposal": "Die Tandems planen gemeinsam und teilen die Pressekontakte.", "reason": "Konkreter"}
    assert browser.post(f"/tandems/blocks/{block.id}/suggestions", data=proposal).status_code == 302
    page = browser.get(f"/tandems/blocks/{block.id}").get_data(as_text=True)
    assert "Bitte konkreter." in page and "Vorschlag von Jonas Maier" in page

    _set_phase(app, programme.id, Phase.CONSOLIDATION)
    assert browser.post(f"/tandems/blocks/{block.id}/comments", data={"comment": "Noch was."}).status_code == 403
    assert browser.post(f"/tandems/blocks/{block.id}/suggestions", data=proposal).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(db.func.count(BlockComment.id))) == 1
        assert db.session.scalar(select(db.func.count(BlockSuggestion.id))) == 1
        assert db.session.get(GuidelineBlock, block.id).text == "Die Tandems planen gemeinsam."


def test_the_owning_group_edits_its_block_directly_and_each_save_is_a_version(
    app, make_programme, make_group, make_member, make_block, member_client
):
    group = make_group(make_programme(phase=Phase.DRAFTING))
    block = make_block(group)
    _member, token = make_member(group)
    browser = member_client(token)
    data = {"title": "Gemeinsame Pressearbeit", "text": "Die Tandems planen gemeinsam mit der Lokalpresse."}
    assert browser.post(f"/tandems/blocks/{block.id}/edit", data=data).status_code == 302
    with app.app_context():
        versions = db.session.scalars(select(BlockVersion).filter_by(block_id=block.id).order_by(BlockVersion.number))
        assert [(v.number, v.text) for v in versions] == [
            (1, "Die Tandems planen gemeinsam."),
            (2, "Die Tandems planen gemeinsam mit der Lokalpresse."),
        ]


def test_accepting_a_suggestion_creates_a_version_and_comparing_shows_the_change(
    app, make_programme, make_group, make_member, make_block, member_client
):
    programme = make_programme(phase=Phase.COMMENTING)
    owners = make_group(programme, name="Tandem Niederbayern")
    others = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    block = make_block(owners, text="Die Tandems planen ihre Pressearbeit gemeinsam.")
    _owner, owner_token = make_member(owners, "Lena", "Huber")
    _other, other_token = make_member(others, "Jonas", "Maier")
    proposal = "Die Tandems planen ihre Pressearbeit und Social Media gemeinsam."
    member_client(other_token).post(f"/tandems/blocks/{block.id}/suggestions", data={"proposal": proposal})

    owner = member_client(owner_token)
    page = owner.get(f"/tandems/blocks/{block.id}").get_data(as_text=True)
    assert added_words(page) == ["und Social Media"]  # the diff shown before deciding
    with app.app_context():
        suggestion_id = db.session.scalar(select(BlockSuggestion.id))
    assert owner.post(f"/tandems/suggestions/{suggestion_id}/decide", data={"decision": "accept"}).status_code == 302

    with app.app_context():
        saved = db.session.get(GuidelineBlock, block.id)
        assert (saved.version, saved.text) == (2, proposal)
        assert "Jonas Maier" in [person.full_name for person in saved.contributors]
        suggestion = db.session.get(BlockSuggestion, suggestion_id)
        assert (suggestion.status, suggestion.decided_by) == ("accepted", "Lena Huber")
    compared = owner.get(f"/tandems/blocks/{block.id}/compare?a=1&b=2").get_data(as_text=True)
    assert added_words(compared) == ["und Social Media"]
    assert "eingefügt:" in compared  # screen readers hear what was added
    whole = owner.get(f"/tandems/{programme.id}/compare").get_data(as_text=True)
    assert "und Social Media" in added_words(whole)


def test_a_suggestion_written_against_an_older_version_is_not_accepted_blindly(
    app, make_programme, make_group, make_member, make_block, member_client
):
    programme = make_programme(phase=Phase.COMMENTING)
    owners = make_group(programme)
    others = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    block = make_block(owners)
    _owner, owner_token = make_member(owners, "Lena", "Huber")
    _other, other_token = make_member(others, "Jonas", "Maier")
    member_client(other_token).post(f"/tandems/blocks/{block.id}/suggestions", data={"proposal": "Ganz anders."})
    owner = member_client(owner_token)
    owner.post(f"/tandems/blocks/{block.id}/edit", data={"title": "Gemeinsame Pressearbeit", "text": "Neu."})
    with app.app_context():
        suggestion_id = db.session.scalar(select(BlockSuggestion.id))
    answer = owner.post(
        f"/tandems/suggestions/{suggestion_id}/decide", data={"decision": "accept"}, follow_redirects=True
    )
    assert "inzwischen geändert" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(GuidelineBlock, block.id).text == "Neu."
        assert db.session.get(BlockSuggestion, suggestion_id).status == "open"
