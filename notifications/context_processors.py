"""The bell in the top bar: how many notifications the person has not read. One indexed count, made only on a page
that shows the bell (a signed-in person's)."""

from __future__ import annotations

from functools import cached_property

from notifications.models import Notification

# Past this many the badge says "99+": it must fit beside the menu button on a 360 px phone.
BADGE_MAX = 99


class Bell:
    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return Notification.objects.visible_to(self.user).unread().count()

    @property
    def badge(self) -> str:
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
