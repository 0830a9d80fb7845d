"""Two app servers over one database, cache and storage, as the national deployment runs them behind a load
balancer: what a person does on one server, the other shows. A session begun on A goes on on B, an entry saved on B
is counted in the coordinator's figures on both, a photo sent to A is served by B byte for byte.

Each request goes over plain HTTP to gunicorn with DEBUG off, through the forms the pages render (their CSRF
token, the entry's version), as a browser sends them (tests/deployment/conftest.py, scripts/cluster.py).
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from scripts.cluster import Visitor, page_forms

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


# The recap job (background jobs): the coordinator asks on B for the year's recap, the cluster's worker writes it
# (the fixture starts one once the jobs app exists), A serves the download, and a worker killed halfway
# (cluster.kill_worker(), cluster.start_worker()) leaves a job that is run again, not one "running" for ever.
# Its steps join this module here, with the jobs app.
