"""``manage.py move_media``: every file a record refers to, copied from the local folder to a real S3 API (moto's
server) and checked; a second run copies nothing; a mismatch or a missing file is named and fails the run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from pillars.models import Evidence
from reports.models import Office
from tests.factories import ActivityFactory
from tests.pillars.progress_fixtures import PDF_BYTES, image_bytes
from tests.reports.exports_helpers import record
from tests.reports.test_office_documents import own_template, png
from tests.s3 import BUCKET, KEY

pytestmark = pytest.mark.django_db

PHOTO = "evidence/2026/3f2a.jpg"
ORIGINAL = "evidence/2026/originals/3f2a.heic"
PDF = "evidence/2026/9c1d.pdf"
LOGO = "offices/34.03/logo.png"
TEMPLATE = "offices/34.03/bulanan.docx"


@pytest.fixture
def local(cast, settings, tmp_path) -> dict[str, bytes]:
    """Files in MEDIA_ROOT that records refer to (evidence, a kept original, an office's logo and template), and
    one that no record refers to."""
    settings.MEDIA_ROOT = tmp_path / "media"
    contents = {
        PHOTO: image_bytes("JPEG", size=(32, 24)),
        ORIGINAL: b"ftypheic" + bytes(range(256)) * 4,
        PDF: PDF_BYTES,
        LOGO: png(),
        TEMPLATE: own_template("Laporan {{ companion.name }}"),
    }
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    for name, content in {**contents, "evidence/2026/orphan.jpg": b"no record"}.items():
        assert disk.save(name, ContentFile(content)) == name
    entry = record(ActivityFactory(plan=cast.plan, months=(3,)), 3, "1")
    Evidence.objects.create(progress=entry, file=PHOTO, original=ORIGINAL, original_name="a.jpg", size=1)
    Evidence.objects.create(progress=entry, file=PDF, original_name="b.pdf", content_type="application/pdf", size=1)
    Office.objects.create(region_id="34.03", name="DINAS", logo=LOGO, monthly_template=TEMPLATE)
    return contents


def move(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("move_media", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("move_media", *args, stdout=out, stderr=err)
    return str(refusal.value), err.getvalue()


def test_every_referenced_file_goes_to_the_configured_bucket_byte_for_byte(local, s3):
    out, err = move()
    assert s3.names() == sorted(local)  # the orphan stays behind
    for name, content in local.items():
        assert s3.read(name) == content
    assert "5 stored files referenced by the records" in out and f"the bucket {BUCKET}/{s3.prefix}" in out
    assert "5 copied, 0 already there, 0 missing at the source, 0 mismatched" in out and err == ""
    assert KEY not in out  # the credentials are never printed
    # The app reads them there: the office's template as the Word report's layout.
    assert Office.objects.get().monthly_template.open("rb").read() == local[TEMPLATE]


def test_a_second_run_copies_nothing(local, s3):
    move("--to", s3.url)
    stamps = {name: s3.server.client().head_object(Bucket=BUCKET, Key=s3.key(name))["ETag"] for name in local}
    out, _err = move("--to", s3.url)
    assert "0 copied, 5 already there, 0 missing at the source, 0 mismatched" in out
    assert {name: s3.server.client().head_object(Bucket=BUCKET, Key=s3.key(name))["ETag"] for name in local} == stamps


@pytest.mark.parametrize(
    ("there", "says"),
    [(b"other", "with 5 bytes instead of"), (None, "with the same size but other bytes (SHA-256)")],
    ids=["other-size", "same-size"],
)
def test_other_bytes_under_the_same_name_are_reported_and_never_overwritten(local, s3, there, says):
    there = there or bytes(len(local[PDF]))
    s3.put(PDF, there)
    message, err = refused("--to", s3.url)
    assert f"Mismatch: {PDF}: already at the target {says}" in err
    assert "Not every file is at the target. 4 copied, 0 already there, 0 missing at the source, 1 mismatched" in (
        message
    )
    assert s3.read(PDF) == there
    assert s3.names() == sorted(local)


def test_a_file_missing_at_the_source_is_named_with_its_field_and_the_rest_copied(local, s3, settings):
    (Path(settings.MEDIA_ROOT) / ORIGINAL).unlink()
    message, err = refused()
    assert f"Missing at the source: {ORIGINAL} (pillars.Evidence.original)" in err
    assert "4 copied, 0 already there, 1 missing at the source, 0 mismatched" in message
    assert s3.names() == sorted(set(local) - {ORIGINAL})


def test_a_dry_run_counts_and_writes_nothing(local, s3):
    out, _err = move("--dry-run", "-v", "2")
    assert f"would copy {PHOTO}" in out
    assert "Dry run, nothing written. 5 to copy, 0 already there" in out
    assert s3.names() == []


def test_the_bucket_copies_back_to_a_folder_the_same(local, s3, tmp_path):
    move()
    out, _err = move("--from", "default", "--to", str(tmp_path / "copy"))
    assert "5 copied" in out
    for name, content in local.items():
        assert (tmp_path / "copy" / name).read_bytes() == content


def test_moving_a_storage_onto_itself_is_refused(local, settings):
    # RKT_STORAGE_URL unset: the configured storage is MEDIA_ROOT itself.
    assert "are the same storage" in refused()[0]
    assert "are the same storage" in refused("--from", str(settings.MEDIA_ROOT), "--to", "media")[0]


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("ftp://host/x", "Unknown storage 'ftp://host/x'"),
        ("relative/folder", "Unknown storage 'relative/folder'"),
        ("s3://Not_A_Bucket", "The s3:// URL names no valid bucket 'Not_A_Bucket'"),
    ],
)
def test_a_storage_it_cannot_read_is_refused_before_anything_is_copied(local, target, says):
    assert says in refused("--to", target)[0]


def test_a_bucket_that_does_not_answer_is_named_before_any_file(local, s3):
    missing = s3.url.replace(f"@{BUCKET}/", "@no-such-bucket/")
    message, _err = refused("--to", missing)
    assert "the bucket no-such-bucket" in message and "does not answer" in message
