"""Pages that fit a phone at 360 × 740 (and still read at 1280 × 800): the completeness grid and the
heat-map with every month reachable and readable, the tables per area that say they scroll, queue
entries that look like links, month chips with a legend in words and a button for this month, and tap
targets of at least 24 × 24 px (44 px high for a phone's main actions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pillars.demo import DEMO_PASSWORD, DemoBuilder
from pillars.models import WorkPlan
from tests.browser.helpers import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_NAME = ("Theresia Margaretha", "Kusumawardhani Simanjuntak")
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (target size, minimum)
PHONE_ACTION = 44  # CSS px high: a phone's main action, thumb-sized


@pytest.fixture
def demo(transactional_db, clock, _server_date):
    """The demo district on 15 June 2026, one companion with a name as long as real ones get."""
    DemoBuilder(say=lambda message: None).build()
    year = clock.today.year
    approved = WorkPlan.objects.get(companion__user__username="pendamping1", year=year)
    user = approved.companion.user
    user.first_name, user.last_name = LONG_NAME
    user.save()
    return {"year": year, "month": clock.today.month, "approved": approved}


def demo_user(visit, username: str):
    """A visitor logged in as one of the demo's people (their password is the demo's)."""
    visitor = visit()
    visitor.journey = visitor.journey.replace("anonymous", username)
    visitor.log_in(username, DEMO_PASSWORD)
    return visitor


def view_shot(visitor, name: str) -> None:
    """What the screen shows now (a full-page picture would not show where a table is scrolled to)."""
    folder = SCREENSHOTS / visitor.size
    folder.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(folder / f"{visitor.journey}-{name}.png"))


# Each month column, scrolled into view as a keyboard or a finger would bring it, both ways: its header
# cell and its first body cell are inside the scroller's visible box, clear of the sticky name column,
# the header straight above the cell (they scroll together), and the cell is what a tap at its centre hits.
MONTHS_REACHABLE = """([table, cellSelector]) => {
    const grid = document.querySelector(table);
    const scroller = grid.closest('.table-scroll');
    const row = grid.querySelector('tbody tr');
    const cells = [...row.querySelectorAll(cellSelector)];
    const heads = [...grid.querySelectorAll('thead th')].slice(1);
    const problems = [];
    const order = [...cells.keys(), ...[...cells.keys()].reverse()];
    for (const i of order) {
        const cell = cells[i], head = heads[i];
        cell.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'});
        const box = cell.getBoundingClientRect(), top = head.getBoundingClientRect();
        const view = scroller.getBoundingClientRect();
        const name = row.firstElementChild.getBoundingClientRect();
        const month = i + 1;
        if (box.width < 12 || box.height < 12) problems.push(`month ${month}: ${box.width} x ${box.height}`);
        const say = (problem) => problems.push(`month ${month}: ${problem}`);
        if (box.left < view.left - 0.5 || box.right > view.right + 0.5) say('outside the scroller');
        if (box.left < name.right - 0.5) say(`under the name column (${box.left} < ${name.right})`);
        if (box.right > window.innerWidth + 0.5 || box.left < -0.5) say('off the screen');
        if (Math.abs(top.left - box.left) > 1 || Math.abs(top.right - box.right) > 1) say('header not above its cells');
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !cell.contains(hit)) say(`a tap at its centre hits ${hit && hit.outerHTML.slice(0, 60)}`);
        const headHit = document.elementFromPoint(top.left + top.width / 2, top.top + top.height / 2);
        if (!headHit || !head.contains(headHit)) say('its header is covered');
    }
    return {problems, count: cells.length, pageWider: document.documentElement.scrollWidth > window.innerWidth};
}"""


def assert_every_month_reachable(visitor, table: str, cells: str) -> None:
    result = visitor.page.evaluate(MONTHS_REACHABLE, [table, cells])
    assert result["count"] == 12
    assert not result["problems"], f"{table} ({visitor.size}):\n" + "\n".join(result["problems"])
    assert not result["pageWider"], f"the page scrolls sideways at {visitor.size}, not only the table"


def scroll_cue_shown(visitor, table: str) -> bool:
    """Whether the table overflows, and if so that its cue line is visible (and hidden when it fits)."""
    return visitor.page.evaluate(
        """(table) => {
            const scroller = document.querySelector(table).closest('.table-scroll');
            const frame = scroller.parentElement;
            const cue = frame.previousElementSibling;
            const overflows = scroller.scrollWidth > scroller.clientWidth + 1;
            const visible = !!cue && cue.classList.contains('scroll-cue') && cue.offsetParent !== null
                && frame.classList.contains('scroll-frame');
            return {overflows, visible, shaded: frame.classList.contains('more-right')};
        }""",
        table,
    )


def test_every_month_of_the_completeness_grid_is_reachable_and_readable(demo, visit):
    coordinator = demo_user(visit, "koordinator")
    coordinator.go(reverse("pillars:completeness"))
    page = coordinator.page
    coordinator.look("completeness")
    grid = ".completeness-table"
    name_width = page.locator(f"{grid} tbody tr th").first.bounding_box()["width"]
    if coordinator.size == "phone":
        assert name_width <= 0.4 * 360, f"the name column takes {name_width}px of 360"
        cue = scroll_cue_shown(coordinator, grid)
        assert cue["overflows"] and cue["visible"] and cue["shaded"], cue
    # The footer's labels wrap inside the name column instead of widening it.
    for label in page.locator(f"{grid} tfoot th").all():
        assert label.evaluate("th => th.scrollWidth <= th.clientWidth + 1"), label.inner_text()
        assert label.bounding_box()["width"] <= name_width + 1
    assert_every_month_reachable(coordinator, grid, "td")
    page.locator(f"{grid} tbody td").nth(0).evaluate(
        "cell => cell.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    view_shot(coordinator, "grid-january")
    page.locator(f"{grid} tbody td").nth(11).evaluate(
        "cell => cell.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    view_shot(coordinator, "grid-december")


def test_every_month_of_the_heatmap_is_reachable_and_readable(demo, visit):
    coordinator = demo_user(visit, "koordinator")
    coordinator.go(reverse("home"))
    page = coordinator.page
    coordinator.look("home")
    assert_every_month_reachable(coordinator, ".heatmap", "td.heat")
    cue = scroll_cue_shown(coordinator, ".heatmap")
    assert cue["visible"] == cue["overflows"], cue
    page.locator(".heatmap").evaluate("table => table.scrollIntoView({block: 'center', behavior: 'instant'})")
    view_shot(coordinator, "heatmap")
    page.locator(".heatmap tbody td.heat").nth(11).evaluate(
        "cell => cell.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    view_shot(coordinator, "heatmap-december")


def test_the_tables_per_area_show_that_they_scroll_and_keep_their_names(demo, visit):
    coordinator = demo_user(visit, "koordinator")
    coordinator.go(reverse("home"))
    page = coordinator.page
    for section in ("#by-area", "#by-village"):
        table = f"section:has(> h2{section}) .progress-table"
        cue = scroll_cue_shown(coordinator, table)
        assert cue["visible"] == cue["overflows"], (section, cue)
        if coordinator.size == "phone":
            assert cue["overflows"], f"{section} fits a phone: drop this check"
        last = page.locator(f"{table} thead th").last
        last.evaluate("th => th.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'})")
        box = last.bounding_box()
        name = page.locator(f"{table} tbody tr th").first.bounding_box()
        assert box["x"] + box["width"] <= 360 + 0.5 or coordinator.size == "desktop"
        assert box["x"] >= name["x"] + name["width"] - 0.5, f"{section}: the last column is under the names"
        assert name["x"] >= 0, f"{section}: the names scrolled away"
    page.locator("#by-area").evaluate("h2 => h2.scrollIntoView({behavior: 'instant'})")
    view_shot(coordinator, "tables")


def test_queue_entries_look_like_links(demo, visit):
    coordinator = demo_user(visit, "koordinator")
    coordinator.go(reverse("home"))
    entry = coordinator.page.locator(".waiting-list a > span").first  # the name, beside the age badge
    link = coordinator.page.locator("main p a").first
    looks = entry.evaluate(
        """(name, link) => ({
            color: getComputedStyle(name).color, linkColor: getComputedStyle(link).color,
            underline: getComputedStyle(name).textDecorationLine.includes('underline'),
        })""",
        link.element_handle(),
    )
    assert looks["color"] == looks["linkColor"] and looks["underline"], looks


def test_the_companions_months_have_a_legend_in_words_and_a_button_for_this_month(demo, visit):
    companion = demo_user(visit, "pendamping1")
    companion.go(reverse("home"))
    page = companion.page
    companion.look("home")
    page.locator("#my-months").evaluate("h2 => h2.scrollIntoView({behavior: 'instant'})")
    view_shot(companion, "months")
    legend = page.locator("#chip-legend")
    assert legend.is_visible()
    words = legend.inner_text()
    # Every state a chip shows is named in words beside the chips (a phone has no hover for the titles).
    for state in page.locator(".my-months .month-chip").evaluate_all(
        "chips => chips.map(chip => chip.className.match(/heat-([a-z_]+)/)[1])"
    ):
        swatch = legend.locator(f".heat-{state}")
        assert swatch.count() == 1, f"no legend for {state}: {words!r}"
    assert "bulan ini" in words
    button = page.locator("a.this-month-button")
    assert button.is_visible()
    assert "Juni" in button.inner_text()
    if companion.size == "phone":
        assert button.bounding_box()["height"] >= PHONE_ACTION
    with page.expect_navigation():
        button.click()
    assert page.url.endswith(reverse("pillars:plan-month", args=[demo["approved"].pk, demo["month"]]))


TOO_SMALL = """(minimum) => [...document.querySelectorAll('main a[href], main button, main summary')]
    .filter(e => e.getClientRects().length && !e.closest('.visually-hidden'))
    .map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40), w: r.width, h: r.height};
    })
    .filter(t => t.w < minimum - 0.01 || t.h < minimum - 0.01)"""


def test_tap_targets_are_at_least_24_px(demo, visit):
    coordinator = demo_user(visit, "koordinator")
    submitted = WorkPlan.objects.get(companion__user__username="pendamping2", year=demo["year"])
    pages = [
        reverse("home"),
        reverse("pillars:completeness"),
        demo["approved"].get_absolute_url(),
        submitted.get_absolute_url(),
    ]
    for path in pages:
        coordinator.go(path)
        small = coordinator.page.evaluate(TOO_SMALL, MIN_TARGET)
        assert not small, f"{path} ({coordinator.size}): targets under {MIN_TARGET} px: {small}"
    coordinator.go(demo["approved"].get_absolute_url())
    history = coordinator.page.locator(".activity-card a", has_text="Riwayat").first
    if coordinator.size == "phone":
        assert history.bounding_box()["height"] >= PHONE_ACTION
    companion = demo_user(visit, "pendamping1")
    companion.go(reverse("home"))
    small = companion.page.evaluate(TOO_SMALL, MIN_TARGET)
    assert not small, f"the companion's home ({companion.size}): targets under {MIN_TARGET} px: {small}"
    if companion.size == "phone":
        for action in companion.page.locator(".next-step a.btn, a.this-month-button, .month-chip").all():
            assert action.bounding_box()["height"] >= PHONE_ACTION, action.inner_text()


def test_the_village_heads_quarter_and_handover_pages_fit_and_can_be_tapped(demo, visit):
    """The pages of the 2025 frame: a Kepala Desa's home and month with its note form, a quarter report, and the
    coordinator's handover form, without the page scrolling sideways and with targets a finger can hit."""
    plan = demo["approved"]
    last_month = max(demo["month"] - 1, 1)
    pages = {
        "kades": [reverse("home"), reverse("pillars:plan-month", args=[plan.pk, last_month])],
        "pendamping1": [
            reverse("pillars:plan-quarter", args=[plan.pk, 1]),
            reverse("pillars:plan-year", args=[plan.pk]),
        ],
        "koordinator": [reverse("pillars:plan-handover", args=[plan.pk])],
    }
    for username, paths in pages.items():
        visitor = demo_user(visit, username)
        for path in paths:
            visitor.go(path)
            wider = visitor.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wider <= 0, f"{path} as {username} scrolls sideways by {wider} px at {visitor.size}"
            small = visitor.page.evaluate(TOO_SMALL, MIN_TARGET)
            assert not small, f"{path} as {username} ({visitor.size}): targets under {MIN_TARGET} px: {small}"
            view_shot(visitor, path.strip("/").replace("/", "-") or "home")
    kades = demo_user(visit, "kades")
    kades.go(reverse("pillars:plan-month", args=[plan.pk, last_month]))
    assert kades.page.locator("form textarea[name=text]").is_visible()
