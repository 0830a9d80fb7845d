"""Uploading a plan workbook filled in offline: check the file, read sheet "RKT", preview, apply.

Nothing is saved unless every row is valid. Each row is validated by :class:`pillars.forms.ActivityForm`
(the form of the plan page, so a row gets the same messages), and saved through the same services
(``activity_save``/``activity_delete``), so history and the plan's version record the upload exactly
as if the companion had typed it. The file itself is checked before openpyxl opens it: size, that
it is a zip with a workbook inside, and how large it unpacks to (a zip bomb is refused unread).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from pillars import services
from pillars.forms import ActivityForm
from pillars.models import Activity, MonthlyProgress, Pillar, WorkPlan
from reports.workbook import (
    COLUMN_INDEX,
    COLUMNS,
    END_MARKER,
    HEADER_MARKER,
    KEY_COLUMN,
    LAST_VISIBLE,
    PILLAR_MARKER,
    RKT_SHEET,
    SUBTOTAL_MARKER,
)
from villages.scope import viewer_for

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 300
MAX_ROWS = 1000
HEADER_SEARCH_ROWS = 60

FORM_FIELDS = (
    "pillar",
    "village",
    "title",
    "objective",
    "target_group",
    "sdg_goal",
    "indicator",
    "target_quantity",
    "unit",
    "budget",
    "budget_source",
    "partners",
)
COMPARED_FIELDS = (*FORM_FIELDS, "months", "poor_priority")
TRUE_WORDS = {"x", "v", "✓", "✔", "1", "ya", "yes", "y", "true", "benar"}
FALSE_WORDS = {"", "0", "-", "–", "tidak", "no", "n", "false", "salah"}
NO_MONTH = {"", "0", "-", "–"}


class UploadError(Exception):
    """The file as a whole cannot be used; one message says why."""


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    """One activity row of the sheet, as form data (plain JSON, so it can wait in the session)."""

    row: int
    key: int | None
    data: dict[str, object]

    def as_json(self) -> dict:
        return {"row": self.row, "key": self.key, "data": self.data}

    @classmethod
    def from_json(cls, value: dict) -> ParsedRow:
        return cls(row=int(value["row"]), key=value["key"], data=dict(value["data"]))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    row: int
    activity: Activity
    fields: list[FieldChange]


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


# --- the file ----------------------------------------------------------------------------------


def check_archive(content: bytes) -> None:
    """Refuse what is not an .xlsx, or what would unpack to too much, before openpyxl reads it."""
    not_a_workbook = _(
        "This file is not an Excel workbook (.xlsx). Save it in Excel or LibreOffice as "
        "“Excel Workbook (.xlsx)” and upload it again."
    )
    if len(content) > MAX_BYTES:
        raise UploadError(_("The file is larger than 5 MB. Upload only the plan workbook."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise UploadError(not_a_workbook) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise UploadError(not_a_workbook)
        # zipfile never inflates a member past the size its header declares, so the declared sizes
        # are a safe bound on what openpyxl could be made to unpack.
        unpacked = sum(member.file_size for member in members)
        if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
            raise UploadError(
                _(
                    "This workbook unpacks to far more data than a plan holds, so it was not opened. "
                    "Upload the plan workbook."
                )
            )


def read_rows(content: bytes, plan: WorkPlan) -> tuple[list[ParsedRow], list[RowError]]:
    """The activity rows of sheet "RKT" as form data, and problems that no form would see."""
    check_archive(content)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types (KeyError, XML errors, InvalidFileException) for a broken file
        raise UploadError(_("This workbook cannot be read; it may be damaged. Save it again as .xlsx.")) from None
    try:
        if RKT_SHEET not in workbook.sheetnames:
            raise UploadError(
                _("The workbook has no sheet named “%(sheet)s”. Upload the plan workbook downloaded from this plan.")
                % {"sheet": RKT_SHEET}
            )
        return _read_sheet(workbook[RKT_SHEET], plan)
    finally:
        workbook.close()


def _read_sheet(ws, plan: WorkPlan) -> tuple[list[ParsedRow], list[RowError]]:
    reader = _RowReader(plan)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    header = None
    pillar = ""
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_col=KEY_COLUMN + 3), start=1):
        values = [cell.value for cell in cells]
        if header is None:
            if HEADER_MARKER in values:
                if values.index(HEADER_MARKER) + 1 != KEY_COLUMN:
                    raise UploadError(
                        _(
                            "Columns were added or removed in sheet “%(sheet)s”. Keep the columns of the "
                            "downloaded workbook; add activities as new rows."
                        )
                        % {"sheet": RKT_SHEET}
                    )
                header = number
            elif number > HEADER_SEARCH_ROWS:
                break
            continue
        if number == header + 1:
            continue  # the month names under the header
        marker = str(values[KEY_COLUMN - 1] or "").strip() if len(values) >= KEY_COLUMN else ""
        if marker == END_MARKER:
            break
        if marker.startswith(PILLAR_MARKER):
            pillar = marker[len(PILLAR_MARKER) :]
            continue
        if marker == SUBTOTAL_MARKER:
            continue
        visible = cells[1:LAST_VISIBLE]
        if all(_blank(cell.value) for cell in visible):
            continue
        if len(rows) >= MAX_ROWS:
            raise UploadError(_("The sheet has more than %(max)s activity rows.") % {"max": MAX_ROWS})
        parsed, row_errors = reader.read(number, cells, pillar)
        rows.append(parsed)
        errors += row_errors
    if header is None:
        raise UploadError(
            _(
                "Sheet “%(sheet)s” does not have the layout of the plan workbook. "
                "Download the workbook again and fill that in."
            )
            % {"sheet": RKT_SHEET}
        )
    return rows, errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column_label(field_name: str) -> str:
    return str(COLUMNS[COLUMN_INDEX[field_name] - 1].header) or field_name


class _RowReader:
    """Turns a row's cells into ActivityForm data, accepting codes or names as the issue asks."""

    def __init__(self, plan: WorkPlan):
        self.pillars: dict[str, str] = {}
        for code, name in Pillar.objects.values_list("code", "name"):
            self.pillars[code.casefold()] = code
            self.pillars.setdefault(name.casefold(), code)
        self.villages: dict[str, str] = {}
        self.ambiguous: set[str] = set()
        for code, name in plan.villages.values_list("code", "name"):
            self.villages[code] = code
            self.villages[f"{name} ({code})".casefold()] = code
            key = name.casefold()
            if key in self.villages:
                self.ambiguous.add(key)
            self.villages[key] = code
        self.all_villages = set()
        self.groups: dict[str, str] = {}
        for language in ("id", "en"):
            with override(language):
                self.all_villages.add(_("All villages").casefold())
                for value, label in Activity.TargetGroup.choices:
                    self.groups[str(label).casefold()] = value
        for value in Activity.TargetGroup.values:
            self.groups[value.casefold()] = value

    def read(self, number: int, cells, section_pillar: str) -> tuple[ParsedRow, list[RowError]]:
        errors: list[RowError] = []
        data: dict[str, object] = {}

        def value_of(field_name: str):
            cell = cells[COLUMN_INDEX[field_name] - 1]
            if cell.data_type == "f":
                errors.append(
                    RowError(number, _column_label(field_name), _("a formula; type the value itself, not a formula."))
                )
                return None
            return cell.value

        for name in ("title", "objective", "indicator", "unit", "budget_source", "partners"):
            data[name] = _text(value_of(name))
        pillar = _text(value_of("pillar")) or section_pillar
        data["pillar"] = self.pillars.get(pillar.casefold(), pillar)
        village = _text(value_of("village"))
        if village.casefold() in self.ambiguous:
            errors.append(
                RowError(
                    number, _column_label("village"), _("several of your villages have this name; write its code.")
                )
            )
        data["village"] = (
            "" if village.casefold() in self.all_villages else self.villages.get(village.casefold(), village)
        )
        group = _text(value_of("target_group"))
        data["target_group"] = self.groups.get(group.casefold(), group)
        goal = value_of("sdg_goal")
        if isinstance(goal, (int, float)):
            data["sdg_goal"] = str(int(goal))
        else:
            match = re.match(r"\s*(\d+)", _text(goal))
            data["sdg_goal"] = match[1] if match else _text(goal)
        data["target_quantity"] = _number(value_of("target_quantity"), decimal_comma=True)
        data["budget"] = _number(value_of("budget"), decimal_comma=False)
        months = []
        for m in range(1, 13):
            mark = value_of(f"m{m}")
            if not _blank(mark) and _text(mark).casefold() not in NO_MONTH:
                months.append(m)
        data["months"] = months
        priority = _text(value_of("poor_priority")).casefold()
        if priority in TRUE_WORDS:
            data["poor_priority"] = True
        elif priority in FALSE_WORDS:
            data["poor_priority"] = False
        else:
            errors.append(RowError(number, _column_label("poor_priority"), _("write “yes” or leave it empty.")))
            data["poor_priority"] = False
        key = _text(cells[KEY_COLUMN - 1].value)
        parsed_key = None
        if key:
            if key.isdigit():
                parsed_key = int(key)
            else:
                errors.append(
                    RowError(
                        number, _("key"), _("the hidden key of this row was changed; clear it to add the row as new.")
                    )
                )
        return ParsedRow(number, parsed_key, data), errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value, *, decimal_comma: bool) -> str:
    """A number cell as form text; typed text like "Rp 1.500.000" or "2,5" is made readable first."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value).strip()
    text = re.sub(r"^rp\.?\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if decimal_comma:
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "")
        return text.replace(",", ".")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        return re.sub(r"[.,]", "", text)
    return text


# --- preview and apply -------------------------------------------------------------------------


def fingerprint(plan: WorkPlan) -> str:
    """Changes whenever an activity of ``plan`` is added, changed or removed."""
    state = list(plan.activities.order_by("pk").values_list("pk", "version"))
    return hashlib.sha256(f"{plan.pk}:{plan.status}:{state}".encode()).hexdigest()


def _form_data(row: ParsedRow) -> MultiValueDict:
    data = MultiValueDict({name: [row.data.get(name, "")] for name in FORM_FIELDS})
    data.setlist("months", [str(m) for m in row.data.get("months", [])])
    if row.data.get("poor_priority"):
        data["poor_priority"] = "on"
    return data


def _shown(activity: Activity, name: str) -> str:
    value = getattr(activity, name)
    if name == "months":
        return ", ".join(str(MONTHS_3[m]).title() for m in (value or ())) or "–"
    if name == "poor_priority":
        return _("yes") if value else _("no")
    if name == "target_group":
        return activity.get_target_group_display()
    if name == "sdg_goal":
        return str(value) if value else "–"
    if name == "village":
        return activity.village.name if activity.village_id else _("All villages")
    if name == "pillar":
        return activity.pillar.code
    if isinstance(value, Decimal):
        return str(value.normalize())
    return str(value) if value not in (None, "") else "–"


def _values(activity: Activity) -> dict[str, object]:
    values = {}
    for name in COMPARED_FIELDS:
        value = getattr(activity, f"{name}_id" if name in ("pillar", "village") else name)
        values[name] = tuple(value) if name == "months" else value
    return values


def build_preview(plan: WorkPlan, rows: list[ParsedRow], errors: list[RowError] | None = None) -> Preview:
    """Validate every row with ActivityForm and sort them into additions, changes and removals."""
    preview = Preview(rows=rows, fingerprint=fingerprint(plan), errors=list(errors or []))
    existing = {a.pk: a for a in plan.activities.select_related("pillar", "village")}
    seen: dict[int, int] = {}
    for row in rows:
        instance = None
        if row.key is not None:
            if row.key in seen:
                preview.errors.append(
                    RowError(
                        row.row,
                        _("key"),
                        _("this row repeats the activity of row %(row)s; delete the copy or clear its hidden key.")
                        % {"row": seen[row.key]},
                    )
                )
                continue
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
            seen[row.key] = row.row
        before = _values(instance) if instance else None
        form = ActivityForm(_form_data(row), plan=plan, instance=instance)
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = (
                    _column_label(name)
                    if name in COLUMN_INDEX
                    else (_("Scheduled months") if name == "months" else "–")
                )
                preview.errors += [RowError(row.row, column, str(message)) for message in messages]
            continue
        preview.forms.append((form, instance))
        if instance is None:
            preview.additions.append(Addition(row.row, form.instance.title, form.cleaned_data["pillar"].code))
            continue
        after = _values(form.instance)
        changed = [name for name in COMPARED_FIELDS if before[name] != after[name]]
        if changed:
            old = Activity(**{f"{n}_id" if n in ("pillar", "village") else n: before[n] for n in COMPARED_FIELDS})
            preview.changes.append(
                Change(
                    row.row,
                    form.instance,
                    [
                        FieldChange(
                            str(Activity._meta.get_field(n).verbose_name), _shown(old, n), _shown(form.instance, n)
                        )
                        for n in changed
                    ],
                )
            )
    removed = [a for pk, a in existing.items() if pk not in seen]
    with_progress = set(
        MonthlyProgress.objects.filter(activity__in=removed).values_list("activity_id", flat=True).distinct()
    )
    for activity in removed:
        if activity.pk in with_progress:
            preview.errors.append(
                RowError(
                    None,
                    "",
                    _("“%(title)s” has recorded progress and cannot be removed; keep its row in the sheet.")
                    % {"title": activity.title},
                )
            )
        else:
            preview.removals.append(activity)
    return preview


def require_upload_allowed(plan: WorkPlan, user) -> None:
    """Only the plan's companion, and only while the plan is a draft or returned."""
    if viewer_for(user).companion is None or viewer_for(user).companion.pk != plan.companion_id:
        raise PermissionDenied(_("Only the plan's own companion may upload into it."))
    if plan.status not in WorkPlan.EDITABLE:
        raise UploadError(_("This plan is locked; a workbook can be uploaded only into a draft or returned plan."))


@transaction.atomic
def plan_upload_apply(*, plan: WorkPlan, by, rows: list[ParsedRow], expected: str) -> Preview:
    """Apply a previewed upload: all rows or none. ``expected`` is the preview's fingerprint."""
    plan = WorkPlan.objects.select_for_update().select_related("companion__user").get(pk=plan.pk)
    require_upload_allowed(plan, by)
    if fingerprint(plan) != expected:
        raise UploadError(_("The plan changed after the preview. Upload the workbook again to see the new preview."))
    preview = build_preview(plan, rows)
    if preview.errors:
        raise UploadError(_("The workbook has errors; nothing was saved. Correct them and upload it again."))
    changed = {change.activity.pk for change in preview.changes}
    for form, instance in preview.forms:
        if instance is None or instance.pk in changed:
            services.activity_save(activity=form.save(commit=False), by=by)
    for activity in preview.removals:
        services.activity_delete(activity=activity, by=by)
    return preview
