"""Experts and participants: the people behind the Actions. Breakdowns of people are ``people=True``: a row of fewer
than five people is suppressed for readers who may not see small numbers (registry.suppress)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Activity
from pontis.core.i18n import translate
from pontis.core.models import EUMembership, Region, ThematicArea
from pontis.experts.models import Background, Deployment, ExpertProfile, Gender

from .common import actions_of_place, distinct_count_of, in_period, of_region, of_theme, places_filtered, sum_of
from .filters import Filters
from .registry import BREAKDOWN, NUMBER, SERIES, Result, Row, figure

UNIT_EXPERTS = _("experts")
UNIT_DEPLOYMENTS = _("deployments")
UNIT_PARTICIPANTS = _("participants")

_DEPLOYED = _("Experts with at least one deployment not cancelled that took place at some time in the period (from "
              "its first to its last day), on an Action of the region, theme and country chosen.")


# ---------------------------------------------------------------- experts


def deployments_in(filters: Filters):
    qs = Deployment.objects.exclude(status="cancelled").filter(in_period(filters, "start_date", "end_date"))
    if places_filtered(filters):
        qs = qs.filter(activity__action__in=actions_of_place(filters).values("pk"))
    return qs


def _member_on_start():
    """The deployment's expert was a national of an EU member state on the deployment's first day
    (EUMembership.covers)."""
    return Exists(EUMembership.objects.filter(country_id=OuterRef("profile__nationality_id"),
                                              joined_on__lte=OuterRef("start_date"))
                  .filter(Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("start_date"))))


@figure("experts.registered", label=_("Experts registered"), unit=UNIT_EXPERTS, kind=NUMBER, section="experts",
        order=10,
        definition=_("Experts on the roster who registered on or before the last day of the period. The roster "
                     "serves every region and theme: the region, theme and country chosen do not apply."))
def experts_registered(filters: Filters) -> Result:
    qs = ExpertProfile.objects.all()
    if filters.date_to:
        qs = qs.filter(registered_on__lte=filters.date_to)
    return Result("experts.registered", value=qs.count())


@figure("experts.deployed", label=_("Experts deployed"), unit=UNIT_EXPERTS, kind=NUMBER, section="experts", order=20,
        definition=_DEPLOYED)
def experts_deployed(filters: Filters) -> Result:
    value = deployments_in(filters).aggregate(n=Count("profile", distinct=True))["n"]
    return Result("experts.deployed", value=value)


@figure("experts.deployments", label=_("Deployments"), unit=UNIT_DEPLOYMENTS, kind=NUMBER, section="experts",
        order=30,
        definition=_("Deployments not cancelled that took place at some time in the period, on an Action of the "
                     "region, theme and country chosen. An expert deployed twice counts twice."))
def experts_deployments(filters: Filters) -> Result:
    return Result("experts.deployments", value=deployments_in(filters).count())


@figure("experts.by_gender", label=_("Experts deployed by gender"), unit=UNIT_EXPERTS, kind=BREAKDOWN, people=True,
        chart="bar", section="experts", order=40,
        definition=_("The experts counted in \"Experts deployed\", by the gender on their profile."))
def experts_by_gender(filters: Filters) -> Result:
    counts = dict(deployments_in(filters).values_list("profile__gender")
                  .annotate(n=Count("profile", distinct=True)).order_by())
    return Result("experts.by_gender", rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Gender.choices))


@figure("experts.by_background", label=_("Experts deployed by background"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=50,
        definition=_("The experts counted in \"Experts deployed\", by their professional background."))
def experts_by_background(filters: Filters) -> Result:
    counts = dict(deployments_in(filters).values_list("profile__background")
                  .annotate(n=Count("profile", distinct=True)).order_by())
    return Result("experts.by_background",
                  rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Background.choices))


@figure("experts.eu", label=_("Experts deployed from EU and non-EU countries"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=60,
        definition=_("The experts counted in \"Experts deployed\": \"EU\" when their nationality was an EU member "
                     "state on the first day of at least one of their deployments in the period, \"non-EU\" "
                     "otherwise (including experts without a nationality recorded). The two rows add up to the "
                     "experts deployed."))
def experts_eu(filters: Filters) -> Result:
    row = deployments_in(filters).annotate(member=_member_on_start()).aggregate(
        total=Count("profile", distinct=True), eu=Count("profile", distinct=True, filter=Q(member=True)))
    return Result("experts.eu", rows=(Row("eu", str(_("EU")), row["eu"]),
                                      Row("non_eu", str(_("non-EU")), row["total"] - row["eu"])))


@figure("experts.government_by_member_state", label=_("Government experts by EU member state"), unit=UNIT_EXPERTS,
        kind=BREAKDOWN, people=True, chart="bar", section="experts", order=70,
        definition=_("Experts counted in \"Experts deployed\" whose background is government, by the EU member "
                     "state of their nationality, when it was a member state on the first day of one of their "
                     "deployments (a British expert deployed in 2019 counts, deployed in 2021 does not; a Croatian "
                     "expert counts from 1 July 2013). Member states without such an expert are left out."))
def government_by_member_state(filters: Filters) -> Result:
    rows = (deployments_in(filters).filter(profile__background=Background.GOVERNMENT)
            .annotate(member=_member_on_start()).filter(member=True)
            .values_list("profile__nationality__code", "profile__nationality__name")
            .annotate(n=Count("profile", distinct=True)).order_by("profile__nationality__code"))
    return Result("experts.government_by_member_state",
                  rows=tuple(Row(code, translate(name) or code, n) for code, name, n in rows))


@figure("experts.by_region", label=_("Experts deployed by region"), unit=UNIT_EXPERTS, kind=BREAKDOWN, people=True,
        chart="bar", section="experts", order=80,
        definition=_("The experts counted in \"Experts deployed\", by the region of the Action they were deployed "
                     "on (its own region and its countries' regions). An expert deployed in two regions counts in "
                     "both."))
def experts_by_region(filters: Filters) -> Result:
    deployments = deployments_in(filters)
    regions = Region.objects.filter(is_active=True).annotate(
        n=distinct_count_of(deployments.filter(of_region("activity__action")), "profile_id"))
    return Result("experts.by_region", rows=tuple(Row(r.code, r.label or r.code, r.n)
                                                  for r in regions.order_by("sort_order", "code")))


@figure("experts.by_theme", label=_("Experts deployed by thematic area"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=90,
        definition=_("The experts counted in \"Experts deployed\", by the thematic areas of the Action they were "
                     "deployed on. An expert on an Action with two thematic areas counts in both."))
def experts_by_theme(filters: Filters) -> Result:
    deployments = deployments_in(filters)
    themes = ThematicArea.objects.filter(is_active=True).annotate(
        n=distinct_count_of(deployments.filter(of_theme("activity__action")), "profile_id"))
    return Result("experts.by_theme", rows=tuple(Row(t.code, t.label or t.code, t.n)
                                                 for t in themes.order_by("sort_order", "code")))


@figure("experts.by_year", label=_("Experts deployed by year"), unit=UNIT_EXPERTS, kind=SERIES, people=True,
        chart="timeline", section="experts", order=100,
        definition=_("The experts counted in \"Experts deployed\", by the year their deployment started. An expert "
                     "deployed in two years counts in both."))
def experts_by_year(filters: Filters) -> Result:
    counts = dict(deployments_in(filters).annotate(y=ExtractYear("start_date")).values_list("y")
                  .annotate(n=Count("profile", distinct=True)).order_by())
    return Result("experts.by_year", rows=_years(counts))


def _years(counts: dict) -> tuple[Row, ...]:
    counts = {y: n for y, n in counts.items() if y is not None}
    if not counts:
        return ()
    return tuple(Row(str(y), str(y), counts.get(y, 0)) for y in range(min(counts), max(counts) + 1))


# ---------------------------------------------------------------- participants

_PARTICIPANTS = _("People who took part in the activities delivered or reported that started in the period, on "
                  "an Action of the region, theme and country chosen: the women, men and other participants "
                  "recorded on each activity (for a meeting with registration, its attendance).")
PARTICIPANTS = Coalesce(F("participants_women"), 0) + Coalesce(F("participants_men"), 0) + Coalesce(
    F("participants_other"), 0)


def activities_in(filters: Filters):
    qs = Activity.objects.filter(status__in=(Activity.Status.DELIVERED, Activity.Status.REPORTED)).filter(
        in_period(filters, "start_date"))
    if places_filtered(filters):
        qs = qs.filter(action__in=actions_of_place(filters).values("pk"))
    return qs


@figure("participants.total", label=_("Participants"), unit=UNIT_PARTICIPANTS, kind=NUMBER, section="participants",
        order=10, definition=_PARTICIPANTS)
def participants_total(filters: Filters) -> Result:
    return Result("participants.total", value=activities_in(filters).aggregate(n=Sum(PARTICIPANTS))["n"] or 0)


@figure("participants.by_gender", label=_("Participants by gender"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=20,
        definition=_("The participants counted in \"Participants\": women, men, and other or not stated."))
def participants_by_gender(filters: Filters) -> Result:
    row = activities_in(filters).aggregate(women=Sum("participants_women"), men=Sum("participants_men"),
                                           other=Sum("participants_other"))
    labels = (("women", _("Women")), ("men", _("Men")), ("other", _("Other or not stated")))
    return Result("participants.by_gender", rows=tuple(Row(k, str(label), row[k] or 0) for k, label in labels))


@figure("participants.by_region", label=_("Participants by region"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=30,
        definition=_("The participants counted in \"Participants\", by the region of the activity's Action (its own "
                     "region and its countries' regions). An Action in two regions counts its participants in "
                     "both."))
def participants_by_region(filters: Filters) -> Result:
    activities = activities_in(filters)
    regions = Region.objects.filter(is_active=True).annotate(n=sum_of(activities.filter(of_region("action")),
                                                                      PARTICIPANTS))
    return Result("participants.by_region", rows=tuple(Row(r.code, r.label or r.code, r.n)
                                                       for r in regions.order_by("sort_order", "code")))


@figure("participants.by_theme", label=_("Participants by thematic area"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=40,
        definition=_("The participants counted in \"Participants\", by the thematic areas of the activity's Action. "
                     "An Action with two thematic areas counts its participants in both."))
def participants_by_theme(filters: Filters) -> Result:
    activities = activities_in(filters)
    themes = ThematicArea.objects.filter(is_active=True).annotate(n=sum_of(activities.filter(of_theme("action")),
                                                                           PARTICIPANTS))
    return Result("participants.by_theme", rows=tuple(Row(t.code, t.label or t.code, t.n)
                                                      for t in themes.order_by("sort_order", "code")))


@figure("participants.by_year", label=_("Participants by year"), unit=UNIT_PARTICIPANTS, kind=SERIES, people=True,
        chart="timeline", section="participants", order=50,
        definition=_("The participants counted in \"Participants\", by the year the activity started."))
def participants_by_year(filters: Filters) -> Result:
    counts = dict(activities_in(filters).annotate(y=ExtractYear("start_date")).values_list("y")
                  .annotate(n=Sum(PARTICIPANTS)).order_by())
    return Result("participants.by_year", rows=_years(counts))
