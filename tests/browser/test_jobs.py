"""Journey: the coordinator asks for the recap, follows its job's bar on its page without reloading it, and takes
the download; a job the worker is still on moves its bar as the worker says, then offers its file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_recap_is_asked_for_followed_and_downloaded(visit, people, settings, tmp_path):
    settings.RKT_JOBS = "thread"  # as `make run` does: the request returns at once, a thread of the app works
    coordinator = visit("koord")
    coordinator.go("/")
    with coordinator.page.expect_navigation():
        coordinator.page.get_by_role("button", name=f"Rekap {people['year']} (Excel)").click()
    assert "/jobs/" in coordinator.page.url
    link = coordinator.page.get_by_role("link", name="Unduh")
    link.wait_for()
    coordinator.look("recap-job-done")
    with coordinator.page.expect_download() as arrival:
        link.click()
    path = tmp_path / "rekap.xlsx"
    arrival.value.save_as(path)
    assert "Kegiatan" in load_workbook(path).sheetnames


def test_the_bar_moves_without_the_page_reloading(visit, people, clock):
    koord = people["coordinator"].user
    job = Job.objects.create(
        owner=koord, kind="recap", title="Rekap 2026 (Excel)", status=Job.Status.RUNNING, progress=10,
        step="Membaca rencana di wilayah Anda", heartbeat_at=clock.now, started_at=clock.now,
    )  # fmt: skip
    coordinator = visit("koord")
    coordinator.go(job.get_absolute_url())
    page = coordinator.page
    page.evaluate("() => { window.sameDocument = true; }")
    assert page.locator("progress").get_attribute("value") == "10"
    coordinator.look("job-running")

    Job.objects.filter(pk=job.pk).update(progress=60, step="Menulis buku kerja", heartbeat_at=clock.now)
    page.locator('progress[value="60"]').wait_for()
    assert page.get_by_text("Menulis buku kerja").is_visible()

    job.result_file.save("rekap.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, progress=100, finished_at=clock.now, result_file=job.result_file.name,
        result_name="rekap.xlsx", expires_at=clock.now + timedelta(hours=24),
    )  # fmt: skip
    page.get_by_role("link", name="Unduh rekap.xlsx").wait_for()
    assert page.evaluate("() => window.sameDocument === true")  # updated in place, never reloaded
    assert page.locator("progress").count() == 0
