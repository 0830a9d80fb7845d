"""Two app servers over one database, cache and storage, as the national deployment runs them behind a load
balancer: what a person does on one server, the other shows. A session begun on A goes on on B, an entry saved on B
is counted in the coordinator's figures on both, a photo sent to A is served by B byte for byte.

Each request goes over plain HTTP to gunicorn with DEBUG off, through the forms the pages render (their CSRF
token, the entry's version), as a browser sends them (tests/deployment/conftest.py, scripts/cluster.py).
"""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from scripts.cluster import Visitor, page_forms
from tests.deployment.conftest import STALE_SECONDS

pytestmark = pytest.mark.deployment

HTMX = {"HX-Request": "true"}
HEADLINE_DONE = re.compile(r'class="headline-figures[^"]*">\s*<a[^>]*><strong class="fs-4">([^<]+)</strong>')
EVIDENCE_LINK = re.compile(r'href="(/plans/evidence/(\d+)/)"')


def month_path(world: dict) -> str:
    return f"/plans/{world['plan']}/months/{world['month']}/"


def save_path(world: dict, activity: int) -> str:
    return f"{month_path(world)}activities/{activity}/"


def entry_form(page: str, world: dict, activity: int, **values: str) -> dict[str, str]:
    """The activity's entry form as the page renders it (CSRF token, version), with ``values`` typed in."""
    fields = page_forms(page)[save_path(world, activity)]
    fields.update({f"a{activity}-{name}": value for name, value in values.items()})
    return fields


def logged_in(server: str, world: dict, who: str) -> Visitor:
    visitor = Visitor()
    visitor.login(server, world[who], world["password"])
    return visitor


def done_figure(visitor: Visitor, server: str) -> str:
    """The coordinator's headline: the share of scheduled months done, January to the last month over."""
    page = visitor.get(f"{server}/")
    assert page.status_code == 200
    return HEADLINE_DONE.search(page.text).group(1).strip()


def test_a_session_begun_on_one_server_saves_on_the_other_and_both_count_it(cluster):
    a, b = cluster.urls
    world = cluster.seeded
    coordinator = logged_in(b, world, "coordinator")
    assert done_figure(coordinator, b) == done_figure(coordinator, a) == "0,0%"

    companion = logged_in(a, world, "companion")
    page = companion.get(f"{b}{month_path(world)}")
    assert page.status_code == 200, "the session made on A is not known on B"
    form = entry_form(page.text, world, world["meeting"], status="done", quantity="1", description="Rapat di balai")
    answer = companion.post(f"{b}{save_path(world, world['meeting'])}", form, headers=HTMX)
    assert answer.status_code == 200
    assert "state-saved" in answer.text

    shown = page_forms(companion.get(f"{a}{month_path(world)}").text)[save_path(world, world["meeting"])]
    entry = {name: shown[f"a{world['meeting']}-{name}"] for name in ("status", "quantity", "description", "version")}
    assert entry == {"status": "done", "quantity": "1", "description": "Rapat di balai", "version": "1"}
    # One of the four scheduled months to date is done (in Indonesian, the pages' language), on either server.
    assert done_figure(coordinator, b) == done_figure(coordinator, a) == "25,0%"


def test_a_photo_sent_to_one_server_is_served_by_the_other(cluster):
    a, b = cluster.urls
    world = cluster.seeded
    companion = logged_in(a, world, "companion")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 110, 70)).save(buffer, format="JPEG")

    page = companion.get(f"{a}{month_path(world)}").text
    form = entry_form(page, world, world["training"], status="ongoing", quantity="0", description="Kader berlatih")
    files = {f"a{world['training']}-files": ("pelatihan.jpg", buffer.getvalue(), "image/jpeg")}
    answer = companion.post(f"{a}{save_path(world, world['training'])}", form, files=files, headers=HTMX)
    assert answer.status_code == 200
    assert "state-saved" in answer.text
    path, _ = EVIDENCE_LINK.search(answer.text).groups()

    from_a, from_b = companion.get(f"{a}{path}"), companion.get(f"{b}{path}")
    assert from_a.status_code == from_b.status_code == 200
    assert from_b.headers["Content-Type"] == "image/jpeg"
    assert from_b.content == from_a.content
    assert Image.open(io.BytesIO(from_b.content)).size == (800, 600)
    assert companion.get(f"{b}{path}thumbnail/").status_code == 200


JOB_LINK = re.compile(r'href="(/jobs/[0-9a-f-]{36}/download/)"')
PROGRESS = re.compile(r'<progress[^>]*value="(\d+)"')


def start_job(visitor: Visitor, server: str, page_path: str) -> str:
    """Press the button of a page that starts a job (its form and CSRF token); the job's page path."""
    page = visitor.get(f"{server}{page_path}")
    assert page.status_code == 200
    action, fields = next((action, fields) for action, fields in page_forms(page.text).items() if "job" in action
                          or action == page_path)  # fmt: skip
    answer = visitor.post(f"{server}{action}", fields)  # redirects are not followed
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    assert location.startswith("/jobs/")
    return location


def follow_job(visitor: Visitor, server: str, job_path: str, until, seconds: float = 120) -> str:
    """Poll the job's status part (as htmx does) until ``until(part)``; the last part."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        part = visitor.get(f"{server}{job_path}", headers=HTMX)
        assert part.status_code == 200
        if until(part.text):
            return part.text
        time.sleep(0.3)
    raise AssertionError(f"the job did not get there in {seconds} s; its page said:\n{part.text[:1000]}")


def test_a_recap_asked_for_on_one_server_is_made_by_the_worker_and_downloaded_from_the_other(cluster):
    a, b = cluster.urls
    world = cluster.seeded
    coordinator = logged_in(b, world, "coordinator")
    job = start_job(coordinator, b, "/reports/recap/2026/xlsx/")
    seen = set()

    def done(part: str) -> bool:
        seen.update(PROGRESS.findall(part))
        return bool(JOB_LINK.search(part))

    part = follow_job(coordinator, a, job, done)
    download = coordinator.get(f"{a}{JOB_LINK.search(part).group(1)}")
    assert download.status_code == 200
    assert download.content[:2] == b"PK"  # an .xlsx
    assert "rekap-rkt-2026-34.03" in download.headers["Content-Disposition"]
    # Another person, on either server, finds no such job.
    other = logged_in(a, world, "companion")
    assert other.get(f"{b}{job}").status_code == 404


def test_a_worker_killed_mid_job_leaves_a_job_that_is_run_again_not_one_running_for_ever(cluster):
    a, b = cluster.urls
    world = cluster.seeded
    owner = logged_in(a, world, "large_plan_owner")
    job = start_job(owner, a, f"/reports/plans/{world['large_plan']}/pdf/")
    # Laying out the pages: from 15 % on.
    follow_job(owner, b, job, lambda part: any(int(v) >= 15 for v in PROGRESS.findall(part)))
    cluster.kill_worker()
    time.sleep(STALE_SECONDS + 1)
    # Its page, on either server, notices that nobody runs it any more and sends it again; a new worker takes it.
    part = owner.get(f"{b}{job}", headers=HTMX).text
    assert "Menunggu" in part or "Waiting" in part, part[:500]
    cluster.start_worker()
    part = follow_job(owner, a, job, lambda part: bool(JOB_LINK.search(part)) or "alert-danger" in part, 180)
    assert JOB_LINK.search(part), part[:1000]
    pdf = owner.get(f"{b}{JOB_LINK.search(part).group(1)}")
    assert pdf.content.startswith(b"%PDF")
