"""The admin's pages and the site's share what a browser asks of every page: a favicon that is there, and lists
that fit the screen."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from villages.models import Companion

pytestmark = pytest.mark.django_db


class Icons(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "icon" in (attrs.get("rel") or "").split():
            self.found.append(attrs.get("href") or "")


def icons_of(response) -> list[str]:
    parser = Icons()
    parser.feed(response.content.decode())
    return parser.found


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("page", ["site", "admin"])
def test_the_site_and_the_admin_link_a_favicon_that_is_served(cast, settings, page):
    """Without a link, the browser asks for /favicon.ico, which is not there (the admin's pages did)."""
    if page == "site":
        response = Client().get(reverse("login"))
    else:
        response = cast.client_for(cast.admin).get(reverse("admin:index"))
    assert response.status_code == 200
    icons = icons_of(response)
    assert len(icons) == 1, f"the {page}'s pages link one favicon"
    path = icons[0].removeprefix("/" + settings.STATIC_URL.strip("/") + "/")
    assert finders.find(path), f"{path} is a static file"
    served = Client().get(icons[0])
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content]).lstrip().startswith(b"<")


def test_the_admins_companion_list_fits_the_screen(cast):
    """At 1280 px the list was cut off after five columns (user, name, role, phone, region, from, until)."""
    request = RequestFactory().get("/")
    request.user = cast.admin
    columns = admin.site._registry[Companion].get_list_display(request)
    assert len(columns) <= 5
    page = cast.client_for(cast.admin).get(reverse("admin:villages_companion_changelist"))
    assert page.status_code == 200
    headers = re.findall(r'<th scope="col" class="[^"]*\bcolumn-', page.content.decode())
    assert 1 <= len(headers) <= 5
