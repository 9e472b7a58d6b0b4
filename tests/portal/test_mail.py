"""E-mail is composed one way (``core.mail.compose``) and tested through a real SMTP server.

The server (``tests/smtp.py``, aiosmtpd) receives every message over SMTP; the tests parse what it
received and check the count, the envelope recipients, the links and the encodings, in the test's
process and from a real Celery worker process.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from agreements import reminders
from agreements.models import CitizenPledge, CooperationAgreement, Deliverable
from agreements.tasks import send_deadline_reminders
from core.mail import compose
from core.models import Reminder
from core.roles import Role
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import services as report_services
from tests.factories import GrantFactory, UserFactory
from tests.worker import delete_queue, start_worker, stop_worker, task_results, wait_for

TODAY = datetime.date(2026, 3, 2)
SITE = settings.SITE_URL.rstrip("/")
SETTINGS_LINK = SITE + "/profil/"
REPORT_CONTEXT = {"county": "Skåne län", "start": "2026-01-01", "end": "2026-03-31", "link": SITE + "/rapporter/7/"}


def days(n: int, today: datetime.date = TODAY) -> datetime.date:
    return today + datetime.timedelta(days=n)


@pytest.fixture
def world(world):
    """The shared world without its agreements and pledges, whose deadlines depend on the date."""
    CitizenPledge.objects.all().delete()
    CooperationAgreement.objects.all().delete()
    return world


@pytest.fixture
def officers(world):
    """Lund's officers "kommun" (Annica) and "Åsa Öberg", one inactive and one without an address; Hässleholm's."""
    lund, hassleholm = world.own_municipality, world.neighbour_municipality
    for username, municipality, fields in [
        ("asa", lund, {"first_name": "Åsa", "last_name": "Öberg"}),
        ("slutat", lund, {"is_active": False}),
        ("utan-epost", lund, {"email": ""}),
        ("hassleholm", hassleholm, {}),
    ]:
        GrantFactory(
            user=UserFactory(username=username, **fields), role=Role.MUNICIPAL_OFFICER, municipality=municipality
        )
    return world


def deadlines_due(world, today: datetime.date) -> tuple[CooperationAgreement, CitizenPledge]:
    """In Lund a deliverable due in 5 days and a pledge whose follow-up is 2 days overdue; in Hässleholm a
    deliverable."""
    lund_agreement = CooperationAgreement.objects.create(
        municipality=world.own_municipality,
        title="Samverkansöverenskommelse Lund",
        police_area="LPO Lund",
        start_year=2025,
        end_year=2027,
        status="active",
    )
    Deliverable.objects.create(agreement=lund_agreement, title="Lägesbild & åtgärder", due_date=days(5, today))
    pledge = CitizenPledge.objects.create(
        municipality=world.own_municipality,
        title="Tryggare torg i Lund",
        period_start=days(-366, today),
        period_end=days(-2, today),
        background="Lägesbilden visade otrygghet på torget.",
        status="published",
    )
    hassleholm_agreement = CooperationAgreement.objects.create(
        municipality=world.neighbour_municipality,
        title="Samverkansöverenskommelse Hässleholm",
        police_area="LPO Hässleholm",
        start_year=2025,
        end_year=2027,
        status="active",
    )
    Deliverable.objects.create(agreement=hassleholm_agreement, title="Trygghetsvandring", due_date=days(3, today))
    return lund_agreement, pledge


# The (recipient, deadline title) pairs ``deadlines_due`` calls for.
EXPECTED = sorted(
    [
        ("kommun@example.se", "Lägesbild & åtgärder"),
        ("kommun@example.se", "Tryggare torg i Lund"),
        ("asa@example.se", "Lägesbild & åtgärder"),
        ("asa@example.se", "Tryggare torg i Lund"),
        ("hassleholm@example.se", "Trygghetsvandring"),
    ]
)


def reminded(mails) -> list[tuple[str, str]]:
    """(envelope recipient, deadline title) of each reminder received."""
    titles = {title for _address, title in EXPECTED}
    pairs = []
    for mail in mails:
        assert len(mail.rcpt_tos) == 1, mail.rcpt_tos
        (title,) = [title for title in titles if title in mail.subject]
        pairs.append((mail.rcpt_tos[0], title))
    return sorted(pairs)


# --- compose -----------------------------------------------------------------------------------------------------


def test_compose_writes_subject_text_and_html_in_swedish_with_the_links(municipal_officer):
    with translation.override("en"):  # the job's own language does not matter
        message = compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer)
        assert translation.get_language() == "en"

    assert message.subject == "Lägesrapporten för Skåne län är klar"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.to == [municipal_officer.email]
    assert "Kvartalets lägesrapport för Skåne län (2026-01-01 – 2026-03-31) är klar:" in message.body
    assert REPORT_CONTEXT["link"] in message.body
    assert SETTINGS_LINK in message.body
    assert "Välj vilka e-postmeddelanden du får:" in message.body
    assert "ledamot i styrgruppen för Skåne län" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="sv">' in html
    assert "<title>Lägesrapporten för Skåne län är klar</title>" in html
    assert f'href="{REPORT_CONTEXT["link"]}"' in html
    assert f'href="{SETTINGS_LINK}"' in html
    assert "Öppna rapporten" in html


def test_compose_escapes_the_html_part_only(municipal_officer):
    context = {**REPORT_CONTEXT, "county": "Skåne <b>& Blekinge</b>"}

    message = compose("portal/email/report_ready", context, municipal_officer)

    assert message.subject == "Lägesrapporten för Skåne <b>& Blekinge</b> är klar"
    assert "Skåne <b>& Blekinge</b> (2026-01-01" in message.body
    html = message.alternatives[0][0]
    assert "Skåne &lt;b&gt;&amp; Blekinge&lt;/b&gt; (2026-01-01" in html
    assert "<b>&" not in html


def test_compose_writes_in_the_language_asked_for_else_the_recipients(municipal_officer):
    english = compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer, language="en")
    assert english.subject == "Progress report for Skåne län is ready"
    assert '<html lang="en">' in english.alternatives[0][0]
    assert "Choose which e-mails you get:" in english.body

    municipal_officer.language = "en"  # the user's own choice, once users have one
    assert compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer).subject == english.subject
    municipal_officer.language = ""
    assert compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer).subject.startswith("Lägesrapporten")


def test_the_settings_link_follows_the_settings(municipal_officer, settings):
    settings.SITE_URL = "https://trygghet.example.se/"
    settings.NOTICE_SETTINGS_PATH = "/installningar/"

    message = compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer)

    assert "https://trygghet.example.se/installningar/" in message.body
    assert 'href="https://trygghet.example.se/installningar/"' in message.alternatives[0][0]


@pytest.mark.parametrize("fields", [{"is_active": False}, {"email": ""}], ids=["inactive", "no-address"])
def test_compose_refuses_a_user_who_gets_no_email(db, fields):
    user = UserFactory(username="ingen-post", **fields)

    with pytest.raises(ValueError, match=str(user.pk)):
        compose("portal/email/report_ready", REPORT_CONTEXT, user)


# --- received over SMTP --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_smtp_server_receives_what_django_sends(smtp_server, municipal_officer):
    assert compose("portal/email/report_ready", REPORT_CONTEXT, municipal_officer).send() == 1

    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == (municipal_officer.email,)
    assert mail.mail_from == "noreply@trygghetsportalen.se"
    assert mail.message.get_content_type() == "multipart/alternative"
    smtp_server.clear()
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_deadline_reminders_arrive_over_smtp_with_both_parts_links_and_encodings(smtp_server, officers):
    lund_agreement, pledge = deadlines_due(officers, TODAY)

    assert reminders.send_due_reminders(TODAY) == len(EXPECTED)

    mails = smtp_server.wait_for(len(EXPECTED))
    assert len(mails) == len(EXPECTED)
    assert reminded(mails) == EXPECTED  # not the inactive officer, nor the one without an address
    for mail in mails:
        assert str(mail.message["To"]) == mail.rcpt_tos[0]
        assert mail.message["From"].addresses[0].addr_spec == mail.mail_from == "noreply@trygghetsportalen.se"
        assert mail.message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in mail.message.iter_parts()] == ["text/plain", "text/html"]
        # Headers travel as ASCII: the Swedish subject as RFC 2047 encoded words.
        assert mail.raw_headers.isascii()
        # The header with its folded continuation lines.
        subject_line = re.search(r"^Subject:.*(?:\r?\n[ \t].*)*", mail.raw_headers, re.MULTILINE).group(0)
        assert "=?utf-8?" in subject_line.lower()
        assert "\n" not in mail.subject
        for part in (mail.text_part, mail.html_part):
            assert part.get_content_charset() == "utf-8"
            assert part["Content-Transfer-Encoding"] in ("8bit", "quoted-printable", "base64")
            assert part.get_payload(decode=True).decode("utf-8") == part.get_content()
        assert SETTINGS_LINK in mail.text_links
        assert SETTINGS_LINK in mail.html_links
        assert mail.html_lang == "sv"

    to_asa = sorted(smtp_server.to("asa@example.se"), key=lambda mail: "Tryggare" in mail.subject)
    before, overdue = to_asa
    assert (
        before.subject == f"Påminnelse för Lund: leveransen ”Lägesbild & åtgärder” ska vara klar {days(5).isoformat()}"
    )
    assert "Hej Åsa Öberg," in before.text
    assert "Förfaller: " + days(5).isoformat() in before.text
    assert "Lägesbild & åtgärder" in before.text  # plain text: nothing escaped
    assert "Lägesbild &amp; åtgärder" in before.html
    agreement_link = SITE + lund_agreement.get_absolute_url()
    assert before.text_links == [agreement_link, SETTINGS_LINK]
    assert set(before.html_links) == {agreement_link, SETTINGS_LINK}
    assert agreement_link.startswith(("http://", "https://"))

    assert "Status: Förfallen" in overdue.text
    pledge_link = SITE + pledge.get_absolute_url()
    assert overdue.text_links == [pledge_link, SETTINGS_LINK]
    assert set(overdue.html_links) == {pledge_link, SETTINGS_LINK}

    # The next run the same day sends nothing more.
    smtp_server.clear()
    assert reminders.send_due_reminders(TODAY) == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_the_report_ready_notice_arrives_over_smtp(smtp_server, world):
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status=ReportStatus.DONE,
    )

    assert report_services.email_steering_group(report.pk) == 1

    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ("styrgrupp@example.se",)
    assert mail.subject == f"Lägesrapporten för {world.own_county} är klar"
    link = SITE + report.get_absolute_url()
    assert mail.text_links == [link, SETTINGS_LINK]
    assert set(mail.html_links) == {link, SETTINGS_LINK}
    assert "(2026-01-01 – 2026-03-31)" in mail.text


# --- from a real worker process ------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_each_reminder_once_over_smtp(smtp_server, officers, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL: run them with `make test`.")
    today = timezone.localdate()  # the worker's clock
    lund_agreement, pledge = deadlines_due(officers, today)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-smtp"
    log = tmp_path / "smtp-worker.log"
    env = {"CELERY_TASK_DEFAULT_QUEUE": queue, "MEDIA_ROOT": str(tmp_path / "worker-media")}

    worker = start_worker(env, tmp_path / "unused-mail", log, name="-smtp", smtp=smtp_server.address)
    try:
        runs = [send_deadline_reminders.apply_async(queue=queue) for _ in range(2)]
        ids = [run.id for run in runs]
        results = wait_for(lambda: (found := task_results(log)) and set(ids) <= found.keys() and found)
    finally:
        stop_worker(worker)
        delete_queue(queue)

    assert sorted(int(results[task_id]) for task_id in ids) == [0, len(EXPECTED)]
    # Both runs have finished, so everything they sent has arrived: each reminder exactly once.
    mails = smtp_server.messages
    assert reminded(mails) == EXPECTED
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(EXPECTED)
    pages = {SITE + lund_agreement.get_absolute_url(), SITE + pledge.get_absolute_url()}
    for mail in smtp_server.to("kommun@example.se") + smtp_server.to("asa@example.se"):
        page, settings_link = mail.text_links
        assert page in pages
        assert settings_link == SETTINGS_LINK
        assert set(mail.html_links) == {page, SETTINGS_LINK}
    assert all(mail.html_lang == "sv" and "Förfaller" in mail.text for mail in mails)
