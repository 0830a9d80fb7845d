"""rkt.widgets.PlainWidgetRenderer writes exactly what Django's own widget templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from pillars.forms.months import MultipleFileInput
from rkt.widgets import PlainWidgetRenderer
from villages.number_fields import NumberInput

DJANGO, PLAIN = DjangoTemplates(), PlainWidgetRenderer()
TRICKY = "a \"quoted\" <b>bold</b> & 'single'"


class StoredFile:
    url = "/media/evidence/1.pdf"

    def __str__(self) -> str:
        return "1.pdf"


CASES = [
    (forms.TextInput(), "title", TRICKY, {"id": "id_title", "maxlength": 200, "required": True}),
    (forms.TextInput(), "title", None, {"disabled": False, "autofocus": True}),
    (forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}), "q", "2.5", {"class": "x"}),
    (NumberInput(), "a1-quantity", "1.234,5", {"inputmode": "decimal", "required": True, "class": "form-control"}),
    (NumberInput(), "budget", None, {"inputmode": "numeric"}),
    (forms.HiddenInput(), "a1-version", 3, {"id": "id_a1-version"}),
    (forms.FileInput(), "file", None, {}),
    (forms.ClearableFileInput(), "file", None, {"accept": "image/png"}),
    (MultipleFileInput(attrs={"accept": "image/jpeg,application/pdf"}), "a1-files", None, {"aria-describedby": "h"}),
    (forms.Textarea(attrs={"rows": 2}), "text", TRICKY + "\nline two", {"maxlength": 4000}),
    (forms.Textarea(), "text", "", {}),
    (forms.Textarea(), "text", mark_safe("<i>already safe</i>"), {}),
    (forms.Select(choices=[("a", "Alpha & co"), ("b", TRICKY), ("", "---")]), "s", "b", {"class": "form-select"}),
    (forms.Select(choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]), "s", "a", {}),
    (forms.SelectMultiple(choices=[(1, "One"), (2, "Two")]), "m", [1, 2], {}),
    (forms.NullBooleanSelect(), "nb", True, {}),
]


@pytest.mark.parametrize(("widget", "name", "value", "attrs"), CASES)
def test_the_plain_renderer_writes_what_django_writes(widget, name, value, attrs):
    expected = widget.render(name, value, attrs, renderer=DJANGO)
    assert widget.render(name, value, attrs, renderer=PLAIN) == expected


def test_a_file_input_with_a_stored_file_is_left_to_django():
    widget = forms.ClearableFileInput()
    assert widget.render("file", StoredFile(), {}, renderer=PLAIN) == widget.render(
        "file", StoredFile(), {}, renderer=DJANGO
    )


def test_other_widgets_are_rendered_by_django(db):
    for widget, value in ((forms.DateInput(), "2026-01-02"), (forms.CheckboxSelectMultiple(choices=[(1, "x")]), [1])):
        assert widget.render("w", value, {}, renderer=PLAIN) == widget.render("w", value, {}, renderer=DJANGO)


def test_it_is_the_project_form_renderer(settings):
    assert settings.FORM_RENDERER == "rkt.widgets.PlainWidgetRenderer"
    form = forms.Form()
    assert isinstance(form.renderer, PlainWidgetRenderer)


def test_an_uploaded_file_is_never_echoed_back():
    upload = SimpleUploadedFile("x.png", b"data")
    widget = forms.FileInput()
    assert "x.png" not in widget.render("f", upload, {}, renderer=PLAIN)


class EntryForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=[("a", "A"), ("b", "B")])
    note = forms.CharField(label="Note <i>", required=False, help_text="Say what & why", widget=forms.Textarea)
    count = forms.IntegerField(label="Count", min_value=0, widget=forms.NumberInput(attrs={"class": "narrow"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


def render_field(form, name: str) -> str:
    from django.template import Context, Template

    return Template("{% load rkt_forms %}{% field form." + name + " %}").render(Context({"form": form}))


def test_the_field_tag_writes_label_widget_and_help_text():
    html = render_field(EntryForm(prefix="a7"), "note")
    assert html.startswith(
        '<div id="div_id_a7-note" class="mb-3"><label for="id_a7-note" class="form-label">Note &lt;i&gt;</label>'
    )
    assert 'class="form-control" aria-describedby="id_a7-note_helptext"' in html
    assert '<div id="id_a7-note_helptext" class="form-text">Say what &amp; why</div>' in html


def test_a_required_field_is_marked_and_a_select_gets_its_bootstrap_class():
    html = render_field(EntryForm(), "status")
    assert 'class="form-label requiredField">Status<span class="asteriskField">*</span></label>' in html
    assert '<select name="status" class="form-select" id="id_status">' in html


def test_errors_are_shown_under_the_widget_and_announced():
    form = EntryForm(data={"status": "zzz", "count": "-1", "version": "1"})
    assert not form.is_valid()
    html = render_field(form, "count")
    assert 'class="narrow form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_count_error1"' in html
    assert '<div id="id_count_error1" class="invalid-feedback"><strong>' in html


def test_a_hidden_field_is_only_its_input():
    assert render_field(EntryForm(initial={"version": 4}), "version") == (
        '<input type="hidden" name="version" value="4" id="id_version">'
    )
