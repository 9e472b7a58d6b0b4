"""The accessibility statement and the privacy notice as first written, in Swedish and English, so the
public site has them from the start; administrators edit them on the admin site."""

from django.db import migrations

from portal.public.statements import ADDRESS, MADE_ON, NOTICES, STATEMENTS


def write(apps, schema_editor):
    statement = apps.get_model("portal", "AccessibilityStatement")
    notice = apps.get_model("portal", "PrivacyNotice")
    for language, texts in STATEMENTS.items():
        statement.objects.get_or_create(
            language=language,
            defaults={
                **texts,
                "compliance": "partly",
                "feedback_email": ADDRESS,
                "tested_on": MADE_ON,
                "made_on": MADE_ON,
            },
        )
    for language, text in NOTICES.items():
        notice.objects.get_or_create(language=language, defaults={"text": text, "contact_email": ADDRESS})


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_public_statements")]

    operations = [migrations.RunPython(write, migrations.RunPython.noop)]
