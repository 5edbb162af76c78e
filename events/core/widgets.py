"""Form widgets the stock WTForms ones are too slow or too plain for."""

from markupsafe import Markup, escape
from wtforms.widgets import html_params


class GroupedSelect:
    """A <select> with <optgroup>s, rendered in one pass.

    The district picker has more than 120 options; WTForms' own widget builds each option through
    html_params and str.format, which made it the most expensive part of the registration form.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        selected = "" if field.data is None else str(field.data)
        parts = [f"<select {html_params(name=field.name, **kwargs)}>"]
        group = None
        for choice in field.choices:
            value, label, _render_kw, optgroup = choice
            if optgroup != group:
                if group is not None:
                    parts.append("</optgroup>")
                if optgroup is not None:
                    parts.append(f'<optgroup label="{escape(optgroup)}">')
                group = optgroup
            mark = " selected" if str(value) == selected else ""
            parts.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
        if group is not None:
            parts.append("</optgroup>")
        parts.append("</select>")
        return Markup("".join(parts))  # noqa: S704 - every value above is escaped
