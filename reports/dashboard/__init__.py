"""The home pages' picture of a scope, one job to a module; callers use the names below (``dashboard.progress``).

- :mod:`.filters`: the filter form, the :class:`Selection` it makes and what the selection picks (its plans,
  their activities in force), and the level the tables group by;
- :mod:`.queues`: plans by status, plans in force, companions without a plan, what waits for review;
- :mod:`.figures`: progress per pillar, area and village, and the three ways of adding it up;
- :mod:`.coverage`: villages in scope, villages no activity covers, BLT villages without a poor-group activity;
- :mod:`.table`: the rows of the tables, their sort orders and column headers.

The arithmetic of every figure is :mod:`pillars.figures`; this package picks what a page is about and groups it.
"""

from __future__ import annotations

from reports.dashboard.coverage import (
    LIST_SHOWN,
    VillageList,
    blt_without_poor_activity,
    not_covered_by,
    unassigned_village_count,
    villages_in,
    villages_without_activity,
)
from reports.dashboard.figures import Counted, Progress, progress, shows_villages
from reports.dashboard.filters import (
    DashboardFilterForm,
    ScopeActivity,
    Selection,
    activities_in_force,
    group_level_for,
    scoped_plans,
)
from reports.dashboard.queues import (
    InForce,
    Queue,
    StatusCard,
    Waiting,
    companions_without_plan,
    in_force_count,
    status_cards,
    waiting_plans,
    waiting_reports,
)
from reports.dashboard.table import ProgressRow, SortColumn, sort_columns, sort_rows

__all__ = [
    "LIST_SHOWN",
    "Counted",
    "DashboardFilterForm",
    "InForce",
    "Progress",
    "ProgressRow",
    "Queue",
    "ScopeActivity",
    "Selection",
    "SortColumn",
    "StatusCard",
    "VillageList",
    "Waiting",
    "activities_in_force",
    "blt_without_poor_activity",
    "companions_without_plan",
    "group_level_for",
    "in_force_count",
    "not_covered_by",
    "progress",
    "scoped_plans",
    "shows_villages",
    "sort_columns",
    "sort_rows",
    "status_cards",
    "unassigned_village_count",
    "villages_in",
    "villages_without_activity",
    "waiting_plans",
    "waiting_reports",
]
