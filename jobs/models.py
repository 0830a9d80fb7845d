"""Long work done outside the request: a recap, a large PDF, a village-data import.

One record per request for such work: who asked, what and for which scope, how far it is (0–100), and the result
file or the error in words. A job is seen by its owner only (:meth:`JobQuerySet.visible_to`); anyone else gets 404.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)

    def stale(self, now=None):
        """Jobs nothing has said anything of for RKT_JOB_STALE_SECONDS: a running one whose worker stopped writing
        its heartbeat, a waiting one whose message no worker took (lost with a Redis restart, or a thread that
        never started). ``heartbeat_at`` is set when a job is sent, and by its worker while it runs."""
        now = now or timezone.now()
        return self.filter(
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            heartbeat_at__lt=now - timedelta(seconds=settings.RKT_JOB_STALE_SECONDS),
        )

    def expired(self, now=None):
        return self.filter(expires_at__lt=now or timezone.now())


def _result_path(job: Job, filename: str) -> str:
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, validators=[MaxValueValidator(100)])
    step = models.CharField(_("step"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    # The file the job reads (an uploaded spreadsheet) and the one it makes; both go when the job expires.
    input_file = models.FileField(upload_to=_result_path, max_length=300, blank=True)
    result_file = models.FileField(upload_to=_result_path, max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    # What a job reports besides a file (an import's rows, errors and changes).
    result_data = models.JSONField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["expires_at"]),
        ]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_queued(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def has_download(self) -> bool:
        return self.status == self.Status.DONE and bool(self.result_file)

    @property
    def can_retry(self) -> bool:
        """A failed job may be run again while what it read is still kept."""
        return self.is_failed and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


def remove_files(sender, instance: Job, **kwargs) -> None:
    for stored in (instance.result_file, instance.input_file):
        if stored:
            stored.delete(save=False)
