"""Every figure read from every place that shows it, against its one definition (pillars.figures).

One world with the edge cases: 1/3, 5/8, 2/3, 2,01 of 2, a target of 0, a cancelled, a postponed and an
off-schedule activity, an activity moved after its month was reported, a month reopened after a late report,
a revision with a changed target and a new activity, an all-villages activity in two kecamatan, a companion
with two years' plans, an inactive companion with a plan, a companion without a plan, an entry in the month
that is not over. Seen on 10 December 2026 (Jakarta): 2026 "to date" is January to November.

Each finding of the issue "One truth for every figure" is named where it is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from pillars import figures, selectors, services
from pillars.models import Activity, MonthlyReport, Pillar, WorkPlan
from reports import dashboard
from reports.dashboard import figures as dashboard_figures
from tests.clock import Clock
from tests.factories import ActivityFactory, CompanionFactory, PlanFactory, UserFactory, open_year, region
from tests.reports.exports_helpers import name_region, pdf_text, recap_bytes, workbook
from villages.models import Region
from villages.templatetags.rkt_format import number, percent

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2026
TODAY = "2026-12-10 10:00"
TO_DATE = 11  # November: the last complete month
LANGUAGES = ("id", "en")


@dataclass
class World:
    clock: Clock
    pld: WorkPlan  # Rina's approved plan of 2026, with every kind of activity
    pld2: WorkPlan  # Agus's approved plan, reopened: a revision with a changed target and a new activity
    pld3: WorkPlan  # the plan of a companion no longer active in 2026
    last_year: WorkPlan  # Rina's 2025 plan
    a: dict[str, Activity]
    rakor: Activity  # Agus's approved activity
    new_in_revision: Activity


def save(activity: Activity, month: int, quantity: str, status: str, by) -> None:
    services.progress_save(
        activity=activity, month=month, values={"status": status, "quantity": D(quantity)}, version=0, by=by
    )


def send(plan: WorkPlan, month: int, day: str, clock: Clock, by, *, acknowledge_by=None) -> MonthlyReport:
    clock.set(day)
    report = services.report_submit(plan=plan, month=month, by=by)
    if acknowledge_by is not None:
        report = services.report_acknowledge(report=report, by=acknowledge_by)
    return report


@pytest.fixture
def world(cast, clock) -> World:
    for year in (2025, 2026, 2027):
        open_year(year)
    names = {
        "34.03": "Gunungkidul",
        "34.03.01": "Wonosari",
        "34.03.01.2001": "Kepek",
        "34.03.01.2002": "Piyaman",
        "34.03.02": "Playen",
        "34.03.02.2001": "Siraman",
        "34.03.02.2002": "Bandung",
    }
    for code, name in names.items():
        region(code)
        name_region(code, name)
    kepek, piyaman, siraman, bandung = (
        Region.objects.get(code=code) for code in ("34.03.01.2001", "34.03.01.2002", "34.03.02.2001", "34.03.02.2002")
    )
    rina, agus, koord = cast.companion, cast.other_companion, cast.coordinator
    rina.first_name, rina.last_name = "Rina", "Lestari"
    rina.save()
    rina.companion.villages.set([kepek, piyaman, siraman])
    agus.companion.villages.set([bandung])
    pillars = {p.code: p for p in Pillar.objects.all()}

    # --- Rina's 2025 plan: December 2025 never reported -------------------------------------------------
    clock.set("2025-01-10 09:00")
    last_year = PlanFactory(companion=rina.companion, year=2025, villages=[kepek])
    old = ActivityFactory(plan=last_year, title="Rakor 2025", pillar=pillars["ARH"], village=kepek, months=(12,))
    services.plan_submit(plan=last_year, by=rina)
    services.plan_approve(plan=last_year, by=koord)
    for month in range(1, 12):
        send(
            last_year,
            month,
            f"{2025 if month < 12 else 2026}-{month + 1:02d}-02 09:00",
            clock,
            rina,
            acknowledge_by=koord,
        )

    # --- Rina's 2026 plan -------------------------------------------------------------------------------
    clock.set("2026-01-05 09:00")
    plan = cast.plan
    plan.villages.set([kepek, piyaman, siraman])

    def activity(key, pillar, village, months, target, **extra):
        return ActivityFactory(
            plan=plan,
            title=key,
            pillar=pillars[pillar],
            village=village,
            months=months,
            target_quantity=D(target),
            **extra,
        )

    a = {
        "Sepertiga": activity("Sepertiga", "ASI", kepek, (1, 2, 3), "3"),
        "Lima per delapan": activity("Lima per delapan", "ORG", piyaman, (2, 5), "8"),
        "Dua per tiga": activity("Dua per tiga", "ARH", None, (4,), "3"),  # Kepek, Piyaman (Wonosari), Siraman (Playen)
        "Lewat target": activity("Lewat target", "KAP", kepek, (6,), "2"),
        "Tanpa target": activity("Tanpa target", "ASI", piyaman, (7,), "1"),
        "Dibatalkan": activity("Dibatalkan", "ORG", siraman, (1, 4, 7, 10), "4"),
        "Ditunda": activity("Ditunda", "ARH", kepek, (3,), "1", target_group=Activity.TargetGroup.POOR),
        "Di luar jadwal": activity("Di luar jadwal", "KAP", piyaman, (9,), "2"),
        "Dipindah": activity("Dipindah", "ASI", kepek, (1,), "1"),
    }
    services.plan_submit(plan=plan, by=rina)
    services.plan_approve(plan=plan, by=koord)

    clock.set("2026-01-20 09:00")
    save(a["Sepertiga"], 1, "1", "done", rina)
    save(a["Dibatalkan"], 1, "1", "done", rina)
    save(a["Dipindah"], 1, "1", "done", rina)
    send(plan, 1, "2026-02-03 09:00", clock, rina, acknowledge_by=koord)

    # Moved after January was reported: a revision sends "Dipindah" to another pillar and village.
    clock.set("2026-02-10 09:00")
    plan = services.plan_reopen(plan=plan, by=koord, reason="Pindah desa.")
    moved = a["Dipindah"].revisions.get()
    moved.pillar, moved.village = pillars["KAP"], piyaman
    services.activity_save(activity=moved, by=rina, version=moved.version)
    services.plan_submit(plan=plan, by=rina)
    plan = services.plan_approve(plan=plan, by=koord)
    # A target of 0 cannot be submitted; an admin set it afterwards.
    Activity.objects.filter(pk=a["Tanpa target"].pk).update(target_quantity=D("0"))

    clock.set("2026-02-20 09:00")
    save(a["Lima per delapan"], 2, "3", "done", rina)
    send(plan, 2, "2026-03-04 09:00", clock, rina, acknowledge_by=koord)
    clock.set("2026-03-20 09:00")
    save(a["Ditunda"], 3, "0", "postponed", rina)
    march = send(plan, 3, "2026-04-08 09:00", clock, rina, acknowledge_by=koord)  # late
    clock.set("2026-04-09 09:00")
    services.report_reopen(report=march, by=koord, reason="Lengkapi foto.")
    clock.set("2026-04-20 09:00")
    save(a["Dua per tiga"], 4, "2", "done", rina)
    save(a["Dibatalkan"], 4, "0", "cancelled", rina)
    send(plan, 4, "2026-05-04 09:00", clock, rina, acknowledge_by=koord)
    clock.set("2026-05-20 09:00")
    save(a["Lima per delapan"], 5, "2", "ongoing", rina)
    send(plan, 5, "2026-06-03 09:00", clock, rina, acknowledge_by=koord)
    clock.set("2026-06-20 09:00")
    save(a["Lewat target"], 6, "2.01", "done", rina)
    send(plan, 6, "2026-07-02 09:00", clock, rina, acknowledge_by=koord)
    clock.set("2026-07-20 09:00")
    save(a["Tanpa target"], 7, "1", "done", rina)
    send(plan, 7, "2026-08-04 09:00", clock, rina, acknowledge_by=koord)
    clock.set("2026-08-20 09:00")
    save(a["Di luar jadwal"], 8, "1", "done", rina)  # scheduled in September
    send(plan, 8, "2026-09-03 09:00", clock, rina, acknowledge_by=koord)
    # September never reported; October waiting for review; November missing.
    send(plan, 10, "2026-11-04 09:00", clock, rina)
    clock.set("2026-12-02 09:00")
    save(a["Sepertiga"], 12, "1", "ongoing", rina)  # December is not over: counted in no "to date" figure

    # --- Agus: approved, then reopened; the revision doubles a target and adds an activity ---------------
    clock.set("2026-01-06 09:00")
    agus_plan = cast.other_plan
    agus_plan.villages.set([bandung])
    rakor = ActivityFactory(
        plan=agus_plan,
        title="Rakor bulanan",
        pillar=pillars["ASI"],
        village=bandung,
        months=tuple(range(1, 13)),
        target_quantity=D("12"),
    )
    services.plan_submit(plan=agus_plan, by=agus)
    services.plan_approve(plan=agus_plan, by=koord)
    for month in range(1, 11):
        clock.set(f"2026-{month:02d}-20 09:00")
        save(rakor, month, "1", "done", agus)
        next_month = f"2026-{month + 1:02d}-03 09:00"
        send(agus_plan, month, next_month, clock, agus, acknowledge_by=koord)
    clock.set("2026-11-20 09:00")
    save(rakor, 11, "1", "done", agus)  # November recorded but its report never sent
    clock.set("2026-12-08 09:00")
    agus_plan = services.plan_reopen(plan=agus_plan, by=koord, reason="Program air bersih.")
    doubled = rakor.revisions.get()
    doubled.target_quantity = D("24")
    services.activity_save(activity=doubled, by=agus, version=doubled.version)
    new = services.activity_save(
        activity=Activity(
            plan=agus_plan,
            pillar=pillars["KAP"],
            title="Sarana air bersih",
            target_group="community",
            target_quantity=D("1"),
            unit="unit",
            months=(12,),
        ),
        by=agus,
    )
    services.plan_submit(plan=agus_plan, by=agus)

    # --- a companion no longer active in 2026, with an approved plan; a companion without a plan --------
    clock.set("2026-01-07 09:00")
    inactive = CompanionFactory(
        user=UserFactory(username="pld3", first_name="Budi", last_name="Lama"), villages=[piyaman], active_until=2025
    )
    pld3 = PlanFactory(companion=inactive, year=2026, villages=[piyaman])
    ActivityFactory(plan=pld3, title="Tidak dihitung", pillar=pillars["ASI"], village=piyaman, months=(1,))
    WorkPlan.objects.filter(pk=pld3.pk).update(status=WorkPlan.Status.APPROVED)
    CompanionFactory(user=UserFactory(username="pld4", first_name="Dewi", last_name="Baru"), villages=[siraman])

    clock.set(TODAY)
    assert old.pk  # Rina's 2025 activity, reported nowhere in 2026
    for one in a.values():
        one.refresh_from_db()
    return World(clock, WorkPlan.objects.get(pk=plan.pk), agus_plan, pld3, last_year, a, rakor, new)


def agus_name(cast) -> str:
    return cast.other_companion.companion.display_name


def definition(world: World, through: int = TO_DATE) -> dict[int, figures.ActivityFigures]:
    """The one definition: each activity in force, by id."""
    activities = list(Activity.objects.in_force().filter(plan__in=WorkPlan.objects.counted().filter(year=YEAR)))
    return figures.figures_for(activities, through=through)


def page(client, url: str, language: str, **params) -> tuple[dict, str]:
    client.cookies["django_language"] = language
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.context, response.content.decode()


def shown(value, language: str, kind=percent) -> str:
    with translation.override(language):
        return kind(value)


def row_html(html: str, label: str) -> str:
    """The table row whose header is ``label`` (a link or plain text)."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        if re.search(rf"<th[^>]*>(<a [^>]*>)?{re.escape(label)}(</a>)?", row):
            return row
    raise AssertionError(f"no row {label!r}")


def card_html(html: str, activity: Activity) -> str:
    start = html.index(f'id="activity-{activity.pk}"')
    return html[start : html.index("</article>", start)]


# --- one activity: achievement and percent -------------------------------------------------------------


EXPECTED = {  # to date: achieved, percent
    "Sepertiga": (D("1"), D("33.3")),
    "Lima per delapan": (D("5"), D("62.5")),
    "Dua per tiga": (D("2"), D("66.7")),
    "Lewat target": (D("2.01"), D("100.5")),
    "Tanpa target": (D("1"), None),
    "Dibatalkan": (D("1"), D("25.0")),
    "Ditunda": (D("0"), D("0.0")),
    "Di luar jadwal": (D("1"), D("50.0")),
    "Dipindah": (D("1"), D("100.0")),
}


def test_each_activity_has_one_achievement_and_percent_to_date(world):
    numbers = definition(world)
    for title, (achieved, pct) in EXPECTED.items():
        one = numbers[world.a[title].pk]
        assert (one.achieved, one.percent) == (achieved, pct), title


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_view_of_the_last_complete_month_shows_the_to_date_figures(cast, world, language):
    """Finding 6 and 7: the month view rounded to whole percents, and counted through the month it shows."""
    _context, html = page(
        cast.client_for(cast.companion), reverse("pillars:plan-month", args=[world.pld.pk, TO_DATE]), language
    )
    numbers = definition(world)
    for title in EXPECTED:
        activity, one = world.a[title], numbers[world.a[title].pk]
        card = card_html(html, activity)
        assert shown(one.achieved, language, number) in card, title
        if one.percent is not None:
            assert shown(one.percent, language) in card, title


def test_the_village_page_and_both_workbooks_show_the_same_figures_to_date(cast, world):
    numbers = definition(world)
    coordinator = cast.client_for(cast.coordinator)
    for language in LANGUAGES:
        context, html = page(coordinator, reverse("reports:village-detail", args=["34.03.01.2001"]), language)
        year = next(group for group in context["planned"] if group.year == YEAR)
        assert year.to_date.month == TO_DATE
        for activity, one in year.rows:
            assert one == numbers[activity.pk]
            if one.percent is not None:
                assert shown(one.percent, language) in html
    recap = workbook(recap_bytes(coordinator, YEAR))
    by_title = {row[5].value: row for row in recap["Kegiatan"].iter_rows(min_row=5)}
    plan_book = workbook(cast.client_for(cast.companion).get(reverse("reports:plan-xlsx", args=[world.pld.pk])).content)
    sheet = plan_book["Progres"]
    progres = {row[2].value: row for row in sheet.iter_rows(min_row=5) if row[2].value}
    for title in EXPECTED:
        one = numbers[world.a[title].pk]
        for row in (by_title[title], progres[title]):
            assert D(str(row[-2].value)) == one.achieved, title
            assert row[-1].value == (None if one.percent is None else pytest.approx(float(one.percent) / 100)), title
            assert row[-1].number_format == "0.0%"
    assert "Tidak dihitung" not in by_title  # the inactive companion's plan counts nowhere


def test_a_months_page_and_its_pdf_agree_through_that_month(cast, world):
    context, _html = page(cast.client_for(cast.companion), reverse("pillars:plan-month", args=[world.pld.pk, 4]), "id")
    month_view = {card.row.activity.title: card.row.figures for card in context["scheduled"] + context["others"]}
    text = " ".join(
        pdf_text(
            cast.client_for(cast.coordinator).get(reverse("reports:month-pdf", args=[world.pld.pk, 4])).content
        ).split()
    )
    numbers = definition(world, through=4)
    for title in ("Dua per tiga", "Dibatalkan"):
        one = numbers[world.a[title].pk]
        assert month_view[title] == one
        assert f"{shown(one.achieved, 'id', number)} ({shown(one.percent, 'id')})" in text, title


# --- a submitted report prints what was in force ---------------------------------------------------------


def test_a_report_prints_the_activities_as_they_were_when_it_was_submitted(cast, world):
    """Finding 2: an acknowledged January PDF, printed later, showed an activity's new pillar and village."""
    moved = world.a["Dipindah"]
    assert (moved.pillar.code, moved.village_id) == ("KAP", "34.03.01.2002")
    january = " ".join(
        pdf_text(
            cast.client_for(cast.coordinator).get(reverse("reports:month-pdf", args=[world.pld.pk, 1])).content
        ).split()
    )
    assert "Dipindah Asistensi · Kepek" in january
    context, _html = page(cast.client_for(cast.companion), reverse("pillars:plan-month", args=[world.pld.pk, 1]), "en")
    row = next(card.row for card in context["scheduled"] if card.row.activity.pk == moved.pk)
    assert (row.activity.pillar.code, row.activity.village.code) == ("ASI", "34.03.01.2001")
    assert context["page"].frozen
    plan_pdf = " ".join(
        pdf_text(
            cast.client_for(cast.coordinator).get(reverse("reports:plan-pdf", args=[world.pld.pk])).content
        ).split()
    )
    assert "Dipindah" in plan_pdf


# --- the version in force ------------------------------------------------------------------------------


def test_a_revision_under_way_changes_no_official_figure(cast, world):
    """Finding 2: the dashboard, recap, PDFs and village page showed the unapproved revision."""
    assert world.pld2.under_revision
    coordinator = cast.client_for(cast.coordinator)
    context, _html = page(coordinator, reverse("home"), "en", year=YEAR)
    asi = {row.key: row for row in context["pillars"]}["ASI"]
    one = definition(world)[world.rakor.pk]
    assert one.target == D("12") and one.percent == D("91.7")
    assert world.new_in_revision.pk not in definition(world)
    recap = workbook(recap_bytes(coordinator, YEAR))
    titles = [row[5].value for row in recap["Kegiatan"].iter_rows(min_row=5)]
    assert "Sarana air bersih" not in titles
    rakor = next(row for row in recap["Kegiatan"].iter_rows(min_row=5) if row[5].value == "Rakor bulanan")
    assert rakor[6].value == 12
    plan_pdf = " ".join(pdf_text(coordinator.get(reverse("reports:plan-pdf", args=[world.pld2.pk])).content).split())
    assert "Sarana air bersih" not in plan_pdf and "24" not in plan_pdf.split("Rakor bulanan")[1][:40]
    village, _html = page(coordinator, reverse("reports:village-detail", args=["34.03.02.2002"]), "en")
    assert [activity.title for group in village["planned"] for activity, _ in group.rows] == ["Rakor bulanan"]
    assert asi.scheduled == definition_tally(world, "ASI").scheduled
    # The plan page shows the revision, labelled.
    _plan, html = page(coordinator, world.pld2.get_absolute_url(), "en")
    assert "Sarana air bersih" in html and "not in force until it is approved" in html


def definition_tally(world: World, pillar: str | None = None, plans=None) -> figures.Tally:
    numbers = definition(world)
    activities = Activity.objects.in_force().filter(plan__in=WorkPlan.objects.counted().filter(year=YEAR))
    if pillar:
        activities = activities.filter(pillar__code=pillar)
    if plans is not None:
        activities = activities.filter(plan__in=plans)
    return figures.tally(numbers[pk] for pk in activities.values_list("pk", flat=True))


# --- aggregates: every home, filter and workbook ---------------------------------------------------------


FIGURES = ("activities", "scheduled", "reported", "done", "reported_pct", "done_pct", "achievement_pct")


def as_tuple(tally) -> tuple:
    return tuple(getattr(tally, name) for name in FIGURES)


def test_the_pillars_and_the_total_are_the_same_on_the_home_page_and_in_the_recap(cast, world):
    """Finding 5: the recap took other plans, all twelve months, "done" in any month and another mean."""
    coordinator = cast.client_for(cast.coordinator)
    recap = workbook(recap_bytes(coordinator, YEAR))
    pillar_sheet = {row[0].value: row for row in recap["Per Pilar"].iter_rows(min_row=4)}
    for language in LANGUAGES:
        context, html = page(coordinator, reverse("home"), language, year=YEAR)
        for row in context["pillars"]:
            expected = definition_tally(world, row.key)
            assert as_tuple(row.tally) == as_tuple(expected), row.key
            cells = pillar_sheet[row.key]
            assert [c.value for c in cells[2:6]] == [
                expected.activities,
                expected.scheduled,
                expected.reported,
                expected.done,
            ]
            assert cells[6].value == (
                None if expected.achievement_pct is None else pytest.approx(float(expected.achievement_pct) / 100)
            )
            table_row = row_html(html, row.label)
            for value in (expected.reported_pct, expected.done_pct, expected.achievement_pct):
                assert shown(value, language) in table_row, (row.key, language)
        total = definition_tally(world)
        assert as_tuple(context["total"]) == as_tuple(total)
    # Rina 9 and Agus 1 in force; the target of 0 and the cancelled one left out of the mean.
    assert (total.activities, total.left_out) == (10, 2)
    assert total.achievement_pct == figures.mean_percent(
        [D(1) / 3, D(5) / 8, D(2) / 3, D(1), D(0), D(1) / 2, D(1), D(11) / 12]
    )
    with translation.override("id"):
        totals = {row[0].value: row for row in recap["Per Pilar"].iter_rows(min_row=4)}[translation.gettext("Total")]
    assert [c.value for c in totals[2:6]] == [total.activities, total.scheduled, total.reported, total.done]


def test_a_pillar_is_the_mean_of_its_activities_shares_not_a_sum_of_quantities(world):
    """Finding 8: one large-unit activity decided the pillar."""
    kap = definition_tally(world, "KAP")
    # 2,01 of 2 (capped at 100 %), 1 of 2, and "Dipindah", moved into KAP: 1 of 1.
    assert kap.achievement_pct == D("83.3")
    assert (kap.scheduled, kap.reported, kap.done) == (3, 2, 2)


def test_the_companions_home_agrees_with_the_recaps_row_for_the_companion(cast, world):
    coordinator = cast.client_for(cast.coordinator)
    recap = workbook(recap_bytes(coordinator, YEAR))
    mine = {row[0].value: row for row in recap["Per Pendamping"].iter_rows(min_row=4)}["Rina Lestari"]
    world.clock.set("2026-12-10 10:00")
    context, _html = page(cast.client_for(cast.companion), reverse("home"), "en")
    expected = definition_tally(world, plans=[world.pld])
    assert as_tuple(context["total"]) == as_tuple(expected)
    assert [c.value for c in mine[3:7]] == [expected.activities, expected.scheduled, expected.reported, expected.done]
    # Reports: January to November owed; sent: all but September and November; late: March (reopened); missing 2.
    assert [c.value for c in mine[8:12]] == [11, 9, 1, 2]


@pytest.mark.parametrize("area", ["34.03.01", "34.03.02"])
def test_an_area_row_is_the_same_filtered_or_not(cast, world, area):
    """Finding 9: the Wates row counted 12 activities unfiltered and 17 filtered to Wates."""
    coordinator = cast.client_for(cast.coordinator)
    everything, _html = page(coordinator, reverse("home"), "en", year=YEAR)
    narrowed, _html = page(coordinator, reverse("home"), "en", year=YEAR, area=area)
    row = {r.key: r for r in everything["areas"]}[area]
    assert [as_tuple(r.tally) for r in narrowed["areas"]] == [as_tuple(row.tally)]
    assert as_tuple(narrowed["total"]) == as_tuple(row.tally)


def test_an_all_villages_activity_counts_once_in_each_area_and_in_each_village(cast, world):
    context, _html = page(cast.client_for(cast.coordinator), reverse("home"), "en", year=YEAR)
    areas = {row.key: row.activities for row in context["areas"]}
    villages = {row.key: row.activities for row in context["villages"]}
    # Wonosari: Sepertiga, Lima per delapan, Dua per tiga, Lewat target, Tanpa target, Ditunda, Di luar jadwal,
    # Dipindah; Playen: Dua per tiga, Dibatalkan, Agus's Rakor.
    assert areas == {"34.03.01": 8, "34.03.02": 3}
    assert villages == {"34.03.01.2001": 4, "34.03.01.2002": 5, "34.03.02.2001": 2, "34.03.02.2002": 1}


def test_plans_counted_in_progress_are_the_plans_in_force(cast, world):
    """Finding 1: the progress tables counted a plan under revision the status card and its links did not."""
    for area in ("", "34.03.02"):
        context, html = page(cast.client_for(cast.coordinator), reverse("home"), "en", year=YEAR, area=area)
        selection = context["selection"]
        behind = {
            a.plan_id
            for a in dashboard.activities_in_force(dashboard.scoped_plans(cast.coordinator, selection), selection)
        }
        assert context["in_force"].count == len(behind) == 2
        cards = {card.value: card.count for card in context["status_cards"]}
        assert cards["submitted"] == context["in_force"].under_revision == 1  # Agus's revision waits for review
        assert "Budi Lama" not in html  # not active in 2026


# --- expected reports -----------------------------------------------------------------------------------


def test_every_surface_counts_the_same_reports_owed_missing_and_late(cast, world):
    """Finding 4: the home counted approved plans only, the completeness page every companion; Finding 3: a
    companion whose plan is being revised still owes and sends reports."""
    coordinator = cast.client_for(cast.coordinator)
    grid = {row.companion.user.username: row for row in selectors.completeness(cast.coordinator, YEAR)}
    assert set(grid) == {"pld", "pld2", "pld4"}  # pld3 is not active in 2026
    assert (grid["pld"].owes, grid["pld2"].owes, grid["pld4"].owes) == (True, True, False)
    states = [cell.state for cell in grid["pld"].cells]
    assert states == [
        "acknowledged",
        "acknowledged",
        "reopened",
        "acknowledged",
        "acknowledged",
        "acknowledged",
        "acknowledged",
        "acknowledged",
        "missing",
        "submitted",
        "missing",
        "not_due",
    ]
    assert grid["pld"].cells[2].shown_late
    home, _html = page(coordinator, reverse("home"), "en", year=YEAR)
    heat = home["heatmap"]
    assert heat.missing == 2  # November: Rina and Agus
    assert (heat.owing, [name for name, _ in heat.not_owing]) == (2, ["Dewi Baru"])
    context, html = page(coordinator, reverse("pillars:completeness"), "en", year=YEAR)
    footer = context["totals"][TO_DATE - 1]
    assert (footer.owed, footer.missing, footer.reported) == (2, 2, 0)
    assert [row.companion.user.username for row in context["not_owing"]] == ["pld4"]
    listed_apart = html[html.index('id="not-owing"') :]
    assert "Dewi Baru" in listed_apart and "Dewi Baru" not in html[: html.index('id="not-owing"')]
    assert "revision: Submitted" in row_html(html, agus_name(cast))  # owes reports while the revision is reviewed
    rina, _html = page(cast.client_for(cast.companion), reverse("home"), "en")
    assert [m.state for m in rina["months"]] == states[:TO_DATE]
    # December 2025 was never sent: the earliest month still owed comes first, then the reopened March.
    assert [(m.year, m.month) for m in rina["earlier_months"]] == [(2025, 12)]
    assert rina["next_step"].url == reverse("pillars:plan-month", args=[world.last_year.pk, 12])
    agus, _html = page(cast.client_for(cast.other_companion), reverse("home"), "en")
    assert [m.state for m in agus["months"]][-1] == "missing"
    assert agus["next_step"].url == reverse("pillars:plan-month", args=[world.pld2.pk, 11])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reopened_month_says_reopened_and_late_everywhere(cast, world, language):
    """Finding 11: a month reopened after a late report showed "not reported" on the grid, "open · late" on its page."""
    context, html = page(
        cast.client_for(cast.companion), reverse("pillars:plan-month", args=[world.pld.pk, 3]), language
    )
    with translation.override(language):
        label, late = str(selectors.CELL_LABELS[selectors.Cell.REOPENED]), translation.gettext("late")
    assert context["cell"].state == selectors.Cell.REOPENED and context["cell"].shown_late
    assert label.capitalize() in html and late in html


# --- around a new year --------------------------------------------------------------------------------


def test_in_january_the_homes_keep_last_years_open_reports(cast, world):
    """Finding 11: on 1 January both homes jumped to the new year and last year's gaps disappeared."""
    world.clock.set("2027-01-03 10:00")
    home, _html = page(cast.client_for(cast.coordinator), reverse("home"), "en")
    assert home["year"] == 2027
    # 2026: December due for both (deadline 5 January); September and November missing for Rina, November for Agus.
    assert (home["last_year"].year, home["last_year"].due, home["last_year"].missing) == (2026, 2, 3)
    rina, _html = page(cast.client_for(cast.companion), reverse("home"), "en")
    assert [(m.year, m.month, m.state) for m in rina["earlier_months"]] == [
        (2026, 3, "reopened"),
        (2026, 9, "missing"),
        (2026, 11, "missing"),
        (2026, 12, "open"),
    ]
    assert rina["next_step"].url == reverse("pillars:plan-month", args=[world.pld.pk, 3])


def test_the_year_filter_narrows_the_queue_and_says_what_waits_in_other_years(cast, world):
    """Finding 12: ?year=2025 showed "Submitted 0" beside "2 plans submitted" of 2026."""
    context, _html = page(cast.client_for(cast.coordinator), reverse("home"), "en", year=2025)
    cards = {card.value: card.count for card in context["status_cards"]}
    assert cards["submitted"] == context["plan_queue"].count == 0
    assert context["plan_queue"].other_years == 1  # Agus's 2026 revision
    assert context["report_queue"].count == 0 and context["report_queue"].other_years == 1  # Rina's October


# --- carrying forward -----------------------------------------------------------------------------------


def test_next_years_plan_carries_forward_what_is_below_its_target(cast, world):
    """Finding 10: any month marked done counted as finished."""
    plan = services.plan_start_next(source=world.pld, by=cast.companion)
    carried = set(plan.activities.filter(carried_forward=True).values_list("title", flat=True))
    assert carried == {"Sepertiga", "Lima per delapan", "Dua per tiga", "Dibatalkan", "Ditunda", "Di luar jadwal"}


# --- the cut-off ---------------------------------------------------------------------------------------


def test_an_entry_in_a_month_not_over_is_in_that_months_page_and_in_no_to_date_figure(cast, world):
    """Finding 7: the workbook, recap and village page counted months not over yet."""
    third = world.a["Sepertiga"]
    assert definition(world)[third.pk].achieved == D("1")
    context, _html = page(cast.client_for(cast.companion), reverse("pillars:plan-month", args=[world.pld.pk, 12]), "en")
    december = next(card.row for card in context["scheduled"] + context["others"] if card.row.activity.pk == third.pk)
    assert december.figures.achieved == D("2")


# --- the two ways of adding up agree ---------------------------------------------------------------------


@pytest.mark.parametrize("area", ["", "34.03.01", "34.03.02"])
@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_database_adds_up_the_same_tallies_as_the_activities_one_by_one(cast, world, who, area):
    """On PostgreSQL the home adds up a scope in one statement (the set form); it must say what adding each
    activity's figures says, row for row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the set form runs on PostgreSQL; SQLite adds up one activity at a time")
    user = getattr(cast, who)
    context, _html = page(cast.client_for(user), reverse("home"), "en", year=YEAR, area=area)
    selection = context["selection"]
    plans = dashboard.scoped_plans(user, selection)
    villages = dashboard.shows_villages(selection)
    sql = dashboard_figures._counted_in_the_database(plans, selection, by_area=True, villages_too=villages)
    python = dashboard_figures._counted_one_by_one(plans, selection, by_area=True, villages_too=villages)
    assert as_tuple(sql.total) == as_tuple(python.total)
    for name in ("pillars", "areas", "villages"):
        mine, theirs = getattr(sql, name), getattr(python, name)
        assert {k: as_tuple(t) for k, t in mine.items()} == {k: as_tuple(t) for k, t in theirs.items()}, name
    # PostgreSQL divides to 20 places, Python to 28 digits: the sums agree far below a percent's one decimal.
    assert abs(sql.total.share_sum - python.total.share_sum) < Decimal("1e-15")


@pytest.mark.parametrize("area", ["", "34.03.01", "34.03.02"])
@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_a_village_is_covered_when_an_activity_in_force_covers_it_there(cast, world, who, area):
    """The village lists ask the database (:func:`dashboard.not_covered_by`); the answer is the villages the
    scope's activities in force leave uncovered, one by one, poor-group ones apart."""
    user = getattr(cast, who)
    context, _html = page(cast.client_for(user), reverse("home"), "en", year=YEAR, area=area)
    selection = context["selection"]
    plans = dashboard.scoped_plans(user, selection)
    activities = dashboard.activities_in_force(plans, selection)
    villages = dashboard.villages_in(user, selection)
    for poor_group in (False, True):
        expected = {v for a in activities if a.is_poor_group or not poor_group for v in a.villages}
        uncovered = dashboard.not_covered_by(villages, plans, poor_group=poor_group)
        everywhere = set(villages.values_list("code", flat=True))
        assert set(uncovered.values_list("code", flat=True)) == everywhere - expected
    assert expected or area == "34.03.02"  # the world's poor-group activity is in Kepek (Wonosari)
