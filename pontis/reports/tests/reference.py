"""The figures' parts as the database computes them: the SQL that ``figures/columns.py`` replaced, kept as the
reference the columns are compared with (``test_facts.py``) over generated facilities and many filters."""

from __future__ import annotations

import contextlib

from django.db import connections
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from pontis.actions.models import Activity, Deliverable
from pontis.core.facility import days_on_clock
from pontis.core.models import Country, EUMembership
from pontis.experts.models import Deployment, ExpertProfile
from pontis.reports.figures.common import (
    ACTION_COUNTRIES,
    actions_in,
    actions_of_place,
    figures_settings,
    place_map,
    places_counted,
)
from pontis.reports.figures.filters import Filters


def places_filtered(filters: Filters) -> bool:
    return bool(filters.region or filters.theme or filters.country)


def in_period(filters: Filters, start: str, end: str | None = None) -> Q:
    """Objects dated from ``start`` to ``end`` (or on the day ``start`` when ``end`` is None) that meet the period."""
    q = Q()
    if filters.date_to:
        q &= Q(**{f"{start}__lte": filters.date_to})
    if filters.date_from:
        q &= Q(**{f"{end or start}__gte": filters.date_from})
    return q


@contextlib.contextmanager
def figures_cursor(using: str = "default"):
    """A cursor for one large figure query, inside ``figures_settings``."""
    with figures_settings(using), connections[using].cursor() as cursor:
        yield cursor


def deployments_in(filters: Filters):
    qs = Deployment.objects.exclude(status="cancelled").filter(in_period(filters, "start_date", "end_date"))
    if places_filtered(filters):
        qs = qs.filter(activity__action__in=actions_of_place(filters).values("pk"))
    return qs


def roster_sql(filters: Filters) -> tuple[str, list]:
    """One statement answering every roster breakdown, tagged by its first column:

    - ``cube``: per (gender, background, nationality) of the experts deployed, ``n`` experts and ``eu`` of them
      whose nationality was an EU member state on the first day of at least one of their deployments
      (``EUMembership.covers``);
    - ``year``: the experts whose deployment started in year ``k``;
    - ``region`` / ``theme``: the experts deployed on an Action of place ``k`` (``place_map``);
    - ``deployments``: the deployments.

    The deployments in scope are read once (the ``base`` table expression); each breakdown counts distinct
    (group, expert) pairs with a plain ``DISTINCT`` (a hash table) rather than ``COUNT(DISTINCT ...)`` (a sort per
    group). The same SQL on PostgreSQL and SQLite."""
    base = (
        deployments_in(filters)
        .order_by()
        .values(
            r_profile=F("profile_id"),
            r_action=F("activity__action_id"),
            r_start=F("start_date"),
            r_year=ExtractYear("start_date"),
        )
    )
    base_sql, params = base.query.get_compiler(using=base.db).as_sql()
    q = connections[base.db].ops.quote_name
    profile, membership = q(ExpertProfile._meta.db_table), q(EUMembership._meta.db_table)
    sql = f"""WITH base AS ({base_sql})
SELECT 'cube', x.gender, x.background, x.nationality, NULL, COUNT(*), SUM(x.eu) FROM (
  SELECT b.r_profile, p.{q("gender")} AS gender, p.{q("background")} AS background,
         p.{q("nationality_id")} AS nationality, MAX(CASE WHEN m.{q("id")} IS NULL THEN 0 ELSE 1 END) AS eu
  FROM base b INNER JOIN {profile} p ON p.{q("id")} = b.r_profile
  LEFT OUTER JOIN {membership} m ON m.{q("country_id")} = p.{q("nationality_id")}
    AND m.{q("joined_on")} <= b.r_start AND (m.{q("left_on")} IS NULL OR m.{q("left_on")} >= b.r_start)
  GROUP BY b.r_profile, p.{q("gender")}, p.{q("background")}, p.{q("nationality_id")}) x
GROUP BY x.gender, x.background, x.nationality
UNION ALL
SELECT 'year', NULL, NULL, NULL, y.r_year, COUNT(*), NULL FROM (SELECT DISTINCT r_year, r_profile FROM base) y
GROUP BY y.r_year
UNION ALL
SELECT 'region', NULL, NULL, NULL, t.place, COUNT(*), NULL FROM (SELECT DISTINCT pl.place, b.r_profile FROM base b
  INNER JOIN ({place_map("region")}) pl ON pl.place_action = b.r_action) t GROUP BY t.place
UNION ALL
SELECT 'theme', NULL, NULL, NULL, t.place, COUNT(*), NULL FROM (SELECT DISTINCT pl.place, b.r_profile FROM base b
  INNER JOIN ({place_map("theme")}) pl ON pl.place_action = b.r_action) t GROUP BY t.place
UNION ALL
SELECT 'deployments', NULL, NULL, NULL, NULL, COUNT(*), NULL FROM base"""
    return sql, list(params)


def roster_from_sql(filters: Filters) -> dict:
    """Every roster figure of these filters but the experts registered, from the database in one query
    (``roster_sql``): ``cube`` (the groups of ``_experts_cube``), ``years``, ``region`` and ``theme`` (experts by
    year and by place id) and ``deployments``. What ``columns.roster`` answers from the kept facts; the tests
    compare the two."""
    sql, params = roster_sql(filters)
    with figures_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    roster = {"cube": [], "years": {}, "region": {}, "theme": {}, "deployments": 0}
    for kind, gender, background, nationality, key, n, eu in rows:
        if kind == "cube":
            roster["cube"].append(
                {
                    "profile__gender": gender,
                    "profile__background": background,
                    "profile__nationality_id": nationality,
                    "n": n,
                    "eu": int(eu or 0),
                }
            )
        elif kind == "year":
            roster["years"][None if key is None else int(key)] = n
        elif kind == "deployments":
            roster["deployments"] = n
        else:
            roster[kind][key] = n
    return roster


PARTICIPANTS = Coalesce(F("participants_women"), 0) + Coalesce(F("participants_men"), 0) + Coalesce(F("participants_other"), 0)


def activities_in(filters: Filters):
    qs = Activity.objects.filter(status__in=(Activity.Status.DELIVERED, Activity.Status.REPORTED)).filter(
        in_period(filters, "start_date")
    )
    if places_filtered(filters):
        qs = qs.filter(action__in=actions_of_place(filters).values("pk"))
    return qs


def by_place(queryset, *, kind: str, action: str, measure: str, how: str) -> list:
    """One breakdown by region or thematic area (``kind``) in one GROUP BY: the rows of ``queryset`` (already
    filtered), each joined to the places of its Action (``action``, a path to the Action's id), ``how`` being
    "distinct" (count the distinct values of ``measure``, e.g. people) or "sum" (sum ``measure``). An Action in
    two places counts in both. Answers the active places in their order, each ``(place, n)`` (0 when none).

    A plain join on a derived table, the same SQL on PostgreSQL and SQLite: the correlated subquery per place it
    replaces read the whole table once per place."""
    inner = queryset.order_by().values(
        place_action=F(action), place_measure=measure if not isinstance(measure, str) else F(measure)
    )
    sql, params = inner.query.get_compiler(using=inner.db).as_sql()
    aggregate = "COUNT(DISTINCT t.place_measure)" if how == "distinct" else "SUM(t.place_measure)"
    query = (
        f"SELECT p.place, {aggregate} FROM ({sql}) t INNER JOIN ({place_map(kind)}) p "
        f"ON p.place_action = t.place_action GROUP BY p.place"
    )
    with connections[inner.db].cursor() as cursor:
        cursor.execute(query, params)
        counts = {place: n or 0 for place, n in cursor.fetchall()}
    return places_counted(kind, counts)




# ---------------------------------------------------------------- the figures' parts, as the columns answer them


def actions_reference(filters: Filters) -> dict:
    """``columns.actions_facts`` as the database counts it (``common.actions_in``), but for ``as_of``."""
    chosen = actions_in(filters)
    years = dict(chosen.annotate(y=ExtractYear("start_date")).values_list("y").annotate(n=Count("id")).order_by())
    per_country = dict(ACTION_COUNTRIES.objects.filter(action_id__in=chosen.values("pk")).values_list("country_id")
                       .annotate(n=Count("action_id", distinct=True)).order_by())
    region = {p.pk: n for p, n in by_place(chosen, kind="region", action="pk", measure="pk", how="distinct") if n}
    theme = {p.pk: n for p, n in by_place(chosen, kind="theme", action="pk", measure="pk", how="distinct") if n}
    launched = actions_of_place(filters).filter(requested_on__isnull=False, launched_on__isnull=False)
    if filters.date_from:
        launched = launched.filter(launched_on__gte=filters.date_from)
    if filters.date_to:
        launched = launched.filter(launched_on__lte=filters.date_to)
    deliverables = dict(
        ((type_id, status), n) for type_id, status, n in Deliverable.objects.filter(action__in=chosen.values("pk"))
        .values_list("type_id", "status").annotate(n=Count("id")).order_by()
    )
    history = (actions_of_place(filters).filter(source_request__isnull=True)
               .annotate(y=ExtractYear(Coalesce("requested_on", "start_date"))).aggregate(low=Min("y"), high=Max("y")))
    return {
        "deliverables": deliverables,
        "history": (history["low"], history["high"]),
        "total": chosen.count(),
        "countries": sorted(Country.objects.filter(pk__in=per_country).values_list("pk", flat=True)),
        "country": per_country,
        "region": region,
        "theme": theme,
        "years": years,
        "launch_days": sorted(days_on_clock(r, la) for r, la in launched.values_list("requested_on", "launched_on")),
    }


def registered_reference(filters: Filters) -> int:
    qs = ExpertProfile.objects.all()
    if filters.date_to:
        qs = qs.filter(registered_on__lte=filters.date_to)
    return qs.count()


def participants_reference(filters: Filters) -> dict:
    """``columns.participants_facts`` as the database sums it, but for ``as_of``."""
    rows = (activities_in(filters).annotate(y=ExtractYear("start_date")).values("y")
            .annotate(women=Sum("participants_women"), men=Sum("participants_men"), other=Sum("participants_other"))
            .order_by())
    years = {r["y"]: {k: r[k] or 0 for k in ("women", "men", "other")} for r in rows}
    region = {p.pk: n for p, n in by_place(activities_in(filters), kind="region", action="action_id",
                                            measure=PARTICIPANTS, how="sum") if n is not None}
    theme = {p.pk: n for p, n in by_place(activities_in(filters), kind="theme", action="action_id",
                                           measure=PARTICIPANTS, how="sum") if n is not None}
    return {"years": years, "region": region, "theme": theme}
