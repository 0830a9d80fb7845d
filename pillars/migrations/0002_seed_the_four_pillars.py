"""Seed the four pillars of companionship named in PRODUCT.md; admins may rename or add more."""

from __future__ import annotations

from django.db import migrations

PILLARS = [
    (
        "ASI",
        "Asistensi",
        "Dukungan teknis kepada pemerintah desa: infrastruktur dasar, program kesehatan, dan pelaksanaan "
        "kebijakan yang baik.",
    ),
    (
        "ORG",
        "Pengorganisasian",
        "Mengorganisasi masyarakat dan kelembagaannya: menghidupkan BUMDes yang tidak aktif (badan hukum, "
        "kemitraan dengan swasta), kelompok, dan kader.",
    ),
    (
        "ARH",
        "Pengarahan",
        "Arahan dan koordinasi: rapat koordinasi rutin (rakor), menyelaraskan kebijakan nasional dengan "
        "pelaksanaan di desa; PLD memfasilitasi dialog.",
    ),
    (
        "KAP",
        "Peningkatan Kapasitas",
        "Pelatihan pemerintah desa, terutama akuntabilitas dan pengelolaan Dana Desa.",
    ),
]


def add_pillars(apps, schema_editor):
    Pillar = apps.get_model("pillars", "Pillar")
    for order, (code, name, description) in enumerate(PILLARS, start=1):
        Pillar.objects.update_or_create(code=code, defaults={"name": name, "description": description, "order": order})


def remove_unused_pillars(apps, schema_editor):
    Pillar = apps.get_model("pillars", "Pillar")
    Pillar.objects.filter(code__in=[code for code, _, _ in PILLARS], activities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("pillars", "0001_initial")]

    operations = [migrations.RunPython(add_pillars, remove_unused_pillars)]
