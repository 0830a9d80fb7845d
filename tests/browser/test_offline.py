"""Offline use on a phone (Chromium at phone size, its network cut with ``context.set_offline``).

The app is opened online once; the service worker keeps the home page, the plan and its months. Without signal
the month opens from the phone, two activities are recorded with a photo each and the tab is closed; back online,
both entries arrive once with their photos. A conflict made on the server meanwhile is shown beside the phone's
entry and resolved without loss; a lost answer does not store an entry twice; a month's report waits for a
connection; logging out with entries unsent warns, then clears what the phone kept.
"""

from __future__ import annotations

import contextlib
import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from pillars import services
from pillars.models import Evidence, MonthlyProgress, MonthlyReport, WorkPlan
from pillars.selectors.offline import pages_to_keep
from rkt.offline import PATIENCE_MS
from tests.browser.helpers import Visitor
from tests.clock import local
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEPT_PAGE = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith("rkt-pages-") && await (await caches.open(name)).match(path, { ignoreVary: true })) {
      return true;
    }
  }
  return false;
}"""
KEPT_ENTRIES = """() => window.RKTOutbox.all().then((entries) => entries.map((entry) => ({
  user: entry.user, state: entry.state, files: entry.files.length, base: entry.base, key: entry.key })))"""
PAGE_CACHES = """() => caches.keys().then((names) => names.filter((name) => name.startsWith("rkt-pages-")))"""


@pytest.fixture
def size() -> str:
    return "phone"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan_in_force(people, clock):
    """The companion's approved plan of this year, with two activities scheduled this month."""
    year, month = people["year"], clock.today.month
    plan = PlanFactory(
        companion=people["companion"], year=year, status=WorkPlan.Status.APPROVED, approved_at=local(year, 1, 5, 9)
    )
    first = ActivityFactory(plan=plan, title="Rapat koordinasi", months=(month,), target_quantity=Decimal("4"))
    second = ActivityFactory(plan=plan, title="Pelatihan kader", months=(month,), target_quantity=Decimal("2"))
    return plan, month, [first, second]


def photo(path, colour) -> str:
    """A 2400 × 1800 camera-like JPEG (the phone makes it smaller before keeping it)."""
    image = Image.effect_noise((2400, 1800), 40).convert("RGB")
    image.paste(Image.new("RGB", (1200, 900), colour), (600, 450))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return str(path)


def month_url(plan, month) -> str:
    return reverse("pillars:plan-month", args=[plan.pk, month])


def open_online(companion: Visitor, plan, month) -> None:
    """The first visit with signal: the worker is installed and keeps the pages of the plan in force."""
    companion.go(reverse("home"))
    # The month shown is the test clock's: the pages kept are those of that day.
    for path in pages_to_keep(plan.companion.user, date(plan.year, month, 1)):
        wait_until_kept(companion.page, path)


def wait_until_sent(page, seconds: float = 20) -> None:
    for _tick in range(int(seconds * 10)):
        if page.evaluate(KEPT_ENTRIES) == []:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"entries still on the phone after {seconds} s: {page.evaluate(KEPT_ENTRIES)}")


def wait_until_kept(page, path: str, seconds: float = 20) -> None:
    """Until the worker keeps ``path`` (asked in turn: a function that returns a promise is not waited on)."""
    for _tick in range(int(seconds * 10)):
        if page.evaluate(KEPT_PAGE, path):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was not kept within {seconds} s")


def record(page, activity, *, status, quantity, text, photo_path=None) -> None:
    card = page.locator(f"#activity-{activity.pk}")
    card.locator(f"select[name=a{activity.pk}-status]").select_option(status)
    card.locator(f"input[name=a{activity.pk}-quantity]").fill(quantity)
    card.locator(f"textarea[name=a{activity.pk}-description]").fill(text)
    if photo_path:
        card.locator(f"input[name=a{activity.pk}-files]").set_input_files(photo_path)
        # A photo is made smaller on the phone first (a PDF goes as it is).
        ready = (
            "form:not([data-preparing]) .photo-status span"
            if photo_path.endswith(".jpg")
            else "form:not([data-preparing])"
        )
        card.locator(ready).wait_for()
    card.locator("button[type=submit]").click()


def kept_note(page, activity):
    return page.locator(f"#activity-{activity.pk} .outbox-note")


def saved_offline(companion: Visitor, plan, month, activity, **entry) -> None:
    """Opened online, then the month's entry of ``activity`` saved without signal: kept on the phone, still offline."""
    open_online(companion, plan, month)
    companion.go(month_url(plan, month))
    companion.page.context.set_offline(True)
    with companion.watch.allowing(r".*"):
        record(companion.page, activity, **entry)
        kept_note(companion.page, activity).wait_for()


def test_a_month_recorded_offline_with_photos_arrives_once_when_the_signal_returns(
    visit, plan_in_force, tmp_path, clock
):
    plan, month, (first, second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    open_online(companion, plan, month)

    context.set_offline(True)
    with companion.watch.allowing(r".*"):
        page.reload()
        page.locator("#offline-note").wait_for()  # the page says there is no connection
        page.goto(companion.url(month_url(plan, month)))
        page.locator(f"#activity-{first.pk}").wait_for()  # the month opens from the phone
        record(
            page,
            first,
            status=MonthlyProgress.Status.ONGOING,
            quantity="2,5",
            text="Rapat di balai desa; 14 orang hadir.",
            photo_path=photo(tmp_path / "rapat.jpg", (200, 40, 40)),
        )
        kept_note(page, first).wait_for()
        record(
            page,
            second,
            status=MonthlyProgress.Status.DONE,
            quantity="2",
            text="Pelatihan kader posyandu.",
            photo_path=photo(tmp_path / "pelatihan.jpg", (40, 40, 200)),
        )
        kept_note(page, second).wait_for()
        strip = page.locator("#outbox")
        assert strip.is_visible() and "2" in strip.locator(".outbox-waiting").inner_text()
        companion.screenshot("two-entries-kept")
        kept = page.evaluate(KEPT_ENTRIES)
        assert [entry["files"] for entry in kept] == [1, 1]
        assert {entry["base"] for entry in kept} == {0}
        assert MonthlyProgress.objects.count() == 0, "nothing reached the server"

        # Reloaded without signal, the month shows what the phone keeps.
        page.reload()
        kept_note(page, first).wait_for()
        assert page.locator(f"textarea[name=a{first.pk}-description]").input_value().startswith("Rapat di balai")
        page.close()

    context.set_offline(False)
    later = context.new_page()
    later.goto(companion.url(reverse("home")))
    wait_until_sent(later)
    entries = {entry.activity_id: entry for entry in MonthlyProgress.objects.filter(month=month)}
    assert set(entries) == {first.pk, second.pk}
    assert entries[first.pk].quantity == Decimal("2.5"), "2,5 typed on an Indonesian page is two and a half"
    assert entries[first.pk].description == "Rapat di balai desa; 14 orang hadir."
    assert [entry.version for entry in entries.values()] == [1, 1], "each entry was written once"
    assert Evidence.objects.filter(progress__in=entries.values()).count() == 2, "one photo each, once"
    assert later.evaluate(KEPT_ENTRIES) == []
    companion.page = later
    companion.look("sent-after-reconnect")


def test_an_answer_lost_on_the_way_does_not_store_the_entry_twice(visit, plan_in_force, tmp_path):
    plan, month, (first, _second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    saved_offline(
        companion,
        plan,
        month,
        first,
        status=MonthlyProgress.Status.ONGOING,
        quantity="1",
        text="Sekali saja.",
        photo_path=photo(tmp_path / "a.jpg", (10, 200, 10)),
    )

    # The server stores the save, but its answer never reaches the phone.
    save = reverse("pillars:progress-save", args=[plan.pk, month, first.pk])
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(route.request.headers.get("idempotency-key"))
        # The browser may have given the request up already (a busy machine): the answer is lost all the same.
        with contextlib.suppress(PlaywrightError):
            route.abort()

    # The context's route sees the worker's requests too (its Background Sync sends as the page does).
    context.route(f"**{save}", lose_the_answer)
    with companion.watch.allowing(r".*"):
        context.set_offline(False)  # back online, the page sends what waits
        for _tick in range(100):
            if lost:
                break
            page.wait_for_timeout(100)
        assert lost, "the save was sent"
        assert MonthlyProgress.objects.get(activity=first, month=month).version == 1
        assert page.evaluate(KEPT_ENTRIES)[0]["key"] == lost[0], "unanswered, the entry waits with its key"
        assert set(lost) == {lost[0]}, "every try carries the same key"

        # Sent again (the next page opened online): answered as the save already made.
        context.unroute(f"**{save}")
        page.reload()
        wait_until_sent(page)
    entry = MonthlyProgress.objects.get(activity=first, month=month)
    assert entry.version == 1 and entry.description == "Sekali saja."
    assert entry.evidence.count() == 1
    assert page.evaluate(KEPT_ENTRIES) == []


def test_a_conflict_made_on_the_server_meanwhile_is_shown_and_resolved_without_loss(
    visit, plan_in_force, people, tmp_path
):
    plan, month, (first, _second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    saved_offline(
        companion,
        plan,
        month,
        first,
        status=MonthlyProgress.Status.DONE,
        quantity="3",
        text="Dari ponsel.",
        photo_path=photo(tmp_path / "b.jpg", (200, 200, 10)),
    )
    # Meanwhile the same entry is saved from another device.
    services.progress_save(
        activity=first,
        month=month,
        values={
            "status": MonthlyProgress.Status.ONGOING,
            "quantity": Decimal("1"),
            "description": "Dari laptop.",
            "problems": "",
            "follow_up": "",
        },
        version=0,
        by=people["companion"].user,
    )

    context.set_offline(False)
    save = reverse("pillars:progress-save", args=[plan.pk, month, first.pk])
    with companion.watch.allowing(save):
        page.reload()
        card = page.locator(f"#activity-{first.pk}")
        card.locator(".outbox-note").wait_for()
    assert "Dari laptop." in card.inner_text(), "the entry saved meanwhile is shown"
    assert card.locator(f"textarea[name=a{first.pk}-description]").input_value() == "Dari ponsel."
    assert "1" in page.locator("#outbox .outbox-choose").inner_text()
    saved = MonthlyProgress.objects.get(activity=first, month=month)
    assert saved.description == "Dari laptop." and saved.version == 1, "nothing was overwritten"
    companion.look("conflict-shown")

    # The companion keeps theirs: saved over the other with the photo; the other stays in the history.
    card.locator("button[type=submit]").click()
    page.locator(f"#activity-{first.pk}.state-saved").wait_for()
    saved.refresh_from_db()
    assert saved.description == "Dari ponsel." and saved.version == 2
    assert saved.evidence.count() == 1
    assert "Dari laptop." in {row.description for row in saved.history.all()}
    wait_until_sent(page)
    assert page.evaluate(KEPT_ENTRIES) == []


def test_a_month_is_not_submitted_offline_and_waits_for_its_entries(visit, plan_in_force, tmp_path):
    plan, month, (first, second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    open_online(companion, plan, month)
    report = reverse("pillars:month-report", args=[plan.pk, month])
    wait_until_kept(page, report)
    context.set_offline(True)
    with companion.watch.allowing(r".*"):
        page.goto(companion.url(report))
        submit = page.locator("form[data-needs-online] button[type=submit]")
        assert submit.is_disabled()
        assert page.locator(".needs-online-note").is_visible()
        companion.screenshot("report-offline")
        page.goto(companion.url(month_url(plan, month)))
        record(page, first, status=MonthlyProgress.Status.DONE, quantity="4", text="Selesai.")
        kept_note(page, first).wait_for()
    assert not MonthlyReport.objects.filter(plan=plan, month=month).exists()

    # Back online the entry goes first; then the report can be sent.
    context.set_offline(False)
    page.goto(companion.url(report))
    wait_until_sent(page)
    assert MonthlyProgress.objects.filter(activity=first, month=month).exists()
    assert submit.is_enabled()


def test_logging_out_with_entries_unsent_warns_then_clears_what_the_phone_kept(visit, plan_in_force, people):
    plan, month, (first, _second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    open_online(companion, plan, month)
    companion.go(month_url(plan, month))
    asked = []
    page.on("dialog", lambda dialog: asked.append(dialog.message))
    context.set_offline(True)
    with companion.watch.allowing(r".*"):
        record(page, first, status=MonthlyProgress.Status.ONGOING, quantity="1", text="Belum terkirim.")
        kept_note(page, first).wait_for()
    # The connection is back but the server cannot be reached: the entry stays unsent.
    save = reverse("pillars:progress-save", args=[plan.pk, month, first.pk])
    refused = []

    def unreachable(route):
        refused.append(route.request.url)
        route.abort()

    context.route(f"**{save}", unreachable)
    with companion.watch.allowing(save):
        context.set_offline(False)  # the page tries to send it at once
        for _tick in range(100):
            if refused:
                break
            page.wait_for_timeout(100)
        assert refused, "the phone tried to send the entry"
        assert page.evaluate(KEPT_ENTRIES)[0]["state"] == "waiting"
        companion.open_menu()
        with page.expect_navigation():
            page.locator("form[data-logout] button").click()
    assert asked and "1" in asked[-1], "the warning counts the entries not sent"
    assert page.evaluate(KEPT_ENTRIES) == []
    assert page.evaluate(PAGE_CACHES) == []
    assert MonthlyProgress.objects.count() == 0

    # Another person on the same phone: nothing of the first is shown, online or not.
    context.unroute(f"**{save}")
    companion.log_in("pld2")
    assert page.locator("#outbox").is_hidden()
    context.set_offline(True)
    with companion.watch.allowing(r".*"):
        page.goto(companion.url(month_url(plan, month)))
        assert "Rapat koordinasi" not in page.content()


def test_an_install_needs_a_manifest_and_the_offline_page_names_nobody(visit, plan_in_force, clock):
    plan, month, _activities = plan_in_force
    companion: Visitor = visit("pld")
    open_online(companion, plan, month)
    manifest = companion.page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then((answer) => answer.json())"
    )
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    companion.page.context.set_offline(True)
    with companion.watch.allowing(r".*"):
        companion.page.goto(companion.url(reverse("pillars:plan-history", args=[plan.pk])))
        text = companion.page.inner_text("main")
        assert "Rina" not in text
        companion.look("offline-page")


def test_photos_past_the_phones_budget_are_refused_with_a_message_and_nothing_typed_is_lost(
    visit, plan_in_force, settings, tmp_path
):
    plan, month, (first, second) = plan_in_force
    settings.RKT_OFFLINE_PHOTO_MB = 1
    scans = []
    for name in ("notulen.pdf", "daftar-hadir.pdf"):
        # A scanned page, as a PDF of some 600 KB (a PDF goes as it is: the phone only makes photos smaller).
        buffer = io.BytesIO()
        Image.effect_noise((1040, 1040), 80).convert("RGB").save(buffer, "PDF", resolution=100)
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        scans.append(str(path))
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    saved_offline(
        companion,
        plan,
        month,
        first,
        status=MonthlyProgress.Status.ONGOING,
        quantity="1",
        text="Rapat.",
        photo_path=scans[0],
    )
    with companion.watch.allowing(r".*"):
        record(
            page, second, status=MonthlyProgress.Status.ONGOING, quantity="1", text="Pelatihan.", photo_path=scans[1]
        )
        refusal = page.locator(f"#activity-{second.pk} .outbox-note.alert-danger")
        refusal.wait_for()
        assert "1" in refusal.inner_text() and "MB" in refusal.inner_text(), "the message names the budget"
        assert page.locator(f"textarea[name=a{second.pk}-description]").input_value() == "Pelatihan."
        assert page.locator(f"input[name=a{second.pk}-files]").evaluate("(input) => input.files.length") == 1
        companion.screenshot("budget-reached")
        assert [entry["files"] for entry in page.evaluate(KEPT_ENTRIES)] == [1]

    # Once what waited is sent, the budget is free again and the same save is kept, then sent.
    context.set_offline(False)
    wait_until_sent(page)
    page.locator(f"#activity-{second.pk} button[type=submit]").click()
    page.locator(f"#activity-{second.pk}.state-saved").wait_for()
    assert MonthlyProgress.objects.filter(month=month).count() == 2
    assert Evidence.objects.count() == 2


def test_a_page_the_network_does_not_answer_opens_from_the_phone_after_its_patience(visit, plan_in_force):
    """A weak signal can leave a request hanging for minutes: the kept copy is shown after PATIENCE_MS."""
    plan, month, (first, _second) = plan_in_force
    companion: Visitor = visit("pld")
    page, context = companion.page, companion.page.context
    open_online(companion, plan, month)
    hanging = []
    context.route(f"**{month_url(plan, month)}", lambda route: hanging.append(route))  # never answered
    started = time.monotonic()
    with companion.watch.allowing(r".*"):
        page.goto(companion.url(month_url(plan, month)), timeout=30_000)
        page.locator(f"#activity-{first.pk}").wait_for()
        waited = time.monotonic() - started
        assert hanging, "the network was asked first"
        assert PATIENCE_MS / 1000 <= waited < PATIENCE_MS / 1000 + 10
        context.unroute(f"**{month_url(plan, month)}")
