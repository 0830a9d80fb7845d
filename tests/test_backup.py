"""A dump of a seeded database loads into an empty one: the portable backup in the README works."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from pillars.demo import DemoBuilder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_pillars")]

OUR_APPS = ("villages", "pillars", "auth")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "auth.Permission"
    }


def test_dumpdata_of_a_seeded_database_loads_into_an_empty_one(tmp_path, clock):
    clock.set("2026-11-28 10:00")
    DemoBuilder(say=lambda message: None).build()
    before = row_counts()
    dump = tmp_path / "rkt.json"
    with dump.open("w") as handle:
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--exclude=contenttypes",
            "--exclude=auth.permission",
            "--exclude=sessions",
            stdout=handle,
        )
    call_command("flush", "--no-input", stdout=StringIO())
    assert row_counts()["pillars.WorkPlan"] == 0
    call_command("loaddata", str(dump), stdout=StringIO())
    assert row_counts() == before
