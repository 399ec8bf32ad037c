from django.db.models import Count, Q

from pontis.core.permissions import visible_to

from .models import ApiToken, Institution, Role, RoleAssignment, User


def institutions_for(user, *, q: str = "", country: str = ""):
    qs = visible_to(user, Institution).select_related("country", "type").annotate(people=Count("memberships"))
    if q:
        qs = qs.filter(Q(acronym__icontains=q) | Q(name__icontains=q))
    if country:
        qs = qs.filter(country__code=country.upper())
    return qs.order_by("country__code", "acronym", "id")


def tokens_of(user):
    """A person's own API tokens (never anyone else's: tokens are not shared, not even with administrators)."""
    return ApiToken.objects.filter(user=user)


def institution_detail_queryset():
    return Institution.objects.select_related("country", "type")


def people_for(user, *, q: str = "", role: str = ""):
    qs = visible_to(user, User).prefetch_related("roles__institution")
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(given_name__icontains=q) | Q(family_name__icontains=q))
    if role:
        qs = qs.filter(roles__role=role).distinct()
    return qs.order_by("family_name", "given_name", "email")


def delegation_people(country_ids) -> list[User]:
    """The active people whose EU Delegation role covers one of ``country_ids`` (those told and asked about it)."""
    ids = [pk for pk in country_ids if pk is not None]
    if not ids:
        return []
    return list(User.objects.filter(is_active=True, roles__role=Role.DELEGATION, roles__country_id__in=ids).distinct())


def officers_active():
    """The active programme officers: the people who can own a request or an Action, by name."""
    return (User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.filter(role=Role.OFFICER).values("user_id"))
            .order_by("family_name", "given_name", "email"))


def focal_point_people(institution=None, *, institutions=None):
    """The active partner focal points (of ``institution``, or of any of the ``institutions`` queryset, when given):
    who may be named focal point of an Action."""
    people = User.objects.filter(is_active=True, roles__role=Role.FOCAL_POINT)
    if institution is not None:
        people = people.filter(roles__institution=institution)
    if institutions is not None:
        people = people.filter(roles__institution__in=institutions)
    return people.distinct().order_by("family_name", "given_name", "email")
