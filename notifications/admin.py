from django.contrib import admin

from notifications.models import Notification, Preferences


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was told to whom, and whether its e-mail went out (a failed one says why)."""

    list_display = ("created_at", "recipient", "kind", "read_at", "email", "email_attempts")
    list_filter = ("kind", "email")
    search_fields = ("recipient__username", "recipient__email")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
