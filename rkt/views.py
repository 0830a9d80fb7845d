from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """An expired form explained in the app's own layout and language, not Django's debug page."""
    return render(request, "403_csrf.html", status=403)
