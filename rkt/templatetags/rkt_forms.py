"""``{% field bound_field %}``: one form field in Bootstrap 5 markup, built in Python.

The month view draws six fields for each of its twenty activities. crispy-forms renders every field
through half a dozen templates, most of a second of CPU per page on the bench machine, and pads each
with blank lines; this tag writes the same parts (label with the required mark, the widget with its
Bootstrap class, each error, the help text) around Django's own widget rendering. Forms with a
crispy layout keep crispy.
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-control"


@register.simple_tag
def field(bound: forms.BoundField) -> SafeString:
    if bound.is_hidden:
        return bound.as_widget()
    widget = bound.field.widget
    field_id = bound.auto_id
    classes = [widget.attrs.get("class", ""), _widget_class(widget)]
    if bound.errors:
        classes.append("is-invalid")
    attrs = {"class": " ".join(filter(None, classes))}
    described = [f"{field_id}_helptext"] if bound.help_text else []
    described += [f"{field_id}_error{number}" for number in range(1, len(bound.errors) + 1)]
    if described:
        attrs["aria-describedby"] = " ".join(described)
    required = mark_safe('<span class="asteriskField">*</span>') if bound.field.required else ""
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field_id,
        " requiredField" if bound.field.required else "",
        bound.label,
        required,
    )
    errors = format_html_join(
        "",
        '<div id="{}_error{}" class="invalid-feedback"><strong>{}</strong></div>',
        ((field_id, number, error) for number, error in enumerate(bound.errors, start=1)),
    )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field_id, bound.help_text)
        if bound.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>', field_id, label, bound.as_widget(attrs=attrs), errors, help_text
    )


@register.simple_tag
def widget(bound: forms.BoundField) -> SafeString:
    """The widget of ``bound`` alone, for a page that lays out its own label and errors.

    The Bootstrap class comes first, then the widget's own classes (``form-select-sm`` say); a field with
    errors gets ``is-invalid`` and an ``aria-describedby`` naming ``<id>_error1``, ``<id>_error2``…,
    the ids the page gives its error messages.
    """
    classes = [_widget_class(bound.field.widget), bound.field.widget.attrs.get("class", "")]
    attrs = {}
    if bound.errors:
        classes.append("is-invalid")
        attrs["aria-describedby"] = " ".join(
            f"{bound.auto_id}_error{number}" for number in range(1, len(bound.errors) + 1)
        )
    attrs["class"] = " ".join(filter(None, classes))
    return bound.as_widget(attrs=attrs)
