"""The bell in the top bar: how many notifications the person has not read. One indexed count, made only on a page
that shows the bell (a signed-in person's)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())}
