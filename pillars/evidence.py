"""Checking uploaded evidence files before anything is stored.

The type is judged from the file's first bytes, never from its name or the browser's claim. A photo's size in
pixels is read from its header and refused past ``RKT_EVIDENCE_MAX_PIXELS`` before anything is decoded; a photo
that passes is decoded once, here, into the copy the app stores and shows (:func:`stored_copy`: turned upright,
at most ``RKT_EVIDENCE_IMAGE_SIDE`` pixels on its longest side, JPEG, only its date and place kept from its
metadata), so pages and PDFs never decode the original again. A PDF must open with pypdf and have a page.
Files are stored under names the server makes (:func:`pillars.models.evidence_path`), and the name shown and
served keeps the uploader's stem with the extension of the type found (:func:`safe_name`).
"""

from __future__ import annotations

import io
import math
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD, Base

from pillars.models import EVIDENCE_EXTENSIONS as EXTENSIONS
from villages.formats import format_number

try:  # HEIC, the iPhone's photo format, is read only where pillow-heif is installed (requirements.txt).
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover (installed with the requirements)
    register_heif_opener = None
else:
    register_heif_opener()

JPEG, PNG, WEBP, HEIC, PDF = "image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"
MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
# An ISO media file (HEIF) says its kind in its first box, "ftyp", at byte 4, followed by its brand.
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
if register_heif_opener is not None:
    PILLOW_FORMATS[HEIC] = "HEIF"
# A PDF writer may add a little after %%EOF (a newline, padding); look at the last kilobyte.
PDF_TAIL = 1024
STORED_QUALITY = 85


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: ``content`` is what is stored (a photo's made copy; None: the upload itself, a PDF),
    ``content_type`` its type, ``original_name`` the name shown and served (its extension that of the type)."""

    upload: UploadedFile
    content_type: str
    original_name: str
    content: bytes | None = None
    # The type of the upload as sent, for the original kept beside the copy when RKT_EVIDENCE_KEEP_ORIGINALS is on.
    original_type: str = ""
    # When and where a photo was taken, as its metadata says (None: it does not say).
    taken_at: datetime | None = None
    place: tuple[Decimal, Decimal] | None = None

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else self.upload.size


def max_bytes() -> int:
    return settings.RKT_EVIDENCE_MAX_BYTES


def max_files() -> int:
    return settings.RKT_EVIDENCE_MAX_FILES


def max_pixels() -> int:
    return settings.RKT_EVIDENCE_MAX_PIXELS


def clean_name(name: str | None) -> str:
    """The uploader's name for display only: no directories, no control characters, 255 at most."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or _("file"))[-255:]


def safe_name(name: str | None, content_type: str) -> str:
    """The uploader's name with the extension of the type found in the content, whatever it was called:
    a JPEG sent as ``poly.html`` is ``poly.jpg``, so no browser or download folder takes it for a page."""
    stem = os.path.splitext(clean_name(name))[0].strip(" .") or _("file")
    extension = EXTENSIONS.get(content_type, "bin")
    return f"{stem[: 250 - len(extension)]}.{extension}"


def check_room(*, already: int, added: int) -> None:
    """Refuse ``added`` files for an entry that has ``already``, past ``RKT_EVIDENCE_MAX_FILES``."""
    if already + added > max_files():
        raise ValidationError(
            _("An entry can have at most %(limit)s files; it has %(already)s and you added %(added)s.")
            % {"limit": max_files(), "already": already, "added": added},
            code="too_many",
        )


def sniff(head: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def _read_head_and_tail(upload: UploadedFile) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(max(upload.size - PDF_TAIL, 0))
    tail = upload.read(PDF_TAIL)
    upload.seek(0)
    return head, tail


def _megapixels(pixels: int) -> str:
    return format_number(round(pixels / 1_000_000, 1))


def _check_image(upload: UploadedFile, content_type: str, name: str) -> bytes:
    """The stored copy of a photo (see :func:`stored_copy`); ValidationError when it is not a readable photo."""
    broken = _("“%(name)s” is not a readable image (it may be damaged or cut short).") % {"name": name}
    try:
        with warnings.catch_warnings():
            # A decompression bomb must be refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ValidationError(broken, code="corrupt")
                # The header says the size; nothing is decoded yet, so a 9400 × 9400 PNG of 280 KB costs nothing.
                width, height = image.size
                if width * height > max_pixels():
                    raise ValidationError(
                        _(
                            "“%(name)s” is %(width)s × %(height)s pixels (%(size)s megapixels); "
                            "the limit is %(limit)s megapixels. Send a smaller photo."
                        )
                        % {
                            "name": name,
                            "width": width,
                            "height": height,
                            "size": _megapixels(width * height),
                            "limit": _megapixels(max_pixels()),
                        },
                        code="too_many_pixels",
                    )
                image.verify()
            # verify() does not decode pixel data; making the copy does, and catches truncated files.
            upload.seek(0)
            with Image.open(upload) as image:
                return stored_copy(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(broken, code="corrupt") from exc
    except Image.DecompressionBombWarning as exc:
        raise ValidationError(
            _("“%(name)s” is too large in pixels to be a photo.") % {"name": name}, code="too_many_pixels"
        ) from exc
    finally:
        upload.seek(0)


def _kept_metadata(image: Image.Image) -> Image.Exif:
    """Of a photo's metadata only when and where it was taken: the camera, its owner, thumbnails and the
    rest are dropped (the orientation too, once the pixels are turned upright)."""
    source, kept = image.getexif(), Image.Exif()
    if Base.DateTime in source:
        kept[Base.DateTime] = source[Base.DateTime]
    taken = source.get_ifd(IFD.Exif).get(Base.DateTimeOriginal)
    if taken:
        kept.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken
    place = source.get_ifd(IFD.GPSInfo)
    if place:
        kept.get_ifd(IFD.GPSInfo).update(place)
    return kept


def _degrees(value, ref) -> Decimal | None:
    """A GPS coordinate as EXIF writes it (degrees, minutes, seconds as rationals; N/S or E/W) in signed degrees."""
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if any(math.isnan(part) for part in (degrees, minutes, seconds)):
        return None
    signed = (degrees + minutes / 60 + seconds / 3600) * (-1 if str(ref).strip().upper() in ("S", "W") else 1)
    return Decimal(f"{signed:.6f}")


def parse_exif_time(text) -> datetime | None:
    """EXIF's "2026:03:03 14:05:09", the camera's local time, as an aware time in the app's zone (where the
    programme works); None when it is missing or not a time."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    try:
        naive = datetime.strptime(str(text).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive)


def photo_facts(exif: Image.Exif) -> tuple[datetime | None, tuple[Decimal, Decimal] | None]:
    """When a photo was taken and where (latitude, longitude), as its EXIF says; None for what it does not say."""
    taken = parse_exif_time(exif.get_ifd(IFD.Exif).get(Base.DateTimeOriginal) or exif.get(Base.DateTime))
    gps = exif.get_ifd(IFD.GPSInfo)
    latitude = _degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef, "N"))
    longitude = _degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef, "E"))
    on_earth = latitude is not None and longitude is not None and abs(latitude) <= 90 and abs(longitude) <= 180
    # 0, 0 is a phone that had no fix, not a place in the Gulf of Guinea.
    place = (latitude, longitude) if on_earth and (latitude or longitude) else None
    return taken, place


def stored_copy(image: Image.Image) -> bytes:
    """The JPEG the app keeps of a photo, made once at upload: upright (its EXIF orientation applied), at most
    ``RKT_EVIDENCE_IMAGE_SIDE`` pixels on its longest side, with only its date and GPS position kept."""
    side = settings.RKT_EVIDENCE_IMAGE_SIDE
    # A JPEG is decoded straight at a reduced scale (a half, a quarter, an eighth) when that still covers the copy:
    # a phone's 4000 × 3000 photo is decoded at 2000 × 1500, a quarter of the memory.
    scale = min(1.0, side / max(image.size))
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    metadata = _kept_metadata(image)
    # In place: a copy of a photo at the pixel limit would double what the worker holds.
    ImageOps.exif_transpose(image, in_place=True)
    image.thumbnail((side, side))
    upright = image
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        # A transparent PNG on white, as a page shows it.
        flat = Image.new("RGB", upright.size, "white")
        flat.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
        upright = flat
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=STORED_QUALITY, optimize=True, exif=metadata.tobytes())
    return out.getvalue()


THUMBNAIL_SIDE = 240


def thumbnail(file, *, size: int = THUMBNAIL_SIDE) -> bytes | None:
    """A small JPEG of a stored photo for pages and documents, or None when the file is not a readable image."""
    try:
        with Image.open(file) as image:
            # Photos are stored downscaled at upload; one stored before that is decoded only within the limit.
            if image.width * image.height > max_pixels():
                return None
            image.draft("RGB", (size, size))
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=75)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _check_pdf(upload: UploadedFile, name: str) -> None:
    """Refuse what is not a readable PDF with at least one page: a header and an end marker are not enough
    (an HTML page or a program can carry both)."""
    from pypdf import PdfReader

    unreadable = _("“%(name)s” is not a readable PDF (it may be damaged, or not a PDF at all).") % {"name": name}
    try:
        upload.seek(0)
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("“%(name)s” is protected by a password; send it without one.") % {"name": name}, code="encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(unreadable, code="corrupt")
        reader.pages[0].mediabox  # noqa: B018 (reading the first page is the check)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, KeyError, ValueError, …) for a broken file
        raise ValidationError(unreadable, code="corrupt") from exc
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
    if content_type is None or (content_type == HEIC and HEIC not in PILLOW_FORMATS):
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG, WebP or HEIC photo or a PDF (judged by its content, not its name).")
            % {"name": name},
            code="wrong_type",
        )
    if content_type in PILLOW_FORMATS:
        copy = _check_image(upload, content_type, name)
        with Image.open(io.BytesIO(copy)) as made:
            taken_at, place = photo_facts(made.getexif())
        return CheckedFile(
            upload,
            JPEG,
            safe_name(name, JPEG),
            content=copy,
            original_type=content_type,
            taken_at=taken_at,
            place=place,
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            _("“%(name)s” is not a complete PDF (it may be damaged or cut short).") % {"name": name}, code="corrupt"
        )
    _check_pdf(upload, name)
    return CheckedFile(upload, PDF, safe_name(name, PDF), original_type=PDF)


def check_uploads(uploads: list[UploadedFile], *, already: int) -> tuple[list[CheckedFile], list[str]]:
    """The uploads that pass, and a message for each one refused (saying which and why): a refused file never
    stops the others or the entry they came with. ``already`` files are attached to the entry; the files past
    ``RKT_EVIDENCE_MAX_FILES`` are refused (the save counts again under the month's lock,
    :func:`pillars.services.months.progress_save`)."""
    checked, refused = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            refused.extend(exc.messages)
    room = max(max_files() - already, 0)
    if len(checked) > room:
        names = ", ".join(f"“{item.original_name}”" for item in checked[room:])
        refused.append(
            _("%(names)s not added: an entry can have at most %(limit)s files and it has %(already)s.")
            % {"names": names, "limit": max_files(), "already": already + room}
        )
        checked = checked[:room]
    return checked, refused
