"""Every read the plans app's pages, documents and workbooks make: nothing here writes.

Split by page (a plan, a month, completeness, history) and by what they serialise (an approved version);
callers use ``from pillars import selectors`` and ``selectors.month_rows(...)``, whichever module holds it.
"""

from pillars.selectors.completeness import (
    CELL_LABELS,
    REPORTED,
    WAITING_FOR_COMPANION,
    Cell,
    Completeness,
    CompletenessCell,
    CompletenessRow,
    MonthTotals,
    completeness,
    plan_cells,
    plan_status_label,
)
from pillars.selectors.history import history_page, plan_history_rows
from pillars.selectors.months import (
    ActivityMonth,
    MonthPage,
    freeze,
    frozen_activities,
    month_activities,
    month_row,
    month_rows,
    next_month_activities,
    offline_saved,
)
from pillars.selectors.plans import (
    PillarSection,
    VillageRow,
    answered_return,
    changes_since_return,
    comment_threads,
    dimension_focus,
    plan_changes,
    plan_sections,
    plan_villages,
    snapshot_sections,
    status_counts,
    with_pillar_counts,
    written_count,
)
from pillars.selectors.snapshots import CONTENT_FIELDS, REVISED_FIELDS, activity_snapshot, plan_snapshot_data

__all__ = [
    "ActivityMonth",
    "CELL_LABELS",
    "CONTENT_FIELDS",
    "Cell",
    "Completeness",
    "CompletenessCell",
    "CompletenessRow",
    "MonthPage",
    "MonthTotals",
    "PillarSection",
    "REPORTED",
    "REVISED_FIELDS",
    "VillageRow",
    "WAITING_FOR_COMPANION",
    "activity_snapshot",
    "answered_return",
    "changes_since_return",
    "comment_threads",
    "dimension_focus",
    "completeness",
    "freeze",
    "frozen_activities",
    "history_page",
    "month_activities",
    "month_row",
    "month_rows",
    "next_month_activities",
    "offline_saved",
    "plan_cells",
    "plan_changes",
    "plan_history_rows",
    "plan_sections",
    "plan_snapshot_data",
    "plan_status_label",
    "plan_villages",
    "snapshot_sections",
    "status_counts",
    "with_pillar_counts",
    "written_count",
]
