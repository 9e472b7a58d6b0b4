from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into this installation's database and file storage, which must "
        "be empty (no accounts, no files): every member is checked against its checksum first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite an installation that already holds accounts or files (its data is lost).",
        )

    def handle(self, *args, **options):
        if not options["archive"].is_file():
            raise CommandError(f"{options['archive']} is not a file.")
        try:
            manifest = restore(options["archive"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the database of {manifest.created_at} and {len(manifest.files)} files, each checked against "
            "its checksum. Run `manage.py migrate` if this installation's code is newer than the backup."
        )
