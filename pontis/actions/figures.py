"""Public headline figures for the landing page: aggregates only, no Action details."""

from django.utils.translation import gettext_lazy as _

from pontis.core.models import Country

from .models import Action


def action_figures():
    completed = Action.objects.filter(status=Action.Status.COMPLETED).count()
    ongoing = Action.objects.filter(status__in=[Action.Status.DESIGN, Action.Status.ONGOING]).count()
    countries = Country.objects.filter(actions__in=Action.objects.exclude(status=Action.Status.CANCELLED)).distinct().count()
    return [
        (_("Actions completed"), completed),
        (_("Actions under way"), ongoing),
        (_("countries supported"), countries),
    ]
