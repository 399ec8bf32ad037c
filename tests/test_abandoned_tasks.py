"""A task whose worker died while running it is run again, and an e-mail it was sending leaves exactly once."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pontis.core.models import OutboxEmail
from pontis.core.notifications import email_queue
from pontis.core.periodic import TASK_ABANDONED_AFTER, tasks_requeue_abandoned
from pontis.core.tasks import requeue_abandoned_tasks, send_email

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _claimed(result, *, ago):
    result.claim("dead-worker")
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - ago)


@override_settings(TASKS=DB_TASKS)
def test_an_email_whose_worker_died_is_sent_once_after_the_task_is_requeued(django_capture_on_commit_callbacks,
                                                                             monkeypatch):
    # Given two queued e-mails whose tasks a worker claimed: one long ago (the worker died), one just now (running)
    with django_capture_on_commit_callbacks(execute=True):
        dead = email_queue(key="drill-dead", to=["a@example.org"], subject="dead")
        alive = email_queue(key="drill-alive", to=["b@example.org"], subject="alive")
    results = {r.args_kwargs["args"][0]: r for r in DBTaskResult.objects.all()}
    _claimed(results[dead.pk], ago=TASK_ABANDONED_AFTER + datetime.timedelta(minutes=1))
    _claimed(results[alive.pk], ago=datetime.timedelta(minutes=1))

    # When the periodic check runs (twice: two workers), then a worker runs what is queued
    assert requeue_abandoned_tasks.call() == 1
    assert tasks_requeue_abandoned() == 0
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)

    # Then the dead worker's e-mail left once; the running one was left to its worker
    assert [m.subject for m in mail.outbox] == ["dead"]
    assert OutboxEmail.objects.get(pk=dead.pk).sent_at is not None
    assert DBTaskResult.objects.get(pk=results[alive.pk].pk).status == "RUNNING"
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the reference data for later tests
def test_the_sent_marker_is_committed_before_the_message_goes_to_the_relay():
    # A worker killed right after the relay accepted the message must leave the e-mail marked sent: the marker has
    # to be committed before sending, not in a transaction still open while the message goes out.
    email = OutboxEmail.objects.create(key="drill-commit", to=["a@example.org"], subject="s")
    seen = []

    def relay(*args, **kwargs):
        seen.append((connection.in_atomic_block, OutboxEmail.objects.get(pk=email.pk).sent_at is not None))
        return 1

    with mock.patch("pontis.core.tasks.send_mail", side_effect=relay):
        assert send_email.call(email.pk) is True
    assert seen == [(False, True)]
