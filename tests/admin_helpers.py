"""Posting an admin change form back as a browser would: every field as the page shows it, with changes."""

from __future__ import annotations


def change_form_data(page, **changes) -> dict:
    """The POST data of the admin change form on ``page`` (a GET response), fields of the main form and of
    every inline as the page shows them, then ``changes`` (``"progress-0-quantity": "2,5"`` for an inline)."""
    forms = [page.context["adminform"].form]
    data: dict = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)
    data.update(changes)
    data["_save"] = "Save"
    return data
