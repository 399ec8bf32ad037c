"""Background tasks of the core: thin, idempotent, safe to run twice.

Every outgoing e-mail has a marker (``Notification.emailed_at``, ``OutboxEmail.sent_at``). A task claims it with a
conditional UPDATE that is committed *before* the message goes to the mail relay: a second run (a retry, a second
worker, a task requeued after its worker died) finds it claimed and sends nothing. If sending raises, the claim is
released and a retry sends it. E-mails thus leave at most once: a worker killed after the relay accepted a message
cannot send it again (with the claim in the sending transaction, the fault drill saw exactly that: the message went
twice). The price is that a worker killed during the few milliseconds of the SMTP exchange itself leaves that one
e-mail marked sent; the relay's log tells whether it left.
"""

import contextlib
import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from . import news, registry
from .models import Notification, OutboxEmail


@task()
def send_notification_email(notification_id: int) -> bool:
    """Send the e-mail copy of a notification once. Answers False if it was already sent (or is gone)."""
    claim = _claim(Notification.objects.filter(pk=notification_id), "emailed_at")
    if claim is None:
        return False
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    # Worded now, in the recipient's language (the page words the same row in its reader's language).
    with translation.override(note.recipient.language or settings.LANGUAGE_CODE):
        words = news.render(note, note.recipient)
    link = f"{settings.PONTIS_SITE_URL}{note.url}" if note.url.startswith("/") else note.url
    body = words.body + (f"\n\n{link}" if link else "")
    with _released_on_error(Notification.objects.filter(pk=notification_id), "emailed_at", claim):
        send_mail(words.title[:255], body.strip(), settings.DEFAULT_FROM_EMAIL, [note.recipient.email], fail_silently=False)
    return True


@task()
def send_email(outbox_id: int) -> bool:
    """Send one queued plain e-mail (see notifications.email_queue) once. Answers False if it was already sent."""
    claim = _claim(OutboxEmail.objects.filter(pk=outbox_id), "sent_at")
    if claim is None:
        return False
    email = OutboxEmail.objects.get(pk=outbox_id)
    with _released_on_error(OutboxEmail.objects.filter(pk=outbox_id), "sent_at", claim):
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, email.to, fail_silently=False)
    return True


def _claim(rows, marker: str):
    """Set the marker if it is empty, committed at once (its own transaction); answers its value, or None."""
    now = timezone.now()
    with transaction.atomic():
        claimed = rows.filter(**{f"{marker}__isnull": True}).update(**{marker: now})
    return now if claimed else None


@contextlib.contextmanager
def _released_on_error(rows, marker: str, claim):
    """If sending raises, empty the marker again (only our own claim) so that a retry sends the e-mail."""
    try:
        yield
    except BaseException:
        rows.filter(**{marker: claim}).update(**{marker: None})
        raise


@task()
def requeue_abandoned_tasks() -> int:
    """Run again the tasks whose worker died while running them (see periodic.tasks_requeue_abandoned)."""
    from .periodic import tasks_requeue_abandoned

    return tasks_requeue_abandoned()


registry.periodic_task(requeue_abandoned_tasks, every=datetime.timedelta(minutes=5))
