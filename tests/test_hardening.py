"""Production settings pass Django's deploy checks; pages carry a strict CSP; error pages use our layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_check_deploy_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7-" + "k2Qm9vLr4Tz8pW1sYe6uN3bC0dF5gH" * 2,
        DJANGO_ALLOWED_HOSTS="rkt.example.go.id",
        DJANGO_BEHIND_PROXY="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for marker in (
            "<script>",
            '<script type="text/javascript">',
            " onclick=",
            " onload=",
            " onsubmit=",
            " onchange=",
        ):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker.strip()}")
    assert offenders == []


@override_settings(DEBUG=False)
def test_a_missing_page_is_our_404_without_a_trace(cast):
    response = cast.client_for(cast.companion).get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body and "URLconf" not in body
    assert "RKT Pendampingan" in body
    assert "Tidak ditemukan" in body or "Not found" in body


@override_settings(DEBUG=False)
def test_a_server_error_is_our_500_without_a_trace():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "RKT Pendampingan" in body and "Traceback" not in body


def test_an_expired_form_gets_our_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(cast, settings):
    client = cast.client_for(cast.companion)
    url = reverse("pillars:progress-save", args=[cast.plan.pk, 3, 1])
    response = client.post(url, {"x": "y"}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 51 MB" in response.content.decode()


def test_a_body_within_the_limit_goes_through(cast):
    response = cast.client_for(cast.companion).post(reverse("logout"))
    assert response.status_code == 302
