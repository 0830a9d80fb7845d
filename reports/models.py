"""The office whose letterhead a region's documents carry, and its own Word template of the monthly report."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from villages.models import Region


def _server_name(instance: Office, extension: str) -> str:
    """A server-made name: the uploader's file name never reaches the file system."""
    return f"offices/{instance.region_id.replace('.', '-')}/{uuid.uuid4().hex}.{extension}"


def logo_path(instance: Office, filename: str) -> str:
    return _server_name(instance, {"image/png": "png", "image/jpeg": "jpg"}.get(instance.logo_type, "bin"))


def template_path(instance: Office, filename: str) -> str:
    return _server_name(instance, "docx")


class OfficeQuerySet(models.QuerySet):
    def for_codes(self, codes: list[str]) -> Office | None:
        """The office of the most local region among ``codes`` (a kabupaten before its province)."""
        offices = {office.region_id: office for office in self.filter(region_id__in=codes)}
        for code in sorted(codes, key=len, reverse=True):
            if code in offices:
                return offices[code]
        return None


class Office(models.Model):
    """A kabupaten's or province's office (for example its Dinas PMD): the letterhead ("kop") of every plan and
    monthly report of its villages, and optionally its own Word template of the monthly report."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="office",
        limit_choices_to={"level__lte": Region.Level.REGENCY},
        help_text=_("A regency (kabupaten/kota) or a province; its documents carry this office's letterhead."),
    )
    name = models.CharField(_("office name"), max_length=200)
    parent_name = models.CharField(
        _("above the name"),
        max_length=200,
        blank=True,
        help_text=_("The line above the office's name, e.g. PEMERINTAH KABUPATEN GUNUNGKIDUL."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    logo = models.FileField(
        _("logo"), upload_to=logo_path, blank=True, max_length=200, help_text=_("PNG or JPEG, at most 1 MB.")
    )
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True, editable=False)
    monthly_template = models.FileField(
        _("Word template of the monthly report"),
        upload_to=template_path,
        blank=True,
        max_length=200,
        help_text=_("A .docx file with the placeholders listed in the README; empty: the app's own template."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["region_id"]

    def __str__(self) -> str:
        return self.name
