"""What awaits each person on the roster ("Awaiting me" on the home page), read from its state.

Registered with ``pontis.core.registry.task_provider``; one query per provider (rows and total together).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.awaiting import LocalDays, prepared_tasks, url_of_pk
from pontis.core.permissions import can
from pontis.core.registry import Task, task_is_new

from .models import ExpertProfile, Invitation
from .selectors import profiles_awaiting_vetting, profiles_erasure_requested
from .services.profiles import STALE_AFTER_DAYS

VETTING_DUE_DAYS = 14  # a registration waiting longer than this is shown as overdue


def _profile_tasks(rows, total, *, kind, since, due_days=None, more_url=""):
    days = LocalDays()
    today = days.today
    url = url_of_pk("experts:profile")
    tasks = []
    for p in rows:
        started = since(p)
        due = days.day(started) + datetime.timedelta(days=due_days) if due_days and started else None
        tasks.append(Task(kind=kind, label=p.full_name or p.email, url=url(p.pk),
                          since=started, due=due, overdue=bool(due and due < today), new=days.is_new(started),
                          total=total, more_url=more_url))
    return tasks


def _to_vet():
    return profiles_awaiting_vetting().only("pk", "given_name", "family_name", "email", "created_at").order_by("created_at")


def _to_erase():
    return profiles_erasure_requested().only("pk", "given_name", "family_name", "email", "erasure_requested_at").order_by(
        "erasure_requested_at")


def vet_tasks(user) -> list[Task]:
    """Staff: registered experts (e-mail confirmed) awaiting vetting; the partial index ``experts_profile_to_vet``
    keeps this a handful of rows among 100,000."""
    if not can(user, "vet", ExpertProfile):
        return []
    rows, total = prepared_tasks("experts.vet_tasks", _to_vet, {})
    return _profile_tasks(rows, total, kind=_("Vet the expert"), since=lambda p: p.created_at, due_days=VETTING_DUE_DAYS,
                          more_url=reverse("experts:roster") + "?status=registered")


def erasure_tasks(user) -> list[Task]:
    """Staff: experts who asked for their data to be erased, not yet anonymised."""
    if not can(user, "anonymise", ExpertProfile):
        return []
    rows, total = prepared_tasks("experts.erasure_tasks", _to_erase, {})
    return _profile_tasks(rows, total, kind=_("Answer the request to erase the expert's data"),
                          since=lambda p: p.erasure_requested_at, due_days=30)


def _pending_invitations(*, user):
    return (Invitation.objects.filter(profile__user=user, status=Invitation.Status.PENDING)
            .select_related("activity__action").only("pk", "created_at", "start_date", "activity__sequence",
                                                     "activity__action__code")
            .order_by("start_date", "pk"))


def invitation_tasks(user) -> list[Task]:
    """Experts: invitations to an activity not yet answered (due before the activity starts)."""
    if not user.has_role(Role.EXPERT):
        return []
    rows, total = prepared_tasks("experts.invitation_tasks", _pending_invitations, {"user": user.pk})
    today = timezone.localdate()
    return [Task(kind=_("Answer the invitation"), label=_("Action %(code)s, activity %(n)s, from %(date)s")
                 % {"code": i.activity.action.code, "n": i.activity.sequence, "date": i.start_date},
                 url=reverse("experts:invitation", args=[i.pk]), since=i.created_at, due=i.start_date,
                 overdue=i.start_date < today, new=task_is_new(i.created_at), total=total) for i in rows]


def profile_tasks(user) -> list[Task]:
    """Experts: their own profile, when it lacks a CV or a thematic area, or was not confirmed for a year."""
    if not user.has_role(Role.EXPERT):
        return []
    stale_before = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    profile = (ExpertProfile.objects.filter(user=user, anonymised_at__isnull=True).exclude(status="inactive")
               .only("pk", "cv", "reconfirmed_at", "created_at")
               .annotate(theme_count=_theme_count()).first())
    if profile is None:
        return []
    url = reverse("experts:me")
    if not profile.cv or not profile.theme_count:
        return [Task(kind=_("Complete your expert profile"), label=_("Your CV and thematic areas"),
                     url=reverse("experts:me_edit"), since=profile.created_at)]
    if profile.reconfirmed_at is None or profile.reconfirmed_at < stale_before:
        return [Task(kind=_("Confirm that your expert profile is up to date"), label=_("Your expert profile"), url=url,
                     since=profile.reconfirmed_at or profile.created_at)]
    return []


def _theme_count():
    return Count("themes", filter=Q(themes__isnull=False))
