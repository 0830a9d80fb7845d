"""What every page's navigation bar needs to know: which of its links is the page being shown."""

from __future__ import annotations


def navigation(request) -> dict:
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    return {
        "nav": {
            "home": name == "home",
            "pillars": bool(match) and match.app_name == "pillars",  # a companion's "My plans": all of their work
            "plan_list": name == "plan-list",
            "report_queue": name == "report-queue",
            "completeness": name == "completeness",
            "villages": name in ("village-list", "village-detail"),
        }
    }
