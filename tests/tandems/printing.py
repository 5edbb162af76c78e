"""Fetching the printed guideline as a member does: ask for the PDF, then download it once it is ready (in tests
the task queue runs the render at once, where it is queued)."""


def printed_guideline(client, programme_id: int):
    """Press "PDF erstellen" on the print page and download the PDF it then offers; the download's response."""
    asked = client.post(f"/tandems/{programme_id}/guideline/print", follow_redirects=True)
    assert asked.status_code == 200, asked.status_code
    assert "PDF herunterladen" in asked.get_data(as_text=True), asked.get_data(as_text=True)
    response = client.get(f"/tandems/{programme_id}/guideline.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response
