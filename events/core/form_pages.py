"""The two shapes most views with a form have, written once: a form page (show, validate, save, confirm, go on) and
a form posted from another page (validate, run the service, confirm or tell why not). Views stay thin: they build
the form and say what saving means; the service functions they call commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template

from events.core.errors import ServiceError


def form_page(
    form,
    template: str,
    save: Callable[[], Any],
    saved: Callable[[Any], tuple[str, str]],
    **context,
):
    """A page with a form, for GET and POST.

    When a submission validates, save() runs; it returns what it saved, or None when it added errors to the form
    instead (the page is shown again). saved(result) gives the confirmation to flash and the URL to go on to.
    Otherwise the template is rendered with the form and the context: status 400 after a submission, else 200.
    """
    if form.validate_on_submit():
        result = save()
        if result is not None:
            message, url = saved(result)
            flash(message, "success")
            return redirect(url)
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


@dataclass(frozen=True)
class Outcome:
    """What form_action came to: true when the action was done; `result` is what it returned."""

    done: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.done


def form_action(
    form,
    action: Callable[[], Any],
    done: str | Callable[[Any], str],
    invalid: str | None = None,
    refused: Callable[[ServiceError], None] | None = None,
) -> Outcome:
    """Run a service action for a posted form; the Outcome is true when it was done and holds its result.

    When the form validates, action() runs and `done` is flashed (a text, or a function of the action's result).
    A ServiceError the action raises is flashed as an error (or handed to `refused`). When the form does not
    validate, `invalid` is flashed if given (forms posted from another page cannot show their field errors).
    """
    if not form.validate_on_submit():
        if invalid is not None:
            flash(invalid, "error")
        return Outcome(False)
    try:
        result = action()
    except ServiceError as error:
        if refused is not None:
            refused(error)
        else:
            flash(error.message, "error")
        return Outcome(False)
    flash(done(result) if callable(done) else done, "success")
    return Outcome(True, result)
