from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities.services import import_key_figures


class Command(BaseCommand):
    help = (
        "Import key figures from a CSV file with the columns kommunkod, år, folkmängd, anmälda brott. "
        "Every row is checked first; nothing is saved unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        result = import_key_figures(data)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"Rad {error.line}: {error.message}")
            raise CommandError(f"Nothing was imported: {len(result.errors)} problem(s) in {path}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path}: {result.created} new, {result.updated} changed, {result.unchanged} unchanged."
            )
        )
