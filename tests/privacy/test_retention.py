"""Deactivated accounts lose their personal data once the retention time has passed: the nightly job."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.roles import Role
from portal.models import User
from portal.privacy import tasks
from portal.privacy.models import PersonRemoval, RemovalReason
from portal.privacy.services import anonymise_expired_accounts
from tests.factories import GrantFactory, UserFactory
from tests.worker import wait_for

FORMER = "Tidigare användare"
DAY = datetime.timedelta(days=1)


def deactivated(username: str, days_ago: int | None, *, active: bool = False) -> User:
    user = UserFactory(username=username, first_name=username.title(), last_name="Person")
    user.is_active = active
    user.deactivated_at = timezone.now() - days_ago * DAY if days_ago is not None else None
    user.save()
    return user


def removed(user: User) -> bool:
    user.refresh_from_db()
    return user.anonymised_at is not None


@pytest.mark.django_db
def test_only_accounts_deactivated_longer_ago_than_the_retention_time_are_anonymised(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    old = deactivated("gammal", 31)
    GrantFactory(user=old, role=Role.MUNICIPAL_OFFICER, municipality=world.own_municipality)
    recent = deactivated("nyligen", 29)
    active = deactivated("aktiv", 400, active=True)  # deactivated once, active again
    never = deactivated("aldrig", None)  # inactive without a date: not the job's to judge

    assert tasks.anonymise_expired_accounts.apply().get() == 1

    assert removed(old)
    assert (old.get_full_name(), old.email, old.grants.count()) == (FORMER, "", 0)
    assert [removed(user) for user in (recent, active, never)] == [False, False, False]
    record = PersonRemoval.objects.get()
    assert (record.person, record.removed_by, record.reason) == (old, None, RemovalReason.RETENTION)
    assert record.history.get().history_user is None  # "the system" in the history

    # Idempotent: the next night finds nothing to do, until the recent one's time has come.
    assert tasks.anonymise_expired_accounts.apply().get() == 0
    assert anonymise_expired_accounts(now=timezone.now() + 2 * DAY) == 1
    assert removed(recent)
    assert PersonRemoval.objects.count() == 2


def test_the_default_retention_time_is_a_year_and_the_job_is_scheduled():
    assert settings.PERSONAL_DATA_RETENTION_DAYS == 365
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.tasks.anonymise_expired_accounts" in entries


@pytest.mark.django_db(transaction=True)
def test_an_account_another_run_holds_is_skipped_and_taken_by_the_next_run(world):
    held, other = deactivated("upptagen", 400), deactivated("ledig", 400)
    locked, release = threading.Event(), threading.Event()

    def other_run() -> None:
        """Holds the account's row, as a run does while it removes the account's data, then dies."""
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(10)
        assert anonymise_expired_accounts() == 1
    finally:
        release.set()
        thread.join()
    assert (removed(held), removed(other)) == (False, True)
    assert anonymise_expired_accounts() == 1
    assert removed(held)
    assert PersonRemoval.objects.filter(person=held).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remove_each_account_once(world):
    users = [deactivated(f"slutat{i}", 400) for i in range(6)]
    start = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            start.wait(10)
            results.append(anonymise_expired_accounts())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == len(users)
    assert all(removed(user) for user in users)
    assert sorted(PersonRemoval.objects.values_list("person_id", flat=True)) == sorted(user.pk for user in users)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_job(celery_worker, world):
    user = deactivated("arbetare", 400)
    tasks.anonymise_expired_accounts.delay()
    wait_for(lambda: removed(user))
    assert PersonRemoval.objects.get(person=user).reason == RemovalReason.RETENTION
