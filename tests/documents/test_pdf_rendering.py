"""The one PDF renderer: plain values in, PDF out, in a child process within CPU, memory and time limits."""

from __future__ import annotations

import subprocess
import time

import pytest

from events.documents.pdf_files import merge_pdfs, page_count, split_pdf
from events.documents.rendering import data_url, document_size, render_many, render_pdf
from events.documents.sandbox import Limits, RenderingFailed, run_bounded
from tests.documents.samples import use_bomb
from tests.registering import register_through_form


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def badge(first: str, last: str) -> dict:
    return {
        "first_name": first,
        "last_name": last,
        "organisation": "Freiwilligenagentur Tatendrang",
        "district": "München",
        "event_title": "Vernetzungstreffen",
        "qr": data_url("image/png", b""),
    }


def test_a_template_and_plain_values_make_a_pdf_with_its_fonts_embedded(app):
    with app.test_request_context():
        pdf = render_pdf("checkin_badges.html", {"badges": [badge("Jürgen", "Größer")], "event_title": "Treffen"})
    text = pdf_text(pdf)
    assert "Jürgen" in text and "Größer" in text and "Freiwilligenagentur Tatendrang" in text
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    fonts = listing.splitlines()[2:]  # name, type, encoding, emb, sub, uni, object, id
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded


def test_values_are_shown_as_text_never_as_markup_or_template_code(app):
    with app.test_request_context():
        pdf = render_pdf("checkin_badges.html", {"badges": [badge("<b>{{7*7}}</b>", "x")], "event_title": "T"})
    text = pdf_text(pdf)
    assert "<b>{{7*7}}" in text and "49" not in text


def test_many_items_share_documents_and_come_back_merged_in_order(app):
    people = [badge(f"Person{n}", "Bayer") for n in range(5)]
    done = []
    with app.test_request_context():
        merged, documents = render_many(
            "checkin_badges.html",
            {"event_title": "T"},
            people,
            items_key="badges",
            per_document=2,
            workers=2,
            progress=done.append,
        )
    assert len(documents) == 3 and page_count(merged) == 3  # 2 + 2 + 1 badges, one page each
    text = pdf_text(merged)
    assert [text.index(f"Person{n}") for n in range(5)] == sorted(text.index(f"Person{n}") for n in range(5))
    assert done[-1] == 5 and sorted(done) == done
    assert [page_count(single) for single in split_pdf(merged)] == [1, 1, 1]
    assert page_count(merge_pdfs(documents)) == 3


def test_a_logo_bomb_is_stopped_at_the_cpu_limit_with_one_clear_error(app):
    """The <use> bomb of depth 5 took 15.6 s and 278 MB in one web worker; here it stops after a second."""
    logo = data_url("image/svg+xml", use_bomb(5))
    html = f'<img src="{logo}" style="width: 5cm">'
    started = time.monotonic()
    with pytest.raises(RenderingFailed) as failure:
        run_bounded(_layout, html, limits=Limits(cpu_seconds=1, memory_mb=1024, timeout_seconds=30))
    assert failure.value.reason == "time"
    assert time.monotonic() - started < 25  # also on a busy machine; the bomb alone took 15.6 s of CPU
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert "zu aufwendig" in failure.value.message


def test_a_render_that_takes_too_much_memory_is_stopped():
    with pytest.raises(RenderingFailed) as failure:
        run_bounded(_allocate, 600, limits=Limits(cpu_seconds=10, memory_mb=400, timeout_seconds=30))
    assert failure.value.reason == "memory"


def test_a_render_that_waits_too_long_is_stopped_at_the_wall_clock_limit():
    started = time.monotonic()
    with pytest.raises(RenderingFailed) as failure:
        run_bounded(time.sleep, 30, limits=Limits(cpu_seconds=10, memory_mb=1024, timeout_seconds=0.5))
    assert failure.value.reason == "time" and time.monotonic() - started < 20  # not the 30 s it asked for


def test_an_error_inside_the_renderer_comes_back_as_a_failed_render():
    with pytest.raises(RenderingFailed) as failure:
        run_bounded(_layout, None, limits=Limits())
    assert failure.value.reason == "failed" and "TypeError" in failure.value.detail


def test_a_ticket_that_cannot_be_rendered_in_time_is_a_page_with_a_message_not_a_server_error(app, client, make_event):
    from tests.registration.test_registration import form_data

    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    app.config["PDF_TIMEOUT_SECONDS"] = 0.001
    try:
        response = client.get(personal + "/ticket.pdf")
    finally:
        app.config["PDF_TIMEOUT_SECONDS"] = 20
    assert response.status_code == 422
    assert "zu aufwendig" in response.get_data(as_text=True)


def _layout(html):
    from events.documents.rendering import layout_to_pdf

    return layout_to_pdf(html)


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_many_items_are_shared_out_evenly_between_the_rendering_processes():
    # 300 badges on two processes: four documents of 75, not 125 + 125 + 50 (one process idle for the last)
    assert document_size(300, workers=2) == 75
    assert document_size(1000, workers=2) == 125  # eight full documents
    assert document_size(100, workers=2) == 50  # both cores, even below one document's limit
    assert document_size(30, workers=2) == 30  # too few to be worth a second process
    assert document_size(5, workers=2, per_document=2) == 2


def test_page_numbers_in_a_margin_box_are_kept_and_documents_without_margin_rules_lay_out_alike():
    """The renderer skips WeasyPrint's empty margin boxes only where no rule can give one content."""
    import weasyprint.layout

    original = weasyprint.layout.make_margin_boxes
    body = "<p>Erste Seite</p><p style='break-before: page'>Zweite Seite</p>"
    numbered = (
        f"<style>@page {{ @bottom-right {{ content: 'Seite ' counter(page) ' von ' counter(pages) }} }}</style>{body}"
    )
    assert "Seite 1 von 2" in pdf_text(_layout(numbered)) and "Seite 2 von 2" in pdf_text(_layout(numbered))
    plain = f"<style>@page {{ margin: 10mm }} p {{ font-family: 'DejaVu Sans' }}</style>{body}"
    assert pdf_text(_layout(plain)) == "Erste Seite Zweite Seite"
    assert weasyprint.layout.make_margin_boxes is original  # left as it was, for the next document


def test_styles_of_first_pages_margins_and_footnotes_hold_on_every_page_of_a_long_document():
    """The page styles are looked up by key (layout_speedups) instead of among every element's styles."""
    import weasyprint.layout.page

    original = weasyprint.layout.page.set_page_type_computed_styles
    css = (
        "@page { size: A6; margin: 15mm; @bottom-right { content: 'S. ' counter(page) } }"
        "@page :first { @top-center { content: 'Titelseite' } } .note { float: footnote }"
    )
    body = "".join(
        f"<p style='break-after: page'>Absatz {n}<span class='note'>Anmerkung {n}</span></p>" for n in range(30)
    )
    text = pdf_text(_layout(f"<style>{css}</style>{body}"))
    assert text.count("Titelseite") == 1 and "S. 1" in text and "S. 30" in text
    assert all(f"Anmerkung {n}" in text for n in range(30))
    assert weasyprint.layout.page.set_page_type_computed_styles is original


@pytest.mark.parametrize(
    "text",
    [
        "https://treffpunkt.example/certificates/v/Xy-Z_12abcDEF3456",
        "https://treffpunkt.example/certificates/v/" + "ä€ß" * 120,  # a large version, with its version bits
        "HTTPS://TREFFPUNKT.EXAMPLE/12345678901234567890",  # segments of other modes: qrcode's own encoder
        "x",
    ],
)
def test_qr_codes_drawn_into_pdfs_have_the_modules_qrcode_makes(text):
    import qrcode

    from events.documents.qr import MASK_PATTERN, qr_modules

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=MASK_PATTERN, border=0)
    code.add_data(text)
    code.make(fit=True)
    assert qr_modules(text) == code.get_matrix()
