"""Factories of the tandem tests: programmes, groups, members with their personal links, chapters and blocks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from events.core.models import Region
from events.core.types import utcnow
from events.extensions import db
from events.tandems.models import (
    BlockVersion,
    GroupMember,
    GuidelineBlock,
    GuidelineChapter,
    Phase,
    TandemGroup,
    TandemMeeting,
    TandemProgramme,
)
from events.tandems.programmes import new_member_token


def _detached(obj):
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_programme(app):
    def make(phase: str = Phase.DRAFTING, **fields) -> TandemProgramme:
        with app.app_context():
            programme = TandemProgramme(
                title=fields.pop("title", "Tandem-Projektgruppen Bayern 2026"),
                starts_on=fields.pop("starts_on", date(2026, 3, 1)),
                ends_on=fields.pop("ends_on", date(2026, 11, 30)),
                phase=phase,
                guideline_title=fields.pop("guideline_title", "Leitfaden Tandems"),
                **fields,
            )
            db.session.add(programme)
            return _detached(programme)

    return make


@pytest.fixture
def make_group(app, make_programme):
    def make(programme: TandemProgramme | None = None, name: str = "Tandem Niederbayern", region: str = "Niederbayern"):
        programme_id = (programme or make_programme()).id
        with app.app_context():
            region_id = db.session.scalar(select(Region.id).filter_by(name=region))
            group = TandemGroup(
                programme_id=programme_id, name=name, region_id=region_id, topic="Öffentlichkeitsarbeit"
            )
            db.session.add(group)
            return _detached(group)

    return make


@pytest.fixture
def make_member(app, make_person):
    """A member of the group and the token of their personal link."""

    def make(group: TandemGroup, first_name: str = "Lena", last_name: str = "Huber", role: str = "member"):
        person = make_person(first_name=first_name, last_name=last_name)
        with app.test_request_context():
            member = GroupMember(group_id=group.id, person_id=person.id, role=role)
            db.session.add(member)
            token = new_member_token(member)
            return _detached(member), token

    return make


@pytest.fixture
def make_block(app):
    """A block in the programme's first chapter (made when missing), owned by the group, at version 1."""

    def make(group: TandemGroup, title: str = "Gemeinsame Pressearbeit", text: str = "Die Tandems planen gemeinsam."):
        with app.app_context():
            group = db.session.get(TandemGroup, group.id)
            chapter = db.session.scalars(select(GuidelineChapter).filter_by(programme_id=group.programme_id)).first()
            if chapter is None:
                chapter = GuidelineChapter(
                    programme_id=group.programme_id, title="Vernetzung und Öffentlichkeitsarbeit"
                )
                db.session.add(chapter)
            block = GuidelineBlock(chapter=chapter, group=group, title=title, text=text, version=1)
            block.groups = [group]
            db.session.add(block)
            db.session.add(BlockVersion(block=block, number=1, title=title, text=text, author="Lena Huber"))
            return _detached(block)

    return make


@pytest.fixture
def make_meeting(app, make_event):
    """A meeting of the group that began two days ago (an event of kind tandem meeting); its id."""

    def make(group: TandemGroup) -> int:
        event = make_event(kind="tandem_meeting", starts_at=utcnow() - timedelta(days=2))
        with app.app_context():
            meeting = TandemMeeting(group_id=group.id, event_id=event.id)
            db.session.add(meeting)
            db.session.commit()
            return meeting.id

    return make


@pytest.fixture
def member_client(app):
    """A fresh browser of a member who has opened their personal link."""

    def open_link(token: str):
        the_client = app.test_client()
        response = the_client.get(f"/tandems/link/{token}")
        assert response.status_code == 302
        return the_client

    return open_link
