"""The app served as in production, for measuring what a companion's phone receives.

pytest-django's live server hands /static/ to Django's finders: uncompressed, unfingerprinted, without
cache headers. Here the static files are collected with WhiteNoise's CompressedManifestStaticFilesStorage
(as ``collectstatic`` does on a server) and WhiteNoise serves them: fingerprinted names, gzip/brotli
copies, "immutable" caching. Pages go through the same middleware as in production (GZipMiddleware
included), so the browser's own byte counts are the transfer sizes; nothing is estimated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread

PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def production_settings(static_root: Path) -> override_settings:
    return override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"],
        STATIC_ROOT=static_root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": PRODUCTION_STATIC},
        },
    )


def collect_static(static_root: Path) -> None:
    with production_settings(static_root):
        call_command("collectstatic", interactive=False, verbosity=0)


@contextmanager
def production_server(static_root: Path) -> Iterator[str]:
    """A live server thread whose static files come from WhiteNoise, not from the test handler."""
    with production_settings(static_root):
        # An in-memory SQLite test database is shared with the server thread, as Django's LiveServerTestCase does.
        shared = {conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()}
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread = LiveServerThread("localhost", lambda application: application, connections_override=shared, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://localhost:{thread.port}"
        finally:
            thread.terminate()
            thread.join()
            # The in-memory connection stays shareable: request threads of kept-alive browser sockets
            # close their handle to it when Chromium drops the socket, which can be after this returns.
            # pytest-django's own live server keeps it shared for the whole session in the same way.
