"""The pages a companion needs without signal: what the phone keeps ready once the app has been opened online."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from pillars.models import WorkPlan


def pages_to_keep(user, today: date) -> list[str]:
    """The home page and, for a companion with a plan in force this year, the plan list, the plan, each of its
    months up to this one (a later month takes no entries yet) and the report pages of this month and the last."""
    pages = [reverse("home")]
    plan = (
        WorkPlan.objects.visible_to(user)
        .filter(companion__user=user, year=today.year)
        .in_force()
        .only("pk", "year")
        .first()
    )
    if plan is None:
        return pages
    pages.append(reverse("pillars:plan-list"))
    pages.append(plan.get_absolute_url())
    pages.extend(reverse("pillars:plan-month", args=[plan.pk, month]) for month in range(1, today.month + 1))
    # The report pages of this month and the last: opened offline, they say the report waits for a connection.
    reported = range(max(1, today.month - 1), today.month + 1)
    pages.extend(reverse("pillars:month-report", args=[plan.pk, month]) for month in reported)
    return pages
