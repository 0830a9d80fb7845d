"""The project's URLs plus the floor: a bare view that runs one query and renders a one-line template."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from rkt.urls import urlpatterns as project_urlpatterns

_TEMPLATE = engines["django"].from_string("<p>{{ count }} users</p>")


def bare_view(request):
    return HttpResponse(_TEMPLATE.render({"count": get_user_model().objects.count()}))


urlpatterns = [path("__bench__/bare/", bare_view), *project_urlpatterns]
