from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pillars.demo import DEMO_PASSWORD, PEOPLE, DemoBuilder


class Command(BaseCommand):
    help = (
        "Build demo data for Kabupaten Gunungkidul (34.03) and Kulon Progo (34.01): their regions from the "
        "shipped list, demo village data (marked as demo), the accounts admin, koordinator, koordinator2 and "
        f"pendamping1-7 (password {DEMO_PASSWORD}), and plans in every state with progress for past months. "
        "Safe to run twice: nothing that exists is duplicated. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a real deployment)")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has users")

    def handle(self, *args, force: bool, if_empty: bool, **options) -> None:
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("The database already has users; demo data not loaded (run seed_demo to add it).")
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a real deployment: demo accounts with a known password would be "
                "created. Run with --force if you really mean it."
            )
        DemoBuilder(say=self.stdout.write).build()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in as:"))
        self.stdout.write(f"  admin (superuser), {', '.join(p.username for p in PEOPLE)}; password: {DEMO_PASSWORD}")
