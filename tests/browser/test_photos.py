"""A camera photo sent from a phone on slow 3G: made smaller in the browser before it leaves, with its time kept.

The photo is made here: 4000 × 3000 at JPEG quality 95 with texture at several scales (as a camera's sensor noise and
a scene's detail), its time and GPS position in EXIF, padded with comment segments (where a camera puts its maker
notes) to 8.9 MB. It is chosen on the month page of Chromium at phone size, saved over Chrome DevTools' "Slow 3G"
(2 s latency, 400 kbit/s each way), and the test measures what was sent, what was stored and how long it took.
"""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD, Base

from pillars.models import Evidence, WorkPlan
from tests.browser.helpers import ROOT, Visitor
from tests.clock import local
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)

CAMERA_BYTES = int(8.9 * 1024 * 1024)
SENT_AT_MOST = 600 * 1024
SAVED_WITHIN = 15.0  # seconds, the figure for slow 3G
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
FIGURES = ROOT / "test-artifacts" / "field-conditions.txt"


@pytest.fixture
def size() -> str:
    return "phone"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reporting_plan(people, clock):
    year, month = people["year"], clock.today.month
    plan = PlanFactory(
        companion=people["companion"], year=year, status=WorkPlan.Status.APPROVED, approved_at=local(year, 1, 5, 9)
    )
    activity = ActivityFactory(plan=plan, title="Rapat koordinasi", months=(month,), target_quantity=Decimal("2"))
    return plan, month, activity


def camera_jpeg(path, *, taken: str) -> int:
    """An 8.9 MB camera JPEG at ``path``; its size."""
    width, height = 4000, 3000
    base = Image.linear_gradient("L").resize((width, height))
    detail = Image.effect_noise((width // 12, height // 12), 60).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 25)
    image = Image.merge(
        "RGB",
        (
            Image.blend(base, detail, 0.5),
            Image.blend(detail, grain, 0.6),
            Image.blend(base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grain, 0.6),
        ),
    )
    exif = Image.Exif()
    exif[Base.Make], exif[Base.Model] = "Samsung", "Galaxy A15"
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken
    exif.get_ifd(IFD.GPSInfo).update({1: "S", 2: (7.0, 58.0, 12.0), 3: "E", 4: (110.0, 36.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    photo = buffer.getvalue()
    assert len(photo) < CAMERA_BYTES, "the pixels alone are under 8.9 MB; the rest is padding"
    padding, missing = b"", CAMERA_BYTES - len(photo)
    while missing > 0:
        body = min(missing - 4, 65533)
        if body < 1:  # too little left for a segment: a bigger one before it
            break
        padding += b"\xff\xfe" + (body + 2).to_bytes(2, "big") + b"m" * body
        missing -= body + 4
    # After the EXIF segment, before the image data: the markers a reader skips.
    at = photo.index(b"\xff\xdb")
    path.write_bytes(photo[:at] + padding + photo[at:])
    return path.stat().st_size


def test_an_8_9_mb_camera_photo_is_sent_small_with_its_time_and_saved_within_15_s_on_slow_3g(
    visit, reporting_plan, tmp_path, capsys
):
    plan, month, activity = reporting_plan
    original = tmp_path / "IMG_20260610_093000.jpg"
    original_size = camera_jpeg(original, taken="2026:06:10 09:30:00")
    assert abs(original_size - CAMERA_BYTES) < 64 * 1024

    companion: Visitor = visit("pld")
    page = companion.page
    companion.go(reverse("pillars:plan-month", args=[plan.pk, month]))
    card = page.locator(f"#activity-{activity.pk}")
    card.locator(f"select[name=a{activity.pk}-status]").select_option("ongoing")
    card.locator(f"input[name=a{activity.pk}-quantity]").fill("1")
    card.locator(f"textarea[name=a{activity.pk}-description]").fill("Rapat koordinasi di balai desa.")

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    save_url = reverse("pillars:progress-save", args=[plan.pk, month, activity.pk])
    started = time.monotonic()
    card.locator(f"input[name=a{activity.pk}-files]").set_input_files(str(original))
    status = card.locator(".photo-status")
    status.get_by_text("diperkecil").wait_for(timeout=30_000)
    prepared = time.monotonic() - started
    companion.screenshot("photo-made-smaller")
    # What the form will send: the files in the input once the page has made the photo smaller.
    sent = card.locator(f"input[name=a{activity.pk}-files]").evaluate(
        "input => Array.from(input.files).reduce((total, file) => total + file.size, 0)"
    )
    with page.expect_response(lambda response: save_url in response.url, timeout=60_000) as answer:
        card.locator("button[type=submit]").click()
    assert answer.value.status == 200
    page.locator(f"#activity-{activity.pk}.state-saved").wait_for(timeout=60_000)
    saved = time.monotonic() - started

    evidence = Evidence.objects.get()
    with evidence.file.open("rb") as handle:
        stored = handle.read()
    with Image.open(io.BytesIO(stored)) as image:
        stored_side = max(image.size)
    shown = page.locator(f"#activity-{activity.pk} .evidence-taken").inner_text()
    companion.screenshot("photo-saved")
    figures = (
        f"\nCamera photo on slow 3G (2 s latency, 400 kbit/s): {original_size / 1024 / 1024:.1f} MB chosen, "
        f"{sent / 1024:.0f} KB sent, {len(stored) / 1024:.0f} KB stored at "
        f"{stored_side} px; made smaller in {prepared:.1f} s, saved {saved:.1f} s after choosing it; shown: {shown!r}"
    )
    with capsys.disabled():
        print(figures)
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as handle:
        handle.write(figures.strip() + "\n\n")

    assert sent < SENT_AT_MOST, "the photo was made smaller before it was sent"
    assert len(stored) < SENT_AT_MOST and stored_side == 1600
    assert evidence.taken_at == local(2026, 6, 10, 9, 30)
    assert evidence.place_source == Evidence.PlaceSource.PHOTO and evidence.latitude == Decimal("-7.970000")
    assert "Diambil 10 Juni 2026 09:30" in shown
    assert saved < SAVED_WITHIN


def test_a_file_over_the_limit_is_refused_before_it_is_sent_and_the_entry_still_saves(visit, reporting_plan, tmp_path):
    plan, month, activity = reporting_plan
    big = tmp_path / "notulen.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n")
    companion: Visitor = visit("pld")
    page = companion.page
    companion.go(reverse("pillars:plan-month", args=[plan.pk, month]))
    card = page.locator(f"#activity-{activity.pk}")
    card.locator(f"textarea[name=a{activity.pk}-description]").fill("Notulen menyusul.")
    files = card.locator(f"input[name=a{activity.pk}-files]")
    files.set_input_files(str(big))
    refusal = card.locator(".photo-status .text-danger")
    refusal.wait_for()
    assert "Ukuran “notulen.pdf” 6,0\xa0MB; batasnya 5,0\xa0MB per berkas." in refusal.inner_text()
    assert files.evaluate("input => input.files.length") == 0, "the refused file is not sent"
    companion.screenshot("file-refused-before-sending")
    card.locator("button[type=submit]").click()
    page.locator(f"#activity-{activity.pk}.state-saved").wait_for()
    assert not Evidence.objects.exists()
    assert activity.progress.get().description == "Notulen menyusul."
