from __future__ import annotations

from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read only: jobs are started from the pages and run by the workers; the admin sees what happened."""

    list_display = ["title", "owner", "kind", "status", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "owner__username"]
    list_select_related = ["owner"]
    # No file fields: with a bucket the admin would link them signed, and a job's files are its owner's alone.
    fields = [
        "title", "owner", "kind", "status", "progress", "step", "attempts", "created_at", "started_at",
        "heartbeat_at", "finished_at", "expires_at", "result_name", "error",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
