"""The admin of offices: their letterhead and their own Word template of the monthly report."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pillars.evidence import check_upload
from reports.models import Office
from reports.word import TemplateProblem, check_template
from villages.models import Region

MAX_LOGO_BYTES = 1024 * 1024


class OfficeForm(forms.ModelForm):
    """Checks a logo by its content (an image, at most 1 MB) and a Word template by rendering it once."""

    class Meta:
        model = Office
        fields = ("region", "parent_name", "name", "address", "phone", "email", "logo", "monthly_template")

    def clean_region(self) -> Region:
        region = self.cleaned_data["region"]
        if region.level > Region.Level.REGENCY:
            raise ValidationError(_("An office belongs to a province or a regency (kabupaten/kota)."))
        return region

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):  # unchanged, or cleared
            return logo
        checked = check_upload(logo)
        if not checked.content_type.startswith("image/"):
            raise ValidationError(_("The logo must be a PNG or JPEG image."))
        if logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is %(size)s; the limit is 1 MB.") % {"size": filesizeformat(logo.size)})
        self.instance.logo_type = checked.content_type
        return logo

    def clean_monthly_template(self):
        template = self.cleaned_data.get("monthly_template")
        if not template or not hasattr(template, "content_type"):
            return template
        if template.size > 6 * 1024 * 1024:  # not read into memory at all beyond the limit the check names
            raise ValidationError(
                _("The template is %(size)s; the limit is 5 MB.") % {"size": filesizeformat(template.size)}
            )
        template.seek(0)
        try:
            check_template(template.read())
        except TemplateProblem as problem:
            raise ValidationError(str(problem)) from None
        finally:
            template.seek(0)
        return template


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeForm
    list_display = ["name", "region", "has_logo", "has_template", "updated_at"]
    search_fields = ["name", "region__code", "region__name"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]

    @admin.display(description=_("logo"), boolean=True)
    def has_logo(self, office: Office) -> bool:
        return bool(office.logo)

    @admin.display(description=_("own Word template"), boolean=True)
    def has_template(self, office: Office) -> bool:
        return bool(office.monthly_template)
