"""What an uploaded plan workbook would change: every row validated, sorted into additions, changes and removals.

The sheet is read by :mod:`reports.upload.sheet`; each row is then validated by
:class:`pillars.forms.plans.ActivityForm` (the form of the plan page, so a row gets the same messages). Nothing
is written here: :mod:`reports.upload.apply` saves the forms through the plan's services.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pillars.changes import FieldChange, FieldDisplay, field_changes, stored_values
from pillars.forms.plans import ActivityForm
from pillars.models import Activity, MonthlyProgress, WorkPlan
from reports.upload.sheet import (
    MAX_BYTES,
    Origin,
    ParsedRow,
    RowError,
    column_label,
)
from reports.workbook import COLUMN_INDEX

# The upload validates every row with the activity form itself, so its fields are the form's fields;
# months (a list) and the poor-group checkbox are put into the form data on their own.
UPLOADED_FIELDS = ActivityForm.Meta.fields
FORM_FIELDS = tuple(name for name in UPLOADED_FIELDS if name not in ("months", "poor_priority"))


@dataclass
class Change:
    row: int
    activity: Activity
    fields: list[FieldChange]
    # The activity changed in the plan after the workbook was downloaded: this row would undo that change.
    newer_in_plan: bool = False


@dataclass(frozen=True)
class ChangedSince:
    """An activity as it is in the plan now (read before the rows' forms write the workbook's values into it)."""

    pk: int
    title: str
    when: datetime


@dataclass
class Staleness:
    """A workbook downloaded at an older version of the plan, and what changed in the plan since."""

    downloaded_version: int
    downloaded_at: datetime | None
    plan_version: int
    plan_changed_at: datetime
    changed: list[ChangedSince]  # changed since the download
    added: list[ChangedSince]  # added since the download (the workbook has no row for them)
    removed: int  # rows of the download whose activity was removed since


@dataclass
class Addition:
    row: int
    title: str
    pillar: str


@dataclass
class Preview:
    rows: list[ParsedRow]
    fingerprint: str
    additions: list[Addition] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    removals: list[Activity] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    forms: list[tuple[ActivityForm, Activity | None]] = field(default_factory=list)
    stale: Staleness | None = None

    @property
    def has_changes(self) -> bool:
        return bool(self.additions or self.changes or self.removals)


# --- forms -------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan workbook (.xlsx)"),
        help_text=gettext_lazy("The workbook downloaded from this plan, filled in. At most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is 5 MB. Upload only the plan workbook."),
                params={"size": f"{upload.size / 1024 / 1024:.1f}"},
            )
        return upload


class ConfirmUploadForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- the preview -------------------------------------------------------------------------------


def fingerprint(plan: WorkPlan) -> str:
    """Changes whenever an activity of ``plan`` is added, changed or removed."""
    state = list(plan.written_activities().order_by("pk").values_list("pk", "version"))
    return hashlib.sha256(f"{plan.pk}:{plan.status}:{state}".encode()).hexdigest()


# Numbers the sheet reader has read already (as ``str(Decimal)``): the form gets the number, not text to read.
NUMBER_FIELDS = ("target_quantity", "budget")


def _form_data(row: ParsedRow) -> MultiValueDict:
    data = MultiValueDict({name: [row.data.get(name, "")] for name in FORM_FIELDS})
    for name in NUMBER_FIELDS:
        if row.data.get(name):
            data[name] = Decimal(row.data[name])
    data.setlist("months", [str(m) for m in row.data.get("months", [])])
    if row.data.get("poor_priority"):
        data["poor_priority"] = "on"
    return data


def staleness(plan: WorkPlan, written: list[Activity], origin: Origin | None) -> Staleness | None:
    """What changed in ``plan`` since the workbook of ``origin`` was downloaded; None when it is the plan's version
    (or the workbook does not say). An activity is told by its own version against the one the workbook kept."""
    if origin is None or origin.version >= plan.version:
        return None
    changed, added, kept = [], [], set()
    for activity in written:
        key = activity.pk if activity.pk in origin.activities else activity.approved_id
        now = ChangedSince(activity.pk, activity.title, activity.updated_at)
        if key not in origin.activities:
            added.append(now)
            continue
        kept.add(key)
        if activity.version != origin.activities[key]:
            changed.append(now)
    return Staleness(
        downloaded_version=origin.version,
        downloaded_at=origin.downloaded,
        plan_version=plan.version,
        plan_changed_at=plan.updated_at,
        changed=changed,
        added=added,
        removed=len(set(origin.activities) - kept),
    )


def build_preview(
    plan: WorkPlan, rows: list[ParsedRow], errors: list[RowError] | None = None, origin: Origin | None = None
) -> Preview:
    """Validate every row with ActivityForm and sort them into additions, changes and removals; a workbook
    downloaded at an older version says what changed in the plan since (``origin``, from the workbook)."""
    preview = Preview(rows=rows, fingerprint=fingerprint(plan), errors=list(errors or []))
    written = list(plan.written_activities().select_related("pillar", "village"))
    display = FieldDisplay.for_plan(plan)
    # A workbook of the approved version names its activities by their approved ids; in a revision they are
    # the revision's copies of them.
    existing = {a.approved_id: a for a in written} | {a.pk: a for a in written}
    keyed = [row for row in rows if row.key is not None]
    if len(keyed) > 1 and not any(row.key in existing for row in keyed):
        # Every row names an activity of some other plan: one message, not one per row.
        preview.errors = [
            RowError(
                None,
                "",
                _(
                    "None of the workbook's rows is an activity of this plan: it was downloaded from another plan. "
                    "Download this plan's workbook and fill that in."
                ),
            )
        ]
        return preview
    preview.stale = staleness(plan, written, origin)
    newer = {a.pk for a in preview.stale.changed} if preview.stale else set()
    added_since = {a.pk for a in preview.stale.added} if preview.stale else set()
    seen: dict[int, int] = {}  # activity id -> the row that names it
    for row in rows:
        instance = None
        if row.key is not None:
            instance = existing.get(row.key)
            if instance is None:
                preview.errors.append(
                    RowError(
                        row.row,
                        _("key"),
                        _("this row's hidden key is not an activity of this plan; clear the key to add it as new."),
                    )
                )
                continue
            if instance.pk in seen:
                preview.errors.append(
                    RowError(
                        row.row,
                        _("key"),
                        _("this row repeats the activity of row %(row)s; delete the copy or clear its hidden key.")
                        % {"row": seen[instance.pk]},
                    )
                )
                continue
            seen[instance.pk] = row.row
        # Read before the form runs: validating it writes the row's values into the instance.
        before = stored_values(instance, UPLOADED_FIELDS) if instance else None
        form = ActivityForm(_form_data(row), plan=plan, instance=instance)
        if not form.is_valid():
            # A cell the sheet reader refused already (a formula, text that is no number) is not listed twice.
            read_already = {error.column for error in preview.errors if error.row == row.row}
            for name, messages in form.errors.items():
                column = (
                    column_label(name) if name in COLUMN_INDEX else (_("Scheduled months") if name == "months" else "–")
                )
                if column not in read_already:
                    preview.errors += [RowError(row.row, column, str(message)) for message in messages]
            continue
        preview.forms.append((form, instance))
        if instance is None:
            preview.additions.append(Addition(row.row, form.instance.title, form.cleaned_data["pillar"].code))
            continue
        after = stored_values(form.instance, UPLOADED_FIELDS)
        changed = field_changes(Activity, before, after, names=UPLOADED_FIELDS, display=display)
        if changed:
            preview.changes.append(Change(row.row, form.instance, changed, newer_in_plan=instance.pk in newer))
    removed = [a for a in written if a.pk not in seen]
    with_progress = set(
        MonthlyProgress.objects.filter(activity__in=[a.approved_id for a in removed])
        .values_list("activity_id", flat=True)
        .distinct()
    )
    for activity in removed:
        if activity.approved_id in with_progress:
            preview.errors.append(
                RowError(
                    None,
                    "",
                    _("“%(title)s” has recorded progress and cannot be removed; keep its row in the sheet.")
                    % {"title": activity.title},
                )
            )
        else:
            # Not in the workbook because it was added after the download: removing it is rarely meant.
            activity.added_after_download = activity.pk in added_since
            preview.removals.append(activity)
    return preview
