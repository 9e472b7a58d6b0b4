"""``python -m tests.deployment.fill_installation``: add an uploaded document and a built report to the
installation of the environment's settings (the demo loaded first), as its users would through the
portal: the upload through the compliance page, the report through the report service. For the backup
drill on SQLite and a folder, whose installation is another process's."""

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from portal.models import Report, ReportKind, ReportStatus, User
    from portal.reports import services

    client = Client()
    client.force_login(User.objects.get(username="kommun.samordnare"))
    response = client.post(
        "/kommuner/1281/efterlevnad/action_programme/",
        {
            "status": "in_place",
            "date": "2025-09-30",
            "document": SimpleUploadedFile("Åtgärdsprogram.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    coordinator = User.objects.get(username="lan.samordnare")
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=coordinator.grants.get().county,
        period_start="2025-01-01",
        period_end="2025-12-31",
        requested_by=coordinator,
    )
    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error


if __name__ == "__main__":
    main()
