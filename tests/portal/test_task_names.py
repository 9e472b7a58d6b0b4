"""Celery task names are stored: django-celery-beat keeps the schedules' task names in the database,
and a queued message names its task. Each task of the project therefore has an explicit ``name=``,
and moving a module must not change it."""

import ast
from pathlib import Path

from django.conf import settings

from portal.celery import app

STABLE_NAMES = {
    "actions.send_comment_notices",
    "actions.send_follower_notices",
    "actions.send_handover_notice",
    "actions.send_open_rounds_notices",
    "actions.send_review_notice",
    "actions.send_round_notices",
    "agreements.tasks.send_deadline_reminders",
    "agreements.tasks.send_handover_notice",
    "agreements.tasks.send_open_rounds_notices",
    "agreements.tasks.send_review_notice",
    "agreements.tasks.send_round_notices",
    "core.send_daily_digests",
    "core.prune_data_changes",
    "municipalities.tasks.fetch_followed_key_figures",
    "municipalities.tasks.fetch_key_figures",
    "portal.people.tasks.send_grant_notice",
    "portal.people.tasks.send_invitation",
    "portal.tasks.anonymise_expired_accounts",
    "portal.tasks.build_personal_export",
    "portal.tasks.build_report",
    "portal.tasks.email_report_ready",
    "portal.tasks.produce_quarterly_county_reports",
    "portal.tasks.send_email_change_mails",
    "portal.tasks.send_password_reset_email",
    "portal.tasks.sweep_stuck_reports",
}
PROJECT = ("core", "portal", "municipalities", "actions", "agreements")


def _task_decorators():
    """(file, function, the decorator's keyword names) for every ``@shared_task`` of the project."""
    base = Path(settings.BASE_DIR)
    for package in PROJECT:
        for path in (base / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef):
                    for decorator in node.decorator_list:
                        target = decorator.func if isinstance(decorator, ast.Call) else decorator
                        if getattr(target, "id", getattr(target, "attr", None)) in ("shared_task", "task"):
                            keywords = {k.arg: k.value for k in getattr(decorator, "keywords", [])}
                            yield path.relative_to(base), node.name, keywords


def test_every_task_is_declared_with_an_explicit_name():
    declared = list(_task_decorators())
    assert declared, "no task found"
    unnamed = [f"{path}:{name}" for path, name, keywords in declared if "name" not in keywords]
    assert unnamed == []
    names = {keywords["name"].value for _path, _name, keywords in declared}
    assert names == STABLE_NAMES


def test_the_registered_tasks_and_the_schedules_use_the_stable_names():
    app.loader.import_default_modules()
    registered = {name for name in app.tasks if name.split(".")[0] in PROJECT}
    assert registered == STABLE_NAMES
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= STABLE_NAMES


def _enqueued_names():
    """(file, the task name) for every ``enqueue(name, …)`` of the project: a literal or a module constant."""
    base = Path(settings.BASE_DIR)
    for package in PROJECT:
        for path in (base / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {
                target.id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "enqueue" and node.args:
                    first = node.args[0]
                    name = first.value if isinstance(first, ast.Constant) else constants.get(getattr(first, "id", ""))
                    yield path.relative_to(base), name


def test_every_enqueued_job_names_a_task_that_exists():
    """Jobs are started by task name (``core.jobs.enqueue``): a misspelt name would be a job nobody runs."""
    enqueued = list(_enqueued_names())
    assert len(enqueued) >= 5, enqueued
    assert [(str(path), name) for path, name in enqueued if name not in STABLE_NAMES] == []
