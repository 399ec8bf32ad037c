"""Notifications: an in-app 'awaiting me' item and an e-mail copy sent by a background task."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import Notification


def notify(*, recipients, subject, body="", url: str = "", dedupe_key: str = "", email: bool = True) -> list[Notification]:
    """Tell each recipient, in their own language, that something awaits them.

    ``subject`` and ``body`` may be lazy translations or callables taking the recipient; they are
    rendered in the recipient's preferred language. The same ``dedupe_key`` for the same recipient is
    stored once, so a retried step does not notify twice. E-mails leave after the transaction commits.
    """
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        with translation.override(user.language or "en"):
            s = subject(user) if callable(subject) else str(subject)
            b = body(user) if callable(body) else str(body)
        try:
            with transaction.atomic():
                note = Notification.objects.create(recipient=user, subject=s[:255], body=b, url=url, dedupe_key=dedupe_key[:200])
        except IntegrityError:
            continue
        created.append(note)
        if email:
            from .tasks import send_notification_email

            transaction.on_commit(lambda pk=note.pk: send_notification_email.enqueue(pk))
    return created


def notification_mark_read(*, notification: Notification, by) -> Notification:
    if notification.recipient_id != by.pk:
        from .errors import NotAllowed

        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
