from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Villages and people")

    def ready(self) -> None:
        import villages.jobs  # noqa: F401 (registers the village-data import job)
        from villages import versions

        versions.connect()  # every write raises its scopes' data versions (the caches' keys)
