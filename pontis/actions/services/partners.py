"""Partner institutions of an Action and their operational and strategic focal points, changed during the Action.

At approval each requesting institution becomes a partner (``action_create_from_request``); while the Action is
in design or ongoing, staff add institutions, change their focal points and remove them. Each change is atomic,
audited, and refused with a clear message: no institution twice, a focal point must be one of the institution's
focal points, nothing changes once the Action is completed or cancelled.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure

from ..models import Action, ActionPartner
from ._common import action_url

OPEN_STATUSES = (Action.Status.DESIGN, Action.Status.ONGOING)
FOCAL_FIELDS = ("operational_focal_point", "strategic_focal_point")


def partners_changeable(action: Action) -> bool:
    """Whether the Action's partners may still change (in design or ongoing)."""
    return action.status in OPEN_STATUSES


def _locked_action(action: Action) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not partners_changeable(action):
        raise IllegalTransition(_("This Action is closed: its partners can no longer change."), code="action_closed")
    return action


def _check_focal_points(institution, people: dict) -> None:
    errors = {}
    for field, person in people.items():
        if person is None:
            continue
        person.forget_cached_roles()
        if not person.is_active or institution.pk not in person.focal_institution_ids:
            errors[field] = [_("%(person)s is not a focal point of %(institution)s.") % {
                "person": person, "institution": institution}]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field=next(iter(errors)), errors=errors)


def _record_on_action(action: Action, *, by, before_ids: list[int], note: str) -> None:
    """The Action's own history shows which institutions were its partners before and after."""
    after_ids = sorted(action.partners.values_list("institution_id", flat=True))
    audit.record(action, action="update", by=by, changes={"partner_institutions": [before_ids, after_ids]}, note=note)


def _tell_new_focal_points(action: Action, partner: ActionPartner, before: dict) -> None:
    named = [getattr(partner, field) for field in FOCAL_FIELDS
             if getattr(partner, f"{field}_id") and getattr(partner, f"{field}_id") != before.get(field)]
    if not named:
        return
    notify(recipients=named, event="actions.focal_point_named",
           params={"action": action.pk, "code": action.code, "title": dict(action.title or {}),
                   "institution": dict(partner.institution.name or {})},
           target=action, url=action_url(action),
           dedupe_key=f"action-partner-{partner.pk}-{partner.operational_focal_point_id}-{partner.strategic_focal_point_id}")


@transaction.atomic
def partner_add(*, action: Action, by, institution, operational_focal_point=None, strategic_focal_point=None,
                idempotency_key: str | None = None) -> ActionPartner:
    """Add a partner institution to an Action in design or ongoing, with its focal points (optional).

    The same ``idempotency_key`` twice answers the partner the first call added. The named focal points are told.
    Raises NotAllowed (not staff), IllegalTransition (Action completed or cancelled), ValidationFailed (no
    institution, already a partner, a focal point who is not one of the institution's).
    """
    ensure(by, "manage_partners", action)
    claim = creation_claim(scope="actions.partner_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    action = _locked_action(action)
    if institution is None:
        message = _("Choose the institution.")
        raise ValidationFailed(message, field="institution", errors={"institution": [message]})
    if ActionPartner.objects.filter(action=action, institution=institution).exists():
        message = _("%(institution)s is already a partner of this Action.") % {"institution": institution}
        raise ValidationFailed(message, field="institution", errors={"institution": [message]})
    _check_focal_points(institution, {"operational_focal_point": operational_focal_point,
                                      "strategic_focal_point": strategic_focal_point})
    before_ids = sorted(action.partners.values_list("institution_id", flat=True))
    partner = ActionPartner.objects.create(action=action, institution=institution,
                                           operational_focal_point=operational_focal_point,
                                           strategic_focal_point=strategic_focal_point)
    audit.record_create(partner, by=by, note=f"Action {action.code}")
    _record_on_action(action, by=by, before_ids=before_ids, note=f"partner added: {institution}")
    _tell_new_focal_points(action, partner, {})
    return claim.fulfil(partner)


@transaction.atomic
def partner_change(*, partner: ActionPartner, by, operational_focal_point=None,
                   strategic_focal_point=None) -> ActionPartner:
    """Name or change (or clear, with None) the operational and strategic focal points of a partner institution.

    Unchanged values write nothing. Newly named focal points are told.
    Raises NotAllowed, IllegalTransition (Action completed or cancelled), ValidationFailed (not a focal point of
    that institution).
    """
    ensure(by, "manage_partners", partner.action)
    _locked_action(partner.action)
    partner = ActionPartner.objects.select_for_update().select_related("action", "institution").get(pk=partner.pk)
    _check_focal_points(partner.institution, {"operational_focal_point": operational_focal_point,
                                              "strategic_focal_point": strategic_focal_point})
    before = audit.snapshot(partner)
    partner.operational_focal_point = operational_focal_point
    partner.strategic_focal_point = strategic_focal_point
    if (partner.operational_focal_point_id, partner.strategic_focal_point_id) == (
            before.get("operational_focal_point"), before.get("strategic_focal_point")):
        return partner
    partner.save()
    audit.record_update(partner, by=by, before=before, note=f"Action {partner.action.code}")
    _tell_new_focal_points(partner.action, partner, before)
    return partner


@transaction.atomic
def partner_remove(*, partner: ActionPartner, by) -> None:
    """Remove a partner institution from an Action in design or ongoing (its focal points lose access through it).

    Raises NotAllowed, IllegalTransition (Action completed or cancelled).
    """
    ensure(by, "manage_partners", partner.action)
    action = _locked_action(partner.action)
    partner = ActionPartner.objects.select_for_update().select_related("institution").get(pk=partner.pk)
    before_ids = sorted(action.partners.values_list("institution_id", flat=True))
    audit.record_delete(partner, by=by, note=f"Action {action.code}: {partner.institution}")
    partner.delete()
    _record_on_action(action, by=by, before_ids=before_ids, note=f"partner removed: {partner.institution}")
