"""Notifications: an in-app 'awaiting me' item and an e-mail copy sent by a background task."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .errors import NotAllowed
from .models import Notification, OutboxEmail
from .tasks import send_email, send_notification_email


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
            transaction.on_commit(lambda pk=note.pk: send_notification_email.enqueue(pk))
    return created


def email_queue(*, key: str, to: list[str], subject, body: str = "") -> OutboxEmail:
    """Queue a plain e-mail (one with no in-app notification) to leave after the transaction commits.

    ``key`` names the e-mail for good (for example ``expert-registration-confirm-42``): queueing the same key again
    returns the first one and sends nothing more, and the task sends each key once.
    """
    outbox, created = OutboxEmail.objects.get_or_create(
        key=key[:200], defaults={"to": list(to), "subject": str(subject)[:255], "body": str(body)})
    if created:
        transaction.on_commit(lambda: send_email.enqueue(outbox.pk))
    return outbox


def outbox_forget(*, addresses) -> int:
    """Erasure: queued or sent e-mails to any of ``addresses`` lose those addresses and the body (which may hold a
    personal link); their key stays, so nothing is queued again, and one left with no recipient is marked as gone
    and never sent. Answers the number of e-mails changed."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    changed = 0
    candidates = OutboxEmail.objects.none()
    for address in wanted:
        candidates = candidates | OutboxEmail.objects.filter(to__icontains=address)
    for email in candidates.distinct():
        kept = [a for a in email.to if str(a).strip().lower() not in wanted]
        if kept == email.to:
            continue
        email.to, email.body = kept, ""
        if not kept:  # nobody left to send it to
            email.sent_at = email.sent_at or timezone.now()
        email.save(update_fields=["to", "body", "sent_at"])
        changed += 1
    return changed


def notification_mark_read(*, notification: Notification, by) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
