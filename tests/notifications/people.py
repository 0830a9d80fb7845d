"""The cast with e-mail addresses and languages, and what the notification tests read back: who got a row, who got
an e-mail, and whether the e-mail carries the page's address in both its parts."""

from __future__ import annotations

from collections import Counter

from django.conf import settings

from notifications.models import Notification, Preferences

# The companion reads English, the coordinator in scope Indonesian; the others keep the default.
LANGUAGES = {"pld": "en", "koord": "id"}


def address(user) -> str:
    return f"{user.username}@example.org"


def with_addresses(cast):
    """Everyone of the cast gets an e-mail address (none has one by default), the companion and the coordinator a
    chosen language."""
    for user in (cast.companion, cast.other_companion, cast.coordinator, cast.outsider, cast.admin):
        user.email = address(user)
        user.save(update_fields=["email"])
        if user.username in LANGUAGES:
            Preferences.objects.create(user=user, language=LANGUAGES[user.username])
    far = cast.outside_plan.companion.user
    far.email = address(far)
    far.save(update_fields=["email"])
    return cast


def choose(user, **email_kinds: bool) -> Preferences:
    """``user`` chooses e-mail (True) or the app only (False) for the kinds named."""
    preferences, _created = Preferences.objects.get_or_create(user=user)
    preferences.email_kinds = {**preferences.email_kinds, **email_kinds}
    preferences.save()
    return preferences


def rows() -> Counter:
    """How many notifications each person has, by username and kind."""
    return Counter(Notification.objects.values_list("recipient__username", "kind"))


def mailed(smtp) -> list[str]:
    """Every envelope recipient of every message the SMTP server received, sorted."""
    return sorted(address for message in smtp.messages for address in message.recipients)


def assert_links_to(message, path: str) -> None:
    """The message's plain text and HTML both carry the page's full address."""
    url = settings.RKT_SITE_URL + path
    assert url in message.text, message.text
    assert f'href="{url}"' in message.html, message.html
