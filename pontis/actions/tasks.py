"""Background tasks of the actions app: thin and idempotent."""

from django_tasks import task


@task()
def send_followup_reminders() -> int:
    """Remind focal points of due outcome follow-ups; safe to run any number of times."""
    from .services import followups_send_due_reminders

    return followups_send_due_reminders()
