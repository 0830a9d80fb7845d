"""Regions, village data and the people who work in them.

The one rule for "who sees what": :func:`villages.scope.viewer_for` says what kind of viewer a user is,
and each queryset's ``visible_to(user)`` (these, and the plans app's) turns that into a filter. Scope is a
Kemendagri code prefix: a coordinator of ``34.03`` sees ``34.03`` and everything below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from villages.scope import viewer_for, within


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegionQuerySet:
        viewer = viewer_for(user)
        if viewer.is_admin:
            return self.all()
        if viewer.is_coordinator:
            return self.filter(within("code", viewer.prefix))
        if viewer.is_companion:
            return self.filter(companions=viewer.companion)
        if viewer.is_village_official:
            return self.filter(within("code", viewer.watches))
        return self.none()

    def villages(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.VILLAGE)

    def under(self, code: str) -> RegionQuerySet:
        """The region itself and everything below it."""
        return self.filter(within("code", code))


class Region(models.Model):
    """One row of the Kemendagri list: provinsi, kabupaten/kota, kecamatan or desa/kelurahan."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency or city")
        DISTRICT = 3, _("District (kecamatan)")
        VILLAGE = 4, _("Village (desa or kelurahan)")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")
        KECAMATAN = "kecamatan", _("District")
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
        DESA_ADAT = "desa_adat", _("Customary village (desa adat)")

    class TimeZone(models.TextChoices):
        """Indonesia's three time zones, by their IANA names (what :mod:`zoneinfo` reads)."""

        WIB = "Asia/Jakarta", _("WIB (UTC+7)")
        WITA = "Asia/Makassar", _("WITA (UTC+8)")
        WIT = "Asia/Jayapura", _("WIT (UTC+9)")

    # Kemendagri codes have fixed widths: 34 / 34.03 / 34.03.01 / 34.03.01.2001.
    CODE_LENGTH = {Level.PROVINCE: 2, Level.REGENCY: 5, Level.DISTRICT: 8, Level.VILLAGE: 13}

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Only provinces carry it; everything below has its province's (villages.zones.zone_of).
    time_zone = models.CharField(
        _("time zone"),
        max_length=20,
        choices=TimeZone,
        blank=True,
        help_text=_("For provinces: the local time of deadlines, reminders and printed dates."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # Scope filters are `code LIKE '34.03.%'`; PostgreSQL needs the pattern opclass to use an
            # index for LIKE under a non-C collation (other databases ignore opclasses).
            models.Index(fields=["code"], name="region_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
            # The admin's and the pickers' name search within a level.
            models.Index(fields=["level", "name"], name="region_level_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="region_level_1_to_4"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_parent_iff_not_province",
            ),
            models.CheckConstraint(condition=Q(level=1) | Q(time_zone=""), name="region_time_zone_only_province"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.level == self.Level.PROVINCE and not self.time_zone:
            raise ValidationError({"time_zone": _("A province needs its time zone.")})
        if self.level != self.Level.PROVINCE and self.time_zone:
            raise ValidationError({"time_zone": _("Only a province has a time zone; the rest keep their province's.")})

    @staticmethod
    def level_of(code: str) -> int:
        """The level a code's shape names: ``34`` a province, ``34.03.01`` a district."""
        return len(code.split("."))

    def ancestor_codes(self) -> list[str]:
        """Codes of the province, regency and district above this region, top first."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]


class CompanionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompanionQuerySet:
        viewer = viewer_for(user)
        if viewer.is_admin:
            return self.all()
        if viewer.is_coordinator:
            # IN over the assignments of the scope's villages, not EXISTS per companion: the subquery is run
            # once, from the region index, instead of once for each of the country's companions (issue 9:
            # 42 -> 12 ms for a kabupaten's coordinator among 35,000 companions on SQLite). The coordinator
            # is added inside the subquery (UNION ALL), not with an OR beside it: with the OR, PostgreSQL
            # guessed half the country's companions and scanned every companion, plan and user (43 -> 3 ms).
            assigned = Companion.villages.through.objects.filter(within("region__code", viewer.prefix))
            themselves = Companion.objects.filter(pk=viewer.companion.pk)
            ids = assigned.values("companion_id").order_by().union(themselves.values("pk").order_by(), all=True)
            return self.filter(pk__in=ids)
        if viewer.is_companion:
            return self.filter(pk=viewer.companion.pk)
        if viewer.is_village_official:
            # The companions working there: assigned to a village within the official's village or kecamatan.
            assigned = Companion.villages.through.objects.filter(within("region__code", viewer.watches))
            return self.filter(pk__in=assigned.values("companion_id"))
        return self.none()

    def active_in(self, year: int, path: str = "") -> CompanionQuerySet:
        """Companions (reached through ``path``, e.g. ``companion__``) working in ``year``.

        Twin of :meth:`Companion.is_active_in`. Only they owe reports, and only their plans count in any figure.
        """
        return self.filter(active_in_year(year, path))


def active_in_year(year: int | models.F, path: str = "") -> Q:
    """The condition of :meth:`CompanionQuerySet.active_in`, for querysets of other models: ``year`` may be a
    column (a plan's ``F("year")``)."""
    return (Q(**{f"{path}active_from__isnull": True}) | Q(**{f"{path}active_from__lte": year})) & (
        Q(**{f"{path}active_until__isnull": True}) | Q(**{f"{path}active_until__gte": year})
    )


class Companion(models.Model):
    """A person in the programme: a companion (PLD, PD) or a coordinator (TA, Koordinator)."""

    class Role(models.TextChoices):
        PLD = "PLD", _("PLD (local village companion)")
        PD = "PD", _("PD (village companion)")
        TA = "TA", _("TA (expert staff)")
        KOORDINATOR = "KOORD", _("Coordinator")

    COMPANION_ROLES = (Role.PLD, Role.PD)
    COORDINATOR_ROLES = (Role.TA, Role.KOORDINATOR)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="companion"
    )
    role = models.CharField(_("role"), max_length=5, choices=Role)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9][0-9 -]{5,18}$", _("Enter a phone number of digits, e.g. 0812 3456 7890."))
        ],
    )
    villages = models.ManyToManyField(
        Region,
        verbose_name=_("assigned villages"),
        blank=True,
        related_name="companions",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    scope_region = models.ForeignKey(
        Region,
        verbose_name=_("scope region"),
        help_text=_("For coordinators: every village whose code starts with this region's code."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        limit_choices_to={"level__lte": Region.Level.DISTRICT},
    )
    official_id = models.CharField(
        _("NIP or NIK"),
        max_length=18,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\d{16}|\d{18})$",
                _("Enter an NIP of 18 digits or an NIK of 16 digits, without spaces."),
            )
        ],
        help_text=_("Printed under the name in signature blocks: NIP for civil servants, NIK otherwise."),
    )
    active_from = models.PositiveSmallIntegerField(
        _("active from year"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    active_until = models.PositiveSmallIntegerField(
        _("active until year"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    objects = CompanionQuerySet.as_manager()

    class Meta:
        verbose_name = _("companion")
        verbose_name_plural = _("companions")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["PLD", "PD"]) | Q(scope_region__isnull=False),
                name="companion_coordinator_has_scope",
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="companion_active_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_coordinator(self) -> bool:
        return self.role in self.COORDINATOR_ROLES

    @property
    def official_id_line(self) -> str:
        """``NIP. 198…`` (18 digits) or ``NIK. 340…`` (16 digits), as signature blocks print it; empty without one."""
        if not self.official_id:
            return ""
        return f"{'NIP' if len(self.official_id) == 18 else 'NIK'}. {self.official_id}"

    def clean(self) -> None:
        if self.is_coordinator and not self.scope_region_id:
            raise ValidationError({"scope_region": _("A coordinator needs a scope region.")})
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise ValidationError({"active_until": _("The last active year cannot be before the first.")})

    def is_active_in(self, year: int) -> bool:
        """Twin of :meth:`CompanionQuerySet.active_in` for one companion."""
        return (self.active_from is None or self.active_from <= year) and (
            self.active_until is None or year <= self.active_until
        )


PHONE_VALIDATOR = RegexValidator(r"^\+?[0-9][0-9 -]{5,18}$", _("Enter a phone number of digits, e.g. 0812 3456 7890."))


class VillageOfficialQuerySet(models.QuerySet):
    def visible_to(self, user) -> VillageOfficialQuerySet:
        viewer = viewer_for(user)
        if viewer.is_admin:
            return self.all()
        if viewer.is_coordinator:
            return self.filter(within("region__code", viewer.prefix))
        return self.none()


class VillageOfficial(models.Model):
    """A user of the companions' service who rates it: the head of a village (Kepala Desa, Lurah) or of a kecamatan
    (Camat). Reads the plans in force of their village or kecamatan, its months and documents, and leaves notes on
    months; writes nothing else. Programme staff create these accounts in the admin."""

    class Kind(models.TextChoices):
        KADES = "KADES", _("Kepala Desa")
        LURAH = "LURAH", _("Lurah")
        CAMAT = "CAMAT", _("Camat")

    # The level of region each kind heads: a village for a Kepala Desa or Lurah, a kecamatan for a Camat.
    LEVEL = {Kind.KADES: Region.Level.VILLAGE, Kind.LURAH: Region.Level.VILLAGE, Kind.CAMAT: Region.Level.DISTRICT}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="village_official",
    )
    kind = models.CharField(_("office"), max_length=5, choices=Kind)
    region = models.ForeignKey(
        Region,
        verbose_name=_("village or kecamatan"),
        help_text=_("A village for a Kepala Desa or Lurah, a kecamatan for a Camat."),
        on_delete=models.PROTECT,
        related_name="officials",
        limit_choices_to={"level__in": [Region.Level.DISTRICT, Region.Level.VILLAGE]},
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[PHONE_VALIDATOR])

    objects = VillageOfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("village official")
        verbose_name_plural = _("village officials")
        ordering = ["region_id", "kind"]
        constraints = [
            # The region's code is its key, and its width says its level (Region.CODE_LENGTH).
            models.CheckConstraint(
                condition=Q(Exact(Length("region"), 8), kind="CAMAT")
                | Q(Exact(Length("region"), 13), kind__in=["KADES", "LURAH"]),
                name="village_official_region_fits_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.office})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def office(self) -> str:
        """The office as a signature names it: "Kepala Desa Bleberan", "Camat Playen" (the region loaded)."""
        return f"{self.get_kind_display()} {self.region.name}"

    def clean(self) -> None:
        if self.kind and self.region_id and Region.level_of(self.region_id) != self.LEVEL[self.kind]:
            if self.kind == self.Kind.CAMAT:
                raise ValidationError({"region": _("A Camat heads a kecamatan: choose a kecamatan.")})
            raise ValidationError({"region": _("A Kepala Desa or Lurah heads a village: choose a village.")})


class VillageDataQuerySet(models.QuerySet):
    def visible_to(self, user) -> VillageDataQuerySet:
        return self.filter(village__in=Region.objects.visible_to(user).villages())

    def for_year(self, year: int) -> VillageDataQuerySet:
        """Each village's data of ``year``, or of its latest earlier year when that year has none."""
        latest = (
            VillageData.objects.filter(village=models.OuterRef("village"), year__lte=year)
            .order_by("-year")
            .values("pk")[:1]
        )
        return self.filter(year__lte=year, pk=models.Subquery(latest))


# Permendesa PDTT 9/2024: from this year a village's index is the Indeks Desa; up to the year before it is the IDM.
INDEKS_DESA_FROM = 2025
INDEKS_DESA_PLACES = 4
SCORE_0_TO_100 = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    label: str
    score: Decimal | None


@dataclass(frozen=True)
class VillageIndex:
    """The index that applies to one row of village data, ready to show: the IDM or the Indeks Desa."""

    is_indeks_desa: bool
    name: str
    score: Decimal | None
    status: str
    status_label: str
    dimensions: tuple[DimensionScore, ...] = ()  # the Indeks Desa's six, in their order; none for the IDM

    @property
    def is_recorded(self) -> bool:
        return self.score is not None or bool(self.status) or any(d.score is not None for d in self.dimensions)

    @property
    def weakest(self) -> DimensionScore | None:
        """The dimension with the lowest score (the first of equals, in the regulation's order); None without scores."""
        scored = [d for d in self.dimensions if d.score is not None]
        return min(scored, key=lambda d: d.score) if scored else None


def uses_indeks_desa(year: int) -> bool:
    """Whether the data of ``year`` is measured by the Indeks Desa (else by the IDM). The one rule of which index
    applies: :attr:`VillageData.index` and :func:`index_status` ask it."""
    return year >= INDEKS_DESA_FROM


def index_name(year: int) -> str:
    """The name of the index that applies to the data of ``year`` (:func:`uses_indeks_desa`), as pages print it."""
    return str(_("Indeks Desa")) if uses_indeks_desa(year) else str(_("IDM"))


def index_status(prefix: str = "") -> models.Case:
    """The status of the index that applies, as a column of VillageData reached through ``prefix``: twin of
    ``VillageData.index.status`` for querysets."""
    return models.Case(
        models.When(**{f"{prefix}year__gte": INDEKS_DESA_FROM}, then=models.F(f"{prefix}indeks_desa_status")),
        default=models.F(f"{prefix}idm_status"),
    )


def index_score(prefix: str = "") -> models.Case:
    """The score of the index that applies (IDM 0–1, Indeks Desa 0–100): twin of ``VillageData.index.score``."""
    return models.Case(
        models.When(**{f"{prefix}year__gte": INDEKS_DESA_FROM}, then=models.F(f"{prefix}indeks_desa_score")),
        default=models.F(f"{prefix}idm_score"),
        output_field=models.DecimalField(max_digits=7, decimal_places=INDEKS_DESA_PLACES),
    )


# The field of each Indeks Desa dimension (VillageData.Dimension values).
DIMENSION_FIELDS = {
    "layanan_dasar": "basic_services_score",
    "sosial": "social_score",
    "ekonomi": "economic_score",
    "lingkungan": "environment_score",
    "aksesibilitas": "accessibility_score",
    "tata_kelola": "governance_score",
}


def _indeks_desa_score(label) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=7, decimal_places=INDEKS_DESA_PLACES, null=True, blank=True, validators=SCORE_0_TO_100
    )


class VillageData(models.Model):
    """One village's figures for one year: the basis of data-based planning."""

    class IdmStatus(models.TextChoices):
        """The five statuses; the IDM and the Indeks Desa share them (PRODUCT.md)."""

        SANGAT_TERTINGGAL = "sangat_tertinggal", _("Sangat Tertinggal")
        TERTINGGAL = "tertinggal", _("Tertinggal")
        BERKEMBANG = "berkembang", _("Berkembang")
        MAJU = "maju", _("Maju")
        MANDIRI = "mandiri", _("Mandiri")

    class Dimension(models.TextChoices):
        """The six dimensions of the Indeks Desa, in the regulation's order."""

        BASIC_SERVICES = "layanan_dasar", _("Basic services")
        SOCIAL = "sosial", _("Social")
        ECONOMIC = "ekonomi", _("Economic")
        ENVIRONMENT = "lingkungan", _("Environment")
        ACCESSIBILITY = "aksesibilitas", _("Accessibility")
        GOVERNANCE = "tata_kelola", _("Village governance")

    class BumdesStatus(models.TextChoices):
        NONE = "none", _("No BUMDes")
        INACTIVE = "inactive", _("Inactive")
        PERINTIS = "perintis", _("Perintis")
        PEMULA = "pemula", _("Pemula")
        BERKEMBANG = "berkembang", _("Berkembang")
        MAJU = "maju", _("Maju")

    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="data",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    idm_score = models.DecimalField(
        _("IDM score"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    idm_status = models.CharField(_("IDM status"), max_length=20, choices=IdmStatus, blank=True)
    indeks_desa_score = _indeks_desa_score(_("Indeks Desa score"))
    indeks_desa_status = models.CharField(
        _("Indeks Desa status"),
        max_length=20,
        choices=IdmStatus,
        blank=True,
        help_text=_("As published; the thresholds are not computed from the score."),
    )
    basic_services_score = _indeks_desa_score(_("basic services score"))
    social_score = _indeks_desa_score(_("social score"))
    economic_score = _indeks_desa_score(_("economic score"))
    environment_score = _indeks_desa_score(_("environment score"))
    accessibility_score = _indeks_desa_score(_("accessibility score"))
    governance_score = _indeks_desa_score(_("village governance score"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    poor_households = models.PositiveIntegerField(_("poor households"), null=True, blank=True)
    blt_households = models.PositiveIntegerField(_("BLT Dana Desa recipient households"), null=True, blank=True)
    dana_desa = models.DecimalField(
        _("Dana Desa allocation (Rp)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    bumdes_status = models.CharField(_("BUMDes status"), max_length=10, choices=BumdesStatus, blank=True)
    bumdes_legal_entity = models.BooleanField(_("BUMDes is a legal entity"), default=False)
    priority_problems = models.TextField(_("priority problems"), blank=True, max_length=4000)
    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Made up by seed_demo, not real figures."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VillageDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("village data")
        verbose_name_plural = _("village data")
        ordering = ["village_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villagedata_one_per_village_year"),
            models.CheckConstraint(
                condition=Q(idm_score__isnull=True) | Q(idm_score__gte=0, idm_score__lte=1),
                name="villagedata_idm_score_0_to_1",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 100}),
                    name=f"villagedata_{name}_0_to_100",
                )
                for name in ("indeks_desa_score", *DIMENSION_FIELDS.values())
            ),
            models.CheckConstraint(
                condition=Q(poor_households__isnull=True)
                | Q(households__isnull=True)
                | Q(poor_households__lte=models.F("households")),
                name="villagedata_poor_within_households",
            ),
            models.CheckConstraint(
                condition=Q(dana_desa__isnull=True) | Q(dana_desa__gte=0), name="villagedata_dana_desa_not_negative"
            ),
        ]

    # Upper bounds of the IDM status bands; a score at or above the last is Mandiri.
    IDM_BANDS = (
        (Decimal("0.491"), IdmStatus.SANGAT_TERTINGGAL),
        (Decimal("0.599"), IdmStatus.TERTINGGAL),
        (Decimal("0.707"), IdmStatus.BERKEMBANG),
        (Decimal("0.815"), IdmStatus.MAJU),
    )

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"

    @property
    def index(self) -> VillageIndex:
        """The index that applies to this row's year (:func:`uses_indeks_desa`), with its score, status and name:
        every page, PDF and check asks this."""
        if uses_indeks_desa(self.year):
            return VillageIndex(
                True,
                index_name(self.year),
                self.indeks_desa_score,
                self.indeks_desa_status,
                self.get_indeks_desa_status_display(),
                tuple(
                    DimensionScore(dimension, str(label), getattr(self, DIMENSION_FIELDS[dimension]))
                    for dimension, label in self.Dimension.choices
                ),
            )
        return VillageIndex(
            False, index_name(self.year), self.idm_score, self.idm_status, self.get_idm_status_display()
        )

    @classmethod
    def status_for_score(cls, score: Decimal) -> str:
        """The IDM status band a score falls in."""
        for upper, status in cls.IDM_BANDS:
            if score < upper:
                return status
        return cls.IdmStatus.MANDIRI

    def clean(self) -> None:
        if self.poor_households is not None and self.households is not None and self.poor_households > self.households:
            raise ValidationError({"poor_households": _("Poor households cannot exceed households.")})

    @property
    def needs_poor_group_activity(self) -> bool:
        return bool(self.blt_households) or bool(self.poor_households)

    @property
    def needs_bumdes_organising(self) -> bool:
        return self.bumdes_status in ("", self.BumdesStatus.NONE, self.BumdesStatus.INACTIVE)


class DataVersion(models.Model):
    """How many times the data behind one scope's pages has changed: a counter that every write in the scope
    raises in the write's own transaction (:mod:`villages.versions`). A cached page or figure is keyed by the
    counters it was drawn from, so it is never shown after a change: the change gives it a new key."""

    # "area:34.03" (a kabupaten's plans, companions and figures), "vdata:34.03" (its villages' data),
    # "plan:123" (one plan and everything in it), "all" (what every page may show: regions, pillars, people).
    scope = models.CharField(_("scope"), max_length=32, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope} v{self.version}"
