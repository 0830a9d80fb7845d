from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PillarsConfig(AppConfig):
    name = "pillars"
    verbose_name = _("Plans and progress")

    def ready(self) -> None:
        from pillars import versions

        versions.connect()  # every write to a plan raises its data versions (the caches' keys)
