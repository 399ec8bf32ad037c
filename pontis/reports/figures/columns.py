"""Figures computed from facts kept as columns (``facts.py``): the same numbers as the SQL they replace, for any
filters, in a few vectorised passes. Each kind of facts has its builder (one consistent read of the database)
and the function that answers a figure's part from it; ``reports/tests/test_facts.py`` compares every one of them
with its SQL over many filters.

Places (how region, theme and country select Actions, ``common.actions_of_place``) are kept with each kind of
facts as pairs (Action id, place id) of the Action's regions (its own and its countries'), thematic areas and
countries, with each place's code.
"""

from __future__ import annotations

import contextlib
import datetime

import numpy as np
from django.db import connections, transaction
from django.utils import timezone

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core.models import Country, EUMembership, Region, ThematicArea
from pontis.events.models import Meeting
from pontis.experts.models import Deployment, ExpertProfile
from pontis.feedback.indicators import day_start
from pontis.feedback.models import Answer, Question, Response

from .common import ACTION_COUNTRIES, place_map
from .facts import codes_of, day_number, day_numbers, facts, facts_builder, ids_of
from .filters import Filters

# ---------------------------------------------------------------- places


def _place_columns(cursor) -> dict[str, np.ndarray]:
    q = connections["default"].ops.quote_name
    columns = {}
    for kind, sql in (
        ("region", place_map("region")),
        ("theme", place_map("theme")),
        (
            "country",
            f"SELECT {q('action_id')}, {q('country_id')} FROM {q(ACTION_COUNTRIES._meta.db_table)}",
        ),
    ):
        cursor.execute(sql)
        pairs = cursor.fetchall()
        columns[f"{kind}_action"] = np.array([a for a, _ in pairs], dtype=np.int64)
        columns[f"{kind}_place"] = np.array([p for _, p in pairs], dtype=np.int64)
    for kind, model in (("region", Region), ("theme", ThematicArea), ("country", Country)):
        cursor.execute(f"SELECT {q('id')}, {q('code')} FROM {q(model._meta.db_table)}")
        rows = cursor.fetchall()
        columns[f"{kind}_ids"] = np.array([pk for pk, _ in rows], dtype=np.int64)
        columns[f"{kind}_codes"] = np.array([code for _, code in rows], dtype=str)
    return columns


def _place_id(columns, kind: str, code: str) -> int | None:
    found = np.flatnonzero(columns[f"{kind}_codes"] == code)
    return int(columns[f"{kind}_ids"][found[0]]) if found.size else None


def actions_of_place(columns, filters: Filters) -> np.ndarray | None:
    """The ids of the Actions of the region, theme and country chosen (``common.actions_of_place``), sorted; None
    when no place is chosen (every Action)."""
    chosen = None
    for kind, code in (("region", filters.region), ("theme", filters.theme), ("country", filters.country)):
        if not code:
            continue
        place = _place_id(columns, kind, code)
        ids = np.unique(columns[f"{kind}_action"][columns[f"{kind}_place"] == place]) if place is not None else np.array(
            [], dtype=np.int64)
        chosen = ids if chosen is None else np.intersect1d(chosen, ids, assume_unique=True)
    return chosen


def _in_ids(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """A mask: which of ``values`` (ids, not negative) are among ``ids``, through a table indexed by id."""
    if not values.size or not ids.size:
        return np.zeros(values.shape, dtype=bool)
    table = np.zeros(max(int(values.max()), int(ids.max())) + 1, dtype=bool)
    table[ids] = True
    return table[values]


@contextlib.contextmanager
def _one_snapshot():
    """A cursor whose statements see the same data: on PostgreSQL a repeatable-read transaction of its own when
    none is open (inside one, the statements run in it as they are); SQLite's transaction already reads one
    snapshot."""
    connection = connections["default"]
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield cursor


# ---------------------------------------------------------------- the roster


@facts_builder("roster", version=2)
def _roster_columns() -> dict[str, np.ndarray]:
    """Every deployment not cancelled with its Action, dates, expert (gender, background, nationality) and whether
    the expert's nationality was an EU member state on its first day; and the places. One transaction."""
    q = connections["default"].ops.quote_name
    d, p, m = (q(model._meta.db_table) for model in (Deployment, ExpertProfile, EUMembership))
    activity = q(Deployment._meta.get_field("activity").related_model._meta.db_table)
    sql = (
        f"SELECT d.{q('profile_id')}, t.{q('action_id')}, d.{q('start_date')}, d.{q('end_date')}, "
        f"p.{q('gender')}, p.{q('background')}, p.{q('nationality_id')}, "
        f"CASE WHEN EXISTS (SELECT 1 FROM {m} m WHERE m.{q('country_id')} = p.{q('nationality_id')} "
        f"AND m.{q('joined_on')} <= d.{q('start_date')} "
        f"AND (m.{q('left_on')} IS NULL OR m.{q('left_on')} >= d.{q('start_date')})) THEN 1 ELSE 0 END "
        f"FROM {d} d INNER JOIN {activity} t ON t.{q('id')} = d.{q('activity_id')} "
        f"INNER JOIN {p} p ON p.{q('id')} = d.{q('profile_id')} "
        f"WHERE NOT (d.{q('status')} = %s)"
    )
    with _one_snapshot() as cursor:
        cursor.execute(sql, [Deployment.Status.CANCELLED])
        rows = cursor.fetchall()
        places = _place_columns(cursor)
        registered = list(ExpertProfile.objects.values_list("registered_on", flat=True))
    profiles = np.array([r[0] for r in rows], dtype=np.int64)
    profile_ids, first, profile_index = np.unique(profiles, return_index=True, return_inverse=True)
    genders, gender_index = codes_of([r[4] for r in rows])
    backgrounds, background_index = codes_of([r[5] for r in rows])
    # Nationalities as 0 (none) or 1 + the index of the country id in ``nationality_ids``: a small dense range.
    nationality_ids, nationality = np.unique(ids_of([r[6] for r in rows]), return_inverse=True)
    if nationality_ids.size and nationality_ids[0] == -1:
        nationality_ids = nationality_ids[1:]
    else:
        nationality = nationality + 1
    starts = day_numbers([r[2] for r in rows])
    return {
        "profile": profile_index.astype(np.int32),  # index into profile_ids
        "action": np.array([r[1] for r in rows], dtype=np.int64),
        "start": starts,
        "end": day_numbers([r[3] for r in rows]),
        "year": (starts.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int32) + 1970).astype(np.int32),
        "eu": np.array([r[7] for r in rows], dtype=bool),
        "profile_ids": profile_ids,
        "profile_gender": gender_index[first],
        "profile_background": background_index[first],
        "profile_nationality": nationality.reshape(-1)[first].astype(np.int32),
        "nationality_ids": nationality_ids,
        "genders": genders,
        "backgrounds": backgrounds,
        "registered": np.sort(day_numbers(registered)),  # every expert on the roster: the day they registered
        **places,
    }


def _deployments_mask(columns, filters: Filters) -> np.ndarray:
    """``people.deployments_in``: the deployments that meet the period, on an Action of the place chosen."""
    mask = np.ones(columns["start"].shape, dtype=bool)
    if filters.date_to:
        mask &= columns["start"] <= day_number(filters.date_to)
    if filters.date_from:
        mask &= columns["end"] >= day_number(filters.date_from)
    chosen = actions_of_place(columns, filters)
    if chosen is not None:
        mask &= _in_ids(columns["action"], chosen)
    return mask


def _distinct(values: np.ndarray, size: int) -> int:
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    return int(np.count_nonzero(seen))


def registered(filters: Filters) -> tuple[int, datetime.datetime]:
    """The experts on the roster who registered on or before the period's last day (all without one), and the
    facts' time."""
    kept = facts("roster")
    days = kept["registered"]
    if not filters.date_to:
        return int(days.size), kept.built_at
    return int(np.searchsorted(days, day_number(filters.date_to), side="right")), kept.built_at


def roster(filters: Filters) -> dict:
    """What ``people._roster_sql`` answers, from the roster's columns: ``cube``, ``years``, ``region``, ``theme``
    and ``deployments`` (each place and year present only when it counts someone), and ``as_of``."""
    kept = facts("roster")
    c = kept.columns
    mask = _deployments_mask(c, filters)
    profile, action, year, eu = c["profile"][mask], c["action"][mask], c["year"][mask], c["eu"][mask]
    size = c["profile_ids"].size
    deployed = np.zeros(size, dtype=bool)
    deployed[profile] = True
    member = np.zeros(size, dtype=bool)
    member[profile[eu]] = True
    people = np.flatnonzero(deployed)
    genders, backgrounds = c["genders"], c["backgrounds"]
    # The groups (gender, background, nationality) as one number each, counted with bincount: a few thousand
    # possible groups, where sorting 100,000 experts by three columns took 50 ms.
    nationality = c["profile_nationality"][people]  # 0: none; n: nationality_ids[n - 1]
    nationalities = c["nationality_ids"].size + 1
    key = (c["profile_gender"][people].astype(np.int64) * len(backgrounds) + c["profile_background"][people]) * (
        nationalities) + nationality
    counts = np.bincount(key)
    eu_counts = np.bincount(key, weights=member[people], minlength=counts.size)
    cube = []
    for group in np.flatnonzero(counts).tolist():
        gender_background, n = divmod(group, nationalities)
        g, b = divmod(gender_background, len(backgrounds))
        cube.append({"profile__gender": str(genders[g]), "profile__background": str(backgrounds[b]),
                     "profile__nationality_id": None if n == 0 else int(c["nationality_ids"][n - 1]), "n": int(counts[group]),
                     "eu": int(eu_counts[group])})
    years: dict = {}
    if year.size:  # distinct (year, expert) pairs, marked in a table of years by experts, counted by year
        first = int(year.min())
        span = int(year.max()) - first + 1
        seen = np.zeros(span * size, dtype=bool)
        seen[(year.astype(np.int64) - first) * size + profile] = True
        for offset, n in enumerate(seen.reshape(span, size).sum(axis=1).tolist()):
            if n:
                years[first + offset] = n
    by_place = {}
    for kind in ("region", "theme"):
        counts_of_place = {}
        pair_action, pair_place = c[f"{kind}_action"], c[f"{kind}_place"]
        for place in np.unique(pair_place).tolist():
            n = _distinct(profile[_in_ids(action, pair_action[pair_place == place])], size)
            if n:
                counts_of_place[place] = n
        by_place[kind] = counts_of_place
    return {
        "cube": cube,
        "years": years,
        "region": by_place["region"],
        "theme": by_place["theme"],
        "deployments": int(mask.sum()),
        "as_of": kept.built_at,
    }


# ---------------------------------------------------------------- feedback: satisfaction and knowledge gain

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def _instant(when: datetime.datetime) -> int:
    """An aware date-time as microseconds since 1970 (UTC); a naive one (USE_TZ off) as it reads."""
    if timezone.is_naive(when):
        return (when - _EPOCH.replace(tzinfo=None)) // _MICROSECOND
    return (when - _EPOCH) // _MICROSECOND


def _pairs(rows) -> tuple[np.ndarray, np.ndarray]:
    rows = [(a, p) for a, p in rows if a is not None and p is not None]
    return np.array([a for a, _ in rows], dtype=np.int64), np.array([p for _, p in rows], dtype=np.int64)


@facts_builder("feedback", version=2)
def _feedback_columns() -> dict[str, np.ndarray]:
    """What the facility's satisfaction rate and knowledge gain read (``feedback.indicators.headline_indicators``):
    every response with its time, targets (Action, its activity's Action, meeting) and stored numbers; the answers
    to knowledge questions of responses that carry a person key (people and pairs as numbers, never the keys);
    and how the feedback scope chooses Actions and meetings by region and theme (``indicators.Scope``: an
    Action's own region, its lead country's and its countries'; a meeting's own region, its country's, its
    themes, or its activity's Action's). One transaction."""
    with _one_snapshot():
        responses = list(
            Response.objects.order_by("pk").values_list(
                "pk", "submitted_at", "action_id", "activity__action_id", "meeting_id", "reaction_ratings",
                "reaction_satisfied", "knowledge_gain", "knowledge_pairs", "person_key",
            )
        )
        answers = list(
            Answer.objects.filter(type=Question.Type.KNOWLEDGE, number__isnull=False,
                                  phase__in=(Question.Phase.PRE, Question.Phase.POST))
            .exclude(pair="").exclude(response__person_key="")
            .values_list("response_id", "response__person_key", "pair", "phase", "number")
        )
        region = (
            list(Action.objects.filter(region__isnull=False).values_list("pk", "region_id"))
            + list(Action.objects.filter(lead_country__region__isnull=False).values_list("pk", "lead_country__region_id"))
            + list(Action.countries.through.objects.values_list("action_id", "country__region_id"))
        )
        theme = list(Action.themes.through.objects.values_list("action_id", "thematicarea_id"))
        meetings = list(Meeting.objects.order_by("pk").values_list("pk", "region_id", "country__region_id",
                                                                     "activity__action_id"))
        meeting_themes = list(Meeting.themes.through.objects.values_list("meeting_id", "thematicarea_id"))
        regions = list(Region.objects.values_list("pk", "code"))
        themes = list(ThematicArea.objects.values_list("pk", "code"))
    response_ids = np.array([r[0] for r in responses], dtype=np.int64)
    people: dict[str, int] = {}
    pairs: dict[str, int] = {}
    region_action, region_place = _pairs(region)
    theme_action, theme_place = _pairs(theme)
    meeting_theme, meeting_theme_place = _pairs(meeting_themes)
    return {
        "submitted": np.array([_instant(r[1]) for r in responses], dtype=np.int64),
        "action": ids_of([r[2] for r in responses]),
        "activity_action": ids_of([r[3] for r in responses]),
        "meeting": ids_of([r[4] for r in responses]),
        "ratings": np.array([r[5] for r in responses], dtype=np.int64),
        "satisfied": np.array([r[6] for r in responses], dtype=np.int64),
        "gain": np.array([r[7] for r in responses], dtype=np.float64),
        "pairs": np.array([r[8] for r in responses], dtype=np.int64),
        "alone": np.array([r[9] == "" for r in responses], dtype=bool),
        # knowledge answers of responses with a person key: index of their response, person and pair numbers
        "answer_response": np.searchsorted(response_ids, np.array([a[0] for a in answers], dtype=np.int64)),
        "answer_person": np.array([people.setdefault(a[1], len(people)) for a in answers], dtype=np.int64),
        "answer_pair": np.array([pairs.setdefault(a[2], len(pairs)) for a in answers], dtype=np.int64),
        "answer_post": np.array([a[3] == Question.Phase.POST for a in answers], dtype=bool),
        "answer_number": np.array([a[4] for a in answers], dtype=np.float64),
        "region_action": region_action,
        "region_place": region_place,
        "theme_action": theme_action,
        "theme_place": theme_place,
        "meeting_ids": np.array([m[0] for m in meetings], dtype=np.int64),
        "meeting_region": ids_of([m[1] for m in meetings]),
        "meeting_country_region": ids_of([m[2] for m in meetings]),
        "meeting_action": ids_of([m[3] for m in meetings]),
        "meeting_theme": meeting_theme,
        "meeting_theme_place": meeting_theme_place,
        "region_ids": np.array([pk for pk, _ in regions], dtype=np.int64),
        "region_codes": np.array([code for _, code in regions], dtype=str),
        "theme_ids": np.array([pk for pk, _ in themes], dtype=np.int64),
        "theme_codes": np.array([code for _, code in themes], dtype=str),
    }


def _feedback_scope(c, filters: Filters) -> np.ndarray:
    """The responses in the feedback scope of the filters' period, region and theme (``indicators.Scope``)."""
    mask = np.ones(c["submitted"].shape, dtype=bool)
    if filters.date_from:
        mask &= c["submitted"] >= _instant(day_start(filters.date_from))
    if filters.date_to:
        mask &= c["submitted"] < _instant(day_start(filters.date_to + datetime.timedelta(days=1)))
    if not (filters.region or filters.theme):
        return mask
    actions = meetings = None  # sorted ids of the Actions and the meetings of the region and theme
    for kind, code in (("region", filters.region), ("theme", filters.theme)):
        if not code:
            continue
        place = _place_id(c, kind, code)
        of_place = np.unique(c[f"{kind}_action"][c[f"{kind}_place"] == place])
        if kind == "region":
            own = (c["meeting_region"] == place) | (c["meeting_country_region"] == place)
        else:
            own = np.isin(c["meeting_ids"], c["meeting_theme"][c["meeting_theme_place"] == place])
        own &= place is not None
        by_activity = _in_ids(c["meeting_action"].clip(min=0), of_place) & (c["meeting_action"] >= 0)
        meetings_of_place = c["meeting_ids"][own | by_activity]
        actions = of_place if actions is None else np.intersect1d(actions, of_place, assume_unique=True)
        meetings = (meetings_of_place if meetings is None
                    else np.intersect1d(meetings, meetings_of_place, assume_unique=True))
    return mask & (
        (_in_ids(c["action"].clip(min=0), actions) & (c["action"] >= 0))
        | (_in_ids(c["activity_action"].clip(min=0), actions) & (c["activity_action"] >= 0))
        | (_in_ids(c["meeting"].clip(min=0), meetings) & (c["meeting"] >= 0))
    )


def feedback_sums(filters: Filters) -> dict:
    """The sums behind the satisfaction rate and the knowledge gain of the filters' period, region and theme, as
    ``indicators._satisfaction_sums`` and ``indicators._knowledge_sums`` answer them: ``total``, ``satisfied``,
    ``respondents``; ``alone_gain``, ``alone_pairs``, ``alone_n``, ``person_gain``, ``person_pairs``,
    ``people_n``; and ``as_of``."""
    kept = facts("feedback")
    c = kept.columns
    mask = _feedback_scope(c, filters)
    alone = mask & c["alone"]
    sums = {
        "total": int(c["ratings"][mask].sum()),
        "satisfied": int(c["satisfied"][mask].sum()),
        "respondents": int(np.count_nonzero(c["ratings"][mask] > 0)),
        "alone_gain": float(c["gain"][alone].sum()) if alone.any() else None,
        "alone_pairs": int(c["pairs"][alone].sum()) if alone.any() else None,
        "alone_n": int(np.count_nonzero(c["pairs"][alone] > 0)),
        "person_gain": None,
        "person_pairs": 0,
        "people_n": 0,
        "as_of": kept.built_at,
    }
    chosen = mask[c["answer_response"]] if c["answer_response"].size else np.zeros(0, dtype=bool)
    if chosen.any():
        # (person, pair) groups: the mean "before" and the mean "after" of each, kept when it has both
        person, pair, post, number = (c[k][chosen] for k in ("answer_person", "answer_pair", "answer_post",
                                                                "answer_number"))
        groups, group = np.unique(person * (int(pair.max()) + 1) + pair, return_inverse=True)
        group = group.reshape(-1)
        n_post = np.bincount(group, weights=post, minlength=groups.size)
        n_pre = np.bincount(group, weights=~post, minlength=groups.size)
        sum_post = np.bincount(group, weights=np.where(post, number, 0), minlength=groups.size)
        sum_pre = np.bincount(group, weights=np.where(post, 0, number), minlength=groups.size)
        both = (n_post > 0) & (n_pre > 0)
        if both.any():
            sums["person_gain"] = float((sum_post[both] / n_post[both] - sum_pre[both] / n_pre[both]).sum())
            sums["person_pairs"] = int(np.count_nonzero(both))
            sums["people_n"] = int(np.unique(groups[both] // (int(pair.max()) + 1)).size)
    return sums


# ---------------------------------------------------------------- Actions and participants

_NO_DAY = np.iinfo(np.int32).min  # a date not recorded: never within a period


def _days_or_none(dates) -> np.ndarray:
    days = np.array([_NO_DAY if d is None else day_number(d) for d in dates], dtype=np.int64)
    return days


@facts_builder("actions", version=2)
def _actions_columns() -> dict[str, np.ndarray]:
    """Every Action (whether cancelled; start, end, request and launch dates) and every activity delivered or
    reported (its Action, start date and participants), with the places. One transaction."""
    with _one_snapshot() as cursor:
        actions = list(Action.objects.order_by("pk").values_list("pk", "status", "start_date", "end_date",
                                                                  "requested_on", "launched_on", "source_request_id"))
        deliverables = list(Deliverable.objects.values_list("action_id", "type_id", "status"))
        activities = list(
            Activity.objects.filter(status__in=(Activity.Status.DELIVERED, Activity.Status.REPORTED))
            .values_list("action_id", "start_date", "participants_women", "participants_men", "participants_other")
        )
        places = _place_columns(cursor)
    return {
        "action_ids": np.array([a[0] for a in actions], dtype=np.int64),
        "action_cancelled": np.array([a[1] == Action.Status.CANCELLED for a in actions], dtype=bool),
        "action_start": _days_or_none([a[2] for a in actions]),
        "action_end": _days_or_none([a[3] for a in actions]),
        "action_requested": _days_or_none([a[4] for a in actions]),
        "action_launched": _days_or_none([a[5] for a in actions]),
        "action_history": np.array([a[6] is None for a in actions], dtype=bool),  # imported: no request in Pontis
        "deliverable_action": np.array([d[0] for d in deliverables], dtype=np.int64),
        "deliverable_type": np.array([d[1] for d in deliverables], dtype=np.int64),
        "deliverable_status": np.array([d[2] for d in deliverables], dtype=str),
        "activity_action": np.array([a[0] for a in activities], dtype=np.int64),
        "activity_start": _days_or_none([a[1] for a in activities]),
        "activity_women": np.array([a[2] or 0 for a in activities], dtype=np.int64),
        "activity_men": np.array([a[3] or 0 for a in activities], dtype=np.int64),
        "activity_other": np.array([a[4] or 0 for a in activities], dtype=np.int64),
        **places,
    }


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _of_place(c, ids: np.ndarray, filters: Filters) -> np.ndarray:
    chosen = actions_of_place(c, filters)
    return np.ones(ids.shape, dtype=bool) if chosen is None else _in_ids(ids, chosen)


def _per_place(c, kind: str, action_ids: np.ndarray, weights: np.ndarray | None) -> dict[int, int]:
    """By place id: how many of ``action_ids`` (or the sum of ``weights``) are of each place; places without
    any left out. An Action of two places counts in both."""
    out = {}
    pair_action, pair_place = c[f"{kind}_action"], c[f"{kind}_place"]
    for place in np.unique(pair_place).tolist():
        chosen = _in_ids(action_ids, pair_action[pair_place == place])
        n = int(chosen.sum()) if weights is None else int(weights[chosen].sum())
        if chosen.any():
            out[place] = n
    return out


def actions_facts(filters: Filters) -> dict:
    """The Actions a filter selects (``common.actions_in``) and what the Action figures count of them: ``total``,
    ``countries`` (ids of the countries of at least one), ``region`` and ``theme`` (Actions by place id),
    ``years`` (by year of start, None for no start date), ``country`` (Actions by country id); the days from
    request to launch of the Actions of the place launched in the period (``launch_days``); the deliverables of
    the Actions selected by (type id, status) (``deliverables``); the first and last years of the place's imported
    history (its Actions without a request in Pontis, by the year requested or else started: ``history``); and
    ``as_of``."""
    kept = facts("actions")
    c = kept.columns
    ids = c["action_ids"]
    place = _of_place(c, ids, filters)
    running = place & ~c["action_cancelled"]
    if filters.date_to:
        running &= (c["action_start"] != _NO_DAY) & (c["action_start"] <= day_number(filters.date_to))
    if filters.date_from:
        running &= (c["action_end"] == _NO_DAY) | (c["action_end"] >= day_number(filters.date_from))
    chosen = ids[running]
    starts = c["action_start"][running]
    years = {}
    dated = starts != _NO_DAY
    for year, n in zip(*np.unique(_year_of(starts[dated]), return_counts=True), strict=True):
        years[int(year)] = int(n)
    if (~dated).any():
        years[None] = int(np.count_nonzero(~dated))
    in_chosen = _in_ids(c["country_action"], chosen)
    countries, per_country = np.unique(c["country_place"][in_chosen], return_counts=True)
    delivered = _in_ids(c["deliverable_action"], chosen)
    by_type_status: dict = {}
    for type_id, status in zip(c["deliverable_type"][delivered].tolist(), c["deliverable_status"][delivered].tolist(),
                               strict=True):
        by_type_status[(type_id, status)] = by_type_status.get((type_id, status), 0) + 1
    history = place & c["action_history"]
    history_day = np.where(c["action_requested"] != _NO_DAY, c["action_requested"], c["action_start"])[history]
    history_years = _year_of(history_day[history_day != _NO_DAY])
    launched = place & (c["action_requested"] != _NO_DAY) & (c["action_launched"] != _NO_DAY)
    if filters.date_from:
        launched &= c["action_launched"] >= day_number(filters.date_from)
    if filters.date_to:
        launched &= c["action_launched"] <= day_number(filters.date_to)
    return {
        "total": int(chosen.size),
        "countries": countries.tolist(),
        "country": dict(zip(countries.tolist(), per_country.tolist(), strict=True)),
        "region": _per_place(c, "region", chosen, None),
        "theme": _per_place(c, "theme", chosen, None),
        "years": years,
        "launch_days": np.maximum(0, c["action_launched"][launched] - c["action_requested"][launched]).tolist(),
        "deliverables": by_type_status,
        "history": (int(history_years.min()), int(history_years.max())) if history_years.size else (None, None),
        "as_of": kept.built_at,
    }


def participants_facts(filters: Filters) -> dict:
    """The participants of the activities a filter selects (``people.activities_in``): ``years`` (by year of
    the activity's start: women, men, other), ``region`` and ``theme`` (the sum by place id); and ``as_of``."""
    kept = facts("actions")
    c = kept.columns
    mask = _of_place(c, c["activity_action"], filters)
    starts = c["activity_start"]
    if filters.date_to:
        mask &= (starts != _NO_DAY) & (starts <= day_number(filters.date_to))
    if filters.date_from:
        mask &= (starts != _NO_DAY) & (starts >= day_number(filters.date_from))
    women, men, other = (c[f"activity_{k}"][mask] for k in ("women", "men", "other"))
    starts = starts[mask]
    years = {}
    dated = starts != _NO_DAY
    year = np.where(dated, _year_of(np.where(dated, starts, 0)), 0)
    for y in np.unique(year[dated]).tolist() + ([None] if (~dated).any() else []):
        at = ~dated if y is None else dated & (year == y)
        years[y] = {"women": int(women[at].sum()), "men": int(men[at].sum()), "other": int(other[at].sum())}
    total = women + men + other
    action = c["activity_action"][mask]
    return {
        "years": years,
        "region": _per_place(c, "region", action, total),
        "theme": _per_place(c, "theme", action, total),
        "as_of": kept.built_at,
    }
