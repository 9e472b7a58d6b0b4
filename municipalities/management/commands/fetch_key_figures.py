from django.core.management.base import BaseCommand, CommandError

from municipalities.models import County, ImportStatus
from municipalities.services import (
    ImportNotValidError,
    apply_import,
    fetch_import,
    preview_import,
    request_kolada_import,
)


class Command(BaseCommand):
    help = (
        "Fetch the Kolada key figures a county follows (its municipalities, the county and the country) and "
        "show what would change; --apply saves them. KOLADA_BASE_URL says where Kolada's API is."
    )

    def add_arguments(self, parser):
        parser.add_argument("county", help="The county's SCB code, e.g. 12.")
        parser.add_argument("--from", dest="first", type=int, required=True, help="First year.")
        parser.add_argument("--to", dest="last", type=int, required=True, help="Last year.")
        parser.add_argument("--apply", action="store_true", help="Save the values (otherwise only show them).")

    def handle(self, *args, county: str, first: int, last: int, apply: bool, **options):
        found = County.objects.filter(code=county).first()
        if found is None:
            raise CommandError(f"No county has the code {county}.")
        if first > last:
            raise CommandError("--from must not be after --to.")
        batch = request_kolada_import(found, first, last)
        fetch_import(batch.pk)  # here, not in the background: the command waits for the answer
        batch.refresh_from_db()
        if batch.status != ImportStatus.READY:
            raise CommandError(f"Nothing was imported: {batch.error}")
        preview = preview_import(batch)
        for reason in preview.unknown:
            self.stderr.write(reason)
        self.stdout.write(
            f"{len(preview.added)} new, {len(preview.changed)} changed, {preview.unchanged} unchanged values."
        )
        if apply:
            try:
                apply_import(batch)
            except ImportNotValidError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS("Saved."))
