"""The jury as its members and its chair live it: conflicts, scoring, the results and the meeting sheet."""

import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from events.awards.models import ConflictDeclaration, JuryReview, Round, Score
from events.awards.programmes import close_round, open_round
from events.awards.results import compute_results
from events.core.models import AuditEntry
from events.extensions import db


def _results(app, programme):
    from events.awards.models import AwardProgramme

    with app.app_context():
        return compute_results(db.session.get(AwardProgramme, programme.id))


def _row(results, nomination):
    return next(row for row in results["rows"] if row["id"] == nomination.id)


def test_a_conflicted_juror_gets_403_on_the_nomination_and_their_score_is_in_no_figure(
    app, client, make_programme, make_nomination, make_juror, give_scores, make_conflict, as_juror
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Nähwerkstatt Vilsbiburg")
    fair, also_fair, conflicted = (make_juror(programme) for _ in range(3))
    give_scores(fair, nomination, [4, 4, 1])
    give_scores(also_fair, nomination, [2, 2, 0])
    give_scores(conflicted, nomination, [5, 5, 1])  # scored before declaring: must not count once declared
    before = _row(_results(app, programme), nomination)
    assert (before["count"], before["mean"]) == (3, pytest.approx(11 / 3))

    make_conflict(conflicted, nomination, state="declared")
    as_juror(conflicted)
    assert client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").status_code == 403
    listing = client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert "Nähwerkstatt Vilsbiburg" in listing and "Befangenheit erklärt" in listing
    assert f'href="/awards/jury/{programme.id}/nominations/{nomination.id}"' not in listing

    after = _row(_results(app, programme), nomination)
    assert (after["count"], after["mean"], after["median"], after["spread"]) == (2, 3.0, 3.0, 2.0)
    assert after["normalised"] == 3.0  # every juror scored the same nominations: no normalisation
    assert after["conflicted"] == [conflicted.user.display_name]
    as_juror(fair)
    page = client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").get_data(as_text=True)
    assert conflicted.user.display_name not in page  # nor among the other jurors' scores


def test_a_conflicted_juror_cannot_save_a_score(app, client, make_programme, make_nomination, make_juror, as_juror):
    programme = make_programme()
    nomination = make_nomination(programme)
    member = make_juror(programme)
    as_juror(member)
    client.post(f"/awards/jury/{programme.id}/nominations/{nomination.id}/conflict", data={"state": "recused"})
    response = client.post(
        f"/awards/jury/{programme.id}/nominations/{nomination.id}",
        data={"action": "submit", "c1": "5"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Score)).all() == []


def test_the_service_suggests_a_conflict_the_chair_dismisses_and_the_log_keeps_both(
    app, client, make_programme, make_nomination, make_juror, as_juror
):
    programme = make_programme()
    chair = make_juror(programme, is_chair=True)
    nomination = make_nomination(programme, organisation_name="Helferkreis Miteinander e. V.")
    member = make_juror(programme, organisation_name="Helferkreis Miteinander eV")  # the same, written differently
    as_juror(chair)
    client.post(f"/awards/jury/{programme.id}/conflicts/suggest")
    with app.app_context():
        suggestion = db.session.scalars(select(ConflictDeclaration)).one()
        assert (suggestion.state, suggestion.source, suggestion.conflict_type) == (
            "suggested",
            "suggested",
            "same_organisation",
        )
    as_juror(member)  # until the chair decides, the suggestion counts
    assert client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").status_code == 403

    as_juror(chair)
    client.post(f"/awards/jury/{programme.id}/conflicts/{suggestion.id}", data={"decision": "dismiss"})
    as_juror(member)
    assert client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").status_code == 200
    with app.app_context():
        decided = db.session.get(ConflictDeclaration, suggestion.id)
        assert decided.state == "dismissed" and decided.decided_by_id == chair.user_id
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("award_conflict.%")).order_by(AuditEntry.id)
        ).all()
        assert actions == ["award_conflict.suggest", "award_conflict.decide"]


def test_only_the_chair_decides_conflicts(client, make_programme, make_juror, as_juror):
    programme = make_programme()
    as_juror(make_juror(programme))
    assert client.get(f"/awards/jury/{programme.id}/conflicts").status_code == 403


def test_a_juror_sees_other_scores_only_after_submitting_their_own(
    app, client, make_programme, make_nomination, make_juror, give_scores, as_juror
):
    programme = make_programme()
    nomination = make_nomination(programme)
    first, second = make_juror(programme), make_juror(programme)
    give_scores(first, nomination, [5, 3, 1])
    with app.app_context():
        db.session.execute(
            JuryReview.__table__.update().where(JuryReview.jury_member_id == first.id).values(comment="Vorbildlich")
        )
        db.session.commit()
    as_juror(second)
    url = f"/awards/jury/{programme.id}/nominations/{nomination.id}"
    assert "Vorbildlich" not in client.get(url).get_data(as_text=True)
    criteria = _criteria(app, programme)
    draft = {f"c{criteria[0]}": "4", "action": "save"}
    client.post(url, data=draft)
    assert "Vorbildlich" not in client.get(url).get_data(as_text=True)  # a draft is not submitted
    incomplete = client.post(url, data={**draft, "action": "submit"}).get_data(as_text=True)
    assert "Bitte bewerten Sie jedes Kriterium" in incomplete
    complete = {f"c{criteria[0]}": "4", f"c{criteria[1]}": "2", f"c{criteria[2]}": "1", "action": "submit"}
    client.post(url, data=complete)
    assert "Vorbildlich" in client.get(url).get_data(as_text=True)
    with app.app_context():
        values = db.session.scalars(select(Score.value).where(Score.jury_member_id == second.id)).all()
        assert sorted(values) == [1, 2, 4]


def _criteria(app, programme) -> list[int]:
    from events.awards.models import AwardProgramme

    with app.app_context():
        return [c.id for c in db.session.get(AwardProgramme, programme.id).criteria]


def test_an_abstention_needs_a_reason_and_counts_in_no_mean(
    app, client, make_programme, make_nomination, make_juror, as_juror
):
    programme = make_programme()
    nomination = make_nomination(programme)
    member = make_juror(programme)
    as_juror(member)
    url = f"/awards/jury/{programme.id}/nominations/{nomination.id}"
    page = client.post(url, data={"abstained": "y", "action": "submit"}).get_data(as_text=True)
    assert "Bitte begründen Sie Ihre Enthaltung." in page
    client.post(url, data={"abstained": "y", "abstain_reason": "Kenne das Projekt zu wenig", "action": "submit"})
    row = _row(_results(app, programme), nomination)
    assert (row["count"], row["abstained"]) == (0, [member.user.display_name])


def test_the_database_keeps_one_score_per_juror_nomination_and_criterion(
    app, make_programme, make_nomination, make_juror, give_scores
):
    programme = make_programme()
    nomination = make_nomination(programme)
    member = make_juror(programme)
    give_scores(member, nomination, [3])
    with app.app_context():
        first = db.session.scalars(select(Score)).one()
        db.session.add(
            Score(
                round_id=first.round_id,
                jury_member_id=first.jury_member_id,
                nomination_id=first.nomination_id,
                criterion_id=first.criterion_id,
                value=5,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_scores_change_until_the_round_closes_and_the_figures_are_frozen_then(
    app, client, make_programme, make_nomination, make_juror, give_scores, as_juror
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Tafel Dingolfing")
    member, other = make_juror(programme), make_juror(programme)
    give_scores(other, nomination, [3, 3, 1])
    criteria = _criteria(app, programme)
    as_juror(member)
    url = f"/awards/jury/{programme.id}/nominations/{nomination.id}"
    client.post(url, data={f"c{c}": v for c, v in zip(criteria, ["5", "5", "1"], strict=True)} | {"action": "submit"})
    with app.test_request_context():
        scoring = db.session.scalars(select(Round).filter_by(programme_id=programme.id, kind="scoring")).one()
        close_round(scoring)
    frozen = client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").get_data(as_text=True)
    assert "Die Bewertungsrunde ist nicht offen." in frozen
    refused = client.post(url, data={f"c{criteria[0]}": "1", "action": "submit"}, follow_redirects=True)
    assert "Bewertungsrunde ist nicht offen" in refused.get_data(as_text=True)
    with app.app_context():  # a score written behind the service's back changes nothing in the frozen figures
        db.session.execute(Score.__table__.update().values(value=1))
        db.session.commit()
    chair = make_juror(programme, is_chair=True)
    as_juror(chair)
    page = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    assert "Festgeschrieben mit dem Ende der Einzelbewertung" in page
    assert "4,00" in page  # (5 + 3) / 2 as frozen, not the 1 written afterwards


def test_a_juror_sees_only_their_own_programmes(client, make_programme, make_nomination, make_juror, as_juror):
    mine, other = make_programme(), make_programme(name="Bayerischer Integrationspreis", region=None)
    nomination = make_nomination(other)
    as_juror(make_juror(mine))
    assert client.get(f"/awards/jury/{other.id}").status_code == 403
    assert client.get(f"/awards/jury/{other.id}/nominations/{nomination.id}").status_code == 403
    assert client.get(f"/awards/jury/{mine.id}/nominations/{nomination.id}").status_code == 404
    assert client.get(f"/awards/jury/{other.id}/results").status_code == 403
    assert client.get("/awards/jury/999999").status_code == 404


def test_each_juror_has_a_random_order_of_their_own(client, make_programme, make_nomination, make_juror, as_juror):
    programme = make_programme()
    names = [make_nomination(programme, project_name=f"Projekt {n:02d}").project_name for n in range(12)]
    orders = []
    for member in (make_juror(programme), make_juror(programme)):
        as_juror(member)
        page = client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
        orders.append(sorted(names, key=page.index))
        assert orders[-1] == sorted(names, key=client.get(f"/awards/jury/{programme.id}").get_data(as_text=True).index)
    assert orders[0] != orders[1] and sorted(orders[0]) == sorted(orders[1]) == names


def test_the_jury_sees_nothing_while_the_organisers_screen(
    client, make_programme, make_nomination, make_juror, as_juror
):
    programme = make_programme(open_round="screening")
    nomination = make_nomination(programme, project_name="Lesepaten Straubing")
    as_juror(make_juror(programme))
    assert "Lesepaten Straubing" not in client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert client.get(f"/awards/jury/{programme.id}/nominations/{nomination.id}").status_code == 403


def test_a_juror_signs_in_to_their_programmes_and_what_to_do(client, make_programme, make_juror, as_juror):
    programme = make_programme()
    as_juror(make_juror(programme))
    page = client.get("/").get_data(as_text=True)
    assert "Ihre Jury-Aufgaben" in page and "Integration vor Ort 2026" in page
    assert "Offen: Einzelbewertung" in page
    assert "keine Aufgaben" not in page


def test_normalisation_applies_when_jurors_scored_different_nominations(
    app, make_programme, make_nomination, make_juror, give_scores
):
    programme = make_programme()
    nominations = [make_nomination(programme) for _ in range(6)]
    strict, mild = make_juror(programme), make_juror(programme)
    for nomination, value in zip(nominations[:3], [1, 2, 3], strict=True):
        give_scores(strict, nomination, [value, value, 1])
    for nomination, value in zip(nominations[3:], [3, 4, 5], strict=True):
        give_scores(mild, nomination, [value, value, 1])
    results = _results(app, programme)
    assert results["normalisation"]["applied"] is True
    middles = [_row(results, nominations[1])["normalised"], _row(results, nominations[4])["normalised"]]
    assert middles == [pytest.approx(3.0), pytest.approx(3.0)]
    assert _row(results, nominations[1])["mean"] == 2.0  # the raw figure stays beside it


def test_the_shortlist_ranked_by_the_jurors_is_combined_by_schulze(
    app, client, make_programme, make_nomination, make_juror, make_conflict, as_juror
):
    programme = make_programme()
    a, b, c = (make_nomination(programme, project_name=name) for name in ("Alpha", "Beta", "Gamma"))
    chair = make_juror(programme, is_chair=True)
    jurors = [make_juror(programme) for _ in range(3)]
    as_juror(chair)
    for nomination in (a, b, c):
        client.post(f"/awards/jury/{programme.id}/results/{nomination.id}/on")
    make_conflict(jurors[2], a)
    with app.test_request_context():
        open_round(db.session.scalars(select(Round).filter_by(programme_id=programme.id, kind="shortlist")).one())
    ballots = [{a: 1, b: 2, c: 3}, {b: 1, a: 2, c: 3}, {c: 1, b: 2, a: 1}]  # the third ranks a despite a conflict
    for member, ballot in zip(jurors, ballots, strict=True):
        as_juror(member)
        client.post(f"/awards/jury/{programme.id}/ranking", data={f"n{n.id}": r for n, r in ballot.items()})
    as_juror(chair)
    page = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    assert "Aus den Rangfolgen von 3 Jury-Mitgliedern." in page
    # Alpha and Beta 1:1 (the third ballot says nothing about Alpha), both over Gamma: a shared first place
    assert "Alpha = Beta" in page and "Gleichstand" in page
    assert page.index("Alpha = Beta") < page.index("Gamma</li>")
    with app.app_context():
        ranks = db.session.scalars(
            select(JuryReview.shortlist_rank).where(
                JuryReview.jury_member_id == jurors[2].id, JuryReview.nomination_id == a.id
            )
        ).all()
        assert ranks == []  # the conflicted juror's rank of a was not stored


def test_the_meeting_sheet_lists_the_figures_and_marks_conflicts(
    app, client, make_programme, make_nomination, make_juror, give_scores, make_conflict, login, account
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Mentoring Landshut")
    member, absent = make_juror(programme), make_juror(programme)
    give_scores(member, nomination, [5, 4, 1])
    make_conflict(absent, nomination)
    login(account("organiser"))
    response = client.get(f"/awards/jury/{programme.id}/meeting-sheet.pdf")
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Mentoring Landshut" in text and "4,67" in text
    assert absent.user.display_name in text and "abwesend" in text


def test_a_nomination_not_admitted_is_never_shown_to_the_jury(
    client, make_programme, make_nomination, make_juror, as_juror
):
    programme = make_programme()
    refused = make_nomination(programme, state="not_eligible", project_name="Ohne Zulassung")
    as_juror(make_juror(programme))
    assert "Ohne Zulassung" not in client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert client.get(f"/awards/jury/{programme.id}/nominations/{refused.id}").status_code == 404
