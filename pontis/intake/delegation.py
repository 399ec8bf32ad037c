"""The EU Delegation's consultation as shown on a request's page (a panel registered in apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core.awaiting import prepared_rows
from pontis.core.i18n import translate
from pontis.core.permissions import can, policy_for, visible_to
from pontis.core.registry import Task, task_is_new, tasks_query
from pontis.core.roles import Role

from .models import DelegationConsultation


def _consultations_on(pk):
    return DelegationConsultation.objects.filter(request_id=pk).order_by("requested_at", "id")


def _consultations_shown_on(pk):
    return _consultations_on(pk).select_related("country", "requested_by", "answered_by")


def consultations_for(user, request_obj):
    """The consultations on ``request_obj`` (a request the person may see) this person may read, oldest first."""
    # Most requests have none: asked first without their country and people (the joins cost the request page more
    # than the read itself), then, only when there are some, again with them. Staff and the committee read every
    # consultation on the request: their statements are compiled once per worker (``prepared_rows``).
    if policy_for(DelegationConsultation).reads_all_on(user, request_obj):
        values = {"pk": request_obj.pk}
        if not prepared_rows("intake.delegation.consultations_on", _consultations_on, values):
            return []
        return prepared_rows("intake.delegation.consultations_shown_on", _consultations_shown_on, values)
    consultations = policy_for(DelegationConsultation).visible_on(user, request_obj).order_by("requested_at", "id")
    if not list(consultations):
        return []
    return list(consultations.select_related("country", "requested_by", "answered_by"))


def delegation_panel(request, obj) -> dict | None:
    """Staff ask the Delegation and read its opinion; the committee reads it when deciding; the Delegation sees
    what it was asked, with a link to answer. Nothing for anyone else."""
    user = request.user
    if not can(user, "view", DelegationConsultation):
        return None
    consultations = consultations_for(user, obj)
    may_consult = can(user, "consult_delegation", obj)
    if not consultations and not may_consult:
        return None
    open_countries = {c.country_id for c in consultations if c.is_open}
    rows = [{"consultation": c, "answer_url": reverse("intake:opinion", args=[c.pk]),
             "may_answer": c.is_open and can(user, "answer", c)} for c in consultations]
    return {
        "placement": "side", "template": "intake/_delegation_panel.html", "rows": rows,
        "may_consult": may_consult, "request_obj": obj,
        "countries": [c for c in obj.countries.all() if c.pk not in open_countries] if may_consult else [],
    }


def opinion_tasks(user) -> list:
    """The EU Delegation: consultations on its countries' requests still waiting for its opinion ("Awaiting me").
    A task disappears once anyone of the Delegation has answered."""
    if not user.has_role(Role.DELEGATION) or not user.delegation_country_ids:
        return []
    qs = (visible_to(user, DelegationConsultation).filter(answered_at__isnull=True)
          .select_related("request").only("pk", "requested_at", "request__title")
          .order_by("requested_at", "pk"))
    rows, total = tasks_query(qs)
    return [Task(kind=_("Give your opinion on a request"),
                 label=str(translate(c.request.title)) or str(_("Untitled request")),
                 url=reverse("intake:opinion", args=[c.pk]), since=c.requested_at, new=task_is_new(c.requested_at),
                 total=total) for c in rows]
