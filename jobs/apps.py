from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from jobs.models import Job, remove_files

        # A job deleted (in the admin, or with its owner) takes its files with it: nothing else would find them.
        post_delete.connect(remove_files, sender=Job, dispatch_uid="jobs-remove-files")
