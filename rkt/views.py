from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.i18n import set_language as django_set_language

from notifications.models import remember_language


def csrf_failure(request, reason: str = ""):
    """An expired form explained in the app's own layout and language, not Django's debug page."""
    return render(request, "403_csrf.html", status=403)


def set_language(request):
    """Django's language switch; a signed-in person's choice is also the language of their e-mails."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        remember_language(request.user, language)
    return response
