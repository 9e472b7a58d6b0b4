"""The site's file storage: a file appears complete under its name, or not at all.

It is the one way the portal writes a file: uploaded documents through their ``FileField`` and
report PDFs through ``default_storage.save``.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING
from uuid import uuid4

from django.core.files.storage import FileSystemStorage

if TYPE_CHECKING:
    from django.core.files import File


class AtomicFileSystemStorage(FileSystemStorage):
    """The site's file storage: a file appears complete under its name, or not at all.

    Django's FileSystemStorage writes straight to the final name and leaves a partial file behind
    when the disk fills up. Here the content goes to a temporary name in the same folder, is
    flushed to disk and then linked to its name (``os.link`` fails rather than overwrite a file
    that took the name meanwhile); on any error the temporary file is removed.
    """

    def _save(self, name: str, content: File) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        partial = os.path.join(directory, f".{uuid4().hex}.part")
        try:
            with open(partial, "xb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                os.fsync(handle.fileno())
            while True:
                try:
                    os.link(partial, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(OSError):
                os.remove(partial)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
