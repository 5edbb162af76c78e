"""Privacy: personal data deleted when the consent says so, across every package that holds some."""

from events.privacy import retention  # noqa: E402,F401 - adds to the organiser's event page (meetings.signals)
