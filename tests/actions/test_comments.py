"""Talking about a measure: comment threads, mentions, following, and who is told, how and when.

The e-mails go through ``core.notices.notify``: at once, in the daily digest, or not at all, as
each person chose on their profile page (``tests/portal/test_profile.py``).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import notices, services
from actions.models import Comment, MeasureFollow, ProgressUpdate, UpdateState
from core import notices as core_notices
from core.models import DigestEntry, Reminder
from core.roles import Role
from tests import parsed
from tests.actions.test_rounds import open_round, the_request, update_values
from tests.factories import MeasureFactory, progress_update

pytestmark = pytest.mark.django_db


def post(world, role, body="Hur går det med seminarierna?", **kwargs):
    return services.post_comment(world.own_measure, body, user=world.user(role), **kwargs)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


# --- Who is told ---------------------------------------------------------------------------------


def test_a_comment_tells_the_followers_and_the_people_mentioned_once(world, mailoutbox):
    steering = world.user(Role.STEERING_GROUP)
    comment = post(world, Role.MUNICIPAL_OFFICER, mentions=[steering])

    sent = notices.send_comment_notices(comment.pk)
    again = notices.send_comment_notices(comment.pk)

    # The coordinator and the lead actor's contact follow by default; the author is not told.
    coordinator, police = world.user(Role.COUNTY_COORDINATOR), world.user(Role.ACTOR_CONTACT)
    assert (sent, again) == (3, 0)
    assert recipients(mailoutbox) == sorted([coordinator.email, police.email, steering.email])
    mention = next(m for m in mailoutbox if m.to == [steering.email])
    assert (
        mention.subject == f"{world.user(Role.MUNICIPAL_OFFICER).get_full_name()} nämnde dig: {world.own_measure.title}"
    )
    comment_mail = next(m for m in mailoutbox if m.to == [coordinator.email])
    assert comment_mail.subject == f"Ny kommentar: {world.own_measure.title}"
    assert "Hur går det med seminarierna?" in comment_mail.body
    link = f"http://testserver{comment.get_absolute_url()}"
    assert link.endswith(f"/insatser/{world.own_measure.pk}/diskussion/?page=last#kommentar-{comment.pk}")
    assert link.replace("http://testserver", "") in comment_mail.body
    assert "/profil/" in comment_mail.body


def test_whoever_writes_follows_and_whoever_stops_is_no_longer_told(world, mailoutbox):
    first = post(world, Role.MUNICIPAL_OFFICER)
    services.set_following(world.own_measure, world.user(Role.COUNTY_COORDINATOR), False)
    mailoutbox.clear()

    second = post(world, Role.ACTOR_CONTACT, body="Nästa seminarium är i maj.")
    notices.send_comment_notices(second.pk)

    # The officer follows since they wrote the first comment; the coordinator chose to stop.
    assert first.author == world.user(Role.MUNICIPAL_OFFICER)
    assert recipients(mailoutbox) == [world.user(Role.MUNICIPAL_OFFICER).email]
    assert MeasureFollow.objects.get(user=world.user(Role.COUNTY_COORDINATOR)).following is False


def test_a_comment_on_an_update_not_yet_approved_reaches_only_those_who_read_the_update(world, mailoutbox):
    round_ = open_round(world)
    request = the_request(round_)
    police = world.user(Role.ACTOR_CONTACT)
    update = services.save_round_update(request, update_values(), user=police, submit=False)
    steering = world.user(Role.STEERING_GROUP)

    comment = services.post_comment(
        world.own_measure,
        "Kan du lägga till siffrorna?",
        user=world.user(Role.COUNTY_COORDINATOR),
        update=update,
        mentions=[steering],
    )
    notices.send_comment_notices(comment.pk)

    # The steering group does not read a draft: mentioned or not, it is not told.
    assert recipients(mailoutbox) == [police.email]
    assert Comment.objects.visible_to(steering).filter(pk=comment.pk).exists() is False
    assert Comment.objects.visible_to(police).filter(pk=comment.pk).exists() is True


def test_a_comment_on_an_update_of_a_closed_round_is_refused_and_nothing_is_saved(world):
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=True
    )
    services.close_round(round_)

    with pytest.raises(ValidationError, match="Omgången är stängd"):
        services.post_comment(world.own_measure, "För sent?", user=world.user(Role.COUNTY_COORDINATOR), update=update)
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(world):
    with pytest.raises(ValidationError, match="Skriv en kommentar"):
        post(world, Role.MUNICIPAL_OFFICER, body="   \n ")
    assert not Comment.objects.exists()


def test_an_approved_update_tells_the_followers_what_changed(world, mailoutbox):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    services.set_following(world.own_measure, officer, True)
    officer.notice_choices = {notices.CHANGE: core_notices.Delivery.AT_ONCE}
    officer.save()

    update = services.post_progress_update(world.own_measure, update_values(), world.user(Role.ACTOR_CONTACT))
    notices.send_follower_notices(update.pk, update.history.latest().history_id)

    # The officer chose at once; the coordinator has the default, the daily digest.
    assert recipients(mailoutbox) == [officer.email]
    assert mailoutbox[0].subject == f"{world.own_measure.title}: Enligt plan"
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    assert DigestEntry.objects.filter(recipient=coordinator).count() == 1


# --- How: at once, daily, never ------------------------------------------------------------------


def test_a_daily_choice_gathers_the_notices_in_one_digest_a_day(world, mailoutbox):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.notice_choices = {notices.COMMENT: core_notices.Delivery.DAILY}
    coordinator.save()
    for body in ("Första frågan.", "Andra frågan."):
        notices.send_comment_notices(post(world, Role.MUNICIPAL_OFFICER, body=body).pk)
    assert coordinator.email not in recipients(mailoutbox)
    mailoutbox.clear()

    today = datetime.date(2026, 12, 2)
    assert core_notices.send_digests(today) == 1
    assert core_notices.send_digests(today) == 0

    (digest,) = mailoutbox
    assert digest.to == [coordinator.email]
    assert digest.subject == "Trygghetsportalen 2026-12-02: 2 meddelanden"
    assert digest.body.count(f"Ny kommentar: {world.own_measure.title}") == 2
    html = digest.alternatives[0][0]
    assert html.count("/diskussion/?page=last#kommentar-") == 2
    assert not Reminder.objects.filter(recipient=coordinator, kind=notices.COMMENT, sent_at__isnull=True).exists()
    # The next day brings only what is new.
    assert core_notices.send_digests(today + datetime.timedelta(days=1)) == 0


def test_never_means_no_e_mail_and_a_deactivated_person_gets_none(world, mailoutbox):
    coordinator, police = world.user(Role.COUNTY_COORDINATOR), world.user(Role.ACTOR_CONTACT)
    coordinator.notice_choices = {notices.COMMENT: core_notices.Delivery.NEVER}
    coordinator.save()
    police.is_active = False
    police.save()

    notices.send_comment_notices(post(world, Role.MUNICIPAL_OFFICER).pk)

    assert mailoutbox == []
    assert not DigestEntry.objects.exists()


def test_a_request_to_report_cannot_be_turned_off(world, mailoutbox):
    police = world.user(Role.ACTOR_CONTACT)
    police.notice_choices = {notices.REQUEST: core_notices.Delivery.NEVER}
    police.save()
    assert core_notices.delivery_for(police, notices.REQUEST) == core_notices.Delivery.AT_ONCE

    from actions import round_notices

    round_notices.send_round_notices(open_round(world).pk)
    assert recipients(mailoutbox) == [police.email]


def test_an_e_mail_is_written_in_the_recipients_language(world, mailoutbox):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.language = "en"
    coordinator.save()
    notices.send_comment_notices(post(world, Role.MUNICIPAL_OFFICER).pk)
    english = next(m for m in mailoutbox if m.to == [coordinator.email])
    assert english.subject == f"New comment: {world.own_measure.title}"
    assert "Choose which e-mails you get" in english.body


# --- The pages -----------------------------------------------------------------------------------


def discussion_url(measure):
    return reverse("actions:measure_discussion", kwargs={"pk": measure.pk})


def test_the_discussion_page_shows_the_thread_escaped_with_line_breaks(world, client_as):
    post(world, Role.ACTOR_CONTACT, body="<script>alert(1)</script>\nRad två")
    response = client_as(Role.MUNICIPAL_OFFICER).get(discussion_url(world.own_measure))
    assert response.status_code == 200
    root = parsed.page(response)
    assert parsed.text(parsed.elements(root, "title")[0]).startswith("Diskussion – ")
    assert parsed.text(parsed.elements(root, "h1")[0]) == f"Diskussion: {world.own_measure}"
    thread = [e for e in parsed.elements(root, "li") if (e.get("id") or "").startswith("kommentar-")]
    assert len(thread) == 1
    assert "<script>alert(1)</script>" in parsed.text(thread[0])
    assert len(parsed.elements(thread[0], "br")) == 1
    assert all(e.get("src") for e in parsed.elements(root, "script"))
    assert parsed.field(root, "Kommentar").tag.endswith("textarea")
    assert parsed.field(root, "Nämn").tag.endswith("select")


def test_posting_a_comment_with_a_mention_and_an_empty_one(world, client_as):
    client = client_as(Role.MUNICIPAL_OFFICER)
    empty = client.post(discussion_url(world.own_measure), {"body": " "})
    assert empty.status_code == 200
    root = parsed.page(empty)
    assert "Detta fält måste fyllas i." in parsed.description(root, parsed.field(root, "Kommentar"))
    assert not Comment.objects.exists()

    steering = world.user(Role.STEERING_GROUP)
    response = client.post(discussion_url(world.own_measure), {"body": "Se bilagan.", "mentions": [steering.pk]})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert list(comment.mentions.all()) == [steering]
    root = parsed.page(client.get(response["Location"]))
    assert parsed.messages(root) == ["Din kommentar är publicerad."]
    assert f"Nämnda: {steering.get_full_name()}" in parsed.text(parsed.main(root))


def test_a_person_outside_the_county_cannot_mention_or_be_mentioned(world, client_as):
    foreign = MeasureFactory(plan=world.foreign_plan, number=2)
    assert client_as(Role.MUNICIPAL_OFFICER).get(discussion_url(foreign)).status_code == 404
    assert client_as(Role.MUNICIPAL_OFFICER).post(discussion_url(foreign), {"body": "Hej"}).status_code == 404
    outsider = world.user(Role.NATIONAL_ADMIN)
    response = client_as(Role.MUNICIPAL_OFFICER).post(
        discussion_url(world.own_measure), {"body": "Hej", "mentions": [outsider.pk]}
    )
    root = parsed.page(response)
    assert "Välj ett giltigt alternativ" in parsed.description(root, parsed.field(root, "Nämn"))
    assert not Comment.objects.exists()


def test_following_and_stopping_from_the_discussion_page(world, client_as):
    client = client_as(Role.STEERING_GROUP)
    follow_url = reverse("actions:measure_follow", kwargs={"pk": world.own_measure.pk})
    root = parsed.page(client.get(discussion_url(world.own_measure)))
    assert "Du följer inte insatsen." in parsed.text(parsed.main(root))

    response = client.post(follow_url, {"following": "1"})
    assert response.status_code == 302
    root = parsed.page(client.get(response["Location"]))
    assert parsed.messages(root)[0].startswith("Du följer insatsen")
    assert MeasureFollow.objects.get().following is True

    client.post(follow_url, {"following": "0"})
    assert MeasureFollow.objects.get().following is False
    assert client.get(follow_url).status_code == 405


def test_the_update_page_shows_the_update_its_attachments_and_its_thread(world, client_as):
    update = progress_update(world.own_measure, done_text="Två seminarier hölls.")
    services.post_comment(world.own_measure, "Bra jobbat!", user=world.user(Role.COUNTY_COORDINATOR), update=update)
    response = client_as(Role.STEERING_GROUP).get(reverse("actions:update_detail", kwargs={"pk": update.pk}))
    root = parsed.page(response)
    assert parsed.text(parsed.elements(root, "h1")[0]) == "Lägesrapport 2025-06-01"
    assert "Två seminarier hölls." in parsed.text(parsed.main(root))
    thread = [e for e in parsed.elements(root, "li") if (e.get("id") or "").startswith("kommentar-")]
    assert len(thread) == 1
    assert "Bra jobbat!" in parsed.text(thread[0])


def test_a_draft_update_and_its_thread_are_a_404_to_those_who_do_not_read_it(world, client_as):
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=False
    )
    url = reverse("actions:update_detail", kwargs={"pk": update.pk})
    assert client_as(Role.STEERING_GROUP).get(url).status_code == 404
    assert client_as(Role.STEERING_GROUP).post(url, {"body": "Hej"}).status_code == 404
    assert client_as(Role.ACTOR_CONTACT).get(url).status_code == 200
    assert client_as(Role.COUNTY_COORDINATOR).get(url).status_code == 200
    assert ProgressUpdate.objects.get().state == UpdateState.DRAFT


def test_the_closed_rounds_update_page_says_the_thread_is_locked(world, client_as):
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=True
    )
    services.close_round(round_)
    url = reverse("actions:update_detail", kwargs={"pk": update.pk})
    root = parsed.page(client_as(Role.COUNTY_COORDINATOR).get(url))
    assert "Omgången är stängd: lägesrapporten och dess kommentarer är låsta." in parsed.messages(root)
    response = client_as(Role.COUNTY_COORDINATOR).post(url, {"body": "Sent ute"})
    assert response.status_code == 200
    assert "Omgången är stängd" in " ".join(parsed.messages(parsed.page(response)))
    assert not Comment.objects.exists()


def test_the_discussion_page_reads_the_same_number_of_queries_for_2_and_20_comments(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    steering = world.user(Role.STEERING_GROUP)
    client = client_as(Role.MUNICIPAL_OFFICER)
    counts = []
    for size in (2, 18):
        for number in range(size):
            post(world, Role.ACTOR_CONTACT, body=f"Kommentar {number}", mentions=[steering])
        client.get(discussion_url(world.own_measure))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(discussion_url(world.own_measure)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


# --- Over SMTP -----------------------------------------------------------------------------------


def test_a_mention_and_a_digest_arrive_over_smtp_with_both_parts_and_the_links(world, smtp_server):
    from django.conf import settings

    site = settings.SITE_URL.rstrip("/")
    coordinator, steering = world.user(Role.COUNTY_COORDINATOR), world.user(Role.STEERING_GROUP)
    coordinator.notice_choices = {notices.COMMENT: core_notices.Delivery.DAILY}
    coordinator.save()
    comment = post(world, Role.MUNICIPAL_OFFICER, body="Möte på torsdag & fika.", mentions=[steering])

    notices.send_comment_notices(comment.pk)
    core_notices.send_digests()

    mails = smtp_server.wait_for(3)
    assert sorted(mail.rcpt_tos[0] for mail in mails) == sorted(
        [steering.email, world.user(Role.ACTOR_CONTACT).email, coordinator.email]
    )
    link = site + comment.get_absolute_url()
    for mail in mails:
        assert [part.get_content_type() for part in mail.message.iter_parts()] == ["text/plain", "text/html"]
        assert mail.raw_headers.isascii()
        assert mail.html_lang == "sv"
        assert link in mail.text_links
        assert link in mail.html_links
        assert site + "/profil/" in mail.text_links
        assert site + "/profil/" in mail.html_links
    (mention,) = smtp_server.to(steering.email)
    assert "Möte på torsdag & fika." in mention.text
    assert "Möte på torsdag &amp; fika." in mention.html
    (digest,) = smtp_server.to(coordinator.email)
    assert digest.subject.endswith(": 1 meddelande")
    assert f"Ny kommentar: {world.own_measure.title}" in digest.text
