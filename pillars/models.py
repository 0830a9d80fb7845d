"""The work itself: pillars, annual plans (RKT), activities, monthly progress and reports.

Visibility follows the plan: a plan is visible to its companion, to a coordinator when one of the
plan's villages lies in the coordinator's scope, and to admins. Everything below a plan (activities,
progress, evidence, reports, the workflow log) is visible exactly when its plan is, through
:func:`plan_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pillars.fields import FULL_MASK, MonthsField
from villages.models import Companion, Region, VillageData, active_in_year
from villages.scope import viewer_for, within
from villages.zones import zone_of

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


def plan_scope(user, path: str = "") -> Q | None:
    """The filter that keeps plans (reached through ``path``) visible to ``user``; None: nothing."""
    viewer = viewer_for(user)
    if viewer.is_admin:
        return Q()
    if viewer.is_coordinator:
        # IN, not a correlated EXISTS: the plans of the scope's villages are found once from the region
        # index instead of testing every plan of the country (issue 9, coordinator pages at national scale).
        plans_in_scope = WorkPlan.villages.through.objects.filter(within("region__code", viewer.prefix))
        return Q(**{f"{path}pk__in": plans_in_scope.values("workplan_id")})
    if viewer.is_companion:
        # A companion who handed a plan over keeps reading it: the months they held are their history. One IN of a
        # UNION, not an OR of two conditions: PostgreSQL cannot serve ``companion OR pk IN (...)`` from an index and
        # read every activity of the country for a companion's home (188 ms to 0.5 ms at national scale).
        own = WorkPlan.objects.filter(companion=viewer.companion).order_by().values("pk")
        handed = Handover.objects.filter(predecessor=viewer.companion).order_by().values("plan_id")
        return Q(**{f"{path}pk__in": own.union(handed)})
    if viewer.is_village_official:
        # The whole plan in force of a companion working in the official's village or kecamatan (its documents are
        # the plan's, so its other villages' activities are read too); never a plan before its first approval.
        plans_there = WorkPlan.villages.through.objects.filter(within("region__code", viewer.watches))
        return Q(**{f"{path}pk__in": plans_there.values("workplan_id")}) & in_force_condition(path)
    return None


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a plan reached through ``plan_path``."""

    plan_path = ""

    def visible_to(self, user):
        condition = plan_scope(user, self.plan_path)
        return self.none() if condition is None else self.filter(condition)


class PlanChildQuerySet(ScopedQuerySet):
    """Rows with a ``plan`` foreign key."""

    plan_path = "plan__"


# The order pillars are shown in, and the plan's order of activities: by pillar, then as the companion arranged
# them. Every page, document and workbook lists them so (Activity.plan_order is the twin for loaded rows).
PILLAR_ORDER = ("order", "code")
ACTIVITY_ORDER = ("pillar__order", "pillar__code", "position", "pk")


class PillarQuerySet(models.QuerySet):
    def active(self) -> PillarQuerySet:
        return self.filter(is_active=True)


class Pillar(models.Model):
    """One of the pillars of companionship; rows, so a deployment can rename or add one."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short code used in exports and uploads, e.g. ASI."),
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PillarQuerySet.as_manager()

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = list(PILLAR_ORDER)

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """A programme year; companions can start plans only for years that are open."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True, validators=YEAR_VALIDATORS)
    is_open = models.BooleanField(_("open for planning"), default=True)

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


def in_force_condition(path: str = "") -> Q:
    """A plan (reached through ``path``) has an approved version: approved now, or reopened after approval."""
    return Q(**{f"{path}status": WorkPlan.Status.APPROVED}) | Q(**{f"{path}revision__gt": 0})


def under_revision_condition(path: str = "") -> Q:
    """A plan (reached through ``path``) reopened after approval whose revision is not approved yet."""
    return Q(**{f"{path}revision__gt": 0}) & ~Q(**{f"{path}status": WorkPlan.Status.APPROVED})


class WorkPlanQuerySet(ScopedQuerySet):
    plan_path = ""

    def in_force(self) -> WorkPlanQuerySet:
        """Plans with an approved version: approved now, or reopened for a revision after approval.

        Twin of :attr:`WorkPlan.is_in_force`. While a revision is written and reviewed, the approved
        version stays in force: its months are reported and its activities and targets are what counts.
        """
        return self.filter(in_force_condition())

    def counted(self) -> WorkPlanQuerySet:
        """Plans whose companion is active in the plan's year: the only plans any figure counts (a companion
        outside their active years neither owes reports nor adds to a total). Twin of :attr:`WorkPlan.is_counted`."""
        return self.filter(active_in_year(F("year"), "companion__"))


class WorkPlan(models.Model):
    """A companion's Rencana Kerja Tahunan for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    companion = models.ForeignKey(
        Companion, verbose_name=_("companion"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    villages = models.ManyToManyField(
        Region,
        verbose_name=_("villages"),
        related_name="plans",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    priorities = models.TextField(
        _("priorities"), blank=True, max_length=4000, help_text=_("A short narrative of this year's priorities.")
    )
    data_basis = models.TextField(
        _("data basis"), blank=True, max_length=4000, help_text=_("The village data the priorities rest on.")
    )
    revision = models.PositiveSmallIntegerField(
        _("revision"), default=0, help_text=_("0 until the plan is first reopened after approval.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = WorkPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "companion"]
        constraints = [
            models.UniqueConstraint(fields=["companion", "year"], name="workplan_one_per_companion_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="workplan_year_in_range"),
        ]
        indexes = [
            # The review queue: plans of a status, oldest submission first.
            models.Index(fields=["status", "submitted_at"], name="workplan_status_submitted_idx"),
        ]

    def __str__(self) -> str:
        return _("RKT %(year)s – %(name)s") % {"year": self.year, "name": self.companion.display_name}

    def get_absolute_url(self) -> str:
        return reverse("pillars:plan-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_in_force(self) -> bool:
        """Twin of :meth:`WorkPlanQuerySet.in_force` for one plan."""
        return self.status == self.Status.APPROVED or self.revision > 0

    @property
    def is_counted(self) -> bool:
        """Twin of :meth:`WorkPlanQuerySet.counted` for one plan."""
        return self.companion.is_active_in(self.year)

    @property
    def under_revision(self) -> bool:
        """Reopened after approval, the revision not approved yet: the approved version stays in force."""
        return self.revision > 0 and self.status != self.Status.APPROVED

    @cached_property
    def zone(self) -> ZoneInfo:
        """The local time of the plan's kabupaten: its deadlines, reminders and printed dates. The province of the
        plan's villages, or of the companion's while the plan has none. Twin of :func:`plan_province`."""
        code = (
            self.villages.order_by("code").values_list("code", flat=True).first()
            or Companion.villages.through.objects.filter(companion_id=self.companion_id)
            .order_by("region_id")
            .values_list("region_id", flat=True)
            .first()
        )
        return zone_of(code)

    def written_activities(self) -> ActivityQuerySet:
        """The activities of the version being written or reviewed: the revision's while one is under way,
        otherwise the plan's own. The plan page, its checks, the workbook upload and review work on these."""
        return self.activities.filter(pending=self.under_revision)

    def activities_in_force(self) -> ActivityQuerySet:
        """The activities of the approved version (none before the first approval): every figure counts these."""
        if not self.is_in_force:
            return self.activities.none()
        return self.activities.filter(pending=False)

    def holding(self) -> Holding:
        """Who held the plan in each month of its year (read once per plan object). Twin of
        :meth:`HandoverQuerySet.holdings` for one plan."""
        if getattr(self, "_holding", None) is None:
            self._holding = self.handovers.holdings({self.pk: self.companion_id})[self.pk]
        return self._holding

    def holder_of(self, month: int) -> int:
        """The id of the companion who held the plan in ``month``: who owes its report, whose part of the figures
        the month is. Its set twin is :meth:`HandoverQuerySet.holdings`."""
        return self.holding().holder_of(month)


def plan_province(plan: OuterRef | Q | None = None, *, companion: OuterRef, year: OuterRef | int | None = None):
    """The province code of a plan's kabupaten, for the database: the first of the plan's villages, else of the
    companion's (``villages.zones.Zones`` turns it into a zone). The plan is ``plan`` (a reference to its pk), or
    the plan of ``year`` the companion held: their own, or the one they handed over. Twin of :attr:`WorkPlan.zone`."""
    links = WorkPlan.villages.through.objects

    def first_of(villages) -> Subquery:
        return Subquery(villages.order_by("region_id").values("region_id")[:1])

    if plan is not None:
        plans = [first_of(links.filter(workplan_id=plan))]
    else:
        # Their own plan of the year, else the one they handed over (a companion holds one plan a year): apart,
        # so that each is found from its own index, not by testing every village of every plan.
        # One level further in (inside the villages' subquery): the references reach out once more.
        outer_companion = OuterRef(companion)
        outer_year = OuterRef(year) if isinstance(year, OuterRef) else year
        own = WorkPlan.objects.filter(companion_id=outer_companion, year=outer_year).values("pk")
        handed = Handover.objects.filter(predecessor_id=outer_companion, plan__year=outer_year).values("plan_id")
        plans = [first_of(links.filter(workplan_id__in=own)), first_of(links.filter(workplan_id__in=handed))]
    assigned = Companion.villages.through.objects.filter(companion_id=companion)
    return Substr(Coalesce(*plans, first_of(assigned)), 1, 2)


class ActivityQuerySet(PlanChildQuerySet):
    def visible_to(self, user) -> ActivityQuerySet:
        """As their plan, but a village official reads only the activities of the version in force, never those of a
        revision being written (twin of :attr:`pillars.access.PlanAccess.reads_approved_version`)."""
        visible = super().visible_to(user)
        return visible.filter(pending=False) if viewer_for(user).is_village_official else visible

    def in_plan_order(self) -> ActivityQuerySet:
        """By pillar, then as the companion arranged them. Twin of :attr:`Activity.plan_order`."""
        return self.order_by(*ACTIVITY_ORDER)

    def scheduled_in(self, month: int) -> ActivityQuerySet:
        return self.filter(months__includes=month)

    def in_force(self) -> ActivityQuerySet:
        """Activities of an approved version, the only ones any figure counts. Twin of :attr:`Activity.is_in_force`."""
        return self.filter(in_force_condition("plan__"), pending=False)

    def covering(self, village_code: str) -> ActivityQuerySet:
        """Worked in ``village_code``: naming it, or for all the villages of a plan that has it. Twin of
        :meth:`Activity.covers`."""
        plan_has_it = WorkPlan.villages.through.objects.filter(workplan_id=OuterRef("plan_id"), region_id=village_code)
        return self.filter(Q(village_id=village_code) | (Q(village__isnull=True) & Exists(plan_has_it)))

    def poor_group(self) -> ActivityQuerySet:
        """Aimed at poor households or BLT recipients. Twin of :meth:`Activity.poor_group`."""
        return self.filter(Q(poor_priority=True) | Q(target_group=Activity.TargetGroup.POOR))

    def written(self) -> ActivityQuerySet:
        """Activities of the versions being written: a revision's where one is under way, else the plan's own.
        Twin of :attr:`Activity.is_written`."""
        return self.filter(Q(pending=True) | ~under_revision_condition("plan__"))


class Activity(models.Model):
    """One planned activity under a pillar, for one village or all the plan's villages."""

    class TargetGroup(models.TextChoices):
        VILLAGE_GOVERNMENT = "village_government", _("Village government")
        BPD = "bpd", _("BPD (village council)")
        BUMDES = "bumdes", _("BUMDes")
        POOR = "poor", _("Poor households / BLT recipients")
        WOMEN = "women", _("Women")
        YOUTH = "youth", _("Youth")
        CADRES = "cadres", _("Cadres")
        COMMUNITY = "community", _("Community")

    class SdgGoal(models.IntegerChoices):
        G1 = 1, _("1. Village without poverty")
        G2 = 2, _("2. Village without hunger")
        G3 = 3, _("3. Healthy and prosperous village")
        G4 = 4, _("4. Quality village education")
        G5 = 5, _("5. Involvement of village women")
        G6 = 6, _("6. Village with clean water and sanitation")
        G7 = 7, _("7. Village with clean and renewable energy")
        G8 = 8, _("8. Equitable village economic growth")
        G9 = 9, _("9. Village infrastructure and innovation as needed")
        G10 = 10, _("10. Village without inequality")
        G11 = 11, _("11. Safe and comfortable village settlements")
        G12 = 12, _("12. Environmentally aware village consumption and production")
        G13 = 13, _("13. Village responsive to climate change")
        G14 = 14, _("14. Village caring for the marine environment")
        G15 = 15, _("15. Village caring for the land environment")
        G16 = 16, _("16. Peaceful and just village")
        G17 = 17, _("17. Partnership for village development")
        G18 = 18, _("18. Dynamic village institutions and adaptive village culture")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities")
    pillar = models.ForeignKey(Pillar, verbose_name=_("pillar"), on_delete=models.PROTECT, related_name="activities")
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        help_text=_("Empty: all the plan's villages."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    title = models.CharField(_("title"), max_length=200)
    objective = models.TextField(_("objective"), blank=True, max_length=2000)
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup)
    sdg_goal = models.PositiveSmallIntegerField(_("SDGs Desa goal"), choices=SdgGoal, null=True, blank=True)
    indicator = models.CharField(_("output indicator"), max_length=200, blank=True)
    target_quantity = models.DecimalField(
        _("target quantity"), max_digits=12, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    months = MonthsField(_("scheduled months"), blank=True)
    budget = models.DecimalField(
        _("estimated budget (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True, validators=NOT_NEGATIVE
    )
    budget_source = models.CharField(_("budget source"), max_length=150, blank=True)
    partners = models.CharField(_("partners"), max_length=255, blank=True, help_text=_("OPD, private sector, …"))
    poor_priority = models.BooleanField(_("poor-group priority"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    carried_forward = models.BooleanField(
        _("carried forward"), default=False, help_text=_("Copied from last year's plan, not finished by December.")
    )
    pending = models.BooleanField(
        _("in a revision"),
        default=False,
        editable=False,
        help_text=_("Written in a revision under way; in force only once the revision is approved."),
    )
    revises = models.ForeignKey(
        "self",
        verbose_name=_("revises"),
        help_text=_("The approved activity this revision's copy replaces when the revision is approved."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="revisions",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan_id", *ACTIVITY_ORDER]
        constraints = [
            models.CheckConstraint(condition=Q(target_quantity__gte=0), name="activity_target_not_negative"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="activity_budget_not_negative"
            ),
            models.CheckConstraint(condition=Q(months__gte=0, months__lte=FULL_MASK), name="activity_months_1_to_12"),
            models.CheckConstraint(
                condition=Q(sdg_goal__isnull=True) | Q(sdg_goal__gte=1, sdg_goal__lte=18),
                name="activity_sdg_goal_1_to_18",
            ),
            models.CheckConstraint(
                condition=Q(revises__isnull=True) | Q(pending=True), name="activity_revises_pending"
            ),
            models.UniqueConstraint(
                fields=["revises"], condition=Q(revises__isnull=False), name="activity_one_copy_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#activity-{self.pk}"

    @property
    def plan_order(self) -> tuple:
        """This activity's place in its plan (its pillar loaded). Twin of :meth:`ActivityQuerySet.in_plan_order`."""
        return (self.pillar.order, self.pillar.code, self.position, self.pk)

    @property
    def is_in_force(self) -> bool:
        """Twin of :meth:`ActivityQuerySet.in_force` for one activity."""
        return not self.pending and self.plan.is_in_force

    @property
    def is_written(self) -> bool:
        """Twin of :meth:`ActivityQuerySet.written` for one activity: a revision's copy, or an activity of a plan
        that is not under revision (the approved rows of a plan under revision stay as approved)."""
        return self.pending or not self.plan.under_revision

    @property
    def approved_id(self) -> int:
        """The approved activity this row is or revises (its own id for a new one): progress is kept there."""
        return self.revises_id or self.pk

    @property
    def is_poor_group(self) -> bool:
        return self.poor_group(self.poor_priority, self.target_group)

    @classmethod
    def poor_group(cls, poor_priority: bool, target_group: str) -> bool:
        """Aimed at poor households or BLT recipients: the priority flag, or the target group. Twin of
        :meth:`ActivityQuerySet.poor_group`."""
        return bool(poor_priority) or target_group == cls.TargetGroup.POOR

    def covers(self, village_code: str) -> bool:
        """Worked in ``village_code``: its own village, or any of the plan's villages for an all-villages activity
        (the caller knows the plan has it). Twin of :meth:`ActivityQuerySet.covering`."""
        return self.village_id is None or self.village_id == village_code

    def clean(self) -> None:
        # Whatever path saves it (page, upload, admin), an activity's village is one of its plan's villages.
        if self.village_id and self.plan_id and not self.plan.villages.filter(pk=self.village_id).exists():
            raise ValidationError({"village": _("This village is not one of the plan's villages.")})


class MonthlyProgressQuerySet(ScopedQuerySet):
    plan_path = "activity__plan__"


class MonthlyProgress(models.Model):
    """What was done on one activity in one month."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="progress"
    )
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH_VALIDATORS)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.NOT_STARTED)
    quantity = models.DecimalField(
        _("quantity achieved"), max_digits=12, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    description = models.TextField(_("what was done"), blank=True, max_length=4000)
    problems = models.TextField(_("problems met"), blank=True, max_length=4000)
    follow_up = models.TextField(_("follow-up"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MonthlyProgressQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["activity_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="progress_one_per_activity_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="progress_month_1_to_12"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="progress_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.month}"


class PlanTallyState(models.Model):
    """Whether a plan's stored tallies (:class:`PlanTally`) hold: the cut-off month they were added up through,
    set by :func:`pillars.tallies.fill` and cleared by the database (PostgreSQL triggers) in the same transaction
    as any write to the plan's activities, progress entries or villages. Never written by the app's models."""

    plan = models.OneToOneField(WorkPlan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    tallied_through = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("plan tally state")
        verbose_name_plural = _("plan tally states")

    def __str__(self) -> str:
        return f"{self.plan_id} ≤{self.tallied_through}"


class PlanTally(models.Model):
    """One plan's :class:`pillars.figures.Tally` for one pillar and area through a cut-off month: what a province
    or the country sums (:mod:`pillars.tallies`). It counts only while its plan's state says it holds."""

    # Looked up by plan through the unique constraint's index, which leads with it.
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="+", db_index=False)
    through = models.PositiveSmallIntegerField()
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=5, blank=True)  # a province or kabupaten code; "" the whole plan
    activities = models.PositiveIntegerField()
    scheduled = models.PositiveIntegerField()
    reported = models.PositiveIntegerField()
    done = models.PositiveIntegerField()
    share_sum = models.DecimalField(max_digits=40, decimal_places=24)
    share_count = models.PositiveIntegerField()
    without_target = models.PositiveIntegerField()
    cancelled = models.PositiveIntegerField()
    over_target = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("plan tally")
        verbose_name_plural = _("plan tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "through", "pillar", "area"], name="plantally_one_per_plan_pillar_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.pillar_id} {self.area or '*'} ≤{self.through}"


EVIDENCE_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}


def evidence_path(instance: Evidence, filename: str) -> str:
    """A server-made name: the uploader's file name never reaches the file system."""
    import uuid

    extension = EVIDENCE_EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{instance.progress.activity.plan.year}/{uuid.uuid4().hex}.{extension}"


def original_path(instance: Evidence, filename: str) -> str:
    """Where an original photo is kept (``RKT_EVIDENCE_KEEP_ORIGINALS``); ``filename`` is server-made too,
    ``original.<extension of the type found>``."""
    import uuid

    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"evidence/{instance.progress.activity.plan.year}/originals/{uuid.uuid4().hex}.{extension}"


class EvidenceQuerySet(ScopedQuerySet):
    plan_path = "progress__activity__plan__"


class Evidence(models.Model):
    """A photo or PDF attached to a progress entry; served only through a scoped view."""

    class PlaceSource(models.TextChoices):
        NONE = "", _("not known")
        PHOTO = "photo", _("from the photo")
        DEVICE = "device", _("from the phone when uploaded")

    progress = models.ForeignKey(
        MonthlyProgress, verbose_name=_("progress"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"),
        upload_to=evidence_path,
        max_length=200,
        help_text=_("What pages and documents show: for a photo, the copy made at upload."),
    )
    original = models.FileField(
        _("original photo"),
        upload_to=original_path,
        max_length=200,
        blank=True,
        help_text=_("The photo as uploaded, kept only where RKT_EVIDENCE_KEEP_ORIGINALS is on."),
    )
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    taken_at = models.DateTimeField(
        _("taken"), null=True, blank=True, help_text=_("When the photo was taken, as its metadata says.")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    place_source = models.CharField(
        _("place from"), max_length=6, choices=PlaceSource, default=PlaceSource.NONE, blank=True
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["progress_id", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                name="evidence_place_whole_and_on_earth",
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True, place_source="")
                    | models.Q(
                        latitude__gte=-90,
                        latitude__lte=90,
                        longitude__gte=-180,
                        longitude__lte=180,
                        place_source__in=["photo", "device"],
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_url(self) -> str:
        """The place on OpenStreetMap (a link the reader follows, nothing the page loads)."""
        if not self.has_place:
            return ""
        return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"

    def taken_outside(self, year: int, month: int, zone: tzinfo | None = None) -> bool:
        """Whether the photo says it was taken in another month than the entry's (False when it does not say), read
        in ``zone``, the plan's local time (the current zone without one)."""
        if self.taken_at is None:
            return False
        taken = timezone.localtime(self.taken_at, zone)
        return (taken.year, taken.month) != (year, month)


class OfflineSave(models.Model):
    """A save a phone queued offline and sent later, by the key it sent with it (the ``Idempotency-Key`` header):
    a resend of the same key, its first answer lost on the way, is answered with the entry already saved instead
    of being saved twice. Keys are the sender's own; the day's round forgets them after RKT_OFFLINE_KEY_DAYS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(_("key"))
    progress = models.ForeignKey(
        MonthlyProgress, verbose_name=_("progress"), on_delete=models.CASCADE, related_name="offline_saves"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("offline save")
        verbose_name_plural = _("offline saves")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="offline_save_one_per_user_key")]

    def __str__(self) -> str:
        return str(self.key)


class ReviewedReport:
    """What a monthly and a quarter report both answer of their review: locked once sent, returned, acknowledged,
    and by whom. Each has its own ``Status`` (with RETURNED and ACKNOWLEDGED), ``LOCKED`` and ``reviewed_by``."""

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_acknowledged(self) -> bool:
        return self.status == self.Status.ACKNOWLEDGED

    @property
    def reviewer_name(self) -> str:
        """The name of the coordinator who last acknowledged or returned it; empty before a review."""
        user = self.reviewed_by
        return (user.get_full_name() or user.get_username()) if user is not None else ""


class MonthlyReport(ReviewedReport, models.Model):
    """A companion's report for one month of an approved plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Open")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RETURNED = "returned", _("Returned")

    LOCKED = (Status.SUBMITTED, Status.ACKNOWLEDGED)

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reports")
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH_VALIDATORS)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    next_month_plan = models.TextField(_("plan for next month"), blank=True, max_length=4000)
    coordinator_note = models.TextField(_("coordinator's note"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_in_force = models.JSONField(
        _("plan in force when submitted"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The activities in force (pillar, village, target) as the report was submitted; it prints these."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "plan_in_force"])

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["plan_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="report_one_per_plan_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_1_to_12"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="report_status_submitted_idx")]

    def __str__(self) -> str:
        return f"{self.plan} – {self.month}"

    def get_absolute_url(self) -> str:
        return reverse("pillars:report-detail", args=[self.pk])

    @property
    def is_reopened(self) -> bool:
        """Open again after a coordinator reopened it: a draft that carries the coordinator's reason."""
        return self.status == self.Status.DRAFT and bool(self.coordinator_note)


QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class QuarterReport(ReviewedReport, models.Model):
    """A companion's narrative of one quarter (triwulan) of a plan, reviewed like a monthly report: submitted once
    the quarter's last month is over, then acknowledged or returned with a note. The quarter's figures are not
    stored: they are the months' (:func:`pillars.figures.period_figures_for`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Open")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RETURNED = "returned", _("Returned")

    LOCKED = (Status.SUBMITTED, Status.ACKNOWLEDGED)
    NARRATIVE_LENGTH = 2000

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="quarter_reports")
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    narrative = models.TextField(_("narrative"), blank=True, max_length=NARRATIVE_LENGTH)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("coordinator's note"), blank=True, max_length=4000)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("quarter report")
        verbose_name_plural = _("quarter reports")
        ordering = ["plan_id", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="quarter_report_one_per_plan_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_report_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – Q{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("pillars:plan-quarter", args=[self.plan_id, self.quarter])

    @property
    def is_waiting(self) -> bool:
        """Submitted and not decided yet: the coordinator acknowledges or returns it."""
        return self.status == self.Status.SUBMITTED


class WorkflowEvent(models.Model):
    """One workflow transition of a plan or a monthly report, with who, when and why."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events")
    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = PlanChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label}"

    def status_label(self, status: str) -> str:
        """``status`` in words: a monthly report's status for an event of a report, a plan's otherwise
        (the two differ: a report's "draft" is "Open", and only a report is "acknowledged")."""
        choices = MonthlyReport.Status if self.report_id else WorkPlan.Status
        return str(choices(status).label) if status in choices.values else status

    @property
    def from_label(self) -> str:
        return self.status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.status_label(self.to_status)


class ActivityCommentQuerySet(ScopedQuerySet):
    plan_path = "activity__plan__"

    def visible_to(self, user) -> ActivityCommentQuerySet:
        """As their plan, but none for a village official: the review's threads are between the companion and the
        reviewers (twin of :attr:`pillars.access.PlanAccess.can_read_review`)."""
        return self.none() if viewer_for(user).is_village_official else super().visible_to(user)


class ActivityComment(models.Model):
    """A reviewer's comment on one activity, shown beside it to the companion, and its thread.

    The comment a review writes is the thread's first row (``NOTE``); the companion's and the reviewers' answers
    (``REPLY``) and each marking of the thread as resolved or open again (``RESOLVED``, ``REOPENED``) are rows under
    it (``parent``), each with who and when, so the thread reads as it happened. Whether it is resolved now is kept
    on the first row (``resolved_at``, ``resolved_by``).
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("Comment")
        REPLY = "reply", _("Reply")
        RESOLVED = "resolved", _("Marked resolved")
        REOPENED = "reopened", _("Reopened")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="comments"
    )
    event = models.ForeignKey(
        WorkflowEvent,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("comment answered"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NOTE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ActivityCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity comment")
        verbose_name_plural = _("activity comments")
        ordering = ["-created_at"]
        constraints = [
            # A thread starts with a comment and has only answers and markings under it, one level deep.
            models.CheckConstraint(
                condition=Q(parent__isnull=True, kind="note") | (Q(parent__isnull=False) & ~Q(kind="note")),
                name="comment_note_starts_thread",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True), name="comment_resolved_on_thread"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60] or self.get_kind_display()

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_marking(self) -> bool:
        """A row saying the thread was resolved or reopened, not words of its own."""
        return self.kind in (self.Kind.RESOLVED, self.Kind.REOPENED)

    def clean(self) -> None:
        if not self.is_marking and not self.text.strip():
            raise ValidationError({"text": _("A comment cannot be empty.")})


class MonthNote(models.Model):
    """A village official's dated note on one month of a plan they read: what the Kepala Desa, Lurah or Camat, the
    users of the companion's service, say of it. Shown on the month to everyone who sees the month."""

    MAX_LENGTH = 1000

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="month_notes")
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH_VALIDATORS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PlanChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("month note")
        verbose_name_plural = _("month notes")
        ordering = ["plan_id", "month", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="month_note_month_1_to_12"),
        ]
        indexes = [models.Index(fields=["plan", "month"], name="month_note_plan_month_idx")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def author_name(self) -> str:
        if self.author is None:
            return str(_("a former user"))
        return self.author.get_full_name() or self.author.get_username()

    @property
    def author_office(self) -> str:
        """ "Kepala Desa Bleberan", "Camat Playen": the office the author holds now (empty if none)."""
        official = getattr(self.author, "village_official", None) if self.author is not None else None
        return official.office if official is not None else ""

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": _("A note cannot be empty.")})


class PlanSnapshot(models.Model):
    """The plan as it was approved, kept at each approval (one per revision): what a later revision is compared with."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="snapshots")
    revision = models.PositiveSmallIntegerField(_("revision"))
    approved_at = models.DateTimeField(_("approved"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(_("plan data"))

    objects = PlanChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("approved version")
        verbose_name_plural = _("approved versions")
        ordering = ["plan_id", "-revision"]
        constraints = [models.UniqueConstraint(fields=["plan", "revision"], name="snapshot_one_per_plan_revision")]

    def __str__(self) -> str:
        return f"{self.plan} r{self.revision}"

    def is_behind(self, plan: WorkPlan) -> bool:
        """The plan has moved on from this approved version: a later revision, or not approved as it stands."""
        return self.revision < plan.revision or plan.status != WorkPlan.Status.APPROVED


class DimensionFocus(models.Model):
    """An Indeks Desa dimension and what an activity aimed at it looks like: its pillar, its target group, or both.

    Rows an admin edits; the plan-quality check of a village's weakest dimension (:mod:`pillars.checks`) reads them.
    """

    dimension = models.CharField(_("Indeks Desa dimension"), max_length=20, choices=VillageData.Dimension)
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pillar"),
        help_text=_("Empty: any pillar."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dimension_focuses",
    )
    target_group = models.CharField(
        _("target group"), max_length=20, choices=Activity.TargetGroup, blank=True, help_text=_("Empty: any group.")
    )

    class Meta:
        verbose_name = _("dimension focus")
        verbose_name_plural = _("dimension focuses")
        ordering = ["dimension", "pillar_id", "target_group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pillar__isnull=False) | ~Q(target_group=""), name="dimensionfocus_pillar_or_target_group"
            ),
        ]

    def __str__(self) -> str:
        aimed = " · ".join(str(part) for part in (self.pillar, self.get_target_group_display()) if part)
        return f"{self.get_dimension_display()}: {aimed}"

    def clean(self) -> None:
        if self.pillar_id is None and not self.target_group:
            raise ValidationError(_("Give a pillar, a target group or both."))

    def aims(self, activity: Activity) -> bool:
        """``activity`` is aimed at this row's dimension: its pillar and its target group match where this row names
        them."""
        return (self.pillar_id is None or activity.pillar_id == self.pillar_id) and (
            not self.target_group or activity.target_group == self.target_group
        )


class HandoverQuerySet(PlanChildQuerySet):
    def holdings(self, companions: dict[int, int] | None = None) -> dict[int, Holding]:
        """Who held each plan in each month (:class:`Holding`), from the handovers of this queryset read in one
        query (filter it to the plans first, ``plan__in=...``). With ``companions`` (plan id -> the plan's companion
        id now), one for each of those plans, handed over or not; without, one for each plan handed over. Twin of
        :meth:`WorkPlan.holding` for many plans."""
        found: dict[int, list[Handover]] = {plan_id: [] for plan_id in companions or ()}
        if companions is None or found:
            for handover in self.order_by("plan_id", "from_month"):
                if companions is None or handover.plan_id in found:
                    found.setdefault(handover.plan_id, []).append(handover)
        now = companions or {plan_id: rows[-1].successor_id for plan_id, rows in found.items()}
        return {plan_id: Holding.of(now[plan_id], rows) for plan_id, rows in found.items()}


class Handover(models.Model):
    """A plan in force handed from one companion to another from a month on (``services.plan_hand_over``).

    The successor holds the plan from ``from_month``, the predecessor held it before: who owes a month's report and
    whose part of the figures a month is follows :meth:`WorkPlan.holder_of`. What was done stays with whoever did it.
    A plan may be handed over more than once in its year, one month after another.
    """

    plan = models.ForeignKey(WorkPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="handovers")
    predecessor = models.ForeignKey(
        Companion, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="plans_handed_over"
    )
    successor = models.ForeignKey(
        Companion, verbose_name=_("handed over to"), on_delete=models.PROTECT, related_name="plans_taken_over"
    )
    from_month = models.PositiveSmallIntegerField(
        _("from month"), validators=[MinValueValidator(2), MaxValueValidator(12)]
    )
    reason = models.TextField(_("reason"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["plan_id", "from_month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "from_month"], name="handover_one_per_plan_month"),
            models.CheckConstraint(condition=Q(from_month__gte=2, from_month__lte=12), name="handover_month_2_to_12"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="handover_to_someone_else"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.from_month}"


@dataclass(frozen=True)
class Span:
    """The months ``first``–``last`` of a plan's year one companion held it."""

    companion_id: int
    first: int
    last: int

    def __contains__(self, month: int) -> bool:
        return self.first <= month <= self.last

    @property
    def months(self) -> range:
        return range(self.first, self.last + 1)


@dataclass(frozen=True)
class Holding:
    """Who held a plan in each month of its year: one :class:`Span` per holder, in order, covering 1–12."""

    spans: tuple[Span, ...]

    @classmethod
    def of(cls, companion_id: int, handovers: list[Handover]) -> Holding:
        """From the plan's companion now and its handovers in month order."""
        if not handovers:
            return cls((Span(companion_id, 1, 12),))
        spans, first = [], 1
        for handover in handovers:
            spans.append(Span(handover.predecessor_id, first, handover.from_month - 1))
            first = handover.from_month
        spans.append(Span(handovers[-1].successor_id, first, 12))
        return cls(tuple(spans))

    @property
    def is_shared(self) -> bool:
        """Handed over: more than one companion held the plan this year."""
        return len(self.spans) > 1

    def holder_of(self, month: int) -> int:
        """The id of the companion who held the plan in ``month``."""
        return next(span.companion_id for span in self.spans if month in span)

    def span_of(self, companion_id: int) -> Span | None:
        """The months ``companion_id`` held the plan; None if they never did."""
        return next((span for span in self.spans if span.companion_id == companion_id), None)

    def months_of(self, companion_id: int) -> frozenset[int]:
        """Every month ``companion_id`` held the plan: more than one span when it was handed back to them."""
        return frozenset(month for span in self.spans if span.companion_id == companion_id for month in span.months)
