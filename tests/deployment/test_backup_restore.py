"""The backup drill: a filled installation is backed up, restored into a fresh database and store, and compared.

The source is the test database (the demo, generated national data for Skåne, uploaded documents and a
built report) with its files in a bucket of a real S3 server; ``manage.py backup`` writes the archive,
``manage.py restore`` (another process, as on the machine that replaces the lost one) loads it into a new,
empty PostgreSQL database and an empty bucket. Every row of every table, every sequence and every file
must be identical; the restored portal serves the pages, the documents and the report. The same drill
runs on SQLite and a folder, as ``make run`` keeps them.
"""

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from municipalities.models import ComplianceDocument
from portal.models import Report, ReportKind, ReportStatus, User
from portal.reports import services as report_services
from tests.deployment.objectstore import use_bucket
from tests.factories import MINIMAL_PDF
from tests.parsed import elements, parse, text

pytestmark = pytest.mark.django_db(transaction=True)


def conninfo(database: str) -> dict:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": database,
    }


def database_url(database: str) -> str:
    info = conninfo(database)
    password = f":{info['password']}" if info["password"] else ""
    return f"postgres://{info['user']}{password}@{info['host']}:{info['port']}/{database}"


@pytest.fixture
def fresh_database():
    """``make()``: a new, empty database on the same server (no tables at all); dropped after the test."""
    made = []

    def make() -> str:
        name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name

    yield make
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def contents(database: str) -> dict[str, tuple]:
    """Every table's row count and a digest of its rows (order-free), and every sequence's position."""
    found = {}
    with psycopg.connect(**conninfo(database)) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        digest = "md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"
        for table in tables:
            found[table] = conn.execute(f'SELECT count(*), {digest} FROM "{table}" t').fetchone()  # noqa: S608
        for name, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            found[f"sequence {name}"] = (value,)
    return found


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_ENV": "test", "DEBUG": "false", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def ask(username: str, *urls: str, env: dict[str, str]) -> dict[str, dict]:
    environment = {**os.environ, "DJANGO_ENV": "test", "DEBUG": "false", **env}
    result = subprocess.run(
        [sys.executable, "-m", "tests.deployment.portal_client", username, *urls],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {answer["url"]: answer for answer in json.loads(result.stdout)}


def upload(client, code: str, name: str) -> ComplianceDocument:
    response = client.post(
        f"/kommuner/{code}/efterlevnad/action_programme/",
        {
            "status": "in_place",
            "date": "2025-09-30",
            "document": SimpleUploadedFile(name, MINIMAL_PDF.replace(b"%%EOF", f"% {name}\n%%EOF".encode())),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return ComplianceDocument.objects.get(original_name=name)


def test_the_drill_restores_every_row_and_every_file_and_the_portal_serves_them(
    client, object_store, settings, tmp_path, fresh_database
):
    # --- an installation with the demo, generated data, uploads and a report, files in the object store
    source_bucket = use_bucket(settings, object_store)
    call_command("load_demo", stdout=io.StringIO())
    call_command("generate_scale_data", "--scale", "0.2", "--counties", "12", "--force", stdout=io.StringIO())
    client.force_login(User.objects.get(username="kommun.samordnare"))
    documents = [
        upload(client, "1281", "Åtgärdsprogram Lund.pdf"),
        upload(client, "1293", "Åtgärdsprogram Hässleholm.pdf"),
    ]
    coordinator = User.objects.get(username="lan.samordnare")
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=coordinator.grants.get().county,
        period_start="2025-01-01",
        period_end="2025-12-31",
        requested_by=coordinator,
    )
    report_services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    source_files = object_store.checksums(source_bucket)
    assert {document.file.name for document in documents} | {report.file.name} <= set(source_files)

    # --- back up
    archive = tmp_path / "backup" / "trygghetsportalen.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert manifest["vendor"] == "postgresql"
        assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == source_files
        for entry in manifest["files"]:
            member = tar.extractfile(f"files/{entry['name']}").read()
            assert hashlib.sha256(member).hexdigest() == entry["sha256"]

    # --- restore into a new, empty database and an empty bucket, from another process
    restored_db, restored_bucket = fresh_database(), object_store.create_bucket()
    restored = {"DATABASE_URL": database_url(restored_db), **object_store.env(restored_bucket)}
    # The new installation was set up by newer code: a table the backup lacks refers to the accounts' table.
    with psycopg.connect(**conninfo(restored_db)) as conn:
        conn.execute("CREATE TABLE portal_user (id bigint PRIMARY KEY)")
        conn.execute("CREATE TABLE portal_newer (id bigint PRIMARY KEY, user_id bigint REFERENCES portal_user (id))")
    result = manage("restore", str(archive), env=restored)
    assert result.returncode == 0, result.stderr[-3000:]

    source_db = connection.settings_dict["NAME"]
    expected, got = contents(source_db), contents(restored_db)
    assert "municipalities_compliancedocument" in expected
    assert {table: value for table, value in got.items() if expected.get(table) != value} == {}
    assert got.keys() == expected.keys()
    assert object_store.checksums(restored_bucket) == source_files

    # --- the restored portal serves the pages, the documents and the report, behind their checks
    answers = ask(
        "lan.samordnare",
        f"/rapporter/{report.pk}/fil/",
        documents[0].get_absolute_url(),
        "/kommuner/1281/",
        env=restored,
    )
    pdf = answers[f"/rapporter/{report.pk}/fil/"]
    assert (pdf["status"], pdf["content_type"]) == (200, "application/pdf")
    assert pdf["sha256"] == source_files[report.file.name]
    assert answers[documents[0].get_absolute_url()]["sha256"] == source_files[documents[0].file.name]
    municipality_page = parse(answers["/kommuner/1281/"]["html"])
    assert [text(h1) for h1 in elements(municipality_page, "h1")] == ["Lund"]
    outsider = ask("polis.kontakt", documents[0].get_absolute_url(), env=restored)
    assert outsider[documents[0].get_absolute_url()]["status"] == 404  # kept to the municipality, as before

    # --- a second restore into the now filled installation is refused, and changes nothing
    before = contents(restored_db)  # with the sign-ins above
    again = manage("restore", str(archive), env=restored)
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    assert contents(restored_db) == before


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    client, world, object_store, settings, tmp_path, fresh_database
):
    use_bucket(settings, object_store)
    client.force_login(world.user("municipal_officer"))
    upload(client, world.own_municipality.code, "Programmet.pdf")
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())

    # One byte of the stored document changed inside the archive.
    data = bytearray(archive.read_bytes())
    at = data.index(b"% Programmet.pdf")
    data[at + 2] ^= 0x20
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))

    target_db, target_bucket = fresh_database(), object_store.create_bucket()
    env = {"DATABASE_URL": database_url(target_db), **object_store.env(target_bucket)}
    result = manage("restore", str(damaged), env=env)
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert contents(target_db) == {}
    assert object_store.checksums(target_bucket) == {}


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"'))) for table in tables}  # noqa: S608


def folder_checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_with_sqlite_and_a_folder_as_make_run_has_them_the_drill_restores_every_row_and_file(tmp_path):
    def installation(name: str) -> dict[str, str]:
        return {
            "DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3",
            "MEDIA_ROOT": str(tmp_path / name / "media"),
            "OBJECT_STORE_BUCKET": "",
            "REDIS_URL": "",
            "EMBEDDED_BROKER_DIR": str(tmp_path / name / "broker"),
            "CACHE_DIR": str(tmp_path / name / "cache"),
        }

    source, target = installation("source"), installation("restored")
    for step in (("migrate", "--noinput", "-v", "0"), ("load_demo",)):
        result = manage(*step, env=source)
        assert result.returncode == 0, result.stderr[-3000:]
    environment = {**os.environ, "DJANGO_ENV": "test", "DEBUG": "false", **source}
    filled = subprocess.run(
        [sys.executable, "-m", "tests.deployment.fill_installation"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert filled.returncode == 0, filled.stderr[-3000:]
    source_files = folder_checksums(tmp_path / "source" / "media")
    assert {path.split("/")[0] for path in source_files} == {"documents", "reports"}

    archive = tmp_path / "make-run.tar"
    result = manage("backup", str(archive), env=source)
    assert result.returncode == 0, result.stderr[-3000:]
    result = manage("restore", str(archive), env=target)
    assert result.returncode == 0, result.stderr[-3000:]

    expected = sqlite_rows(tmp_path / "source.sqlite3")
    assert expected["municipalities_compliancedocument"]
    assert sqlite_rows(tmp_path / "restored.sqlite3") == expected
    assert folder_checksums(tmp_path / "restored" / "media") == source_files
