"""Loaded once by the fork server of the rendering processes (see `sandbox`).

Importing WeasyPrint and pikepdf and laying out the documents the application's modules registered
(rendering.warm_up_with: a certificate in each design, say) loads the fonts, hyphenation patterns and styles
once; every render, forked from the server, then starts with all of it in memory.
"""

import gc
import importlib
import os
import sys

from events.documents.sandbox import MAIN_PATH_VARIABLE, WARM_UP_VARIABLE

if os.environ.get(MAIN_PATH_VARIABLE):
    # multiprocessing runs the parent's main script in each child unless __main__ already has its file name
    sys.modules["__main__"].__file__ = os.environ[MAIN_PATH_VARIABLE]


def _warm_up() -> None:
    from events.documents.rendering import WARM_UP_DOCUMENTS, document_html, layout_to_pdf

    for module in filter(None, os.environ.get(WARM_UP_VARIABLE, "").split(",")):
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001, S112 - a module that cannot be imported here is warmed up by its first render
            continue
    layout_to_pdf('<p style="font-family: DejaVu Sans">Ä <b>b</b> <i>c</i></p>', ("warm-up",))
    for template, values, options in WARM_UP_DOCUMENTS:
        try:
            layout_to_pdf(document_html(template, values), **options)
        except Exception:  # noqa: BLE001, S112 - this template's first render is slower, nothing else
            continue


try:
    _warm_up()
except Exception:  # noqa: BLE001, S110 - a failed warm-up only makes the first renders slower
    pass
# Everything loaded so far stays as it is: frozen objects are left out of the garbage collector's passes, so a
# forked render does not write to (and so copy) every page of the fork server's memory when it first collects;
# that copying cost each render about 0.1 s of CPU (measured 0.18 instead of 0.28 s for a one-page certificate).
gc.collect()
gc.freeze()
