"""A worker killed with SIGKILL in the middle of a certificate batch: the batch finishes by itself, once."""

import io
import os
import signal
import zipfile
from collections import Counter

from sqlalchemy import select

from events.certificates.batches import AREA, batch_files, group_size
from events.certificates.models import CertificateBatch
from events.core.models import OutgoingMail
from events.core.storage import file_store
from events.core.types import utcnow
from events.extensions import db
from tests.certificates.test_certificates import pdf_page_count
from tests.conftest import sent_mails
from tests.workers import wait_until

SIZE = 300


def _batch(app) -> CertificateBatch:
    with app.app_context():
        batch = db.session.scalars(select(CertificateBatch)).one()
        db.session.expunge(batch)
        return batch


def test_a_batch_of_300_finishes_by_itself_after_its_worker_is_killed(
    app, client, make_user, login, start_worker, monkeypatch
):
    login(make_user("organiser"))
    rows = "".join(f"Person {n:03d};person{n:03d}@example.org\n" for n in range(SIZE))
    response = client.post(
        "/certificates/batches/new",
        data={
            "kind": "appreciation",
            "source": "csv",
            "csv_text": "Name;E-Mail\n" + rows,
            "design": "classic",
            "title": "Dankesurkunde",
            "body_template": "Danke, {name}.",
            "issuer": "Ministerium",
            "send_mail": "y",
            "action": "issue",
        },
    )
    assert response.status_code == 302
    batch_url = response.headers["Location"]

    first = start_worker("--no-periodic", CERTIFICATE_LEASE_SECONDS="5")
    group = group_size(SIZE)  # four groups of 75
    wait_until(lambda: _batch(app).progress >= group, timeout=120, what="the first group of certificates")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its rendering processes, as the OOM killer would
    first.wait()
    stopped_at = _batch(app)
    assert stopped_at.status == "rendering" and group <= stopped_at.progress < SIZE

    wait_until(lambda: _batch(app).lease_until < utcnow(), timeout=30, what="the dead worker's lease to lapse")
    page = client.get(batch_url).get_data(as_text=True)
    assert "Die Erstellung wurde unterbrochen" in page and "wo sie stand" in page
    assert "Erstellung neu starten" not in page  # nobody needs to click

    start_worker(CERTIFICATE_LEASE_SECONDS="5")  # another worker (after a restart, or on another machine)
    wait_until(lambda: _batch(app).status == "done", timeout=180, what="the batch to finish by itself")

    batch = _batch(app)
    assert batch.progress == SIZE and batch.runs == 2 and batch.error is None
    merged, archive = batch_files(batch)
    with app.app_context():
        store = file_store()
        assert pdf_page_count(store.read(AREA, merged)) == SIZE
        names = zipfile.ZipFile(io.BytesIO(store.read(AREA, archive))).namelist()
    assert len(names) == SIZE and len(set(names)) == SIZE

    with app.app_context():
        recipients = Counter(
            db.session.scalars(select(OutgoingMail.recipient).where(OutgoingMail.topic == "certificate"))
        )
    assert len(recipients) == SIZE and set(recipients.values()) == {1}  # everyone queued once, nobody twice
    wait_until(lambda: len(sent_mails(app)) == SIZE, timeout=120, what="the worker to deliver the certificates")
    assert Counter(message["To"] for message in sent_mails(app)).most_common(1)[0][1] == 1
    # downloaded once the worker is idle: on SQLite a signed-in GET that writes (the session's last use) while
    # another process writes can meet "database is locked" (noted for the sessions' owners)
    assert client.get(f"{batch_url}/certificates.zip").status_code == 200


def test_certificate_batches_are_cut_into_few_balanced_groups():
    assert group_size(1000) == 125  # eight documents, four for each rendering process
    assert group_size(300) == 75  # four of 75, not 125 + 125 + 50
    assert group_size(30) == 30
