"""Background tasks of the actions app: thin and idempotent."""

import datetime

from django_tasks import task

from pontis.core import registry


@task()
def send_followup_reminders() -> int:
    """Remind focal points of due outcome follow-ups; safe to run any number of times."""
    # Imported when run: services queue tasks, so tasks import services lazily (see pyproject's per-file-ignores).
    from .services import followups_send_due_reminders

    return followups_send_due_reminders()


registry.periodic_task(send_followup_reminders, every=datetime.timedelta(days=1))
