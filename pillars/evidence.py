"""Checking uploaded evidence files before anything is stored.

The type is judged from the file's first bytes, never from its name or the browser's claim; images
must open and decode with Pillow; PDFs must start with the PDF header and end with an end-of-file
marker. Files are stored under names the server makes (:func:`pillars.models.evidence_path`).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# A PDF writer may add a little after %%EOF (a newline, padding); look at the last kilobyte.
PDF_TAIL = 1024


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    original_name: str


def max_bytes() -> int:
    return settings.RKT_EVIDENCE_MAX_BYTES


def max_files() -> int:
    return settings.RKT_EVIDENCE_MAX_FILES


def clean_name(name: str | None) -> str:
    """The uploader's name for display only: no directories, no control characters, 255 at most."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or _("file"))[-255:]


def sniff(head: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def _read_head_and_tail(upload: UploadedFile) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(max(upload.size - PDF_TAIL, 0))
    tail = upload.read(PDF_TAIL)
    upload.seek(0)
    return head, tail


def _check_image(upload: UploadedFile, content_type: str, name: str) -> None:
    broken = _("“%(name)s” is not a readable image (it may be damaged or cut short).") % {"name": name}
    try:
        with warnings.catch_warnings():
            # A decompression bomb must be refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ValidationError(broken, code="corrupt")
                image.verify()
            # verify() does not decode pixel data; load() does, and catches truncated files.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(broken, code="corrupt") from exc
    except Image.DecompressionBombWarning as exc:
        raise ValidationError(
            _("“%(name)s” is too large in pixels to be a photo.") % {"name": name}, code="too_many_pixels"
        ) from exc
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The upload with its true content type; ValidationError saying why it is refused."""
    name = clean_name(upload.name)
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s per file.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
            code="too_big",
        )
    head, tail = _read_head_and_tail(upload)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a JPEG or PNG photo or a PDF (judged by its content, not its name).") % {"name": name},
            code="wrong_type",
        )
    if content_type in PILLOW_FORMATS:
        _check_image(upload, content_type, name)
    elif b"%%EOF" not in tail:
        raise ValidationError(
            _("“%(name)s” is not a complete PDF (it may be damaged or cut short).") % {"name": name}, code="corrupt"
        )
    return CheckedFile(upload=upload, content_type=content_type, original_name=name)


def check_uploads(uploads: list[UploadedFile], *, already: int) -> list[CheckedFile]:
    """Every upload checked, all or nothing; ``already`` files are attached to the entry."""
    room = max_files() - already
    if len(uploads) > room:
        raise ValidationError(
            _("An entry can have at most %(limit)s files; it has %(already)s and you added %(added)s.")
            % {"limit": max_files(), "already": already, "added": len(uploads)},
            code="too_many",
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
