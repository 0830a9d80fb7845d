"""What every browser test holds on every page it looks at, and the measures of the field conditions.

A :class:`Visitor` is one person in one browser context (their own cookies) at one screen size. Its
:class:`Watch` listens to everything the context does: console errors, uncaught page errors, requests
that fail or answer 4xx/5xx for a file the page needs, and any request to a host other than the live
server. :meth:`Visitor.look` is called on every main page: it saves a screenshot, runs axe-core and
fails on any "serious" or "critical" violation, then fails on anything the watch has collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium; Playwright's own browser download does not work on our machines.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 360, "height": 740},
}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Injected by the tests through the DevTools protocol (page.evaluate), which the page's
# Content-Security-Policy does not govern; it is never served to users, so it lives beside the tests.
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# Resource types whose 4xx/5xx answer breaks the page (a missing stylesheet, script, image or font).
# Documents and htmx requests answer 4xx on purpose (404 page, 422 invalid card); journeys check those.
SUBRESOURCES = {"stylesheet", "script", "image", "font", "media", "manifest", "other"}
DEMO_PASSWORD = "test-pass-123"

_axe_source: str | None = None


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_SOURCE.read_text(encoding="utf-8")
    return _axe_source


class Watch:
    """Everything that went wrong in one browser context, as readable lines."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self._allowed: list[re.Pattern] = []
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.on("request", self._request)
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)

    @contextmanager
    def allowing(self, url_pattern: str) -> Iterator[None]:
        """Within the block, failures matching ``url_pattern`` (a URL, or a console message) are what the
        test provokes."""
        pattern = re.compile(url_pattern)
        self._allowed.append(pattern)
        try:
            yield
        finally:
            self._allowed.remove(pattern)

    def _is_allowed(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self._allowed)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if not (self._is_allowed(url) or self._is_allowed(message.text)):
            self.problems.append(f"console error: {message.text} ({url})")

    def _request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _request_failed(self, request: Request) -> None:
        # Browser-internal pages (Chromium's PDF viewer is an extension) are not the app's requests, and
        # ERR_ABORTED is the browser cancelling a request itself (the page moved on: a favicon, a download).
        if request.failure == "net::ERR_ABORTED" or not request.url.startswith(("http:", "https:")):
            return
        if not self._is_allowed(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        request = response.request
        broken = response.status >= 500 or (response.status >= 400 and request.resource_type in SUBRESOURCES)
        if broken and not self._is_allowed(response.url):
            self.problems.append(f"{response.status} for {request.resource_type} {response.url}")

    def assert_clean(self, where: str) -> None:
        problems, self.problems = self.problems, []
        assert not problems, f"on {where}:\n" + "\n".join(problems)


@dataclass
class Visitor:
    """One person in their own browser context, at one screen size, in one journey."""

    page: Page
    watch: Watch
    base_url: str
    size: str
    journey: str
    shots: list[Path] = field(default_factory=list)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def go(self, path: str, *, expect_status: int = 200) -> Response:
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.status == expect_status, f"{path} answered {response.status}"
        return response

    def log_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/accounts/login/")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main button[type=submit]").click()
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def open_menu(self) -> None:
        """On a phone the navigation sits behind the menu button."""
        toggler = self.page.locator("nav .navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            self.page.locator("#nav-main.show").wait_for()

    def follow_nav(self, path: str) -> None:
        """Go somewhere through the main navigation, opening the menu first on a phone."""
        self.open_menu()
        with self.page.expect_navigation():
            self.page.locator(f"#nav-main a[href='{path}']").click()
        assert self.page.url.endswith(path), self.page.url

    def look(self, name: str) -> None:
        """The checks every main page gets: a screenshot, axe, and nothing wrong on the console or the wire."""
        self.page.wait_for_load_state("load")
        self.screenshot(name)
        violations = run_axe(self.page)
        assert not violations, f"axe on {name} ({self.size}) at {self.page.url}:\n" + "\n".join(violations)
        self.watch.assert_clean(f"{name} ({self.size}) at {self.page.url}")

    def screenshot(self, name: str) -> Path:
        folder = SCREENSHOTS / self.size
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.journey}-{len(self.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path


def run_axe(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per rule."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(result => result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(node => node.target.join(" ")),
        })))"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
