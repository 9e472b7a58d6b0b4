"""An export's file goes with its row: it holds personal data."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete

from portal.privacy.models import PersonExport


def _delete_file(sender, instance, **kwargs) -> None:
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def connect() -> None:
    post_delete.connect(_delete_file, sender=PersonExport, dispatch_uid="privacy.delete_export_file")
