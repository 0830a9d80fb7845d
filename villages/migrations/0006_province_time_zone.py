"""Each province's time zone (WIB, WITA, WIT), filled from its Kemendagri code; the regions below take their
province's. Backward, the field and its constraint go (the zones with them)."""

from django.db import migrations, models

from villages.zones import province_time_zone


def fill_province_zones(apps, schema_editor):
    Region = apps.get_model("villages", "Region")
    provinces = list(Region.objects.filter(level=1))
    for province in provinces:
        province.time_zone = province_time_zone(province.code)
    Region.objects.bulk_update(provinces, ["time_zone"])


def clear_province_zones(apps, schema_editor):
    Region = apps.get_model("villages", "Region")
    Region.objects.filter(level=1).update(time_zone="")


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0005_village_officials"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="time_zone",
            field=models.CharField(
                blank=True,
                choices=[
                    ("Asia/Jakarta", "WIB (UTC+7)"),
                    ("Asia/Makassar", "WITA (UTC+8)"),
                    ("Asia/Jayapura", "WIT (UTC+9)"),
                ],
                help_text="For provinces: the local time of deadlines, reminders and printed dates.",
                max_length=20,
                verbose_name="time zone",
            ),
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(("level", 1), ("time_zone", ""), _connector="OR"),
                name="region_time_zone_only_province",
            ),
        ),
        migrations.RunPython(fill_province_zones, clear_province_zones),
    ]
