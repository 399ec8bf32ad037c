"""Periodic tasks: queued by the worker, at most once per period, however many workers run.

Apps declare them at the bottom of their tasks.py with ``registry.periodic_task(task, every=...)``.
``periodic_enqueue_due()`` (called every minute by ``manage.py run_worker``, or by ``manage.py enqueue_periodic``
from cron) finds every app's tasks module, and for each declared task claims its ``PeriodicTaskRun`` row with a
conditional UPDATE ("last queued before now minus the period") in the transaction that queues it: only one
process can move the row, so a due task is queued once; if queueing fails, the claim is rolled back.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import registry
from .models import PeriodicTaskRun


def periodic_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Queue every periodic task whose period has passed since it was last queued; answers their names."""
    autodiscover_modules("tasks")
    now = now or timezone.now()
    queued = []
    for entry in registry.periodic_tasks():
        PeriodicTaskRun.objects.get_or_create(name=entry.name)
        due = Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - entry.every)
        with transaction.atomic():
            if PeriodicTaskRun.objects.filter(due, name=entry.name).update(last_enqueued_at=now):
                entry.task.enqueue()
                queued.append(entry.name)
    return queued


# Longer than any Pontis task runs (imports send heartbeats and are recovered on their own, in experts.services.jobs).
TASK_ABANDONED_AFTER = datetime.timedelta(minutes=30)


def tasks_requeue_abandoned(*, now: datetime.datetime | None = None) -> int:
    """Put back in the queue every task a worker claimed and never finished (killed, out of memory, host restarted);
    answers how many.

    db_worker commits its claim (status RUNNING) before it runs a task, so a task whose worker died stays RUNNING
    and nothing runs it again: an e-mail would never leave. Every Pontis task is safe to run twice (sent markers,
    claims, dedupe keys), so running it again is safe even if the first worker was only slow. One conditional
    UPDATE: several workers running this at once move each task once.
    """
    now = now or timezone.now()
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - TASK_ABANDONED_AFTER).update(
        status=TaskResultStatus.READY, started_at=None)
