"""Factories for the shared cast of every test: regions, people, plans, activities."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from pillars.models import Activity, MonthlyProgress, Pillar, PlanYear, WorkPlan
from villages.models import Companion, Region, VillageData, VillageOfficial
from villages.regions import classify
from villages.zones import province_time_zone

PASSWORD = "test-pass-123"


def region(code: str, name: str | None = None) -> Region:
    """The region ``code`` with all its ancestors, created as needed."""
    parts = code.split(".")
    parent = None
    for depth in range(1, len(parts) + 1):
        current = ".".join(parts[:depth])
        level, kind = classify(current)
        parent, _ = Region.objects.get_or_create(
            code=current,
            defaults={
                "name": name if current == code and name else f"Region {current}",
                "level": level,
                "kind": kind,
                "parent": parent,
                "time_zone": province_time_zone(current) if level == Region.Level.PROVINCE else "",
            },
        )
    return parent


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CompanionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Companion
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Companion.Role.PLD

    @factory.post_generation
    def villages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.villages.set(extracted)


class CoordinatorFactory(CompanionFactory):
    role = Companion.Role.KOORDINATOR
    scope_region = factory.LazyFunction(lambda: region("34.03"))


class VillageOfficialFactory(factory.django.DjangoModelFactory):
    """A Kepala Desa of Region 34.03.01.2001 unless told otherwise (a Camat: ``kind=CAMAT``, a kecamatan)."""

    class Meta:
        model = VillageOfficial

    user = factory.SubFactory(UserFactory)
    kind = VillageOfficial.Kind.KADES
    region = factory.LazyFunction(lambda: region("34.03.01.2001"))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan
        skip_postgeneration_save = True

    companion = factory.SubFactory(CompanionFactory)
    year = 2026

    @factory.post_generation
    def villages(obj, create, extracted, **kwargs):
        if create:
            obj.villages.set(extracted if extracted is not None else obj.companion.villages.all())


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(PlanFactory)
    pillar = factory.LazyFunction(lambda: Pillar.objects.order_by("order").first())
    title = factory.Sequence(lambda n: f"Kegiatan {n}")
    target_group = Activity.TargetGroup.VILLAGE_GOVERNMENT
    target_quantity = Decimal("4")
    unit = "kegiatan"
    months = (1, 4, 7, 10)
    position = factory.Sequence(int)


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyProgress

    activity = factory.SubFactory(ActivityFactory)
    month = 1
    status = MonthlyProgress.Status.DONE
    quantity = Decimal("1")


class VillageDataFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageData

    village = factory.LazyFunction(lambda: region("34.03.01.2001"))
    year = 2026
    idm_score = Decimal("0.6500")
    idm_status = VillageData.IdmStatus.BERKEMBANG
    households = 1000
    poor_households = 150
    blt_households = 40


def open_year(year: int = 2026) -> PlanYear:
    return PlanYear.objects.get_or_create(year=year, defaults={"is_open": True})[0]
