"""Sign-off freezes the guideline; the printed guideline holds what was approved, in order, with its contents."""

import io
import subprocess

import pytest
from sqlalchemy import select

from events.extensions import db
from events.tandems.models import (
    BlockState,
    GuidelineBlock,
    GuidelineChapter,
    GuidelinePrint,
    Phase,
    TandemProgramme,
)
from tests.tandems.printing import printed_guideline


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _guideline(app, make_programme, make_group, make_block, phase=Phase.SIGN_OFF):
    """Two chapters; accepted, dropped and draft blocks of two groups."""
    programme = make_programme(phase=phase, foreword="Ein Wort vorab.", imprint="Herausgegeben vom Ministerium.")
    niederbayern = make_group(programme, name="Tandem Niederbayern")
    schwaben = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    first = make_block(niederbayern, title="Gemeinsame Pressearbeit")
    with app.app_context():
        second_chapter = GuidelineChapter(programme_id=programme.id, title="Gemeinsame Projekte", position=2)
        db.session.add(second_chapter)
        db.session.get(GuidelineChapter, db.session.get(GuidelineBlock, first.id).chapter_id).position = 1
        db.session.commit()
        second_chapter_id = second_chapter.id
    dropped = make_block(schwaben, title="Eigene Zeitung gründen")
    draft = make_block(niederbayern, title="Noch nicht fertig")
    joint = make_block(schwaben, title="Parallelstrukturen vermeiden")
    with app.app_context():
        for block_id, state in ((first.id, "accepted"), (dropped.id, "dropped"), (joint.id, "accepted")):
            db.session.get(GuidelineBlock, block_id).state = state
        db.session.get(GuidelineBlock, joint.id).chapter_id = second_chapter_id
        db.session.commit()
    return programme, {"first": first, "dropped": dropped, "draft": draft, "joint": joint}


def test_sign_off_freezes_the_guideline_and_the_pdf_holds_the_approved_blocks_in_order(
    app, client, login, make_user, make_programme, make_group, make_block
):
    programme, blocks = _guideline(app, make_programme, make_group, make_block)
    login(make_user("organiser"))
    assert (
        client.post(f"/tandems/{programme.id}/sign-off", data={"approved_by": "Dr. Maria Amt, Referat I"}).status_code
        == 302
    )
    with app.app_context():
        signed = db.session.get(TandemProgramme, programme.id)
        assert signed.signed_off_by == "Dr. Maria Amt, Referat I" and signed.signed_off_at is not None
    assert "Freigegeben am" in client.get(f"/tandems/{programme.id}/guideline").get_data(as_text=True)

    edit = {"title": "Gemeinsame Pressearbeit", "text": "Nachträglich geändert."}
    assert client.post(f"/tandems/blocks/{blocks['first'].id}/edit", data=edit).status_code == 403
    assert client.post(f"/tandems/blocks/{blocks['first'].id}/comments", data={"comment": "Zu spät"}).status_code == 403
    with app.app_context():
        assert db.session.get(GuidelineBlock, blocks["first"].id).text == "Die Tandems planen gemeinsam."

    text = pdf_text(printed_guideline(client, programme.id).data)
    assert "Entwurf" not in text
    assert text.index("Inhalt") < text.index("1. Vernetzung und Öffentlichkeitsarbeit")
    for title in ("Gemeinsame Pressearbeit", "Parallelstrukturen vermeiden"):
        assert text.count(title) >= 2  # in the table of contents and in the text
    assert text.rindex("Vernetzung und Öffentlichkeitsarbeit") < text.rindex("Gemeinsame Projekte")
    assert "Eigene Zeitung gründen" not in text and "Noch nicht fertig" not in text
    assert "Aus den Gruppen: Tandem Schwaben" in text
    assert "Beteiligte Organisationen" in text and "Herausgegeben vom Ministerium." in text


def test_a_draft_print_is_watermarked_and_shows_every_live_block_with_its_state(
    app, client, login, make_user, make_programme, make_group, make_block
):
    programme, _blocks = _guideline(app, make_programme, make_group, make_block, phase=Phase.COMMENTING)
    login(make_user("organiser"))
    text = pdf_text(printed_guideline(client, programme.id).data)
    assert "Entwurf" in text
    assert "Noch nicht fertig" in text and "Eigene Zeitung gründen" not in text


def test_the_guideline_as_docx_has_the_chapters_as_headings(
    app, client, login, make_user, make_programme, make_group, make_block
):
    from docx import Document

    programme, _blocks = _guideline(app, make_programme, make_group, make_block)
    login(make_user("organiser"))
    response = client.get(f"/tandems/{programme.id}/guideline.docx")
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        "Vorwort",
        "1. Vernetzung und Öffentlichkeitsarbeit",
        "1.1 Gemeinsame Pressearbeit",
        "1.2 Noch nicht fertig",
    ]
    with app.app_context():
        assert db.session.scalar(select(GuidelineBlock.id).filter_by(state=BlockState.DROPPED))


def test_the_pdf_is_rendered_again_only_after_the_guideline_changed(
    app, client, login, make_user, make_programme, make_group, make_block, monkeypatch
):
    from events.tandems import printing

    programme, blocks = _guideline(app, make_programme, make_group, make_block, phase=Phase.COMMENTING)
    renders = []
    real = printing.run_bounded
    monkeypatch.setattr(printing, "run_bounded", lambda *args, **kwargs: renders.append(1) or real(*args, **kwargs))
    login(make_user("organiser"))
    page = client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)
    assert "noch keine PDF-Datei" in page and "PDF erstellen" in page
    # before anyone asked for it, the download leads to the page that prepares it
    assert client.get(f"/tandems/{programme.id}/guideline.pdf").headers["Location"].endswith("/guideline/print")
    first = printed_guideline(client, programme.id).data
    assert printed_guideline(client, programme.id).data == first  # asked again: the same print
    assert len(renders) == 1
    with app.app_context():
        db.session.get(GuidelineBlock, blocks["first"].id).title = "Gemeinsame Pressearbeit vor Ort"
        db.session.commit()
    assert "noch keine PDF-Datei" in client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)
    assert "Pressearbeit vor Ort" in pdf_text(printed_guideline(client, programme.id).data)
    assert len(renders) == 2
    with app.app_context():  # only the newest print is kept
        assert db.session.scalar(select(db.func.count(GuidelinePrint.id))) == 1


def test_a_guideline_print_waits_for_the_worker_and_says_so(app, client, login, make_user, make_programme, monkeypatch):
    from events.tandems import print_jobs

    programme = make_programme(phase=Phase.COMMENTING)
    queued = []
    monkeypatch.setattr("events.tandems.tasks.render_guideline", lambda print_id: queued.append(print_id))
    login(make_user("organiser"))
    page = client.post(f"/tandems/{programme.id}/guideline/print", follow_redirects=True).get_data(as_text=True)
    assert "wird vorbereitet" in page and "PDF herunterladen" not in page
    client.post(f"/tandems/{programme.id}/guideline/print")  # asked again while it waits: not queued twice
    assert len(queued) == 1
    with app.app_context():
        print_jobs.render_print(queued[0])  # the worker
    assert "PDF herunterladen" in client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)


def test_a_guideline_print_that_fails_says_why_and_can_be_tried_again(
    app, client, login, make_user, make_programme, monkeypatch
):
    from events.documents.sandbox import RenderingFailed
    from events.tandems import printing

    programme = make_programme(phase=Phase.COMMENTING)

    def too_slow(*_args, **_kwargs):
        raise RenderingFailed("time")

    monkeypatch.setattr(printing, "run_bounded", too_slow)
    login(make_user("organiser"))
    page = client.post(f"/tandems/{programme.id}/guideline/print", follow_redirects=True).get_data(as_text=True)
    assert "konnte nicht erstellt werden" in page and "nach der erlaubten Zeit abgebrochen" in page
    assert "Erneut versuchen" in page
    assert client.get(f"/tandems/{programme.id}/guideline.pdf").status_code == 302
    monkeypatch.undo()
    printed_guideline(client, programme.id)


def _asked_for_print(client, login, make_user, make_programme, monkeypatch):
    """An organiser asks for the print of a guideline; the worker's task is only noted (its print ids)."""
    programme = make_programme(phase=Phase.COMMENTING)
    queued = []
    monkeypatch.setattr("events.tandems.tasks.render_guideline", lambda print_id: queued.append(print_id))
    login(make_user("organiser"))
    client.post(f"/tandems/{programme.id}/guideline/print")
    return programme, queued


def test_a_print_lost_with_its_worker_or_its_file_can_be_made_again(
    app, client, login, make_user, make_programme, monkeypatch
):
    from datetime import timedelta

    from events.core.storage import file_store
    from events.core.types import utcnow
    from events.tandems import print_jobs

    programme, queued = _asked_for_print(client, login, make_user, make_programme, monkeypatch)
    with app.app_context():  # the worker died with the task: eleven minutes later it still waits
        db.session.get(GuidelinePrint, queued[0]).requested_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    page = client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)
    assert "PDF erstellen" in page and "wird vorbereitet" not in page  # not a page that waits for ever
    client.post(f"/tandems/{programme.id}/guideline/print")
    assert len(queued) == 2
    with app.app_context():
        print_jobs.render_print(queued[1])
        name = db.session.get(GuidelinePrint, queued[1]).file_name
        file_store().delete(print_jobs.AREA, [name])  # the file is gone (another machine, a cleaned folder)
    page = client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)
    assert "PDF herunterladen" not in page and "PDF erstellen" in page  # no link that leads back here
    monkeypatch.undo()
    printed_guideline(client, programme.id)


def test_two_members_asking_for_the_same_new_print_at_once_get_one(
    app, client, login, make_user, make_programme, monkeypatch
):
    from events.tandems import print_jobs

    programme, queued = _asked_for_print(client, login, make_user, make_programme, monkeypatch)
    real_row, calls = print_jobs._row, []

    def not_seen_yet(*args):  # the second request looked before the first one's row was committed
        calls.append(1)
        return None if len(calls) == 1 else real_row(*args)

    monkeypatch.setattr(print_jobs, "_row", not_seen_yet)
    page = client.post(f"/tandems/{programme.id}/guideline/print", follow_redirects=True)
    assert page.status_code == 200 and "wird vorbereitet" in page.get_data(as_text=True)
    assert len(queued) == 1
    with app.app_context():
        assert db.session.scalar(select(db.func.count(GuidelinePrint.id))) == 1


@pytest.mark.parametrize("newer_first", [False, True], ids=["newer-still-waiting", "newer-ready-first"])
def test_a_print_finishing_after_the_guideline_changed_leaves_the_newer_print_alone(
    app, client, login, make_user, make_programme, make_group, make_block, monkeypatch, newer_first
):
    from events.core.storage import file_store
    from events.tandems import print_jobs

    programme, blocks = _guideline(app, make_programme, make_group, make_block, phase=Phase.COMMENTING)
    queued = []
    monkeypatch.setattr("events.tandems.tasks.render_guideline", lambda print_id: queued.append(print_id))
    login(make_user("organiser"))
    client.post(f"/tandems/{programme.id}/guideline/print")  # the first print waits for the worker
    with app.app_context():
        first_file = db.session.get(GuidelinePrint, queued[0]).file_name
    real_render, renders = print_jobs.render_guideline_pdf, []

    def slow_render(html):
        renders.append(1)
        if len(renders) == 1:  # while the worker renders the first print, the text changes and a second is made
            db.session.get(GuidelineBlock, blocks["first"].id).title = "Gemeinsame Pressearbeit vor Ort"
            db.session.commit()
            print_jobs.request_print(db.session.get(TandemProgramme, programme.id))  # another member asks
            if newer_first:
                print_jobs.render_print(queued[1])  # another worker, done first
        return real_render(html)

    monkeypatch.setattr(print_jobs, "render_guideline_pdf", slow_render)
    with app.app_context():
        print_jobs.render_print(queued[0])  # the first print finishes after the text changed
        if not newer_first:
            print_jobs.render_print(queued[1])  # then the worker comes to the newer one
    page = client.get(f"/tandems/{programme.id}/guideline/print").get_data(as_text=True)
    assert "PDF herunterladen" in page and "PDF erstellen" not in page  # nobody has to click again
    assert "Pressearbeit vor Ort" in pdf_text(client.get(f"/tandems/{programme.id}/guideline.pdf").data)
    with app.app_context():
        second = db.session.get(GuidelinePrint, queued[1])
        assert second.status == "ready" and file_store().exists(print_jobs.AREA, second.file_name)
        assert db.session.get(GuidelinePrint, queued[0]) is None  # the outdated print is not kept
        assert not file_store().exists(print_jobs.AREA, first_file)
