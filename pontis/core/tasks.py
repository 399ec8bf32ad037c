"""Background tasks of the core: thin, idempotent, safe to run twice.

Every outgoing e-mail has a marker (``Notification.emailed_at``, ``OutboxEmail.sent_at``). A task claims it with a
conditional UPDATE inside the transaction that sends the e-mail: a second run (a retry, a second worker) finds it
claimed and sends nothing; if sending fails, the transaction rolls the claim back and a retry sends it.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Notification, OutboxEmail


@task()
def send_notification_email(notification_id: int) -> bool:
    """Send the e-mail copy of a notification once. Answers False if it was already sent (or is gone)."""
    with transaction.atomic():
        if not Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            return False
        note = Notification.objects.select_related("recipient").get(pk=notification_id)
        link = f"{settings.PONTIS_SITE_URL}{note.url}" if note.url.startswith("/") else note.url
        body = note.body + (f"\n\n{link}" if link else "")
        send_mail(note.subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email], fail_silently=False)
    return True


@task()
def send_email(outbox_id: int) -> bool:
    """Send one queued plain e-mail (see notifications.email_queue) once. Answers False if it was already sent."""
    with transaction.atomic():
        if not OutboxEmail.objects.filter(pk=outbox_id, sent_at__isnull=True).update(sent_at=timezone.now()):
            return False
        email = OutboxEmail.objects.get(pk=outbox_id)
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, email.to, fail_silently=False)
    return True
