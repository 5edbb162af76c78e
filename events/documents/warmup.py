"""Loaded once by the fork server of the rendering processes (see `sandbox`).

Importing WeasyPrint and pikepdf and laying out one small page with the fonts the templates use makes every
later render, forked from the server, start with all of it in memory: about 40 ms instead of half a second.
"""

try:
    from events.documents.rendering import layout_to_pdf

    layout_to_pdf(
        '<p style="font-family: DejaVu Sans">Ä <b>b</b> <i>c</i> <span style="font-family: DejaVu Serif">d</span></p>',
        ("warm-up",),
    )
except Exception:  # noqa: BLE001, S110 - a failed warm-up only makes the first renders slower
    pass
