from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and exports")

    def ready(self) -> None:
        import reports.jobs  # noqa: F401 (registers the recap and PDF jobs)
        from reports.models import Office
        from villages import versions

        versions.track(Office, lambda office: versions.bump_all())  # its letterhead is on every document
