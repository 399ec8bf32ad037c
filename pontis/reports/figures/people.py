"""Experts and participants: the people behind the Actions. Breakdowns of people are ``people=True``: a row of fewer
than five people is suppressed for readers who may not see small numbers (registry.suppress)."""

from __future__ import annotations

from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Activity
from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.core.selectors import cached_figures
from pontis.experts.models import Background, Deployment, ExpertProfile, Gender

from .common import actions_of_place, by_place, in_period, places_filtered
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
    """The nationality's EU membership that covers the deployment's first day (EUMembership.covers), as a
    relation joined once per deployment: a correlated EXISTS per row cost three times as much at 300,000
    deployments."""
    path = "profile__nationality__eu_memberships"
    return FilteredRelation(path, condition=Q(**{f"{path}__joined_on__lte": F("start_date")}) & (
        Q(**{f"{path}__left_on__isnull": True}) | Q(**{f"{path}__left_on__gte": F("start_date")})))


def _experts_cube(filters: Filters) -> list[dict]:
    """The experts deployed, counted once per (gender, background, nationality): ``n`` experts, ``eu`` of them EU
    nationals on the first day of at least one of their deployments. Each expert has one gender, background and
    nationality, so the groups add up to the experts deployed; "Experts deployed", its breakdowns by gender,
    background and EU / non-EU and the government experts by member state are all sums of these groups: one
    query over the deployments for five figures, shared through the figures cache."""

    def compute() -> list[dict]:
        return list(deployments_in(filters).annotate(membership=_member_on_start())
                    .values("profile__gender", "profile__background", "profile__nationality_id")
                    .annotate(n=Count("profile", distinct=True),
                              eu=Count("profile", distinct=True, filter=Q(membership__id__isnull=False)))
                    .order_by())

    return cached_figures(f"experts-cube:{filters.key}", compute)


def _cube_sum(filters: Filters, key: str, *, measure: str = "n") -> dict:
    totals: dict = {}
    for group in _experts_cube(filters):
        totals[group[key]] = totals.get(group[key], 0) + group[measure]
    return totals


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
    return Result("experts.deployed", value=sum(g["n"] for g in _experts_cube(filters)))


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
    counts = _cube_sum(filters, "profile__gender")
    return Result("experts.by_gender", rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Gender.choices))


@figure("experts.by_background", label=_("Experts deployed by background"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=50,
        definition=_("The experts counted in \"Experts deployed\", by their professional background."))
def experts_by_background(filters: Filters) -> Result:
    counts = _cube_sum(filters, "profile__background")
    return Result("experts.by_background",
                  rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Background.choices))


@figure("experts.eu", label=_("Experts deployed from EU and non-EU countries"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=60,
        definition=_("The experts counted in \"Experts deployed\": \"EU\" when their nationality was an EU member "
                     "state on the first day of at least one of their deployments in the period, \"non-EU\" "
                     "otherwise (including experts without a nationality recorded). The two rows add up to the "
                     "experts deployed."))
def experts_eu(filters: Filters) -> Result:
    cube = _experts_cube(filters)
    total, eu = sum(g["n"] for g in cube), sum(g["eu"] for g in cube)
    return Result("experts.eu", rows=(Row("eu", str(_("EU")), eu), Row("non_eu", str(_("non-EU")), total - eu)))


@figure("experts.government_by_member_state", label=_("Government experts by EU member state"), unit=UNIT_EXPERTS,
        kind=BREAKDOWN, people=True, chart="bar", section="experts", order=70,
        definition=_("Experts counted in \"Experts deployed\" whose background is government, by the EU member "
                     "state of their nationality, when it was a member state on the first day of one of their "
                     "deployments (a British expert deployed in 2019 counts, deployed in 2021 does not; a Croatian "
                     "expert counts from 1 July 2013). Member states without such an expert are left out."))
def government_by_member_state(filters: Filters) -> Result:
    counts: dict = {}
    for g in _experts_cube(filters):
        if g["profile__background"] == Background.GOVERNMENT and g["eu"]:
            counts[g["profile__nationality_id"]] = counts.get(g["profile__nationality_id"], 0) + g["eu"]
    countries = Country.objects.filter(pk__in=counts).order_by("code") if counts else []
    return Result("experts.government_by_member_state",
                  rows=tuple(Row(c.code, translate(c.name) or c.code, counts[c.pk]) for c in countries))


@figure("experts.by_region", label=_("Experts deployed by region"), unit=UNIT_EXPERTS, kind=BREAKDOWN, people=True,
        chart="bar", section="experts", order=80,
        definition=_("The experts counted in \"Experts deployed\", by the region of the Action they were deployed "
                     "on (its own region and its countries' regions). An expert deployed in two regions counts in "
                     "both."))
def experts_by_region(filters: Filters) -> Result:
    rows = by_place(deployments_in(filters), kind="region", action="activity__action_id", measure="profile_id",
                    how="distinct")
    return Result("experts.by_region", rows=tuple(Row(r.code, r.label or r.code, n) for r, n in rows))


@figure("experts.by_theme", label=_("Experts deployed by thematic area"), unit=UNIT_EXPERTS, kind=BREAKDOWN,
        people=True, chart="bar", section="experts", order=90,
        definition=_("The experts counted in \"Experts deployed\", by the thematic areas of the Action they were "
                     "deployed on. An expert on an Action with two thematic areas counts in both."))
def experts_by_theme(filters: Filters) -> Result:
    rows = by_place(deployments_in(filters), kind="theme", action="activity__action_id", measure="profile_id",
                    how="distinct")
    return Result("experts.by_theme", rows=tuple(Row(t.code, t.label or t.code, n) for t, n in rows))


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


def _participants_by_year(filters: Filters) -> list[dict]:
    """The women, men and other participants of the activities in scope, by the year the activity started: one
    query for "Participants", its breakdown by gender and by year, shared through the figures cache."""

    def compute() -> list[dict]:
        return list(activities_in(filters).annotate(y=ExtractYear("start_date")).values("y")
                    .annotate(women=Sum("participants_women"), men=Sum("participants_men"),
                              other=Sum("participants_other")).order_by())

    return cached_figures(f"participants-years:{filters.key}", compute)


def _participants(row: dict) -> int:
    return (row["women"] or 0) + (row["men"] or 0) + (row["other"] or 0)


@figure("participants.total", label=_("Participants"), unit=UNIT_PARTICIPANTS, kind=NUMBER, section="participants",
        order=10, definition=_PARTICIPANTS)
def participants_total(filters: Filters) -> Result:
    return Result("participants.total", value=sum(_participants(r) for r in _participants_by_year(filters)))


@figure("participants.by_gender", label=_("Participants by gender"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=20,
        definition=_("The participants counted in \"Participants\": women, men, and other or not stated."))
def participants_by_gender(filters: Filters) -> Result:
    years = _participants_by_year(filters)
    labels = (("women", _("Women")), ("men", _("Men")), ("other", _("Other or not stated")))
    return Result("participants.by_gender", rows=tuple(Row(k, str(label), sum(r[k] or 0 for r in years))
                                                       for k, label in labels))


@figure("participants.by_region", label=_("Participants by region"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=30,
        definition=_("The participants counted in \"Participants\", by the region of the activity's Action (its own "
                     "region and its countries' regions). An Action in two regions counts its participants in "
                     "both."))
def participants_by_region(filters: Filters) -> Result:
    rows = by_place(activities_in(filters), kind="region", action="action_id", measure=PARTICIPANTS, how="sum")
    return Result("participants.by_region", rows=tuple(Row(r.code, r.label or r.code, n) for r, n in rows))


@figure("participants.by_theme", label=_("Participants by thematic area"), unit=UNIT_PARTICIPANTS, kind=BREAKDOWN,
        people=True, chart="bar", section="participants", order=40,
        definition=_("The participants counted in \"Participants\", by the thematic areas of the activity's Action. "
                     "An Action with two thematic areas counts its participants in both."))
def participants_by_theme(filters: Filters) -> Result:
    rows = by_place(activities_in(filters), kind="theme", action="action_id", measure=PARTICIPANTS, how="sum")
    return Result("participants.by_theme", rows=tuple(Row(t.code, t.label or t.code, n) for t, n in rows))


@figure("participants.by_year", label=_("Participants by year"), unit=UNIT_PARTICIPANTS, kind=SERIES, people=True,
        chart="timeline", section="participants", order=50,
        definition=_("The participants counted in \"Participants\", by the year the activity started."))
def participants_by_year(filters: Filters) -> Result:
    counts = {r["y"]: _participants(r) for r in _participants_by_year(filters)}
    return Result("participants.by_year", rows=_years(counts))
