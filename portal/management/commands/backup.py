from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file it refers to (folder or object store) into one archive "
        "with a manifest of checksums, e.g. backup /srv/backups/trygghetsportalen-2026-03-31.tar"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The tar file to write (replaced if it exists).")

    def handle(self, *args, **options):
        try:
            manifest = backup(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(entry.size for entry in manifest.files)
        self.stdout.write(
            f"{options['archive']}: the {manifest.vendor} database ({manifest.database.size} bytes) and "
            f"{len(manifest.files)} files ({size} bytes), checksums in manifest.json."
        )
