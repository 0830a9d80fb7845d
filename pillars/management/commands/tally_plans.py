from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from pillars import tallies
from pillars.figures import last_complete_month
from pillars.models import PlanYear, WorkPlan


class Command(BaseCommand):
    help = (
        "Add up the stored tallies of every counted plan in force whose data changed or whose cut-off month moved "
        "since they were added up (PostgreSQL; SQLite keeps none). Run it shortly after midnight on the 1st of "
        "each month, from cron or the job scheduler, so that the first visit of a province or the country that "
        "month finds every plan added up. Safe to run at any time and as often as wanted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, action="append", help="only this year (repeatable; default: all)")

    def handle(self, *args, year: list[int] | None, **options) -> None:
        if not tallies.available():
            self.stdout.write("This database adds up one activity at a time and keeps no tallies: nothing to do.")
            return
        today = timezone.localdate()
        for plan_year in year or sorted(PlanYear.objects.values_list("year", flat=True)):
            started = time.perf_counter()
            through = last_complete_month(plan_year, today)
            count = tallies.fill_stale(WorkPlan.objects.filter(year=plan_year).counted(), through)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{plan_year}: {count} plans added up through month {through} in {seconds:.1f} s")
        # The planner's picture of the two tables after a month's worth of rows was replaced.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE pillars_plantally, pillars_plantallystate")
