"""What awaits administrators among the people ("Awaiting me" on the home page), read from the accounts' state."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core.awaiting import prepared_tasks
from pontis.core.permissions import can
from pontis.core.registry import Task, task_is_new

from .models import RoleAssignment, User


def _without_role():
    with_role = RoleAssignment.objects.values("user_id")
    return (User.objects.filter(is_active=True, is_superuser=False).exclude(pk__in=with_role)
            .only("pk", "email", "given_name", "family_name", "date_joined").order_by("date_joined", "pk"))


def role_tasks(user) -> list[Task]:
    """Administrators: active accounts with no role yet (they can sign in but see nothing), to give a role to or
    deactivate. One query."""
    if not can(user, "manage_roles", User):
        return []
    rows, total = prepared_tasks("accounts.role_tasks", _without_role, {})
    return [Task(kind=_("Give the person a role"), label=str(person), url=reverse("accounts:person", args=[person.pk]),
                 since=person.date_joined, new=task_is_new(person.date_joined), total=total,
                 more_url=reverse("accounts:people")) for person in rows]
