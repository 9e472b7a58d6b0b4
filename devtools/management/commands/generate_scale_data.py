import time

from django.core.management.base import BaseCommand, CommandError

from devtools.scale import ScaleDataError, check_database, generate


class Command(BaseCommand):
    help = (
        "Generate realistic national data (plans, measures, agreements, pledges, users …) for scale "
        "testing, on top of the reference data. Refuses a database with real data unless --force, and "
        "always refuses a database that already holds generated data (use a fresh database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplies the per-parent counts (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generated content (default 1).")
        parser.add_argument(
            "--counties", nargs="+", metavar="CODE", help="Only these counties (SCB codes), e.g. --counties 12 01."
        )
        parser.add_argument("--force", action="store_true", help="Generate even if the database holds real data.")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            check_database(force=options["force"])
            counts = generate(scale=options["scale"], seed=options["seed"], counties=options["counties"])
        except ScaleDataError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        width = max(len(name) for name in counts)
        for name, count in sorted(counts.items()):
            self.stdout.write(f"{name.ljust(width)}  {count:>8}")
        self.stdout.write(f"{'Total'.ljust(width)}  {sum(counts.values()):>8}")
        self.stdout.write(f"Generated at scale {options['scale']:g}, seed {options['seed']}, in {elapsed:.1f} s.")
