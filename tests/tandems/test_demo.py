"""The demo data show the whole tandem programme to a new organiser."""

from sqlalchemy import select

from events.extensions import db
from events.tandems.models import BlockComment, BlockSuggestion, Phase, TandemProgramme
from events.tandems.programmes import pair_problem
from tests.tandems.printing import printed_guideline


def test_the_demo_has_five_bavarian_groups_with_pairs_of_their_region_and_a_guideline_in_its_comment_period(
    app, runner, client, login, make_user
):
    result = runner.invoke(args=["demo", "load", "--password", "Demo-Passwort-2026-lang"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        programme = db.session.scalars(select(TandemProgramme)).one()
        assert programme.phase == Phase.COMMENTING and programme.phase_until
        assert [group.region.name for group in programme.groups] == [
            "Mittelfranken",
            "Niederbayern",
            "Oberbayern",
            "Oberpfalz",
            "Schwaben",
        ]
        for group in programme.groups:
            assert group.pairs and group.members and len(group.meetings) == 3
            assert all(pair_problem(group, pair.agency, pair.lotsen) is None for pair in group.pairs)
        assert db.session.scalar(select(db.func.count(BlockComment.id))) >= 5
        assert db.session.scalar(select(db.func.count(BlockSuggestion.id))) >= 1
        programme_id = programme.id

    login(make_user("organiser"))
    overview = client.get(f"/tandems/{programme_id}").get_data(as_text=True)
    assert "Tandem Oberbayern" in overview and "Kommentierung durch alle Gruppen" in overview
    guideline = client.get(f"/tandems/{programme_id}/guideline").get_data(as_text=True)
    assert "Parallelstrukturen vermeiden" in guideline
    assert printed_guideline(client, programme_id).status_code == 200
