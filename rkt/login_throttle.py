"""Slowing down guesses at one username from many addresses, without letting anyone lock anyone else out.

django-axes locks a username from one address after ``RKT_LOGIN_FAILURE_LIMIT`` failures; an attacker with many
addresses gets that many guesses from each. Here the failures of a username from every address are counted (axes'
own failure log) over the cool-off: past ``RKT_LOGIN_USERNAME_LIMIT`` of them, an attempt is taken only once
``RKT_LOGIN_USERNAME_DELAY`` seconds have passed since the last failure, and one made sooner is refused unread,
right password or not, and not counted. The person whose username it is waits those seconds at most, then logs
in; the attacker gets one guess per delay, however many addresses they use.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.models import AccessFailureLog
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def wait_seconds(username: str, now: datetime | None = None) -> int:
    """How many seconds before ``username`` may be tried again; 0 when it may be now."""
    if not username:
        return 0
    now = now or timezone.now()
    recent = AccessFailureLog.objects.filter(username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    found = recent.aggregate(count=Count("id"), last=Max("attempt_time"))
    if found["count"] < settings.RKT_LOGIN_USERNAME_LIMIT:
        return 0
    ready = found["last"] + timedelta(seconds=settings.RKT_LOGIN_USERNAME_DELAY)
    return max(0, math.ceil((ready - now).total_seconds()))


class ThrottledLogin:
    """A login form that asks :func:`wait_seconds` before the password is checked."""

    error_messages = {
        "throttled": _(
            "This username has had many failed logins from several places. Wait %(seconds)s seconds, then log in again."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        seconds = wait_seconds(username or "")
        if seconds:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled", params={"seconds": seconds})
        return super().clean()


# Django's refusal names the username field through %(username)s, and its Indonesian already says "nama
# pengguna" before it: "Masukkan nama pengguna nama pengguna dan sandi". Ours says it once, in both languages.
INVALID_LOGIN = _("Please enter a correct username and password. Note that both fields may be case-sensitive.")
INVALID_STAFF_LOGIN = _(
    "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
)


class LoginForm(ThrottledLogin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        **ThrottledLogin.error_messages,
        "invalid_login": INVALID_LOGIN,
    }


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        **ThrottledLogin.error_messages,
        "invalid_login": INVALID_STAFF_LOGIN,
    }
