"""The jury's figures are computed once per change and kept (events.awards.results): the chair's page and a juror's
list follow every change all the same."""

from sqlalchemy import select

from events.awards import results as results_module
from events.awards.models import Round
from events.awards.programmes import open_round
from events.extensions import db


def _criteria(app, programme):
    from events.awards.models import AwardProgramme

    with app.app_context():
        return [c.id for c in db.session.get(AwardProgramme, programme.id).criteria]


def _score(client, programme, nomination, criteria, values):
    url = f"/awards/jury/{programme.id}/nominations/{nomination.id}"
    data = {f"c{c}": v for c, v in zip(criteria, values, strict=True)} | {"action": "submit"}
    assert client.post(url, data=data).status_code == 302


def test_the_results_are_computed_once_and_again_after_each_change(
    app, client, make_programme, make_nomination, make_juror, as_juror, monkeypatch
):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Sprachcafé Straubing")
    chair, juror = make_juror(programme, is_chair=True), make_juror(programme)
    criteria = _criteria(app, programme)
    computed = []
    compute = results_module._compute_results
    monkeypatch.setattr(results_module, "_compute_results", lambda basis: computed.append(1) or compute(basis))

    as_juror(juror)
    _score(client, programme, nomination, criteria, ["5", "5", "1"])
    as_juror(chair)
    first = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    again = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    assert "<td>5,00</td>" in first and "<td>5,00</td>" in again
    assert len(computed) == 1  # the second page came from the kept figures

    as_juror(juror)  # the juror changes their mind: the chair sees the new figure at once
    _score(client, programme, nomination, criteria, ["1", "1", "0"])
    as_juror(chair)
    changed = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    assert "<td>1,00</td>" in changed and "<td>5,00</td>" not in changed
    assert len(computed) == 2

    # the chair's own mark changes the kept table too (the button says so), with the chair's own form token
    client.post(f"/awards/jury/{programme.id}/results/{nomination.id}/on")
    marked = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
    assert 'aria-pressed="true"' in marked and f"/results/{nomination.id}/off" in marked
    assert "\x00" not in marked and 'name="csrf_token" value=""' not in marked


def test_a_changed_ranking_changes_the_schulze_proposal_at_once(
    app, client, make_programme, make_nomination, make_juror, as_juror
):
    programme = make_programme()
    alpha, beta = (make_nomination(programme, project_name=name) for name in ("Alpha", "Beta"))
    chair, juror = make_juror(programme, is_chair=True), make_juror(programme)
    as_juror(chair)
    for nomination in (alpha, beta):
        client.post(f"/awards/jury/{programme.id}/results/{nomination.id}/on")
    with app.test_request_context():
        open_round(db.session.scalars(select(Round).filter_by(programme_id=programme.id, kind="shortlist")).one())
    for ballot in ({alpha: 1, beta: 2}, {alpha: 2, beta: 1}):
        as_juror(juror)
        client.post(f"/awards/jury/{programme.id}/ranking", data={f"n{n.id}": r for n, r in ballot.items()})
        as_juror(chair)
        page = client.get(f"/awards/jury/{programme.id}/results").get_data(as_text=True)
        first = min(ballot, key=ballot.get).project_name
        second = max(ballot, key=ballot.get).project_name
        assert page.index(f"<li>{first}</li>") < page.index(f"<li>{second}</li>")


def test_a_jurors_list_shows_what_they_just_did(app, client, make_programme, make_nomination, make_juror, as_juror):
    programme = make_programme()
    nomination = make_nomination(programme, project_name="Nachbarschaftsgarten Deggendorf")
    juror = make_juror(programme)
    as_juror(juror)
    before = client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert "Noch nicht bewertet" in before and "Abgegeben" not in before
    assert f'href="/awards/jury/{programme.id}/nominations/{nomination.id}/conflict"' in before
    _score(client, programme, nomination, _criteria(app, programme), ["4", "3", "1"])
    after = client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert "Abgegeben" in after and "Noch nicht bewertet" not in after
    client.post(f"/awards/jury/{programme.id}/nominations/{nomination.id}/conflict", data={"state": "recused"})
    recused = client.get(f"/awards/jury/{programme.id}").get_data(as_text=True)
    assert f'href="/awards/jury/{programme.id}/nominations/{nomination.id}"' not in recused
