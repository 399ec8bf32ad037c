"""Reminder rounds: each round e-mails every invitee who has not answered, exactly once.

A round is a ``Reminder`` row (numbered per questionnaire); ``ReminderSent`` (unique per round and invitation)
records who got it. The staff form carries a one-time key: a double click or a retried request names the same
round and sends nothing twice; a new round is a new click with a new key.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition
from pontis.core.notifications import email_queue
from pontis.core.permissions import ensure

from ..models import Invitation, Questionnaire, Reminder, ReminderSent
from ..selectors.responses import reminder_recipients
from .invitations import invitation_email


@transaction.atomic
def reminder_send(*, questionnaire: Questionnaire, by, key: str | None) -> tuple[Reminder, int]:
    """Create the next reminder round and e-mail each invitee who has not answered (once per round).

    ``key`` (the form's one-time key, or the API's retry key) names the round: the same key again answers the same
    round and sends nothing more. Answers ``(round, number of e-mails queued by this call)``. Raises NotAllowed,
    IllegalTransition (the questionnaire is not open).
    """
    ensure(by, "remind", Invitation)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    key = (key or "").strip()[:64] or None
    if key:
        existing = Reminder.objects.filter(creation_key=key, questionnaire=questionnaire).first()
        if existing is not None:
            return existing, 0
    if questionnaire.status != Questionnaire.Status.OPEN:
        raise IllegalTransition(_("Only an open questionnaire can be reminded."), code="not_open")
    number = (Reminder.objects.filter(questionnaire=questionnaire).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(questionnaire=questionnaire, number=number, created_by=by,
                                               creation_key=key)
    except IntegrityError:  # the same key raced in from a second request: that round is the answer
        return Reminder.objects.get(creation_key=key), 0
    invitations = list(reminder_recipients(questionnaire).exclude(reminders_sent__reminder=reminder)
                       .select_related("questionnaire"))
    ReminderSent.objects.bulk_create([ReminderSent(reminder=reminder, invitation=i) for i in invitations],
                                     ignore_conflicts=True)
    for invitation in invitations:
        subject, body = invitation_email(invitation, reminder=number)
        email_queue(key=f"feedback-reminder-{reminder.pk}-{invitation.pk}", to=[invitation.email], subject=subject,
                    body=body)
    audit.record(questionnaire, action="update", by=by, changes={"reminder": [None, number]},
                 note=f"reminder round {number}: {len(invitations)}")
    return reminder, len(invitations)
