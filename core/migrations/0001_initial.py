# The record of reminders and notices sent, moved here from agreements (see agreements 0003).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='about')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='object')),
                ('due_date', models.DateField(verbose_name='due date')),
                ('stage', models.CharField(choices=[('before', 'Before the due date'), ('overdue', 'After the due date')], max_length=8, verbose_name='stage')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
            ],
            options={
                'verbose_name': 'reminder',
                'verbose_name_plural': 'reminders',
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'due_date', 'stage', 'recipient'), name='one_reminder_per_occasion')],
            },
        ),
    ]
