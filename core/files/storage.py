"""The site's file storage: a file appears complete under its name, or not at all.

It is the one way the portal writes a file: uploaded documents through their ``FileField`` and
report PDFs through ``default_storage.save``. Two kinds, chosen in ``portal/settings.py`` by the
environment: the local folder ``MEDIA_ROOT`` (the default, ``make run``) and an S3-compatible object
store (``OBJECT_STORE_BUCKET`` set), which several web hosts and workers share.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import uuid4

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

if TYPE_CHECKING:
    from django.core.files import File

T = TypeVar("T")


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

    def check_available(self) -> None:
        """Raise ``OSError`` unless the folder exists (or can be made) and takes files (``/healthz``)."""
        os.makedirs(self.location, exist_ok=True)
        if not os.access(self.location, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.location} is not writable")

    def names(self) -> list[str]:
        """Every stored name, temporary ``.part`` files left out."""
        found = []
        for folder, _dirs, files in os.walk(self.location):
            for file in files:
                if not file.endswith(".part"):
                    found.append(os.path.relpath(os.path.join(folder, file), self.location).replace("\\", "/"))
        return sorted(found)


class StoreUnavailableError(OSError):
    """The object store did not answer or refused the request (network, credentials, bucket).

    An ``OSError``, like a full disk on the file system, so every caller that already handles a
    failed write (``Document.save`` → ``DocumentNotStoredError``, the report job's reason) handles it.
    """


def _store_errors(method: Callable[..., T]) -> Callable[..., T]:
    """Turn the AWS SDK's errors into ``StoreUnavailableError``; "not found" stays what Django expects."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except (BotoCoreError, Boto3Error) as error:
            raise StoreUnavailableError(str(error)) from error
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(str(error)) from error
            raise StoreUnavailableError(str(error)) from error

    return wrapper


class AtomicObjectStorage(S3Storage):
    """The site's file storage in an S3-compatible object store (``OBJECT_STORE_*`` settings).

    An object store never shows half an object: a PUT (and a multipart upload, which is only
    completed once every part has arrived) makes the object appear under its name whole, or not at
    all, so this needs no temporary name as the file system does. What it adds to django-storages:

    * every failure of the store (unreachable, refused, timed out) is a ``StoreUnavailableError``,
      an ``OSError``, so the portal reports it as it reports a full disk: on the upload's form, in the
      report's reason, with nothing saved;
    * short timeouts and few retries, so an upload waits seconds for a store that is down, not minutes;
    * names are never overwritten (a taken name gets another), objects are private (no ACL), and a
      URL, if anything asks for one, is signed and short-lived. The portal itself serves every file
      through its own views, after their permission checks (``core.files.responses``).
    """

    file_overwrite = False
    default_acl = None
    querystring_auth = True
    querystring_expire = 300
    addressing_style = "path"

    def __init__(self, *, connect_timeout: float = 5, read_timeout: float = 30, max_attempts: int = 2, **options):
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": options.get("addressing_style", self.addressing_style)},
                signature_version=options.get("signature_version", "s3v4"),
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
            ),
        )
        super().__init__(**options)

    _open = _store_errors(S3Storage._open)
    _save = _store_errors(S3Storage._save)
    delete = _store_errors(S3Storage.delete)
    exists = _store_errors(S3Storage.exists)
    size = _store_errors(S3Storage.size)
    listdir = _store_errors(S3Storage.listdir)
    get_modified_time = _store_errors(S3Storage.get_modified_time)

    @_store_errors
    def check_available(self) -> None:
        """Raise ``StoreUnavailableError`` unless the bucket answers (``/healthz``)."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)

    @_store_errors
    def names(self) -> list[str]:
        """Every stored name."""
        paginator = self.connection.meta.client.get_paginator("list_objects_v2")
        prefix = f"{self.location.strip('/')}/" if self.location else ""
        return sorted(
            entry["Key"][len(prefix) :]
            for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix)
            for entry in page.get("Contents", ())
        )
