"""Reads of the core: reference data lists and the facility's public figures."""

from django.db.models import Prefetch

from .models import Country, EUMembership, ThematicArea, Topic


def themes_with_topics():
    return ThematicArea.objects.filter(is_active=True).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.filter(is_active=True))
    )


def countries_with_membership():
    return Country.objects.select_related("region").prefetch_related(
        Prefetch("eu_memberships", queryset=EUMembership.objects.all())
    )


def eu_member_codes_on(day) -> set[str]:
    """ISO codes of the countries that were EU members on ``day``."""
    from django.db.models import Q

    return set(
        EUMembership.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("country__code", flat=True)
    )


_figure_sources = []


def register_figure(func):
    """Apps add public headline figures: ``func() -> list[(label, value)]``."""
    if func not in _figure_sources:
        _figure_sources.append(func)
    return func


def facility_figures():
    figures = []
    for func in _figure_sources:
        figures.extend(func())
    return figures
