from django.db.models import Count, Q

from pontis.core.permissions import visible_to

from .models import ApiToken, Institution, User


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
