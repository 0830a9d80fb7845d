"""Rendering HTML templates to PDF with WeasyPrint, offline and inside the project's static folder.

WeasyPrint needs Pango at import time, so it is imported only when a PDF is made: a machine
without it still runs the app, and :class:`PdfUnavailable` lets the view say so clearly.

The URL fetcher serves two kinds of resources and refuses everything else (network, ``file:``,
``data:`` from untrusted text): files below the project's ``static/`` folder, reached through
``{% static %}`` URLs, and in-memory images the caller hands over (evidence thumbnails).
"""

from __future__ import annotations

import functools
import mimetypes
from datetime import tzinfo
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports.documents import DOCUMENT_LANGUAGE

# Relative URLs in the templates resolve against this base; the .invalid domain never resolves, so
# even a fetcher bug could not reach the network with it.
BASE_URL = "https://document.rkt.invalid/"


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (Pango) are not installed."""


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_url_prefix() -> str:
    return BASE_URL + settings.STATIC_URL.lstrip("/")


def resolve_static(url: str) -> Path | None:
    """The file below ``static/`` that ``url`` names, or None when it names anything else."""
    prefix = static_url_prefix()
    if not url.startswith(prefix):
        return None
    relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    root = static_root()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Static files of the project and the caller's in-memory images; nothing else."""

        def __init__(self, inline: dict[str, tuple[bytes, str]] | None = None):
            super().__init__(timeout=1, allowed_protocols=())
            self.inline = inline or {}

        def fetch(self, url, headers=None):
            if url in self.inline:
                body, mime_type = self.inline[url]
                return URLFetcherResponse(url, body, {"Content-Type": mime_type})
            path = resolve_static(url)
            if path is None:
                raise ValueError(f"refused to fetch {url!r}: only the project's static files are served")
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    return ProjectFetcher


def make_fetcher(inline: dict[str, tuple[bytes, str]] | None = None):
    """A fetcher for :func:`render_pdf`; raises :class:`PdfUnavailable` without WeasyPrint."""
    try:
        return _fetcher_class()(inline)
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(str(exc)) from exc


def render_pdf(
    template: str,
    context: dict,
    *,
    inline: dict[str, tuple[bytes, str]] | None = None,
    zone: tzinfo | None = None,
) -> bytes:
    """Render ``template`` in the document language, its times in ``zone`` (the plan's local time; the app's
    without one), and return the PDF bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango/cairo libraries are missing
        raise PdfUnavailable(str(exc)) from exc
    with override(DOCUMENT_LANGUAGE), timezone.override(zone or timezone.get_default_timezone()):
        html = render_to_string(template, context)
    fetcher = make_fetcher(inline)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def unavailable_message() -> str:
    return _(
        "PDF export is not available on this server: the PDF library (WeasyPrint and the Pango system "
        "library) is not installed. Ask the administrator to install it; the Excel export still works."
    )


def thumbnail(file, *, size: int = 240) -> bytes | None:
    """A small JPEG of an uploaded image (:func:`pillars.evidence.thumbnail`, which the pages use too)."""
    from pillars.evidence import thumbnail as evidence_thumbnail

    return evidence_thumbnail(file, size=size)


def attach_thumbnails(items) -> dict[str, tuple[bytes, str]]:
    """Give each image in ``items`` (Evidence) a ``thumb_url`` served from memory by the fetcher."""
    inline: dict[str, tuple[bytes, str]] = {}
    for item in items:
        item.thumb_url = ""
        if not item.content_type.startswith("image/"):
            continue
        try:
            with item.file.open("rb") as handle:
                small = thumbnail(handle)
        except (OSError, ValueError):  # the file is gone from storage: list it by name instead
            small = None
        if small:
            item.thumb_url = f"{BASE_URL}inline/evidence/{item.pk}.jpg"
            inline[item.thumb_url] = (small, "image/jpeg")
    return inline
