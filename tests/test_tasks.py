"""Background tasks are safe to run twice, and every periodic task is queued by the worker once per period."""

import datetime
import smtplib
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from pontis.core import registry
from pontis.core.models import Notification, OutboxEmail, PeriodicTaskRun
from pontis.core.notifications import email_queue, notify
from pontis.core.periodic import periodic_enqueue_due
from pontis.core.tasks import send_email, send_notification_email
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_notification_email_task_run_twice_sends_once():
    user = user_with_role("officer")
    note = notify(recipients=[user], subject="A request awaits you", email=False)[0]

    assert send_notification_email.call(note.pk) is True
    assert send_notification_email.call(note.pk) is False  # a retry, or a second worker

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


def test_notification_email_failed_send_is_retried():
    """The claim is rolled back with a failed send, so the retry sends the e-mail (and only once)."""
    user = user_with_role("officer")
    note = notify(recipients=[user], subject="A request awaits you", email=False)[0]

    with mock.patch("pontis.core.tasks.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send_notification_email.call(note.pk)
    assert Notification.objects.get(pk=note.pk).emailed_at is None

    assert send_notification_email.call(note.pk) is True
    assert send_notification_email.call(note.pk) is False
    assert len(mail.outbox) == 1


def test_notify_queues_the_email_after_commit(django_capture_on_commit_callbacks):
    user = user_with_role("officer")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], subject="A request awaits you")
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None


def test_plain_email_same_key_is_queued_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_queue(key="welcome-7", to=["a@example.org"], subject="Welcome", body="Hello")
        again = email_queue(key="welcome-7", to=["a@example.org"], subject="Welcome", body="Hello")
    assert first.pk == again.pk and OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1

    assert send_email.call(first.pk) is False  # a retried task sends nothing more
    assert len(mail.outbox) == 1 and OutboxEmail.objects.get().sent_at is not None


# ---------------------------------------------------------------- periodic tasks

calls = []


@task()
def _count_call() -> int:
    calls.append(1)
    return len(calls)


@pytest.fixture
def counting_periodic_task():
    calls.clear()
    registry.periodic_task(_count_call, every=datetime.timedelta(hours=1))
    yield _count_call
    registry.periodic_task_forget(_count_call.module_path)


def test_periodic_task_is_queued_once_per_period(counting_periodic_task):
    start = timezone.now()
    assert _count_call.module_path in periodic_enqueue_due(now=start)
    assert _count_call.module_path not in periodic_enqueue_due(now=start)  # a second worker, same minute
    assert _count_call.module_path not in periodic_enqueue_due(now=start + datetime.timedelta(minutes=59))
    assert len(calls) == 1

    assert _count_call.module_path in periodic_enqueue_due(now=start + datetime.timedelta(hours=1))
    assert len(calls) == 2
    assert PeriodicTaskRun.objects.get(name=_count_call.module_path).last_enqueued_at == start + datetime.timedelta(hours=1)


@override_settings(TASKS=DB_TASKS)
def test_periodic_tasks_of_the_apps_are_queued_in_the_database_once(counting_periodic_task):
    """The tasks nothing else queues (yearly expert reminder, follow-up reminders) are queued by the worker."""
    periodic_enqueue_due()
    periodic_enqueue_due()
    queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
    for name in ("pontis.experts.tasks.remind_reconfirmation", "pontis.actions.tasks.send_followup_reminders",
                 "pontis.experts.tasks.recover_stale_imports", _count_call.module_path):
        assert queued.count(name) == 1, name


def test_every_task_is_queued_by_something():
    """A task nothing queues never runs: each is a periodic task or is queued (``name.enqueue(``) by app code."""
    autodiscover_modules("tasks")
    periodic = {entry.name for entry in registry.periodic_tasks()}
    root = Path(__file__).resolve().parent.parent / "pontis"
    source = "\n".join(path.read_text(encoding="utf-8") for path in root.rglob("*.py")
                       if "tests" not in path.parts and "migrations" not in path.parts)
    tasks = [(name, obj) for module in list(sys.modules) if module.startswith("pontis.") and module.endswith(".tasks")
             for name, obj in vars(sys.modules[module]).items() if isinstance(obj, Task) and obj.module_path.startswith(module)]
    assert len(tasks) >= 6
    never_queued = [obj.module_path for name, obj in tasks if obj.module_path not in periodic and f"{name}.enqueue(" not in source]
    assert never_queued == []


@override_settings(TASKS=DB_TASKS)
def test_run_worker_batch_queues_due_tasks_and_runs_them(counting_periodic_task, monkeypatch):
    # db_worker closes "old" connections between tasks; inside the test's transaction that would close the test's
    # own connection (on PostgreSQL), so it is left open here.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("run_worker", "--batch", "--interval", "0", "--nice", "0", verbosity=0)
    assert len(calls) == 1
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()

    call_command("run_worker", "--batch", "--interval", "0", "--nice", "0", verbosity=0)  # within the hour: nothing new
    assert len(calls) == 1


def test_the_worker_runs_at_a_lower_priority_than_the_web_and_only_lowers_it_once(monkeypatch):
    from pontis.core.management.commands import run_worker

    niceness = {"now": 0}

    def nice(increment):
        niceness["now"] += increment
        return niceness["now"]

    monkeypatch.setattr(run_worker.os, "nice", nice)
    assert run_worker.lower_priority(10) == 10
    assert run_worker.lower_priority(10) == 10  # a second call (a second command) lowers nothing more
    assert run_worker.lower_priority(5) == 10  # never raised again
    assert run_worker.lower_priority(40) == 19  # the system's lowest


def test_run_worker_lowers_its_priority_before_it_runs_anything(monkeypatch):
    from pontis.core.management.commands import run_worker

    asked = []
    monkeypatch.setattr(run_worker, "lower_priority", asked.append)
    monkeypatch.setattr(run_worker, "call_command", lambda *a, **k: asked.append(a[0]))
    monkeypatch.setattr(run_worker, "periodic_enqueue_due", lambda: [])
    call_command("run_worker", "--batch", "--nice", "7", verbosity=0)
    assert asked == [7, "db_worker"]
