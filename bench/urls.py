"""The project's URLs plus the floor: a bare view that runs one query and renders a one-line template."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from rkt.urls import urlpatterns as project_urlpatterns

_TEMPLATE = engines["django"].from_string("<p>{{ count }} users</p>")


def bare_view(request):
    # One query whose cost does not grow with the database: counting every user would be a scan of the
    # country's 35,000 at national scale (on PostgreSQL a parallel scan, 7 ms), no floor at all.
    count = get_user_model().objects.filter(pk=request.user.pk).count()
    return HttpResponse(_TEMPLATE.render({"count": count}))


urlpatterns = [path("__bench__/bare/", bare_view), *project_urlpatterns]
