"""Background tasks of the core: thin, idempotent, safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> bool:
    from .models import Notification

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None:
        return False
    link = f"{settings.PONTIS_SITE_URL}{note.url}" if note.url.startswith("/") else note.url
    body = note.body + (f"\n\n{link}" if link else "")
    send_mail(note.subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email], fail_silently=False)
    return True


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def now():
    return timezone.now()
