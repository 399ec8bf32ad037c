"""Explainable matching: a ranked list of candidates for an activity, each score broken into its parts.

Two steps keep it fast at 100,000 experts: indexed SQL narrows the roster to a bounded candidate set (active,
sharing a topic or theme, speaking one of the activity's languages at a working level); the parts are then
scored in Python on that set with everything prefetched (a fixed number of queries, whatever the roster size).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Institution
from pontis.actions.models import Action, ActionPartner, Activity
from pontis.core.models import Country, EUMembership

from .models import (
    LEVEL_WEIGHT,
    WORKING_LEVELS,
    Background,
    Deployment,
    Evaluation,
    ExpertLanguage,
    ExpertProfile,
    Unavailability,
)
from .selectors import reference_labels

PARTS = {
    "topic": _("Topic and theme fit"),
    "language": _("Language of the activity"),
    "region": _("Regional and country experience"),
    "availability": _("Available on the activity dates"),
    "evaluation": _("Past evaluations"),
    "rotation": _("Rotation (not deployed recently)"),
}
DEFAULT_WEIGHTS = {"topic": 30, "language": 15, "region": 15, "availability": 20, "evaluation": 10, "rotation": 10}
MAX_CANDIDATES = 150
ROTATION_YEARS = 2

RULES = {
    "non_eu": _("At least one non-EU expert (triangular cooperation)"),
    "gender_balance": _("Gender balance (at least one woman and one man)"),
    "mix": _("A mix of government and non-government experts"),
    "no_partner": _("No expert from the requesting institution"),
}


def parse_weights(params) -> dict:
    """Weights from GET parameters ``w_<part>`` (0-100); anything else falls back to the default."""
    weights = {}
    for key, default in DEFAULT_WEIGHTS.items():
        try:
            value = int(params.get(f"w_{key}", default))
        except (TypeError, ValueError):
            value = default
        weights[key] = min(max(value, 0), 100)
    return weights


@dataclass
class Candidate:
    profile: CandidateProfile
    parts: dict
    score: float = 0.0
    notes: dict = field(default_factory=dict)
    non_eu: bool = False
    partner_institution: bool = False

    @property
    def percents(self) -> list[str]:
        """Each part as the whole percentage a page shows, in the order of ``PARTS`` (rounded as the template tag
        ``widthratio part 1 100`` rounds it)."""
        return [percent(value) for value in self.parts.values()]


def percent(value) -> str:
    """A part (0-1) as the whole percentage a page shows (``Candidate.percents``)."""
    return str(round((float(value) / 1.0) * 100))


@dataclass
class ActivityContext:
    """What the scoring needs to know about the activity, fetched once."""

    activity: object
    start: datetime.date
    end: datetime.date
    topic_ids: set
    theme_ids: set
    language_ids: set
    country_ids: set
    region_ids: set
    partner_institution_ids: set
    eu_country_ids: set

    @classmethod
    def of(cls, activity):
        """One UNION ALL query reads the Action's topics, themes, countries (and their regions), partners, the
        activity's languages and the EU members on the start date (written here, not composed with the ORM on
        every visit: see ``Facts``)."""
        action = activity.action
        start = activity.start_date or action.start_date or timezone.localdate()
        end = activity.end_date or start
        sql, params = cls._statement(activity, action, start)
        sets: list[set] = [set() for _kind in range(7)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, value in cursor.fetchall():
                sets[kind].add(value)
        topic_ids, theme_ids, language_ids, country_ids, region_ids, partner_ids, eu_ids = sets
        if activity.country_id:
            country_ids.add(activity.country_id)
        if action.region_id:
            region_ids.add(action.region_id)
        return cls(activity=activity, start=start, end=end, topic_ids=topic_ids, theme_ids=theme_ids,
                   language_ids=language_ids, country_ids=country_ids, region_ids=region_ids,
                   partner_institution_ids=partner_ids, eu_country_ids=eu_ids)

    @staticmethod
    def _statement(activity, action, start) -> tuple[str, list]:
        def link(model, name):
            field = model._meta.get_field(name)
            return _table(field.remote_field.through), field.m2m_column_name(), field.m2m_reverse_name()

        day = connection.ops.adapt_datefield_value(start)
        branches, params = [], []
        for kind, (model, name, owner) in enumerate(((Action, "topics", action.pk), (Action, "themes", action.pk),
                                                     (Activity, "languages", activity.pk))):
            table, own, other = link(model, name)
            branches.append(f"SELECT {kind}, {other} FROM {table} WHERE {own} = %s")
            params.append(owner)
        table, own, other = link(Action, "countries")
        branches.append(f"SELECT 3, {other} FROM {table} WHERE {own} = %s")
        branches.append(f"SELECT 4, c.region_id FROM {table} l INNER JOIN {_table(Country)} c ON c.id = l.{other} "
                        f"WHERE l.{own} = %s AND c.region_id IS NOT NULL")
        branches.append(f"SELECT 5, institution_id FROM {_table(ActionPartner)} WHERE action_id = %s")
        # The memberships current on the start date, as ``selectors.eu_memberships_on`` reads them.
        branches.append(f"SELECT 6, country_id FROM {_table(EUMembership)} WHERE joined_on <= %s "
                        "AND (left_on IS NULL OR left_on >= %s)")
        params += [action.pk, action.pk, action.pk, day, day]
        if activity.country_id:
            branches.append(f"SELECT 4, region_id FROM {_table(Country)} WHERE id = %s AND region_id IS NOT NULL")
            params.append(activity.country_id)
        return " UNION ALL ".join(branches), params


def candidate_ids(ctx: ActivityContext, limit: int = MAX_CANDIDATES) -> list[int]:
    """Indexed narrowing: active experts sharing most Action topics first (then themes), speaking an activity
    language at a working level; among equals, those not deployed for longest first (rotation).

    One grouped query on the topic link table (indexed by topic), joined to the profiles' narrow covering index
    for status and last deployment; the database counts, orders and cuts to ``limit``, so only ``limit`` ids
    travel, whatever the roster size.
    """
    speakers = None
    if ctx.language_ids:
        speakers = ExpertLanguage.objects.filter(language_id__in=ctx.language_ids, level__in=WORKING_LEVELS)
    ranked: list[int] = []
    if ctx.topic_ids:
        links = ExpertProfile.topics.through.objects.filter(
            topic_id__in=ctx.topic_ids, expertprofile__status=ExpertProfile.Status.ACTIVE)
        if speakers is not None:
            links = links.filter(Exists(speakers.filter(profile_id=OuterRef("expertprofile_id"))))
        # Same order as before: most shared topics, never deployed first, then longest ago, then id.
        ranked = list(links.values("expertprofile_id").annotate(n=Count("topic_id")).order_by(
            "-n", F("expertprofile__last_deployed_on").asc(nulls_first=True), "expertprofile_id")
            .values_list("expertprofile_id", flat=True)[:limit])
    if len(ranked) < limit and ctx.theme_ids:
        more = ExpertProfile.objects.filter(status=ExpertProfile.Status.ACTIVE, themes__in=ctx.theme_ids).exclude(
            pk__id_in=ranked)
        if speakers is not None:
            more = more.filter(pk__in=speakers.values("profile_id"))
        # Favour those not deployed recently among the theme-only matches, so the set rotates too.
        ranked += list(more.order_by(F("last_deployed_on").asc(nulls_first=True), "pk").values_list("pk", flat=True)
                       .distinct()[: limit - len(ranked)])
    return ranked


def _in(column: str, values) -> tuple[str, list]:
    """``column`` among ``values``, as the ``__id_in`` lookup writes it (``pontis.core.lookups``): one array
    parameter on PostgreSQL, one parameter per value elsewhere; nothing matches an empty list."""
    values = [int(value) for value in values]
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _day(value) -> datetime.date | None:
    """A date column as the cursor gives it (a date on PostgreSQL, ISO text on SQLite)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class Facts:
    """Everything scoring needs about the candidates, in plain dicts (no per-object ORM managers).

    Two queries whatever the number of candidates: one UNION ALL over the four link tables, the languages, the
    deployments and the unavailabilities on the activity dates; and the evaluation averages.

    An expert's own deployment on this very activity (once they accepted) does not count against them: it makes
    them neither "not available" nor "deployed recently". Their rotation is then judged on their other
    deployments, read in the same UNION (only for the candidates deployed here).

    The statements are written here rather than built with the ORM: a page of candidates builds them on every
    visit, and composing the ten branches through querysets cost about 35,000 Python calls (more than the
    database took to answer them). They read the same rows the querysets read
    (``experts/tests/test_matching_facts.py`` compares both).
    """

    LINKS = (
        ("topic_ids", ExpertProfile.topics.through, "topic_id"),
        ("theme_ids", ExpertProfile.themes.through, "thematicarea_id"),
        ("country_ids", ExpertProfile.countries_experience.through, "country_id"),
        ("region_ids", ExpertProfile.regions_experience.through, "region_id"),
    )
    LANGUAGE, BUSY, HERE, ELSEWHERE = range(len(LINKS), len(LINKS) + 4)
    REGION = 3  # the index of "region_ids" in LINKS

    def __init__(self, ids, ctx):
        ids = [int(pk) for pk in ids]
        sql, params = self._statement(ids, ctx)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        sets: list[dict[int, set]] = [{} for _link in self.LINKS]
        self.languages: dict[int, dict[int, str]] = {}
        self.busy: set[int] = set()
        self.here: set[int] = set()
        elsewhere: dict[int, datetime.date] = {}
        for kind, pid, value, level in rows:
            if kind == self.LANGUAGE:
                self.languages.setdefault(pid, {})[value] = level
            elif kind == self.BUSY:
                self.busy.add(pid)
            elif kind == self.HERE:
                self.here.add(pid)
            elif kind == self.ELSEWHERE:
                start = datetime.date.fromisoformat(str(level)[:10])
                elsewhere[pid] = max(start, elsewhere.get(pid, start))
            else:
                sets[kind].setdefault(pid, set()).add(value)
        self.topics, self.themes, self.countries, self.regions = sets
        self.elsewhere = elsewhere
        self.ratings = _ratings(ids)

    @classmethod
    def _statement(cls, ids, ctx) -> tuple[str, list]:
        adapt = connection.ops.adapt_datefield_value
        start, end, here = adapt(ctx.start), adapt(ctx.end), int(ctx.activity.pk)
        branches: list[str] = []
        params: list = []

        def add(sql, *parts):
            branches.append(sql)
            for part in parts:
                params.extend(part)

        # Scoring only intersects these with the activity's own topics, themes, countries and regions: fetch just those.
        for n, (wanted, model, column) in enumerate(cls.LINKS):
            profile_in, profile_params = _in("l.expertprofile_id", ids)
            value_in, value_params = _in(f"l.{column}", getattr(ctx, wanted))
            add(f"SELECT {n}, l.expertprofile_id, l.{column}, '' FROM {_table(model)} l "
                f"WHERE {profile_in} AND {value_in}", profile_params, value_params)
        # A country of experience counts for its region (Mexico for a Peru activity): its region joins the
        # explicit region links. The join reaches the small country table by primary key.
        profile_in, profile_params = _in("l.expertprofile_id", ids)
        region_in, region_params = _in("c.region_id", ctx.region_ids)
        add(f"SELECT {cls.REGION}, l.expertprofile_id, c.region_id, '' FROM "
            f"{_table(ExpertProfile.countries_experience.through)} l INNER JOIN {_table(Country)} c "
            f"ON c.id = l.country_id WHERE {profile_in} AND {region_in}", profile_params, region_params)
        profile_in, profile_params = _in("profile_id", ids)
        add(f"SELECT {cls.LANGUAGE}, profile_id, language_id, level FROM {_table(ExpertLanguage)} "
            f"WHERE {profile_in}", profile_params)
        deployments = _table(Deployment)
        add(f"SELECT {cls.BUSY}, profile_id, 0, '' FROM {deployments} WHERE {profile_in} "
            "AND status IN ('confirmed', 'completed') AND start_date <= %s AND end_date >= %s AND activity_id <> %s",
            profile_params, [end, start, here])
        add(f"SELECT {cls.HERE}, profile_id, 0, '' FROM {deployments} WHERE activity_id = %s "
            f"AND status <> 'cancelled' AND {profile_in}", [here], profile_params)
        add(f"SELECT {cls.ELSEWHERE}, d.profile_id, 0, CAST(d.start_date AS TEXT) FROM {deployments} d "
            f"WHERE {_in('d.profile_id', ids)[0]} AND d.status <> 'cancelled' AND d.activity_id <> %s "
            f"AND EXISTS (SELECT 1 FROM {deployments} h WHERE h.activity_id = %s AND h.status <> 'cancelled' "
            "AND h.profile_id = d.profile_id)", profile_params, [here, here])
        add(f"SELECT {cls.BUSY}, profile_id, 0, '' FROM {_table(Unavailability)} WHERE {profile_in} "
            "AND start_date <= %s AND end_date >= %s", profile_params, [end, start])
        return " UNION ALL ".join(branches), params

    def last_start(self, profile) -> datetime.date | None:
        """The start of the expert's latest deployment, leaving out the one on this activity."""
        if profile.pk in self.here:
            return self.elsewhere.get(profile.pk)
        return profile.last_deployed_on


class _Row(NamedTuple):
    """What scoring and ordering need of a candidate, read without building model instances."""

    pk: int
    family_name: str
    last_deployed_on: datetime.date | None
    nationality_id: int | None
    institution_id: int | None


def _rows(ids) -> list[_Row]:
    profile_in, params = _in("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, family_name, last_deployed_on, nationality_id, institution_id "
                       f"FROM {_table(ExpertProfile)} WHERE {profile_in}", params)
        return [_Row(pk, family_name, _day(last), nationality_id, institution_id)
                for pk, family_name, last, nationality_id, institution_id in cursor.fetchall()]


class CandidateProfile:
    """What the candidates page, the API and the team rules read of a candidate's profile, without a model instance:
    the fields ``ExpertProfile`` has under the same names, ``full_name`` and the ``get_*_display`` of gender and
    background as the model gives them, ``nationality`` as the country's name in the reader's language (``str()`` of
    the country, from ``selectors.reference_labels``; ``None`` when not given) and ``institution`` as ``str()`` of
    the institution (``None`` without one). Building fifty model instances with their country and institution cost
    about 7,000 Python calls on every view of the page."""

    __slots__ = ("pk", "id", "given_name", "family_name", "email", "gender", "background", "status",
                 "institution_name", "nationality_id", "nationality", "institution_id", "_institution",
                 "last_deployed_on", "user_id")

    def __init__(self, pk, given_name, family_name, email, gender, background, status, institution_name,
                 nationality_id, nationality, institution_id, institution, last_deployed_on, user_id):
        self.pk = self.id = pk
        self.given_name, self.family_name, self.email = given_name, family_name, email
        self.gender, self.background, self.status = gender, background, status
        self.institution_name, self.nationality_id, self.nationality = institution_name, nationality_id, nationality
        self.institution_id, self._institution = institution_id, institution
        self.last_deployed_on, self.user_id = last_deployed_on, user_id

    full_name = ExpertProfile.full_name

    def __str__(self):
        return self.full_name or self.email

    @property
    def institution(self) -> str | None:
        """The institution as ``str()`` of it reads ("Name (ACRONYM)"), or None."""
        if self._institution is None:
            return None
        name, acronym = self._institution
        return str(Institution(name=name, acronym=acronym))

    def get_gender_display(self):
        return _display(ExpertProfile, "gender", self.gender)

    def get_background_display(self):
        return _display(ExpertProfile, "background", self.background)


def _display(model, name, value):
    """``get_<name>_display()`` of ``model``: the label of ``value`` among the field's choices, else the value."""
    label = dict(model._meta.get_field(name).flatchoices).get(value, value)
    return force_str(label, strings_only=True)


def _profiles(ids) -> dict[int, CandidateProfile]:
    """The candidates shown, with what tells namesakes apart (nationality, institution): one statement of plain rows
    (written here, as ``_rows``: the queryset cost about 1,500 Python calls more to build and convert)."""
    countries = reference_labels()["countries"]
    profile_in, params = _in("p.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.given_name, p.family_name, p.email, p.gender, p.background, p.status, p.institution_name, "
            "p.nationality_id, p.institution_id, i.name, i.acronym, p.last_deployed_on, p.user_id "
            f"FROM {_table(ExpertProfile)} p LEFT OUTER JOIN {_table(Institution)} i ON i.id = p.institution_id "
            f"WHERE {profile_in}", params)
        rows = cursor.fetchall()
    profiles = {}
    for (pk, given_name, family_name, email, gender, background, status, institution_name, nationality_id,
         institution_id, institution, acronym, last_deployed_on, user_id) in rows:
        if institution_id and isinstance(institution, str):  # JSON text (both backends give the column as text)
            institution = json.loads(institution)
        profiles[pk] = CandidateProfile(
            pk, given_name, family_name, email, gender, background, status, institution_name, nationality_id,
            (countries.get(nationality_id) or None) if nationality_id else None, institution_id,
            (institution, acronym) if institution_id else None, _day(last_deployed_on), user_id)
    return profiles


def _ratings(ids) -> dict[int, float]:
    """The mean of the three average marks of each candidate's evaluations (as ``Avg`` reads them: a float)."""
    profile_in, params = _in("d.profile_id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.profile_id, AVG(e.expertise), AVG(e.communication), AVG(e.adaptation) "
                       f"FROM {_table(Evaluation)} e INNER JOIN {_table(Deployment)} d ON d.id = e.deployment_id "
                       f"WHERE {profile_in} GROUP BY d.profile_id", params)
        return {pid: (float(a) + float(b) + float(c)) / 3 for pid, a, b, c in cursor.fetchall()}


def score_profile(profile, ctx: ActivityContext, facts: Facts) -> dict:
    """Each part in [0, 1]."""
    pid = profile.pk
    topics = facts.topics.get(pid, set())
    themes = facts.themes.get(pid, set())
    topic_fit = len(topics & ctx.topic_ids) / len(ctx.topic_ids) if ctx.topic_ids else 0.0
    theme_fit = len(themes & ctx.theme_ids) / len(ctx.theme_ids) if ctx.theme_ids else 0.0
    topic = 0.7 * topic_fit + 0.3 * theme_fit if ctx.topic_ids else theme_fit

    if ctx.language_ids:
        spoken = facts.languages.get(pid, {})
        language = max((LEVEL_WEIGHT.get(level, 0) for lid, level in spoken.items() if lid in ctx.language_ids), default=0.0)
    else:
        language = 1.0

    if facts.countries.get(pid, set()) & ctx.country_ids:
        region = 1.0
    elif facts.regions.get(pid, set()) & ctx.region_ids:
        region = 0.6
    else:
        region = 0.0

    availability = 0.0 if pid in facts.busy else 1.0

    rating = facts.ratings.get(pid)
    evaluation = (rating - 1) / 4 if rating is not None else 0.5  # no history: neither favoured nor penalised

    # ``last_deployed_on`` is kept by the services: the start of the expert's latest deployment.
    last_start = facts.last_start(profile)
    if last_start is None:
        rotation = 1.0
    else:
        days = (ctx.start - last_start).days
        rotation = min(max(days / (365 * ROTATION_YEARS), 0.0), 1.0)
    return {"topic": topic, "language": language, "region": region, "availability": availability,
            "evaluation": evaluation, "rotation": rotation}


def _scored(ctx: ActivityContext, ids, weights: dict) -> list[tuple[float, _Row, dict]]:
    facts = Facts(ids, ctx)
    total_weight = sum(weights.values()) or 1
    scored = []
    for row in _rows(ids):
        parts = score_profile(row, ctx, facts)
        score = round(100 * sum(parts[k] * weights.get(k, 0) for k in parts) / total_weight, 1)
        scored.append((score, row, parts))
    return scored


class Ranked(NamedTuple):
    """One candidate's place in a ranking: what is kept between visits (``rank``), without the profile itself."""

    pk: int
    score: float
    parts: dict
    non_eu: bool
    partner_institution: bool


def _ranked(ctx: ActivityContext, scored) -> list[Ranked]:
    return [Ranked(row.pk, score, parts, row.nationality_id not in ctx.eu_country_ids,
                   bool(row.institution_id and row.institution_id in ctx.partner_institution_ids))
            for score, row, parts in scored]


def _candidates(ranked: list[Ranked]) -> list[Candidate]:
    # Only the candidates shown become model instances (with their nationality and institution), read on every
    # visit: a kept ranking shows each expert's current name and status. One erased since is left out.
    profiles = _profiles([r.pk for r in ranked])
    return [Candidate(profile=profiles[r.pk], parts=r.parts, score=r.score, non_eu=r.non_eu,
                      partner_institution=r.partner_institution)
            for r in ranked if r.pk in profiles]


def ranking(ctx: ActivityContext, weights: dict, limit: int = 50) -> list[Ranked]:
    """The ``limit`` best candidates for the activity of ``ctx``, best first (all of them with ``limit=0``)."""
    ids = candidate_ids(ctx)
    if not ids:
        return []
    scored = _scored(ctx, ids, weights)
    scored.sort(key=lambda item: (-item[0], item[1].family_name, item[1].pk))
    if limit:
        scored = scored[:limit]
    return _ranked(ctx, scored)


def ranking_cache_seconds() -> int:
    """How long a ranking is kept: ``PONTIS_MATCHING_CACHE_SECONDS``, by default a minute (0, no keeping, when the
    figures are not kept either: the test profile)."""
    return settings.PONTIS_MATCHING_CACHE_SECONDS


def ranking_key(ctx: ActivityContext, weights: dict, limit: int) -> str:
    """Everything a ranking depends on besides the roster itself: the activity, its dates and each set it is
    matched on (an edited Action or activity is ranked afresh at once), the weights and the length."""
    sets = tuple(tuple(sorted(getattr(ctx, name))) for name in (
        "topic_ids", "theme_ids", "language_ids", "country_ids", "region_ids", "partner_institution_ids",
        "eu_country_ids"))
    described = repr((ctx.activity.pk, ctx.start.isoformat(), ctx.end.isoformat(), sets,
                      tuple(sorted(weights.items())), limit))
    return f"pontis:matching:{ctx.activity.pk}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"


def rank(activity, weights: dict | None = None, limit: int = 50, *, ctx: ActivityContext | None = None) -> list[Candidate]:
    """Ranked candidates for ``activity`` with each score part (0-1) and the weighted total (0-100).

    Ranking reads the candidates' topics, languages, deployments and evaluations (two of the page's heaviest
    queries at 100,000 experts), and officers come back to the same activity many times in a row (after each
    invitation, to search, to compare weights): the ranking is kept in the shared cache for
    ``ranking_cache_seconds()``, keyed by ``ranking_key``. It is the same for every reader allowed to match (no
    name, no text: the profiles are read on every visit). A change on the roster (a new deployment elsewhere, an
    evaluation) shows in the scores within that time."""
    weights = weights or DEFAULT_WEIGHTS
    ctx = ctx or ActivityContext.of(activity)
    seconds = ranking_cache_seconds()
    if seconds <= 0:
        return _candidates(ranking(ctx, weights, limit))
    key = ranking_key(ctx, weights, limit)
    ranked = cache.get(key)
    if ranked is None:
        ranked = ranking(ctx, weights, limit)
        cache.set(key, ranked, seconds)
    return _candidates(ranked)


def explain(activity, profile_ids, weights: dict | None = None, *, ctx: ActivityContext | None = None) -> list[Candidate]:
    """The same explanation as ``rank`` for chosen experts (found by a search of the whole roster, wherever they
    would rank), in the order given. A fixed number of queries, as ``rank``."""
    ids = list(dict.fromkeys(profile_ids))
    if not ids:
        return []
    ctx = ctx or ActivityContext.of(activity)
    order = {pk: n for n, pk in enumerate(ids)}
    scored = sorted(_scored(ctx, ids, weights or DEFAULT_WEIGHTS), key=lambda item: order[item[1].pk])
    return _candidates(_ranked(ctx, scored))


def _is_gov(c):
    return c.profile.background == Background.GOVERNMENT


RULE_CHECKS = {
    "non_eu": lambda team: any(c.non_eu for c in team),
    "gender_balance": lambda team: any(c.profile.gender == "female" for c in team) and any(
        c.profile.gender == "male" for c in team),
    "mix": lambda team: any(_is_gov(c) for c in team) and any(not _is_gov(c) for c in team),
}
RULE_HELPS = {
    "non_eu": lambda c: c.non_eu,
    "gender_balance": lambda c: c.profile.gender in ("female", "male"),
    "mix": lambda c: True,
}


def suggest_team(candidates: list[Candidate], *, size: int = 3, rules=()) -> tuple[list[Candidate], dict]:
    """The best-scoring team of ``size`` that satisfies the chosen composition rules where the roster allows.

    Greedy by score, then for each unmet rule the lowest-scoring member is swapped for the best candidate that
    meets it without breaking a rule already met. Answers the team and, per rule, whether it holds.
    """
    pool = [c for c in candidates if c.parts["availability"] > 0]
    if "no_partner" in rules:
        pool = [c for c in pool if not c.partner_institution]
    team = pool[:size]
    for rule in [r for r in rules if r in RULE_CHECKS]:
        if RULE_CHECKS[rule](team):
            continue
        met_before = [r for r in rules if r in RULE_CHECKS and RULE_CHECKS[r](team)]
        swapped = False
        for newcomer in (c for c in pool if c not in team):
            for out in sorted(team, key=lambda c: c.score):
                trial = [c for c in team if c is not out] + [newcomer]
                if RULE_CHECKS[rule](trial) and all(RULE_CHECKS[r](trial) for r in met_before):
                    team = sorted(trial, key=lambda c: -c.score)
                    swapped = True
                    break
            if swapped:
                break
    result = {}
    for rule in rules:
        if rule == "no_partner":
            result[rule] = not any(c.partner_institution for c in team)
        elif rule in RULE_CHECKS:
            result[rule] = RULE_CHECKS[rule](team)
    return team, result


def criteria_for_expert(profile, activity) -> list[tuple[str, bool]]:
    """Which criteria the expert met for an activity: their own parts only, never anyone else's data."""
    ctx = ActivityContext.of(activity)
    ids = [profile.pk]
    parts = score_profile(profile, ctx, Facts(ids, ctx))
    thresholds = {"topic": 0.3, "language": 0.5, "region": 0.5, "availability": 1.0, "evaluation": 0.5, "rotation": 0.5}
    result = [(PARTS[k], parts[k] >= thresholds[k]) for k in PARTS]
    result.insert(0, (_("Active on the roster"), profile.status == ExpertProfile.Status.ACTIVE))
    return result
