"""A form renderer that writes Django's plain widgets in Python.

Django renders every widget through its templates (an input is two, a select one more per option).
The month view shows twenty entry forms of six fields, and those template renders were half of the
page's time. :class:`PlainWidgetRenderer` writes the same markup as Django's own widget templates
for inputs, text areas and selects (``tests/test_widgets.py`` compares the two for every widget it
handles) and leaves every other template, a clearable file input with a file in it say, to Django.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString, mark_safe


def _text(value) -> str:
    """A value as the templates' ``|stringformat:'s'`` gives it (a plain string), escaped."""
    return e(f"{value}")


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {e(name)}" if value is True else f' {e(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{e(widget["type"])}" name="{e(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _file_input(widget: dict) -> str | None:
    # With a file already there, Django's template adds its link and "clear" box. Without one the
    # input carries no value (FileInput never renders one): the plain input.
    return None if widget.get("is_initial") else _input(widget)


def _textarea(widget: dict) -> str:
    value = e(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{e(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    value = _text(option["value"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{e(option["label"])}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{e(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{e(group_name)}">')
        for option in options:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")  # Django's option template ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/file.html": _input,
    "django/forms/widgets/clearable_file_input.html": _file_input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class PlainWidgetRenderer(DjangoTemplates):
    """Django's template renderer, but the widgets in ``WRITERS`` are written in Python."""

    def render(self, template_name, context, request=None) -> SafeString:
        writer = WRITERS.get(template_name)
        html = writer(context["widget"]) if writer is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html)  # noqa: S308 (every value above is escaped)
