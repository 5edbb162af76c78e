"""The tandem objects the access table's URLs point at (tests/routes.py), added to the `world` fixture."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from events.core.models import District, Organisation, Person, Region
from events.extensions import db
from events.registration.tokens import hash_token
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    BlockVersion,
    GroupMember,
    GuidelineBlock,
    GuidelineChapter,
    Phase,
    TandemGroup,
    TandemMeeting,
    TandemProgramme,
)

MEMBER_TOKEN = "access-table-tandem-member-token"


def tandem_world(event_id: int, agency_id: int) -> dict:
    """A programme in its comment period with one group (Niederbayern), a member with a personal link, two blocks,
    an open suggestion, and the world's event as the group's meeting. Call inside an app context."""
    niederbayern = db.session.scalar(select(Region).filter_by(name="Niederbayern"))
    landshut = db.session.scalar(select(District).filter_by(key="09274"))  # Landkreis Landshut
    lotsen = Organisation(name="Landratsamt Landshut", kind="municipality", district_id=landshut.id)
    person = Person(first_name="Tom", last_name="Tandem", email="tom.tandem@example.org")
    programme = TandemProgramme(
        title="Tandems 2026", starts_on=date(2026, 3, 1), ends_on=date(2026, 11, 30), phase=Phase.COMMENTING
    )
    group = TandemGroup(programme=programme, name="Tandem Niederbayern", region_id=niederbayern.id)
    member = GroupMember(group=group, person=person, role="lead", token_hash=hash_token(MEMBER_TOKEN))
    chapter = GuidelineChapter(programme=programme, title="Vernetzung")
    blocks = []
    for title in ("Gemeinsame Pressearbeit", "Gemeinsame Veranstaltungen"):
        block = GuidelineBlock(chapter=chapter, group=group, title=title, text="Die Tandems planen gemeinsam.")
        block.groups = [group]
        block.versions = [BlockVersion(number=1, title=title, text=block.text, author="Tom Tandem")]
        blocks.append(block)
    suggestion = BlockSuggestion(block=blocks[0], author="Ida Idee", base_version=1, text="Die Tandems planen.")
    comment = BlockComment(block=blocks[0], author="Ida Idee", text="Und die Lokalzeitung?")
    meeting = TandemMeeting(group=group, event_id=event_id)
    db.session.add_all([lotsen, member, *blocks, suggestion, comment, meeting])
    db.session.commit()
    return {
        "tandem_programme": programme.id,
        "tandem_region": niederbayern.id,
        "tandem_group": group.id,
        "tandem_member": member.id,
        "tandem_token": MEMBER_TOKEN,
        "tandem_chapter": chapter.id,
        "tandem_block": blocks[0].id,
        "tandem_other_block": blocks[1].id,
        "tandem_suggestion": suggestion.id,
        "tandem_comment": comment.id,
        "tandem_meeting": meeting.id,
        "tandem_agency": agency_id,
        "tandem_lotsen": lotsen.id,
    }
