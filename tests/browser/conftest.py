"""Browser tests: Debian's Chromium through pytest-playwright, against pytest-django's live server.

Every test here is marked ``browser`` and is skipped, with the reason, when Chromium is not installed.
``make test-browser`` runs them; ``make test`` leaves them out (they take minutes, not seconds).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, SIZES, Visitor, Watch
from tests.clock import DEFAULT_NOW
from tests.factories import (
    CompanionFactory,
    CoordinatorFactory,
    PlanFactory,
    UserFactory,
    open_year,
    region,
)

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(config, items) -> None:
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`")
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop in the test's thread, so Django would refuse ORM calls
    # made by the test (seeding, checking what was stored). Nothing here is async; the live server runs
    # in its own thread. Set only once browser tests run, and removed when the session ends.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    """The folder shows the last run only: a page that is no longer visited leaves no stale picture."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    (SCREENSHOTS.parent / "field-conditions.txt").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def visit(request, live_server, new_context, size) -> Iterator[Callable[..., Visitor]]:
    """``visit("pld")``: a new browser context at this test's size, logged in as that user (or anonymous)."""
    journey = request.node.originalname.removeprefix("test_")
    visitors: list[Visitor] = []

    def open_visitor(username: str | None = None, **context_args) -> Visitor:
        phone = size == "phone"
        context = new_context(
            viewport=SIZES[size],
            is_mobile=phone,
            has_touch=phone,
            accept_downloads=True,
            # A companion's phone asks for Indonesian first, as the app's default language is.
            locale="id-ID",
            **context_args,
        )
        context.set_default_timeout(15_000)
        watch = Watch(context, live_server.url)
        page = context.new_page()
        # The app confirms submits with window.confirm (data-confirm); a person would say yes.
        page.on("dialog", lambda dialog: dialog.accept())
        who = username or "anonymous"
        visitor = Visitor(page, watch, live_server.url, size, f"{journey}-{who}")
        visitors.append(visitor)
        if username:
            visitor.log_in(username)
        return visitor

    yield open_visitor
    for visitor in visitors:
        visitor.watch.assert_clean(f"the end of {journey} ({size})")


@pytest.fixture(autouse=True)
def _server_date(clock) -> None:
    """The live server's date is the test's, not the machine's: every journey starts on ``DEFAULT_NOW``
    (15 June 2026, Jakarta time) and the clock runs on from there, so sessions and saves keep their order."""
    clock.set(DEFAULT_NOW, tick=True)


@pytest.fixture(autouse=True)
def _indonesian_as_deployed(_english_by_default, settings) -> None:
    """The journeys see the app as people do: Indonesian until they switch (unit tests read English)."""
    settings.LANGUAGE_CODE = "id"


@pytest.fixture(autouse=True)
def _pillars(seeded_pillars) -> None:
    """Live-server tests flush the database between them; the migration-seeded pillars come back."""


@pytest.fixture
def people(db, clock, _server_date):
    """A companion with two villages and no plan yet, another companion with a plan, their coordinator."""
    year = clock.today.year
    open_year(year)
    region("34.03", "Gunungkidul")
    villages = [region("34.03.01.2001", "Kepek"), region("34.03.01.2002", "Piyaman")]
    companion = CompanionFactory(
        user=UserFactory(username="pld", first_name="Rina", last_name="Lestari"), villages=villages
    )
    other = CompanionFactory(
        user=UserFactory(username="pld2", first_name="Agus", last_name="Santoso"),
        villages=[region("34.03.02.2001", "Siraman")],
    )
    coordinator = CoordinatorFactory(
        user=UserFactory(username="koord", first_name="Sri", last_name="Wahyuni"), scope_region=region("34.03")
    )
    return {
        "year": year,
        "companion": companion,
        "other": other,
        "coordinator": coordinator,
        "other_plan": PlanFactory(companion=other, year=year),
    }
