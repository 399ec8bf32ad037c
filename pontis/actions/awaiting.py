"""What awaits each person among the Actions ("Awaiting me" on the home page), read from their state.

Registered with ``pontis.core.registry.task_provider``; one query per provider (rows and total together).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.awaiting import prepared_tasks
from pontis.core.permissions import can
from pontis.core.registry import Task, task_is_new

from .models import Action, FicheProposal, FicheVersion, FollowUp


def owned_or_unowned_for(user, prefix: str = "") -> Q:
    """Actions whose work falls to ``user``: owned by them; or without an owner and in a region they coordinate;
    or without an owner in a region without a coordinator (then every officer may take it)."""
    p = prefix
    return Q(**{f"{p}owner": user}) | Q(**{f"{p}owner__isnull": True}) & (
        Q(**{f"{p}region__coordinator": user}) | Q(**{f"{p}region__coordinator__isnull": True}))


def _partner_of(institutions, prefix: str = "") -> Q:
    """Actions that one of ``institutions`` (ids) is a partner of."""
    return Q(**{f"{prefix}partners__institution_id__in": institutions})


def _label(action_code, what) -> str:
    return f"{action_code} · {what}"


def _fiche_url(code) -> str:
    return reverse("actions:fiche", args=[code])


def _agreed_fiches(*, user):
    return (FicheVersion.objects.filter(owned_or_unowned_for(user, "action__"), status=FicheVersion.Status.DRAFT,
                                        partner_agreed_on__isnull=False)
            .select_related("action").only("pk", "number", "partner_agreed_on", "action__code", "action__title")
            .order_by("partner_agreed_on", "pk"))


def fiche_agree_tasks(user) -> list[Task]:
    """Staff: draft fiches the partner has agreed, waiting for staff to record the agreement."""
    if not can(user, "edit_fiche", Action):
        return []
    rows, total = prepared_tasks("actions.fiche_agree_tasks", _agreed_fiches, {"user": user.pk})
    return [Task(kind=_("Record the agreement of the Action Fiche"), label=str(v.action), url=_fiche_url(v.action.code),
                 since=v.partner_agreed_on, new=task_is_new(v.partner_agreed_on), total=total) for v in rows]


def _open_proposals(*, user):
    return (FicheProposal.objects.filter(owned_or_unowned_for(user, "version__action__"),
                                         status=FicheProposal.Status.OPEN, version__status=FicheVersion.Status.DRAFT)
            .select_related("version__action").only("pk", "created_at", "version__action__code", "version__action__title")
            .order_by("created_at", "pk"))


def proposal_tasks(user) -> list[Task]:
    """Staff: changes to a draft fiche proposed by a partner and not yet accepted or declined."""
    if not can(user, "edit_fiche", Action):
        return []
    rows, total = prepared_tasks("actions.proposal_tasks", _open_proposals, {"user": user.pk})
    return [Task(kind=_("Accept or decline the partner's proposed change"), label=str(p.version.action),
                 url=_fiche_url(p.version.action.code), since=p.created_at, new=task_is_new(p.created_at), total=total)
            for p in rows]


def _fiches_to_agree(*, institutions):
    mine = Action.objects.filter(_partner_of(institutions)).values("pk")
    return (FicheVersion.objects.filter(action__in=mine, status=FicheVersion.Status.DRAFT, partner_agreed_on__isnull=True)
            .exclude(content__overall_objective="").filter(content__has_key="overall_objective")
            .select_related("action").only("pk", "updated_at", "action__code", "action__title")
            .order_by("updated_at", "pk"))


def partner_agree_tasks(user) -> list[Task]:
    """Partner focal points: a draft fiche of their Action, written (it has an overall objective) and not yet agreed
    by the partner. Staff saving new text withdraws an earlier consent, so the task comes back."""
    if not user.focal_institution_ids:
        return []
    rows, total = prepared_tasks("actions.partner_agree_tasks", _fiches_to_agree,
                                 {"institutions": sorted(user.focal_institution_ids)}, lists=("institutions",))
    return [Task(kind=_("Read and agree the Action Fiche"), label=str(v.action), url=_fiche_url(v.action.code),
                 since=v.updated_at, new=task_is_new(v.updated_at), total=total) for v in rows]


def _follow_ups(who, today):
    return (FollowUp.objects.filter(who, due_on__lte=today, reminded_at__isnull=False, recorded_at__isnull=True)
            .select_related("action").only("pk", "months", "due_on", "action__code", "action__title")
            .order_by("due_on", "pk"))


def _staff_follow_ups(*, user, today):
    return _follow_ups(owned_or_unowned_for(user, "action__"), today)


def _partner_follow_ups(*, institutions, today):
    return _follow_ups(Q(action__in=Action.objects.filter(_partner_of(institutions)).values("pk")),
                       today)


def follow_up_tasks(user) -> list[Task]:
    """Staff (for the Actions that fall to them) and the partner's focal points: outcome follow-ups due, asked for
    (the reminder went out: the Action page offers the form from then on) and not recorded. Recorded by either
    side, the task leaves both. Historical follow-ups nobody was ever asked for stay out of the list."""
    staff = can(user, "close", Action)
    if not staff and not user.focal_institution_ids:
        return []
    today = timezone.localdate()
    if staff:
        rows, total = prepared_tasks("actions.follow_up_tasks.staff", _staff_follow_ups, {"user": user.pk, "today": today},
                                     dates=("today",))
    else:
        rows, total = prepared_tasks("actions.follow_up_tasks.partner", _partner_follow_ups,
                                     {"institutions": sorted(user.focal_institution_ids), "today": today},
                                     lists=("institutions",), dates=("today",))
    return [Task(kind=_("Record the outcome follow-up"),
                 label=_("%(action)s, %(months)d months after closure") % {"action": f.action, "months": f.months},
                 url=reverse("actions:detail", args=[f.action.code]) + "#follow-ups", since=f.due_on, due=f.due_on,
                 overdue=(today - f.due_on).days > 30, new=task_is_new(f.due_on), total=total) for f in rows]
