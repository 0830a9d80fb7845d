"""What the exported documents say: a plan or a month laid out once for the PDF and the workbooks.

Every export reads through these builders so the PDF and the workbook of one plan never disagree.
They take a plan already loaded through ``WorkPlan.objects.visible_to(user)``; nothing here checks
scope again. Each builder runs a fixed number of queries however many activities the plan has.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from pillars import figures
from pillars.models import Activity, MonthlyReport, WorkPlan
from pillars.selectors import (
    ActivityMonth,
    PillarSection,
    VillageRow,
    month_rows,
    next_month_activities,
    plan_sections,
    plan_villages,
)
from reports.models import Office
from villages.formats import month_name
from villages.models import Companion, Region

# Offices file these documents in Indonesian whatever language the person exporting reads the
# app in, so documents are rendered in this language (the words come from the id catalogue).
DOCUMENT_LANGUAGE = "id"

MONTHS = tuple(range(1, 13))


def indonesian_date(day: datetime.date) -> str:
    """``20 Januari 2026``: the date as an Indonesian office writes it."""
    with override(DOCUMENT_LANGUAGE):
        return date_format(day, "j F Y")


def plan_title(year: int) -> str:
    with override(DOCUMENT_LANGUAGE):
        return _("ANNUAL WORK PLAN FOR VILLAGE COMMUNITY COMPANIONSHIP, YEAR %(year)s") % {"year": year}


@dataclass
class Identity:
    """Who wrote the plan, where, and who signs it off."""

    companion: Companion
    villages: list[Region]
    districts: list[Region]
    regencies: list[Region]
    coordinator: Companion | None
    place: str

    @property
    def coordinator_title(self) -> str:
        if self.coordinator is None:
            return _("Coordinator")
        return _("Coordinator of %(region)s") % {"region": self.coordinator.scope_region.name}


@dataclass(frozen=True)
class Letterhead:
    """The "kop" at the top of every document: the office of the plan's kabupaten (or province), or the default."""

    parent_name: str
    name: str
    address: str
    contact: str
    logo: tuple[bytes, str] | None = None  # the image and its type, handed to the PDF renderer from memory

    LOGO_URL = "https://document.rkt.invalid/inline/letterhead-logo"

    @property
    def logo_url(self) -> str:
        return self.LOGO_URL if self.logo else ""

    def inline(self) -> dict[str, tuple[bytes, str]]:
        """What the PDF renderer serves from memory for this letterhead."""
        return {self.LOGO_URL: self.logo} if self.logo else {}


def office_for(villages: list[Region]) -> Office | None:
    """The office of the most local region that holds all ``villages`` (their kabupaten, else their province)."""
    return Office.objects.for_codes(sorted(shared_regions(villages)))


def letterhead_for(villages: list[Region]) -> Letterhead:
    """The letterhead of :func:`office_for` ``villages``; the national one (``RKT_DEFAULT_OFFICE``) without one."""
    office = office_for(villages)
    if office is None:
        return Letterhead(parent_name="", name=settings.RKT_DEFAULT_OFFICE, address="", contact="")
    logo = None
    if office.logo:
        try:
            with office.logo.open("rb") as handle:
                logo = (handle.read(), office.logo_type)
        except OSError:  # the file is gone from storage: the letterhead is printed without it
            logo = None
    contact = " · ".join(part for part in (office.phone and f"Telp. {office.phone}", office.email) if part)
    return Letterhead(office.parent_name, office.name, office.address, contact, logo)


@dataclass(frozen=True)
class Approval:
    """Who approved or acknowledged a document, and when: the line above its signatures."""

    label: str
    day: str
    by: str

    @property
    def line(self) -> str:
        return _("%(label)s on %(day)s by %(name)s") % {"label": self.label, "day": self.day, "name": self.by}


def _approval(label: str, moment, user, zone: tzinfo) -> Approval | None:
    """Who approved or acknowledged, and on which day in the plan's local time ``zone``."""
    if moment is None:
        return None
    name = (user.get_full_name() or user.get_username()) if user is not None else "–"
    return Approval(label, indonesian_date(timezone.localdate(moment, zone)), name)


@dataclass
class SectionTotals:
    activities: int
    budget: Decimal
    per_month: list[int]


@dataclass
class Section:
    pillar: object
    activities: list[Activity]
    totals: SectionTotals


@dataclass
class PlanDocument:
    plan: WorkPlan
    title: str
    identity: Identity
    villages: list[VillageRow]
    sections: list[Section]
    totals: SectionTotals
    signed_on: str
    priorities: str
    data_basis: str
    to_date: ToDate
    letterhead: Letterhead
    approval: Approval | None

    months = MONTHS

    @property
    def is_draft(self) -> bool:
        """Not in force: a plan never approved. A plan in force prints its approved version, even while revised."""
        return not self.plan.is_in_force

    @property
    def status_label(self) -> str:
        """Approved while a revision is written: the document shows the version in force."""
        if self.plan.under_revision:
            return str(WorkPlan.Status.APPROVED.label)
        return self.plan.get_status_display()

    @property
    def subtitle(self) -> str:
        """The status line: the plan's status and revision; a plan being revised prints its approved version."""
        plan = self.plan
        if plan.under_revision:
            return _("%(status)s · revision %(revision)s is being written; this is the version in force") % {
                "status": self.status_label,
                "revision": plan.revision,
            }
        if plan.revision:
            return _("%(status)s · revision %(revision)s") % {"status": self.status_label, "revision": plan.revision}
        return self.status_label


@dataclass(frozen=True)
class ToDate:
    """The cut-off of a document's "to date" figures: the months of the plan's year that are over."""

    year: int
    month: int

    @property
    def label(self) -> str:
        if not self.month:
            return _("no month of %(year)s is over yet") % {"year": self.year}
        return _("January to %(month)s %(year)s") % {"month": month_name(self.month), "year": self.year}


def to_date(year: int, zone: tzinfo) -> ToDate:
    """The last month of ``year`` over today in the local time ``zone`` (of the plan or village counted)."""
    return ToDate(year, figures.last_complete_month(year, timezone.localdate(timezone.now(), zone)))


def _totals(activities: list[Activity]) -> SectionTotals:
    return SectionTotals(
        activities=len(activities),
        budget=sum((a.budget or Decimal("0") for a in activities), Decimal("0")),
        per_month=[sum(1 for a in activities if m in a.months) for m in MONTHS],
    )


def shared_regions(villages: list[Region]) -> set[str]:
    """The codes of the regions that hold every one of ``villages`` (their common kecamatan, kabupaten, province)."""
    if not villages:
        return set()
    shared = set(villages[0].ancestor_codes())
    for village in villages[1:]:
        shared &= set(village.ancestor_codes())
    return shared


def coordinator_for(villages: list[Region]) -> Companion | None:
    """The coordinator whose scope holds every one of ``villages``, the most local first; one query."""
    shared = shared_regions(villages)
    if not shared:
        return None
    candidates = Companion.objects.filter(
        role__in=Companion.COORDINATOR_ROLES, scope_region_id__in=shared
    ).select_related("user", "scope_region")
    # Prefer a Koordinator over a TA at the same level: the Koordinator signs off plans.
    by_level = sorted(candidates, key=lambda c: (-c.scope_region.level, c.role != Companion.Role.KOORDINATOR, c.pk))
    return by_level[0] if by_level else None


def _place(districts: list[Region], regencies: list[Region]) -> str:
    """The kecamatan when all villages share one, else the kabupaten without its "Kabupaten" prefix."""
    if len(districts) == 1:
        return districts[0].name
    if regencies:
        name = regencies[0].name
        for prefix in ("Kabupaten ", "Kab. ", "Kota "):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name
    return ""


def identity_for(plan: WorkPlan, villages: list[Region]) -> Identity:
    """``villages`` loaded with ``parent__parent`` (as :func:`plan_villages` does)."""
    districts = {v.parent_id: v.parent for v in villages if v.parent_id}
    regencies = {d.parent_id: d.parent for d in districts.values() if d.parent_id}
    district_list = [districts[k] for k in sorted(districts)]
    regency_list = [regencies[k] for k in sorted(regencies)]
    return Identity(
        companion=plan.companion,
        villages=villages,
        districts=district_list,
        regencies=regency_list,
        coordinator=coordinator_for(villages),
        place=_place(district_list, regency_list),
    )


def _signed_on(moment: datetime.datetime | None, zone: tzinfo) -> str:
    """The day of ``moment`` (a submission; now, without one) in the plan's local time ``zone``."""
    return indonesian_date(timezone.localdate(moment or timezone.now(), zone))


def plan_document(plan: WorkPlan) -> PlanDocument:
    """The plan as its PDF and workbook show it: the approved version once there is one (a revision under way
    is on the plan page, not in the documents), else what is written. ``plan`` comes with ``companion__user``."""
    village_rows = plan_villages(plan)
    activities = plan.activities_in_force() if plan.is_in_force else plan.written_activities()
    raw_sections: list[PillarSection] = plan_sections(plan, activities)
    for section in raw_sections:
        for activity in section.activities:
            activity.pillar = section.pillar  # saves a query per activity wherever the pillar is read
    sections = [Section(s.pillar, s.activities, _totals(s.activities)) for s in raw_sections]
    everything = [a for s in raw_sections for a in s.activities]
    narrative = {"priorities": plan.priorities, "data_basis": plan.data_basis}
    approved = plan.snapshots.select_related("approved_by").order_by("-revision").first() if plan.is_in_force else None
    if plan.under_revision and approved is not None:
        narrative = {name: approved.data.get(name, "") for name in narrative}
    villages = [row.village for row in village_rows]
    # The companion signs the plan when submitting it; a plan never submitted carries today's date.
    return PlanDocument(
        plan=plan,
        title=plan_title(plan.year),
        identity=identity_for(plan, villages),
        villages=village_rows,
        sections=sections,
        totals=_totals(everything),
        signed_on=_signed_on(plan.submitted_at, plan.zone),
        priorities=narrative["priorities"],
        data_basis=narrative["data_basis"],
        to_date=to_date(plan.year, plan.zone),
        letterhead=letterhead_for(villages),
        approval=_approval(gettext_lazy("Approved"), approved.approved_at, approved.approved_by, plan.zone)
        if approved
        else None,
    )


# --- one month ---------------------------------------------------------------------------------


@dataclass
class MonthDocument:
    plan: WorkPlan
    month: int
    month_name: str
    title: str
    identity: Identity
    report: MonthlyReport | None
    rows: list[ActivityMonth]
    next_month: int | None
    next_month_name: str
    next_activities: list[Activity]
    signed_on: str
    as_submitted: bool
    letterhead: Letterhead
    approval: Approval | None

    @property
    def is_draft(self) -> bool:
        return self.report is None or self.report.status != MonthlyReport.Status.ACKNOWLEDGED


def month_document(plan: WorkPlan, month: int) -> MonthDocument:
    """Plan against realisation for ``month``: the activities scheduled then or worked on then, each with its
    figures through the month (:func:`pillars.selectors.months.month_rows`, as the month's page shows them). A submitted
    report prints the activities in force when it was submitted."""
    villages = list(plan.villages.select_related("parent__parent").order_by("code"))
    page = month_rows(plan, month)
    rows = [row for row in page.scheduled + page.others if row.scheduled or row.entry is not None]
    rows.sort(key=lambda row: row.activity.plan_order)
    report = MonthlyReport.objects.filter(plan=plan, month=month).first()
    next_month = month + 1 if month < 12 else None
    with override(DOCUMENT_LANGUAGE):
        title = _("MONTHLY REPORT OF VILLAGE COMMUNITY COMPANIONSHIP, %(month)s %(year)s") % {
            "month": month_name(month).upper(),
            "year": plan.year,
        }
        names = (month_name(month), month_name(next_month) if next_month else "")
    signed = report.submitted_at if report and report.submitted_at else None
    return MonthDocument(
        plan=plan,
        month=month,
        month_name=names[0],
        title=title,
        identity=identity_for(plan, villages),
        report=report,
        rows=rows,
        next_month=next_month,
        next_month_name=names[1],
        next_activities=next_month_activities(plan, month, report),
        signed_on=_signed_on(signed, plan.zone),
        as_submitted=page.frozen,
        letterhead=letterhead_for(villages),
        approval=_approval(gettext_lazy("Acknowledged"), report.reviewed_at, report.reviewed_by, plan.zone)
        if report is not None and report.status == MonthlyReport.Status.ACKNOWLEDGED
        else None,
    )
