"""Sending a questionnaire: personal links (one per invitee, e-mailed) and the open QR link of an activity.

Inviting is idempotent: the same e-mail address, or the same meeting registration, twice is the same invitation
(the unique constraints of ``Invitation`` hold it under concurrency), and its e-mail leaves once (the outbox key
names the invitation).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.notifications import email_queue
from pontis.core.permissions import ensure
from pontis.events.models import Registration

from ..models import Invitation, Questionnaire


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, field=field, errors={field: [message]})


def person_key_for(email: str) -> str:
    """The same person's key in every questionnaire (pre/post pairs), derived from the e-mail address and the
    server's secret, so that it names nobody."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:feedback-person:{email.strip().lower()}".encode()).hexdigest()


def personal_link(invitation: Invitation) -> str:
    return reverse("feedback:respond_link", args=[invitation.token])


def absolute(path: str) -> str:
    return settings.PONTIS_SITE_URL.rstrip("/") + path


def open_link(questionnaire: Questionnaire) -> str:
    return reverse("feedback:respond_open", args=[questionnaire.open_key]) if questionnaire.open_key else ""


def _language(value: str, questionnaire: Questionnaire) -> str:
    value = (value or "").split("-")[0].lower()
    languages = questionnaire.languages or [code for code, _name in settings.LANGUAGES]
    return value if value in languages else (languages[0] if languages else settings.LANGUAGE_CODE)


def invitation_email(invitation: Invitation, *, reminder: int = 0) -> tuple[str, str]:
    """(subject, body) in the invitee's language, with the personal link."""
    questionnaire = invitation.questionnaire
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        title = str(translate(questionnaire.title, invitation.language or None))
        if reminder:
            subject = _("Reminder: %(title)s") % {"title": title}
            opening = _("We have not yet received your answers to “%(title)s”.") % {"title": title}
        else:
            subject = _("Your opinion: %(title)s") % {"title": title}
            opening = _("You are invited to answer the questionnaire “%(title)s”.") % {"title": title}
        greeting = _("Dear %(name)s,") % {"name": invitation.name} if invitation.name else _("Hello,")
        lines = [greeting, "", opening,
                 _("Open your personal link (no account needed; you can stop and continue later):"),
                 absolute(personal_link(invitation)), "",
                 _("This link is yours alone: please do not forward it.")]
        if questionnaire.closes_at:
            closes = timezone.localtime(questionnaire.closes_at).date().isoformat()
            lines.append(_("Answers are welcome until %(date)s.") % {"date": closes})
    return subject, "\n".join(lines)


def _send(invitation: Invitation) -> None:
    subject, body = invitation_email(invitation)
    email_queue(key=f"feedback-invitation-{invitation.pk}", to=[invitation.email], subject=subject, body=body)


def _people_rows(people) -> list[dict]:
    rows, seen = [], set()
    for index, person in enumerate(people or []):
        if not isinstance(person, dict):
            raise _invalid("people", _("Each invitee needs at least an e-mail address."))
        email = str(person.get("email") or "").strip().lower()
        if not email or "@" not in email or len(email) > 254:
            raise _invalid(f"people.{index}.email", _("Give a valid e-mail address for each invitee."))
        if email in seen:
            continue
        seen.add(email)
        rows.append({"email": email, "name": str(person.get("name") or "").strip()[:200],
                     "language": str(person.get("language") or ""), "user_id": person.get("user_id") or None,
                     "registration_id": person.get("registration_id")})
    return rows


def _registration_rows(activity) -> list[dict]:
    activity_id = getattr(activity, "pk", activity)
    registrations = Registration.objects.filter(meeting__activity_id=activity_id,
                                                status=Registration.Status.APPROVED).order_by("pk")
    return [{"email": r.email.strip().lower(), "name": r.name, "language": r.language, "user_id": r.user_id,
             "registration_id": r.pk} for r in registrations]


@transaction.atomic
def invitations_create(*, questionnaire: Questionnaire, by, people=(), activity=None,
                       key: str | None = None) -> list[Invitation]:
    """Invite ``people`` (``[{name, email, language, user_id?}]``) and/or every approved registration of the
    meeting of ``activity`` (an Activity or its id), and e-mail each new invitee their personal link after commit.

    Idempotent: an e-mail address or a registration already invited answers the same invitation and sends nothing
    again (``key`` is accepted for the API's retry key; the invitations themselves are the guard). Answers the
    invitations in the order given. Raises NotAllowed, ValidationFailed, IllegalTransition (not open).
    """
    ensure(by, "create", Invitation)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.is_template or questionnaire.status != Questionnaire.Status.OPEN:
        raise IllegalTransition(_("Launch the questionnaire before inviting people."), code="not_open")
    rows = _people_rows(people)
    if activity is not None:
        found = _registration_rows(activity)
        if not found:
            raise _invalid("activity", _("This activity has no meeting with approved participants."))
        known = {r["email"] for r in rows}
        rows += [r for r in found if r["email"] not in known]
    if not rows:
        raise _invalid("people", _("Give at least one invitee."))
    existing = {i.email: i for i in Invitation.objects.filter(questionnaire=questionnaire,
                                                              email__in=[r["email"] for r in rows])}
    new = [Invitation(questionnaire=questionnaire, token=secrets.token_urlsafe(32), name=r["name"], email=r["email"],
                      language=_language(r["language"], questionnaire), user_id=r["user_id"],
                      registration_id=r["registration_id"], person_key=person_key_for(r["email"]), created_by=by)
           for r in rows if r["email"] not in existing]
    if new:
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
    invitations = {i.email: i for i in Invitation.objects.filter(questionnaire=questionnaire,
                                                                 email__in=[r["email"] for r in rows])
                   .select_related("questionnaire")}
    unsent = [i for i in invitations.values() if i.sent_at is None]
    for invitation in unsent:
        _send(invitation)
    if unsent:
        now = timezone.now()
        Invitation.objects.filter(pk__in=[i.pk for i in unsent], sent_at__isnull=True).update(sent_at=now)
        for invitation in unsent:
            invitation.sent_at = now
        audit.record(questionnaire, action="update", by=by, changes={"invited": [None, len(unsent)]},
                     note="invitations")
    return [invitations[r["email"]] for r in rows if r["email"] in invitations]


@transaction.atomic
def open_key_create(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """Give the questionnaire its QR code's open link (kept once made: printed codes keep working)."""
    ensure(by, "create", Invitation)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.is_template:
        raise IllegalTransition(_("A template has no QR code; make a questionnaire from it."), code="template")
    if not questionnaire.open_key:
        questionnaire.open_key = secrets.token_urlsafe(32)
        questionnaire.save(update_fields=["open_key", "updated_at"])
        audit.record(questionnaire, action="update", by=by, changes={"qr_code": [None, "made"]}, note="QR code")
    return questionnaire


def followup_invitation_for(*, follow_up, person) -> Invitation | None:
    """The personal link of ``person`` (a focal point with an account) to the open questionnaire of an outcome
    follow-up, made on first need without an e-mail of its own: the follow-up's reminder (actions) carries it.
    None when the follow-up has no open questionnaire or the person no address. A system step (no ``by``)."""
    questionnaire = Questionnaire.objects.filter(follow_up=follow_up, status=Questionnaire.Status.OPEN,
                                                 is_template=False).first()
    email = (getattr(person, "email", "") or "").strip().lower()
    if questionnaire is None or not email:
        return None
    invitation = Invitation.objects.filter(questionnaire=questionnaire, email=email).first()
    if invitation is None:
        Invitation.objects.bulk_create([Invitation(
            questionnaire=questionnaire, token=secrets.token_urlsafe(32), email=email,
            name=person.get_full_name() if hasattr(person, "get_full_name") else "",
            language=_language(getattr(person, "language", ""), questionnaire), user=person,
            person_key=person_key_for(email), sent_at=timezone.now())], ignore_conflicts=True)
        invitation = Invitation.objects.get(questionnaire=questionnaire, email=email)
    return invitation


def followup_reminder_link(follow_up, person) -> str | None:
    """For actions' follow-up reminder: the person's personal link to the follow-up questionnaire, if any."""
    invitation = followup_invitation_for(follow_up=follow_up, person=person)
    return personal_link(invitation) if invitation is not None and invitation.answered_at is None else None
