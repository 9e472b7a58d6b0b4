from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the reference data and the demo scenario (Skåne) with one demo user per role. Safe to re-run."

    def handle(self, *args, **options):
        call_command("load_reference_data", stdout=self.stdout)
        load_demo()
        names = ", ".join(u[0] for u in DEMO_USERS)
        self.stdout.write(f"Demo users (password {DEMO_PASSWORD}): {names}")
