"""A backup of the database and the stored files in one archive, and its restore into an empty installation.

The archive is a tar file:

* ``database.dump`` (PostgreSQL: ``pg_dump`` in its custom format) or ``database.sqlite3`` (SQLite:
  a copy through SQLite's backup API);
* ``files/<name>`` for every file the database refers to (documents, attachments, report PDFs,
  personal-data exports), read through the site's storage: the folder or the object store alike;
* ``manifest.json``: the format, when and from what it was made, and each member's size and SHA-256.

**Consistent.** The files are those the dumped database refers to, read from the same snapshot: with
PostgreSQL the names are read in the transaction whose snapshot ``pg_dump --snapshot`` dumps; with
SQLite from the copy. A file is written before the row that names it commits and deleted only after
the deletion commits, so every file the snapshot names is in the store, unless it was deleted after
the snapshot was taken: then the backup starts again from a new snapshot (``ATTEMPTS``). Files no row
names (left by an interrupted upload) are not backed up.

**Restore** checks every member against the manifest before it changes anything, then loads the
database (its SQL in one transaction after the empty schema is dropped: all or nothing) and writes each file
under its own name, reading it back to compare its checksum. It refuses an installation that already
holds accounts or files, unless told to replace them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, models
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "files/"
# A file deleted between the snapshot and its copy (its row deleted meanwhile): a new snapshot is taken.
ATTEMPTS = 3
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore could not be made; the command prints it."""


@dataclass
class Entry:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    format: int
    created_at: str
    vendor: str
    database: Entry
    files: list[Entry] = field(default_factory=list)
    # The latest applied migration of each app: what the restoring installation's code must know.
    migrations: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        return cls(
            format=raw["format"],
            created_at=raw["created_at"],
            vendor=raw["vendor"],
            database=Entry(**raw["database"]),
            files=[Entry(**entry) for entry in raw["files"]],
            migrations=raw.get("migrations", {}),
        )


class _FileDeletedMeanwhileError(Exception):
    """A file the snapshot names was deleted (with its row) before it was copied."""


# --- what the database refers to -----------------------------------------------------------------------------


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every installed model with a table."""
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                columns.append((model._meta.db_table, model_field.column))
    return sorted(set(columns))


def _referenced(execute: Callable[[str], list[tuple]], quote: Callable[[str], str]) -> set[str]:
    names: set[str] = set()
    for table, column in file_columns():
        # Table and column names come from the model registry, quoted; no value is interpolated.
        sql = f"SELECT DISTINCT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''"  # noqa: S608  # nosec B608: quoted names from the model registry
        rows = execute(sql)
        names.update(name for (name,) in rows if name)
    return names


def referenced_names() -> set[str]:
    """The stored names this installation's database refers to now."""
    with connection.cursor() as cursor:

        def execute(sql: str) -> list[tuple]:
            cursor.execute(sql)
            return cursor.fetchall()

        return _referenced(execute, connection.ops.quote_name)


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


# --- PostgreSQL --------------------------------------------------------------------------------------------------


def _pg_settings() -> dict:
    db = connections["default"].settings_dict
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": db["NAME"],
    }


def _pg_env(params: dict) -> dict[str, str]:
    """The libpq environment for pg_dump and pg_restore: the password never appears on a command line."""
    return {
        **os.environ,
        "PGHOST": params["host"],
        "PGPORT": params["port"],
        "PGUSER": params["user"],
        "PGPASSWORD": params["password"],
        "PGDATABASE": params["dbname"],
    }


def _server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def pg_program(name: str, server_major: int) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version or newer; an older one cannot read it.

    Debian installs each version's programs under /usr/lib/postgresql/<major>/bin; the one on PATH may be
    another version's wrapper.
    """
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        output = subprocess.run(  # noqa: S603 - the PostgreSQL program found above, a fixed argument
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout
        version = re.search(r"(\d+)(?:\.\d+)?", output)
        if version and int(version.group(1)) >= server_major:
            return str(candidate)
    raise BackupError(
        f"{name} of PostgreSQL {server_major} or newer is needed (the server's version); "
        f"install it (Debian: postgresql-client-{server_major})."
    )


def _dump_postgres(target: Path) -> set[str]:
    """Dump the database into ``target`` and return the names it refers to, both from one snapshot."""
    params = _pg_settings()
    with psycopg.connect(**params) as conn:
        program = pg_program("pg_dump", _server_major(conn))
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        result = subprocess.run(  # noqa: S603 - pg_dump with the settings' database, no shell
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(params),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")

        def execute(sql: str) -> list[tuple]:
            return conn.execute(sql).fetchall()

        names = _referenced(execute, lambda name: '"' + name.replace('"', '""') + '"')
        conn.rollback()
    return names


def _restore_postgres(dump: Path) -> None:
    """Replace the database's public schema by the dump's, in one transaction: all of it or nothing.

    The target is empty (``restore`` checked) but may already be migrated, perhaps by newer code with
    tables the dump lacks, which ``pg_restore --clean`` cannot drop in order. So the schema is dropped
    and made again, and the dump's SQL (``pg_restore --file=-``) loaded after it by ``psql
    --single-transaction``: an error anywhere rolls everything back.
    """
    params = _pg_settings()
    with psycopg.connect(**params) as conn:
        major = _server_major(conn)
    connections.close_all()
    env = _pg_env(params)
    script = subprocess.run(  # noqa: S603 - pg_restore of the archive's dump, no shell
        [pg_program("pg_restore", major), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        env=env,
        capture_output=True,
        check=False,
    )
    if script.returncode:
        raise BackupError(f"pg_restore could not read the dump: {script.stderr.decode(errors='replace').strip()}")
    loaded = subprocess.run(  # noqa: S603 - psql on the settings' database, the script on standard input
        [
            pg_program("psql", major),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-d",
            params["dbname"],
        ],
        input=b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout,
        env=env,
        capture_output=True,
        check=False,
    )
    if loaded.returncode:
        error = loaded.stderr.decode(errors="replace").strip()
        raise BackupError(f"Loading the database failed and was undone, the database is unchanged: {error}")


# --- SQLite ------------------------------------------------------------------------------------------------------


def _sqlite_path() -> str:
    return str(connections["default"].settings_dict["NAME"])


def _dump_sqlite(target: Path) -> set[str]:
    """Copy the database through SQLite's backup API (a consistent copy while others write) and read the
    names from the copy."""
    with (
        contextlib.closing(sqlite3.connect(_sqlite_path())) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)

        def execute(sql: str) -> list[tuple]:
            return copy.execute(sql).fetchall()

        return _referenced(execute, lambda name: '"' + name.replace('"', '""') + '"')


def _restore_sqlite(copy: Path) -> None:
    connections.close_all()
    with (
        contextlib.closing(sqlite3.connect(copy)) as source,
        contextlib.closing(sqlite3.connect(_sqlite_path())) as target,
    ):
        source.backup(target)


# --- the archive -------------------------------------------------------------------------------------------------


class _Discard(io.RawIOBase):
    """A sink: hashing a member without keeping it."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)


def _hashed_copy(source: IO[bytes], target: IO[bytes]) -> Entry:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return Entry("", size, digest.hexdigest())


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o600
    tar.addfile(info, source)


def _copy_file(name: str, work: Path) -> tuple[Path, Entry]:
    """The stored file ``name`` copied to ``work``, with its size and checksum."""
    local = work / "file"
    try:
        with default_storage.open(name, "rb") as stored, local.open("wb") as copy:
            entry = _hashed_copy(stored, copy)
    except FileNotFoundError as error:
        raise _FileDeletedMeanwhileError(name) from error
    entry.name = name
    return local, entry


def _write_archive(partial: Path, work: Path) -> Manifest:
    vendor = connection.vendor
    if vendor == "postgresql":
        dump = work / POSTGRES_DUMP
        names = _dump_postgres(dump)
    elif vendor == "sqlite":
        dump = work / SQLITE_COPY
        names = _dump_sqlite(dump)
    else:
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    with dump.open("rb") as handle:
        database = _hashed_copy(handle, _Discard())
    database.name = dump.name
    manifest = Manifest(FORMAT, timezone.now().isoformat(), vendor, database, migrations=_migrations())
    with tarfile.open(partial, "w") as tar:
        with dump.open("rb") as handle:
            _add(tar, dump.name, handle, database.size)
        dump.unlink()
        for name in sorted(names):
            try:
                local, entry = _copy_file(name, work)
            except _FileDeletedMeanwhileError:
                if name in referenced_names():
                    raise BackupError(f"The file {name} is named by the database but missing from the store.") from None
                raise
            with local.open("rb") as handle:
                _add(tar, FILES + name, handle, entry.size)
            manifest.files.append(entry)
        data = manifest.to_json()
        _add(tar, MANIFEST, io.BytesIO(data), len(data))
    return manifest


def backup(output: Path) -> Manifest:
    """Write the archive to ``output`` (through a temporary name beside it: a half-written archive never
    has the name) and return its manifest."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="backup-", dir=output.parent) as folder:
            work = Path(folder)
            partial = work / "archive.tar"
            try:
                manifest = _write_archive(partial, work)
            except _FileDeletedMeanwhileError:
                if attempt == ATTEMPTS:
                    raise BackupError("Files were deleted while the backup ran, every time; try again.") from None
                continue
            os.replace(partial, output)
            return manifest
    raise AssertionError("unreachable")


# --- restore -----------------------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("The archive has no manifest.json: it is not a backup of the portal.") from None
    manifest = Manifest.from_json(member.read())
    if manifest.format != FORMAT:
        raise BackupError(f"The archive's format {manifest.format} is not this portal's ({FORMAT}).")
    return manifest


def _members(tar: tarfile.TarFile, manifest: Manifest) -> Iterator[tuple[Entry, str]]:
    yield manifest.database, manifest.database.name
    for entry in manifest.files:
        yield entry, FILES + entry.name


def verify(tar: tarfile.TarFile, manifest: Manifest) -> None:
    """Every member the manifest lists is in the archive with its size and checksum."""
    for entry, member in _members(tar, manifest):
        try:
            handle = tar.extractfile(member)
        except KeyError:
            raise BackupError(f"The archive lacks {member}.") from None
        found = _hashed_copy(handle, _Discard())
        if (found.size, found.sha256) != (entry.size, entry.sha256):
            raise BackupError(f"{member} in the archive does not match its checksum: the archive is damaged.")


def installation_contents() -> tuple[int, int]:
    """(accounts, stored files) of this installation: a restore goes into one that has neither."""
    tables = connection.introspection.table_names()
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    accounts = user_model._default_manager.count() if user_model._meta.db_table in tables else 0
    return accounts, len(default_storage.names())


def restore(archive: Path, *, replace: bool = False) -> Manifest:
    """Restore ``archive`` into this installation's database and storage; returns its manifest."""
    with tarfile.open(archive, "r") as tar:
        manifest = read_manifest(tar)
        if manifest.vendor != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest.vendor} database; this installation's is {connection.vendor}."
            )
        accounts, stored = installation_contents()
        if (accounts or stored) and not replace:
            raise BackupError(
                f"This installation is not empty ({accounts} accounts, {stored} stored files): restore into an empty "
                "database and store, or pass --replace to overwrite them."
            )
        verify(tar, manifest)
        with tempfile.TemporaryDirectory(prefix="restore-") as folder:
            copy = Path(folder) / manifest.database.name
            with tar.extractfile(manifest.database.name) as source, copy.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            if manifest.vendor == "postgresql":
                _restore_postgres(copy)
            else:
                _restore_sqlite(copy)
        for entry in manifest.files:
            _restore_file(tar, entry)
    return manifest


def _restore_file(tar: tarfile.TarFile, entry: Entry) -> None:
    if default_storage.exists(entry.name):
        default_storage.delete(entry.name)  # only with --replace: the store was checked empty otherwise
    with tar.extractfile(FILES + entry.name) as source:
        saved = default_storage.save(entry.name, File(source, name=entry.name))
    if saved != entry.name:
        raise BackupError(f"The store saved {entry.name} as {saved}.")
    with default_storage.open(saved, "rb") as stored:
        found = _hashed_copy(stored, _Discard())
    if (found.size, found.sha256) != (entry.size, entry.sha256):
        raise BackupError(f"{entry.name} reads back differently from the store than it was archived.")
