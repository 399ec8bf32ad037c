"""Who owns a request: the programme officer its tasks and news go to. Assigned by staff, audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core import audit
from pontis.core.errors import ValidationFailed
from pontis.core.models import Region
from pontis.core.permissions import ensure

from ..models import Request


def is_possible_owner(user) -> bool:
    """Only an active programme officer can own a request or an Action."""
    return user is not None and user.has_role(Role.OFFICER)


def check_owner(owner) -> User:
    """``owner`` when it may own a request or an Action; else ValidationFailed on the field ``owner``."""
    if not is_possible_owner(owner):
        message = _("Choose an active programme officer.")
        raise ValidationFailed(message, field="owner", errors={"owner": [message]})
    return owner


def coordinator_for(countries) -> User | None:
    """The coordinator of the region of the first of ``countries`` whose region has one who can own work."""
    region_ids = [c.region_id for c in countries if c.region_id]
    if not region_ids:
        return None
    coordinators = dict(Region.objects.filter(pk__in=region_ids, coordinator__isnull=False)
                        .values_list("pk", "coordinator_id"))
    for region_id in region_ids:
        if region_id in coordinators:
            user = User.objects.filter(pk=coordinators[region_id]).first()
            if is_possible_owner(user):
                return user
    return None


def default_owner(request: Request) -> User | None:
    """The owner a submitted request gets when it has none: the coordinator of its country's region."""
    if request.owner_id is not None:
        return None
    return coordinator_for(list(request.countries.order_by("pk")))


def request_take_default_owner(request: Request) -> None:
    """Give a request without an owner its default one (called at submission, in its transaction); audited as a
    change made by the system."""
    owner = default_owner(request)
    if owner is None:
        return
    with audit.tracking(request, by=None, note="owner by default: regional coordinator"):
        request.owner = owner
        request.save(update_fields=["owner", "updated_at"])


@transaction.atomic
def request_assign_owner(*, request: Request, owner, by) -> Request:
    """Make ``owner`` (an active programme officer) the owner of ``request``; the audit row keeps the old and the new.

    Assigning the current owner again changes nothing. Raises NotAllowed (not staff, or a draft staff cannot see),
    ValidationFailed (``owner`` is not an active programme officer).
    """
    request = Request.objects.select_for_update().get(pk=request.pk)
    ensure(by, "assign_owner", request)
    check_owner(owner)
    if request.owner_id == owner.pk:
        return request
    with audit.tracking(request, by=by):
        request.owner = owner
        request.save(update_fields=["owner", "updated_at"])
    return request
