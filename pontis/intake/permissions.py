"""Who may see and change requests: one policy, asked by views, the API and the demo alike."""

from django.db.models import Exists, OuterRef, Q

from pontis.accounts.models import Role
from pontis.core.permissions import Policy, can, register
from pontis.core.roles import is_staff as _is_staff

from .models import COMMITTEE_STATUSES, EDITABLE_STATUSES, OPEN_STATUSES, DelegationConsultation, Request
from .models import RequestStatus as S

# Who works with requests: requesters (focal points), staff who screen them, the committee that decides, and the
# EU Delegations, which read the requests concerning their country and give their opinion when asked.
REQUEST_ROLES = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.FOCAL_POINT, Role.DELEGATION)


def _delegation_of(user, request) -> bool:
    """An EU Delegation covering one of the request's countries (any Delegation when asked without a request)."""
    if not user.has_role(Role.DELEGATION):
        return False
    if request is None:
        return True
    return bool({c.pk for c in request.countries.all()} & user.delegation_country_ids)


def _requester_of(user, obj) -> bool:
    """A focal point of one of the requesting institutions (or the author of a draft with none yet).
    Without a request (``obj`` None, the question a page asks before it opens one): any focal point."""
    if not user.has_role(Role.FOCAL_POINT):
        return False
    if obj is None:
        return True
    ids = {i.pk for i in obj.institutions.all()}
    if not ids:
        return obj.submitted_by_id == user.pk
    return bool(ids & user.focal_institution_ids)


def _loaded_institution_ids(obj) -> set:
    """The ids of the request's institutions when they were loaded with it (prefetched), else none: never a
    query (a request's page loads them; elsewhere the database is asked)."""
    loaded = getattr(obj, "_prefetched_objects_cache", {}).get("institutions")
    return {i.pk for i in loaded} if loaded is not None else set()


@register
class RequestPolicy(Policy):
    model = Request

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return Request.objects.none()
        # Conditions on related rows are subqueries, never joins: a request then appears once without wrapping the
        # whole condition in "id IN (...)", which made every list, count and check read all requests a second time.
        parts = []
        if user.has_role(Role.FOCAL_POINT):
            # The few ids first (an index each, then a union): an OR of the two lets the planner walk every request.
            of_institutions = (
                Request.institutions.through.objects.filter(institution_id__in=sorted(user.focal_institution_ids))
                .order_by()
                .values("request_id")
            )
            own = Request.objects.filter(submitted_by=user).order_by().values("pk")
            parts.append(Q(pk__in=of_institutions.union(own)))
        if _is_staff(user):
            # Officers see everything submitted, never other people's drafts.
            parts.append(Q(submitted_at__isnull=False) | Q(submitted_by=user))
        if user.has_role(Role.COMMITTEE):
            parts.append(Q(status__in=COMMITTEE_STATUSES, forwarded_at__isnull=False))
        if user.has_role(Role.DELEGATION):
            # What was submitted about the Delegation's countries; never a draft.
            of_countries = Request.countries.through.objects.filter(
                request_id=OuterRef("pk"), country_id__in=sorted(user.delegation_country_ids)
            )
            parts.append(Q(submitted_at__isnull=False) & Exists(of_countries))
        if not parts:
            return Request.objects.none()
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return Request.objects.filter(condition)

    def _visible(self, user, obj):
        if obj is None or obj.pk is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        # What the loaded request already says, by the conditions of ``visible_to``: the request's page asks this
        # several times (its verbs, the follow button, the panels) and each asked the database again. Only a "yes"
        # is taken from memory; anything else is asked of the database.
        if _is_staff(user) and (obj.submitted_at is not None or obj.submitted_by_id == user.pk):
            return True
        if user.has_role(Role.COMMITTEE) and obj.status in COMMITTEE_STATUSES and obj.forwarded_at is not None:
            return True
        if user.has_role(Role.FOCAL_POINT) and (
                obj.submitted_by_id == user.pk or _loaded_institution_ids(obj) & user.focal_institution_ids):
            return True
        return self.visible_to(user).filter(pk=obj.pk).exists()

    # Asked without a request (``can(user, "view", Request)``), a verb answers whether the person may ever do it:
    # that is the gate of the page; asked of a request, whether they may do it to that one.
    def can_list(self, user, obj=None):
        return user.has_any_role(*REQUEST_ROLES)

    def can_view(self, user, obj=None):
        return user.has_any_role(*REQUEST_ROLES) if obj is None else self._visible(user, obj)

    # requester
    def can_create(self, user, obj=None):
        return user.has_role(Role.FOCAL_POINT)

    def can_edit(self, user, obj):
        return _requester_of(user, obj) and (obj is None or obj.status in EDITABLE_STATUSES)

    def can_submit(self, user, obj):
        return _requester_of(user, obj)

    def can_withdraw(self, user, obj):
        return _requester_of(user, obj)

    def can_answer(self, user, obj):
        return _requester_of(user, obj)

    # officers
    def can_screen(self, user, obj):
        return _is_staff(user) and (obj is None or obj.submitted_at is not None)

    def can_forward(self, user, obj):
        return self.can_screen(user, obj)

    def can_assign_owner(self, user, obj):
        """Staff give a request its owning officer (or take it over)."""
        return self.can_screen(user, obj)

    def can_ask_info(self, user, obj):
        return self.can_screen(user, obj)

    # committee
    def can_decide(self, user, obj):
        return user.has_role(Role.COMMITTEE) and (obj is None or obj.forwarded_at is not None)

    def can_reject(self, user, obj):
        """Officers reject at screening (not eligible); the committee rejects what was forwarded to it."""
        if obj is None:
            return self.can_screen(user, None) or self.can_decide(user, None)
        if obj.status == S.FORWARDED:
            return self.can_decide(user, obj)
        return self.can_screen(user, obj)

    def can_note(self, user, obj):
        """Internal notes: staff on anything submitted, committee members on what reached them."""
        if obj is None:
            return self.can_screen(user, None) or self.can_decide(user, None)
        if self.can_screen(user, obj):
            return True
        return user.has_role(Role.COMMITTEE) and obj.status in COMMITTEE_STATUSES and obj.forwarded_at is not None

    def can_see_internal(self, user, obj):
        return _is_staff(user) or user.has_role(Role.COMMITTEE)

    def can_follow(self, user, obj=None):
        """Following a request (its news reaches them): staff and committee members who can see it."""
        if not getattr(user, "is_authenticated", False) or not (_is_staff(user) or user.has_role(Role.COMMITTEE)):
            return False
        return obj is None or self._visible(user, obj)

    def can_download(self, user, obj):
        # The EU Delegation reads the request, not the endorsement letter (a document of the requester's leadership).
        if obj is not None and not (_is_staff(user) or user.has_any_role(Role.COMMITTEE, Role.FOCAL_POINT)):
            return False
        return self.can_view(user, obj)

    def can_see_at_risk(self, user, obj=None):
        """The list of requests at risk of missing the 90-day promise: the staff who keep it."""
        return _is_staff(user)

    def can_delete_draft(self, user, obj):
        """The person who started a draft may throw it away while it is still a draft (nobody else has seen it)."""
        if not user.has_role(Role.FOCAL_POINT):
            return False
        return obj is None or (obj.status == S.DRAFT and obj.submitted_by_id == user.pk)

    # the EU Delegation
    def can_consult_delegation(self, user, obj):
        """Staff ask the Delegation for its opinion while the request is open (screening up to the decision)."""
        return self.can_screen(user, obj) and (obj is None or obj.status in OPEN_STATUSES)

    def can_give_opinion(self, user, obj):
        """The Delegation of one of the request's countries, on a request it may see."""
        return _delegation_of(user, obj) and (obj is None or obj.submitted_at is not None)


@register
class DelegationConsultationPolicy(Policy):
    """A consultation is seen by whoever sees its request and may read the opinions (staff, the committee), and by
    the Delegation of its country; only that Delegation answers it, once."""

    model = DelegationConsultation

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return DelegationConsultation.objects.none()
        requests = RequestPolicy().visible_to(user).values("pk")
        condition = Q(pk__in=[])
        if _is_staff(user) or user.has_role(Role.COMMITTEE):
            condition |= Q(request__in=requests)
        if user.has_role(Role.DELEGATION):
            condition |= Q(request__in=requests, country__in=sorted(user.delegation_country_ids))
        return DelegationConsultation.objects.filter(condition)

    def visible_on(self, user, request_obj):
        """The consultations on ``request_obj``, a request ``user`` may see, that they may read: the rows of
        ``visible_to(user).filter(request=request_obj)`` without asking the database again about the request."""
        if not can(user, "view", request_obj):
            return DelegationConsultation.objects.none()
        if self.reads_all_on(user, request_obj):
            return DelegationConsultation.objects.filter(request=request_obj)
        if user.has_role(Role.DELEGATION):
            return DelegationConsultation.objects.filter(request=request_obj,
                                                         country__in=sorted(user.delegation_country_ids))
        return DelegationConsultation.objects.none()

    def reads_all_on(self, user, request_obj) -> bool:
        """Whether ``user`` reads every consultation on ``request_obj`` (staff and the committee, on a request they
        may see): ``visible_on`` is then every consultation on it."""
        return (_is_staff(user) or user.has_role(Role.COMMITTEE)) and can(user, "view", request_obj)

    def can_view(self, user, obj=None):
        return _is_staff(user) or user.has_any_role(Role.COMMITTEE, Role.DELEGATION)

    def can_answer(self, user, obj=None):
        if not user.has_role(Role.DELEGATION):
            return False
        return obj is None or obj.country_id in user.delegation_country_ids  # once: the service checks it is open
