"""Experts and participants: the people behind the Actions. Breakdowns of people are ``people=True``: a row of fewer
than five people is suppressed for readers who may not see small numbers (registry.suppress)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.experts.models import Background, Gender

from . import columns
from .common import places_counted
from .filters import Filters
from .registry import BREAKDOWN, NUMBER, SERIES, Result, Row, data_as_of, figure, shared

UNIT_EXPERTS = _("experts")
UNIT_DEPLOYMENTS = _("deployments")
UNIT_PARTICIPANTS = _("participants")

_DEPLOYED = _(
    "Experts with at least one deployment not cancelled that took place at some time in the period (from "
    "its first to its last day), on an Action of the region, theme and country chosen."
)


# ---------------------------------------------------------------- experts


def _roster(filters: Filters) -> dict:
    """Every roster figure of these filters but the experts registered (see ``roster_from_sql``), computed from the
    roster's facts kept as columns (``columns.roster``: milliseconds for filters no one asked for before, where the
    query took 0.3 to 1 s at stress size), shared through the figures cache (``registry.shared``). The figures
    read from it are as of the facts' time (``registry.data_as_of``)."""
    roster = shared(f"roster:{filters.key}", lambda: columns.roster(filters))
    data_as_of(roster["as_of"])
    return roster


def _experts_cube(filters: Filters) -> list[dict]:
    """The experts deployed, counted once per (gender, background, nationality): ``n`` experts, ``eu`` of them EU
    nationals on the first day of at least one of their deployments. Each expert has one gender, background and
    nationality, so the groups add up to the experts deployed; "Experts deployed", its breakdowns by gender,
    background and EU / non-EU and the government experts by member state are all sums of these groups."""
    return _roster(filters)["cube"]


def _cube_sum(filters: Filters, key: str, *, measure: str = "n") -> dict:
    totals: dict = {}
    for group in _experts_cube(filters):
        totals[group[key]] = totals.get(group[key], 0) + group[measure]
    return totals


@figure(
    "experts.registered",
    label=_("Experts registered"),
    unit=UNIT_EXPERTS,
    kind=NUMBER,
    section="experts",
    order=10,
    definition=_(
        "Experts on the roster who registered on or before the last day of the period. The roster "
        "serves every region and theme: the region, theme and country chosen do not apply."
    ),
)
def experts_registered(filters: Filters) -> Result:
    count, as_of = columns.registered(filters)
    data_as_of(as_of)
    return Result("experts.registered", value=count)


@figure(
    "experts.deployed",
    label=_("Experts deployed"),
    unit=UNIT_EXPERTS,
    kind=NUMBER,
    section="experts",
    order=20,
    definition=_DEPLOYED,
)
def experts_deployed(filters: Filters) -> Result:
    return Result("experts.deployed", value=sum(g["n"] for g in _experts_cube(filters)))


@figure(
    "experts.deployments",
    label=_("Deployments"),
    unit=UNIT_DEPLOYMENTS,
    kind=NUMBER,
    section="experts",
    order=30,
    definition=_(
        "Deployments not cancelled that took place at some time in the period, on an Action of the "
        "region, theme and country chosen. An expert deployed twice counts twice."
    ),
)
def experts_deployments(filters: Filters) -> Result:
    return Result("experts.deployments", value=_roster(filters)["deployments"])


@figure(
    "experts.by_gender",
    label=_("Experts deployed by gender"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=40,
    definition=_('The experts counted in "Experts deployed", by the gender on their profile.'),
)
def experts_by_gender(filters: Filters) -> Result:
    counts = _cube_sum(filters, "profile__gender")
    return Result("experts.by_gender", rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Gender.choices))


@figure(
    "experts.by_background",
    label=_("Experts deployed by background"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=50,
    definition=_('The experts counted in "Experts deployed", by their professional background.'),
)
def experts_by_background(filters: Filters) -> Result:
    counts = _cube_sum(filters, "profile__background")
    return Result("experts.by_background", rows=tuple(Row(k, str(label), counts.get(k, 0)) for k, label in Background.choices))


@figure(
    "experts.eu",
    label=_("Experts deployed from EU and non-EU countries"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=60,
    definition=_(
        'The experts counted in "Experts deployed": "EU" when their nationality was an EU member '
        'state on the first day of at least one of their deployments in the period, "non-EU" '
        "otherwise (including experts without a nationality recorded). The two rows add up to the "
        "experts deployed."
    ),
)
def experts_eu(filters: Filters) -> Result:
    cube = _experts_cube(filters)
    total, eu = sum(g["n"] for g in cube), sum(g["eu"] for g in cube)
    return Result("experts.eu", rows=(Row("eu", str(_("EU")), eu), Row("non_eu", str(_("non-EU")), total - eu)))


@figure(
    "experts.government_by_member_state",
    label=_("Government experts by EU member state"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=70,
    definition=_(
        'Experts counted in "Experts deployed" whose background is government, by the EU member '
        "state of their nationality, when it was a member state on the first day of one of their "
        "deployments (a British expert deployed in 2019 counts, deployed in 2021 does not; a Croatian "
        "expert counts from 1 July 2013). Member states without such an expert are left out."
    ),
)
def government_by_member_state(filters: Filters) -> Result:
    counts: dict = {}
    for g in _experts_cube(filters):
        if g["profile__background"] == Background.GOVERNMENT and g["eu"]:
            counts[g["profile__nationality_id"]] = counts.get(g["profile__nationality_id"], 0) + g["eu"]
    countries = Country.objects.filter(pk__in=counts).order_by("code") if counts else []
    return Result(
        "experts.government_by_member_state",
        rows=tuple(Row(c.code, translate(c.name) or c.code, counts[c.pk]) for c in countries),
    )


@figure(
    "experts.by_region",
    label=_("Experts deployed by region"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=80,
    definition=_(
        'The experts counted in "Experts deployed", by the region of the Action they were deployed '
        "on (its own region and its countries' regions). An expert deployed in two regions counts in "
        "both."
    ),
)
def experts_by_region(filters: Filters) -> Result:
    rows = places_counted("region", _roster(filters)["region"])
    return Result("experts.by_region", rows=tuple(Row(r.code, r.label or r.code, n) for r, n in rows))


@figure(
    "experts.by_theme",
    label=_("Experts deployed by thematic area"),
    unit=UNIT_EXPERTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="experts",
    order=90,
    definition=_(
        'The experts counted in "Experts deployed", by the thematic areas of the Action they were '
        "deployed on. An expert on an Action with two thematic areas counts in both."
    ),
)
def experts_by_theme(filters: Filters) -> Result:
    rows = places_counted("theme", _roster(filters)["theme"])
    return Result("experts.by_theme", rows=tuple(Row(t.code, t.label or t.code, n) for t, n in rows))


@figure(
    "experts.by_year",
    label=_("Experts deployed by year"),
    unit=UNIT_EXPERTS,
    kind=SERIES,
    people=True,
    chart="timeline",
    section="experts",
    order=100,
    definition=_(
        'The experts counted in "Experts deployed", by the year their deployment started. An expert '
        "deployed in two years counts in both."
    ),
)
def experts_by_year(filters: Filters) -> Result:
    return Result("experts.by_year", rows=_years(_roster(filters)["years"]))


def _years(counts: dict) -> tuple[Row, ...]:
    counts = {y: n for y, n in counts.items() if y is not None}
    if not counts:
        return ()
    return tuple(Row(str(y), str(y), counts.get(y, 0)) for y in range(min(counts), max(counts) + 1))


# ---------------------------------------------------------------- participants

_PARTICIPANTS = _(
    "People who took part in the activities delivered or reported that started in the period, on "
    "an Action of the region, theme and country chosen: the women, men and other participants "
    "recorded on each activity (for a meeting with registration, its attendance)."
)
def _participants_found(filters: Filters) -> dict:
    """The participants of the activities in scope (delivered or reported, started in the period, of the place chosen) from the facts kept as columns
    (``columns.participants_facts``): by year of the activity's start and by place, shared by the participants
    figures through the figures cache; the figures are as of the facts' time."""
    found = shared(f"participants-facts:{filters.key}", lambda: columns.participants_facts(filters))
    data_as_of(found["as_of"])
    return found


def _participants_by_year(filters: Filters) -> list[dict]:
    """The women, men and other participants of the activities in scope, by the year the activity started (``y``,
    None for no start date)."""
    return [{"y": y, **counts} for y, counts in _participants_found(filters)["years"].items()]


def _participants(row: dict) -> int:
    return (row["women"] or 0) + (row["men"] or 0) + (row["other"] or 0)


@figure(
    "participants.total",
    label=_("Participants"),
    unit=UNIT_PARTICIPANTS,
    kind=NUMBER,
    section="participants",
    order=10,
    definition=_PARTICIPANTS,
)
def participants_total(filters: Filters) -> Result:
    return Result("participants.total", value=sum(_participants(r) for r in _participants_by_year(filters)))


@figure(
    "participants.by_gender",
    label=_("Participants by gender"),
    unit=UNIT_PARTICIPANTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="participants",
    order=20,
    definition=_('The participants counted in "Participants": women, men, and other or not stated.'),
)
def participants_by_gender(filters: Filters) -> Result:
    years = _participants_by_year(filters)
    labels = (("women", _("Women")), ("men", _("Men")), ("other", _("Other or not stated")))
    return Result("participants.by_gender", rows=tuple(Row(k, str(label), sum(r[k] or 0 for r in years)) for k, label in labels))


@figure(
    "participants.by_region",
    label=_("Participants by region"),
    unit=UNIT_PARTICIPANTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="participants",
    order=30,
    definition=_(
        'The participants counted in "Participants", by the region of the activity\'s Action (its own '
        "region and its countries' regions). An Action in two regions counts its participants in "
        "both."
    ),
)
def participants_by_region(filters: Filters) -> Result:
    rows = places_counted("region", _participants_found(filters)["region"])
    return Result("participants.by_region", rows=tuple(Row(r.code, r.label or r.code, n) for r, n in rows))


@figure(
    "participants.by_theme",
    label=_("Participants by thematic area"),
    unit=UNIT_PARTICIPANTS,
    kind=BREAKDOWN,
    people=True,
    chart="bar",
    section="participants",
    order=40,
    definition=_(
        'The participants counted in "Participants", by the thematic areas of the activity\'s Action. '
        "An Action with two thematic areas counts its participants in both."
    ),
)
def participants_by_theme(filters: Filters) -> Result:
    rows = places_counted("theme", _participants_found(filters)["theme"])
    return Result("participants.by_theme", rows=tuple(Row(t.code, t.label or t.code, n) for t, n in rows))


@figure(
    "participants.by_year",
    label=_("Participants by year"),
    unit=UNIT_PARTICIPANTS,
    kind=SERIES,
    people=True,
    chart="timeline",
    section="participants",
    order=50,
    definition=_('The participants counted in "Participants", by the year the activity started.'),
)
def participants_by_year(filters: Filters) -> Result:
    counts = {r["y"]: _participants(r) for r in _participants_by_year(filters)}
    return Result("participants.by_year", rows=_years(counts))
