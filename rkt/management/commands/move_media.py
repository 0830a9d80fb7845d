"""``manage.py move_media [--from media] [--to default] [--dry-run]``."""

from __future__ import annotations

import os
import time
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from rkt.storage import copy_stored
from rkt.storage_url import storage_options

WHERE = (
    "'media' (the folder MEDIA_ROOT), 'default' (the storage the app uses: the bucket of RKT_STORAGE_URL when it "
    "is set), an s3:// URL written like RKT_STORAGE_URL, or an absolute folder path"
)


class Command(BaseCommand):
    help = (
        "Copy every stored file that a record refers to (every FileField of every model: evidence files and kept "
        "originals, office logos and Word templates, and any added later) from one storage to another, under the "
        "same names. The default copies from the local folder MEDIA_ROOT to the configured storage, which is how "
        "a server moves to an S3-compatible bucket: set RKT_STORAGE_URL, run this, then start the app. A file "
        "already at the target with the same size and SHA-256 is skipped; a file under the same name with other "
        "bytes is never overwritten but reported. Every copy is read back and checked (size and SHA-256). Ends "
        "with the counts: copied, already there, missing at the source, mismatched; exits with an error if any "
        "file was missing or mismatched. The source is never changed and a second run copies nothing, so it is "
        "safe to run again, e.g. once more just before switching over. It also copies the other way (--from "
        "default --to /srv/rkt-media-copy) for a copy of the bucket on disk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", default="media", help=f"where the files are: {WHERE}")
        parser.add_argument("--to", dest="target", default="default", help=f"where they go: {WHERE}")
        parser.add_argument("--dry-run", action="store_true", help="count what would be copied; write nothing")

    def handle(self, *args, source: str, target: str, dry_run: bool, **options) -> None:
        source_storage, source_label = storage_for(source)
        target_storage, target_label = storage_for(target)
        if identity(source_storage) == identity(target_storage):
            raise CommandError(
                f"--from and --to are the same storage ({source_label}): nothing to move. "
                "Set RKT_STORAGE_URL, or give --to an s3:// URL or a folder."
            )
        for storage, label in ((source_storage, source_label), (target_storage, target_label)):
            check_reachable(storage, label)
        verbosity = options["verbosity"]
        names = referenced_files()
        self.stdout.write(f"{len(names)} stored files referenced by the records; {source_label} → {target_label}.")
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        for number, name in enumerate(sorted(names), start=1):
            copy = copy_stored(source_storage, target_storage, name, dry_run=dry_run)
            counts[copy.outcome] += 1
            if copy.outcome == "missing":
                self.stderr.write(self.style.ERROR(f"Missing at the source: {name} ({', '.join(names[name])})"))
            elif copy.outcome == "mismatch":
                self.stderr.write(self.style.ERROR(f"Mismatch: {name}: {copy.detail}"))
            elif copy.outcome == "copied" and verbosity >= 2:
                self.stdout.write(f"  {'would copy' if dry_run else 'copied'} {name}")
            if verbosity >= 1 and number % 1000 == 0:
                self.stdout.write(f"  … {number} of {len(names)}")
        seconds = time.perf_counter() - started
        summary = (
            f"{counts['copied']} {'to copy' if dry_run else 'copied'}, {counts['present']} already there, "
            f"{counts['missing']} missing at the source, {counts['mismatch']} mismatched ({seconds:.1f} s)."
        )
        if counts["missing"] or counts["mismatch"]:
            raise CommandError(f"Not every file is at the target. {summary}")
        self.stdout.write(self.style.SUCCESS(f"{'Dry run, nothing written. ' if dry_run else ''}{summary}"))


def storage_for(where: str) -> tuple[Storage, str]:
    """The storage ``where`` names (see WHERE), and how to name it in messages (never with its secret)."""
    if where == "default":
        storage = storages["default"]
        return storage, f"the configured storage ({describe(storage)})"
    if where == "media":
        return FileSystemStorage(location=settings.MEDIA_ROOT), f"MEDIA_ROOT ({settings.MEDIA_ROOT})"
    if where.startswith("s3://"):
        try:
            options = storage_options(where, url_seconds=settings.RKT_STORAGE_URL_SECONDS)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc).replace("RKT_STORAGE_URL", "The s3:// URL", 1)) from None
        from storages.backends.s3 import S3Storage

        storage = S3Storage(**options)
        return storage, describe(storage)
    if os.path.isabs(where):
        return FileSystemStorage(location=where), f"the folder {where}"
    raise CommandError(f"Unknown storage {where!r}: give {WHERE}.")


def describe(storage: Storage) -> str:
    if isinstance(storage, FileSystemStorage):
        return f"the folder {storage.location}"
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        prefix = getattr(storage, "location", "")
        endpoint = getattr(storage, "endpoint_url", None) or "AWS"
        return f"the bucket {bucket}{'/' + prefix if prefix else ''} at {endpoint}"
    return type(storage).__name__


def identity(storage: Storage) -> tuple:
    """What makes two storages the same place: a folder's real path, or a bucket, prefix and endpoint."""
    if isinstance(storage, FileSystemStorage):
        return ("folder", os.path.realpath(storage.location))
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return ("bucket", getattr(storage, "endpoint_url", None), bucket, getattr(storage, "location", ""))
    return ("other", id(storage))


def check_reachable(storage: Storage, label: str) -> None:
    """A bucket that does not answer is named before any file is tried, not once per file."""
    bucket = getattr(storage, "bucket_name", None)
    if not bucket:
        return
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        storage.connection.meta.client.head_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as exc:
        raise CommandError(f"{label} does not answer: {exc}") from None


def referenced_files() -> dict[str, list[str]]:
    """Every file name a record refers to, with the fields that refer to it ("pillars.Evidence.file").

    Only fields kept in the default storage: a field with a storage of its own is not MEDIA_ROOT's to move.
    """
    names: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField) or field.storage is not default_storage:
                continue
            label = f"{model._meta.label}.{field.name}"
            values = (
                model._base_manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .order_by()
                .values_list(field.attname, flat=True)
                .distinct()
            )
            for name in values.iterator(chunk_size=2000):
                names.setdefault(name, []).append(label)
    return names
