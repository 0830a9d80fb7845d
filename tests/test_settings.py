"""Settings come from the environment and refuse malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RKT_"))}
    environment.update(env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='rkt.settings'; from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.LANGUAGE_CODE, settings.TIME_ZONE)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_defaults_run_a_fresh_checkout_on_sqlite_in_indonesian():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "id", "Asia/Jakarta"]


def test_debug_off_requires_a_secret_key():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be one of"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"DJANGO_SESSION_AGE": "ten"}, "DJANGO_SESSION_AGE must be a whole number"),
        ({"DJANGO_SESSION_AGE": "-5"}, "DJANGO_SESSION_AGE must be from 60"),
        ({"RKT_SESSION_REFRESH": "0"}, "RKT_SESSION_REFRESH must be from 1 to 28800"),
        ({"DJANGO_SESSION_AGE": "600", "RKT_SESSION_REFRESH": "900"}, "RKT_SESSION_REFRESH must be from 1 to 600"),
        ({"RKT_REPORT_DEADLINE_DAY": "40"}, "RKT_REPORT_DEADLINE_DAY must be from 1 to 28"),
        ({"RKT_OFFLINE_KEY_DAYS": "0"}, "RKT_OFFLINE_KEY_DAYS must be from 1"),
        ({"DJANGO_LOG_LEVEL": "LOUD"}, "DJANGO_LOG_LEVEL must be"),
    ],
)
def test_a_malformed_value_is_a_clear_error(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_postgres_urls_are_understood():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/rkt")
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_sqlite_waits_for_the_lock_instead_of_failing(settings):
    from django.conf import settings as live

    if live.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite-only options")
    options = live.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


def setting_values(*names: str, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RKT_"))}
    environment.update(env)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='rkt.settings'; from django.conf import settings; "
        f"print('|'.join(repr(getattr(settings, name)) for name in {names!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "rkt.example.go.id"}


def test_with_debug_off_the_language_cookie_is_secure_and_same_site_lax():
    assert setting_values("LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_SAMESITE", **PRODUCTION) == ["True", "'Lax'"]


def test_forwarded_headers_are_believed_only_from_the_configured_proxies():
    assert setting_values("RKT_TRUSTED_PROXIES", **PRODUCTION) == ["[]"]
    behind = {**PRODUCTION, "DJANGO_BEHIND_PROXY": "1"}
    assert setting_values("RKT_TRUSTED_PROXIES", **behind) == ["['127.0.0.1', '::1']"]
    chosen = {**behind, "RKT_TRUSTED_PROXIES": "10.0.0.0/24, 10.1.0.5"}
    assert setting_values("RKT_TRUSTED_PROXIES", **chosen) == ["['10.0.0.0/24', '10.1.0.5']"]


def test_static_files_are_collected_into_the_checkout_unless_another_folder_is_named():
    assert setting_values("STATIC_ROOT") == [repr(ROOT / "staticfiles")]
    assert setting_values("STATIC_ROOT", DJANGO_STATIC_ROOT="/srv/rkt-static") == [repr(Path("/srv/rkt-static"))]


def test_a_trusted_proxy_that_is_no_address_is_a_clear_error():
    result = load_settings(DJANGO_BEHIND_PROXY="1", RKT_TRUSTED_PROXIES="proxy.local")
    assert result.returncode != 0
    assert "RKT_TRUSTED_PROXIES must list IP addresses or networks" in result.stderr


def gunicorn_setting(monkeypatch, name: str, **env: str):
    """``name`` as gunicorn.conf.py sets it in an environment without the app's variables but ``env``."""
    import runpy

    for variable in ("RKT_TRUSTED_PROXIES", "DJANGO_BEHIND_PROXY", "WEB_CONCURRENCY"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))[name]


def test_gunicorn_takes_forwarded_headers_only_from_the_same_proxies(monkeypatch):
    assert gunicorn_setting(monkeypatch, "forwarded_allow_ips", DJANGO_BEHIND_PROXY="0") == ""
    assert gunicorn_setting(monkeypatch, "forwarded_allow_ips", DJANGO_BEHIND_PROXY="1") == "127.0.0.1,::1"
    proxies = gunicorn_setting(
        monkeypatch, "forwarded_allow_ips", DJANGO_BEHIND_PROXY="1", RKT_TRUSTED_PROXIES="10.0.0.5"
    )
    assert proxies == "10.0.0.5"
    assert "--forwarded-allow-ips" in (ROOT / "README.md").read_text()


def test_gunicorn_runs_a_worker_per_core_unless_told_otherwise(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert gunicorn_setting(monkeypatch, "workers") == 2
    assert gunicorn_setting(monkeypatch, "workers", WEB_CONCURRENCY="3") == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert gunicorn_setting(monkeypatch, "workers") == 1


def test_the_request_body_limit_matches_the_evidence_limits():
    names = ("RKT_MAX_REQUEST_BYTES", "DATA_UPLOAD_MAX_MEMORY_SIZE")
    assert setting_values(*names) == [str(51 * 1024 * 1024), "2621440"]
    assert setting_values(*names, RKT_EVIDENCE_MAX_FILES="4")[0] == str(21 * 1024 * 1024)


POSTGRES = "postgres://postgres@127.0.0.1:5432/rkt"


def database(**env: str) -> dict:
    import ast

    return ast.literal_eval(setting_values("DATABASES", **env)[0])["default"]


def test_without_a_pool_connections_are_kept_a_minute_each():
    default = database(DATABASE_URL=POSTGRES)
    assert default["CONN_MAX_AGE"] == 60
    assert "pool" not in default["OPTIONS"]
    assert "pool" not in database(DATABASE_URL=POSTGRES, RKT_DB_POOL_MAX="0")["OPTIONS"]


def test_a_pool_on_postgresql_replaces_the_kept_connections():
    default = database(DATABASE_URL=POSTGRES, RKT_DB_POOL_MAX="4")
    assert default["CONN_MAX_AGE"] == 0
    assert default["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    assert default["OPTIONS"]["options"] == "-c jit=off"  # the connection options still apply to each
    sized = database(DATABASE_URL=POSTGRES, RKT_DB_POOL_MAX="8", RKT_DB_POOL_MIN="2", DJANGO_DB_CONN_MAX_AGE="0")
    assert sized["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RKT_DB_POOL_MAX": "4"}, "RKT_DB_POOL_MAX needs PostgreSQL"),
        (
            {"DATABASE_URL": POSTGRES, "RKT_DB_POOL_MAX": "4", "DJANGO_DB_CONN_MAX_AGE": "60"},
            "RKT_DB_POOL_MAX and DJANGO_DB_CONN_MAX_AGE both keep connections open",
        ),
        (
            {"DATABASE_URL": POSTGRES, "RKT_DB_POOL_MAX": "2", "RKT_DB_POOL_MIN": "3"},
            "RKT_DB_POOL_MIN (3) must be at most RKT_DB_POOL_MAX (2)",
        ),
        ({"DATABASE_URL": POSTGRES, "RKT_DB_POOL_MAX": "-1"}, "RKT_DB_POOL_MAX must be from 0"),
    ],
    ids=["sqlite", "conn-max-age", "min-above-max", "negative"],
)
def test_a_pool_that_cannot_work_is_refused(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_a_postgresql_server_that_never_answers_is_given_up_after_5_seconds():
    assert database(DATABASE_URL=POSTGRES)["OPTIONS"]["connect_timeout"] == 5
    assert database(DATABASE_URL=f"{POSTGRES}?connect_timeout=12")["OPTIONS"]["connect_timeout"] == 12


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "[3]"),
        ({"RKT_REPORT_DEADLINE_DAY": "2"}, "[1]"),  # the default follows a deadline that comes sooner
        ({"RKT_REPORT_DEADLINE_DAY": "1"}, "[]"),  # only on the deadline day
        ({"RKT_REMINDER_DAYS_BEFORE": "1,4,1"}, "[4, 1]"),
        ({"RKT_REMINDER_DAYS_BEFORE": ""}, "[]"),
    ],
)
def test_the_reminder_days_before_the_deadline(env, expected):
    assert setting_values("RKT_REMINDER_DAYS_BEFORE", **env) == [expected]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RKT_REMINDER_DAYS_BEFORE": "three"}, "must list days from 1 to 27"),
        ({"RKT_REMINDER_DAYS_BEFORE": "0"}, "must list days from 1 to 27"),
        # 5 days before the 5th is the last day of the month itself: the report is not owed yet, it could never go out
        ({"RKT_REMINDER_DAYS_BEFORE": "5"}, "must be less than RKT_REPORT_DEADLINE_DAY"),
        ({"RKT_REPORT_DEADLINE_DAY": "10", "RKT_REMINDER_DAYS_BEFORE": "12,2"}, "must be less than"),
        ({"DJANGO_EMAIL_URL": "ftp://mail.example.org"}, "DJANGO_EMAIL_URL is not a valid e-mail URL"),
    ],
)
def test_a_reminder_or_email_setting_that_cannot_work_is_a_clear_error(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_an_email_url_names_the_smtp_server():
    values = setting_values(
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_USE_TLS",
        DJANGO_EMAIL_URL="smtp://rkt%40example.go.id:secret@smtp.example.go.id:587/?tls=True",
    )
    assert values == [
        repr("django.core.mail.backends.smtp.EmailBackend"),
        repr("smtp.example.go.id"),
        "587",
        repr("rkt@example.go.id"),
        "True",
    ]
    assert setting_values("EMAIL_BACKEND") == [repr("django.core.mail.backends.console.EmailBackend")]
