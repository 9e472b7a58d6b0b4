from django.core.management.base import BaseCommand

from municipalities.services import load_reference_data


class Command(BaseCommand):
    help = "Load all 21 counties and 290 municipalities (SCB codes) from the shipped data files. Safe to re-run."

    def handle(self, *args, **options):
        result = load_reference_data()
        self.stdout.write(
            f"Counties: {result.counties_created} created, {result.counties_updated} updated. "
            f"Municipalities: {result.municipalities_created} created, {result.municipalities_updated} updated."
        )
