"""The feedback indicators, computed in the database: a fixed number of aggregate queries, whatever the number of
answers.

    indicators(activity=..., action=..., region=..., theme=..., date_from=..., date_to=..., user=request.user)

answers an ``Indicators`` with five figures, each with the counts behind it (docs/feedback.md, "Indicators"):

- satisfaction rate: the share of rating answers at the "reaction" level (Kirkpatrick level 1, the questions that
  ask how satisfied people were) that are 4 or 5;
- knowledge gain: the mean of "after" minus "before" over matched pairs only (the same pair answered before and
  after by the same response, or by the same person across two questionnaires through ``person_key``);
- women share: women among the distinct registrations with at least one attendance ("prefer not to say" and
  "another gender" stay in the denominator);
- response rate: answered personal links over personal links created;
- ratings by criterion: the mean rating per evaluation criterion.

Satisfaction and knowledge gain read the summaries each response stores when it is submitted
(``Response.reaction_ratings``, ``reaction_satisfied``, ``knowledge_pairs``, ``knowledge_gain``) rather than its
answers, about a tenth of the rows; only the knowledge pairs of responses with a ``person_key`` (matched across
questionnaires) are read from the answers.

Small numbers: a figure (or a breakdown row) behind fewer than ``MIN_RESPONDENTS`` respondents is suppressed
(value and counts ``None``, ``suppressed`` true) for everyone but administrators.

The scope filters combine (AND): an activity (its questionnaires and its meeting), an Action (its questionnaires,
its activities' questionnaires and meetings), a region (the Action's region or its countries' region, the
meeting's region or country's region), a theme (the Action's or the meeting's thematic areas) and a period
(responses by ``submitted_at``, personal links by ``created_at``, attendance by the meeting's first day). Regions
and themes go through ``__in`` subqueries, never through many-to-many joins, so that no answer is counted twice.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import Avg, Count, Exists, F, FloatField, IntegerField, Max, OuterRef, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from pontis.actions.models import Action, Activity, FollowUp
from pontis.core.roles import Role
from pontis.core.selectors import cached_figures
from pontis.events.models import Attendance, Meeting
from pontis.events.models.registration import Gender

from .models import SATISFIED_FROM, Answer, Invitation, Question, Questionnaire, Response

MIN_RESPONDENTS = 5
# SATISFIED_FROM (a rating of 4 or 5 counts as satisfied) lives in models, with the response summaries it defines.


@dataclass(frozen=True)
class Figure:
    """One figure: ``value`` (a share from 0 to 1, or a mean), ``count`` over ``total`` (what the value is made of:
    satisfied answers over rating answers, matched pairs, women over attendees, answered over invited, ratings),
    ``respondents`` (the people behind it, which decides suppression) and ``suppressed``."""

    value: float | None
    count: int | None
    total: int | None
    respondents: int | None
    suppressed: bool = False

    def as_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "total": self.total, "respondents": self.respondents,
                "suppressed": self.suppressed}


@dataclass(frozen=True)
class Indicators:
    satisfaction_rate: Figure
    knowledge_gain: Figure
    women_share: Figure
    response_rate: Figure
    ratings_by_criterion: dict[str, Figure] = field(default_factory=dict)

    FIGURES = ("satisfaction_rate", "knowledge_gain", "women_share", "response_rate")

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name).as_dict() for name in self.FIGURES},
                "ratings_by_criterion": {code: f.as_dict() for code, f in self.ratings_by_criterion.items()}}


def sees_small_numbers(user) -> bool:
    """Administrators alone see figures behind fewer than ``MIN_RESPONDENTS`` respondents."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and user.has_role(Role.ADMIN))


# The figure of nothing, and a suppressed one: the same for every row without respondents or with too few (a
# figure never changes once made, so every row shares them).
_NOTHING = Figure(None, 0, 0, 0)
_SUPPRESSED = Figure(None, None, None, None, suppressed=True)


def _figure(value, count, total, respondents, *, reveal: bool) -> Figure:
    respondents = respondents or 0
    if respondents == 0:  # nothing to compute, nothing to hide
        return _NOTHING
    if respondents < MIN_RESPONDENTS and not reveal:
        return _SUPPRESSED
    return Figure(value, count or 0, total or 0, respondents)


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def _mean(value):
    return None if value is None else round(float(value), 4)


# ---------------------------------------------------------------- scope


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of ``day`` in the current time zone (the one a ``__date`` lookup converts to)."""
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start) if settings.USE_TZ else start


@dataclass(frozen=True)
class Scope:
    activity: object = None
    action: object = None
    region: object = None
    theme: object = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def actions_in(self):
        """Subquery: the Actions of the region and theme (None when neither filters)."""
        if self.region is None and self.theme is None:
            return None
        actions = Action.objects.all()
        if self.region is not None:
            actions = actions.filter(pk__in=Action.objects.filter(
                Q(region=self.region) | Q(lead_country__region=self.region) | Q(countries__region=self.region)
            ).values("pk"))
        if self.theme is not None:
            actions = actions.filter(pk__in=Action.objects.filter(themes=self.theme).values("pk"))
        return actions.values("pk")

    def meetings_in(self):
        """Subquery: the meetings of the region and theme (their own, or their activity's Action's)."""
        if self.region is None and self.theme is None:
            return None
        meetings = Meeting.objects.all()
        if self.region is not None:
            actions = Scope(region=self.region).actions_in()
            meetings = meetings.filter(pk__in=Meeting.objects.filter(
                Q(region=self.region) | Q(country__region=self.region) | Q(activity__action__in=actions)
            ).values("pk"))
        if self.theme is not None:
            actions = Scope(theme=self.theme).actions_in()
            meetings = meetings.filter(pk__in=Meeting.objects.filter(
                Q(themes=self.theme) | Q(activity__action__in=actions)).values("pk"))
        return meetings.values("pk")

    @cached_property
    def _target_ids(self) -> dict[str, list[int]]:
        """The activity's meetings; the Action's activities, outcome follow-ups and its activities' meetings; in one
        query (none without an activity or Action). A few ids, so that responses and questionnaires are chosen by
        their own indexed columns (``activity_id IN (...)``, ``meeting_id IN (...)``): an OR across joined tables
        (response, activity, meeting) made the database read every response."""
        ids = {"activity_meeting": [], "action_activity": [], "action_follow_up": [], "action_meeting": []}
        parts = []
        if self.activity is not None:
            parts.append(Meeting.objects.filter(activity=self.activity).annotate(target_kind=Value("activity_meeting"))
                         .values_list("pk", "target_kind").order_by())
        if self.action is not None:
            for kind, rows in (("action_activity", Activity.objects.filter(action=self.action)),
                               ("action_follow_up", FollowUp.objects.filter(action=self.action)),
                               ("action_meeting", Meeting.objects.filter(activity__action=self.action))):
                parts.append(rows.annotate(target_kind=Value(kind)).values_list("pk", "target_kind").order_by())
        if parts:
            for pk, kind in parts[0].union(*parts[1:], all=True):
                ids[kind].append(pk)
        return ids

    def target_q(self, prefix: str, *, follow_up: bool = False) -> Q:
        """Q on something that carries ``activity``/``action``/``meeting`` (a response, a questionnaire): the
        activity's own, or its meeting's; the Action's own, its activities', or their meetings'."""
        p = prefix
        q = Q()
        ids = self._target_ids
        if self.activity is not None:
            q &= Q(**{f"{p}activity": self.activity}) | Q(**{f"{p}meeting_id__in": ids["activity_meeting"]})
        if self.action is not None:
            by_action = (Q(**{f"{p}action": self.action}) | Q(**{f"{p}activity_id__in": ids["action_activity"]})
                         | Q(**{f"{p}meeting_id__in": ids["action_meeting"]}))
            if follow_up:
                by_action |= Q(**{f"{p}follow_up_id__in": ids["action_follow_up"]})
            q &= by_action
        actions, meetings = self.actions_in(), self.meetings_in()
        if actions is not None:
            q &= (Q(**{f"{p}action__in": actions}) | Q(**{f"{p}activity__action__in": actions})
                  | Q(**{f"{p}meeting__in": meetings}))
        return q

    def period_q(self, lookup: str, *, is_date: bool = False) -> Q:
        """The period on a date field, or on a date-time field by its day in the current time zone. A date-time is
        compared with the first instants of the days (``>=`` the first day's, ``<`` the day after the last day's),
        the same rows as comparing its date, but the database can estimate it and use an index."""
        q = Q()
        if is_date:
            if self.date_from is not None:
                q &= Q(**{f"{lookup}__gte": self.date_from})
            if self.date_to is not None:
                q &= Q(**{f"{lookup}__lte": self.date_to})
            return q
        if self.date_from is not None:
            q &= Q(**{f"{lookup}__gte": day_start(self.date_from)})
        if self.date_to is not None:
            q &= Q(**{f"{lookup}__lt": day_start(self.date_to + datetime.timedelta(days=1))})
        return q

    @property
    def _one_target(self) -> bool:
        return self.activity is not None or self.action is not None

    def answers(self):
        if self._one_target:
            # The few responses of one activity or Action through their indexes, then their answers through
            # the answer's response index.
            return Answer.objects.filter(response__in=self.responses().values("pk"))
        return Answer.objects.filter(self.target_q("response__"), self.period_q("response__submitted_at"))

    def responses(self):
        """The responses in scope: the same filters as ``answers``, on the response itself."""
        return Response.objects.filter(self.target_q(""), self.period_q("submitted_at"))

    def invitations(self):
        if self._one_target:
            # The questionnaires of one activity or Action (a small table), then their personal links through
            # the link's questionnaire index.
            questionnaires = Questionnaire.objects.filter(self.target_q("", follow_up=True)).values("pk")
            return Invitation.objects.filter(questionnaire__in=questionnaires).filter(self.period_q("created_at"))
        return Invitation.objects.filter(self.target_q("questionnaire__", follow_up=True), self.period_q("created_at"))

    def attendance(self):
        q = Q()
        m = "registration__meeting__"
        if self.activity is not None:
            q &= Q(**{f"{m}activity": self.activity})
        if self.action is not None:
            q &= Q(**{f"{m}activity__action": self.action})
        meetings = self.meetings_in()
        if meetings is not None:
            q &= Q(**{f"{m}in": meetings})
        return Attendance.objects.filter(q, self.period_q(f"{m}start_date", is_date=True))


# ---------------------------------------------------------------- the figures (one query each)


def _satisfaction_sums() -> dict:
    """The aggregates of the satisfaction rate over the responses in scope (their stored ``reaction_ratings`` and
    ``reaction_satisfied``)."""
    return {"total": Coalesce(Sum("reaction_ratings"), 0), "satisfied": Coalesce(Sum("reaction_satisfied"), 0),
            "respondents": Count("id", filter=Q(reaction_ratings__gt=0))}


def satisfaction_figure(row: dict, reveal: bool) -> Figure:
    """The satisfaction rate from its sums (``_satisfaction_sums``: ``total``, ``satisfied``, ``respondents``), also
    as the facility's figures compute them from their own facts (``reports/figures/columns.py``)."""
    return _figure(_share(row["satisfied"], row["total"]), row["satisfied"], row["total"], row["respondents"],
                   reveal=reveal)


def _satisfaction(scope: Scope, reveal: bool) -> Figure:
    """One query over the responses in scope."""
    return satisfaction_figure(scope.responses().aggregate(**_satisfaction_sums()), reveal)


def _knowledge_sums(scope: Scope) -> dict:
    """The aggregates of the knowledge gain over the responses in scope. A pair is matched by the person
    (``person_key``, across questionnaires) or else by the response itself. Responses without a person key give
    their stored ``knowledge_gain`` (a sum over their matched pairs) and ``knowledge_pairs``; the answers of
    responses with one are grouped by (person, pair), in three scalar subqueries the database runs once each. The
    mean gain is the sum of both parts over both counts of pairs."""
    # Driven by the few responses in scope that have a person key (an index on person_key), not by the answers:
    # the scope's region and theme conditions on every answer made PostgreSQL read them all.
    person_pairs = (Answer.objects.filter(response__in=scope.responses().exclude(person_key="").values("pk"))
                    .filter(type=Question.Type.KNOWLEDGE, number__isnull=False)
                    .exclude(pair="").filter(phase__in=(Question.Phase.PRE, Question.Phase.POST))
                    .annotate(person=F("response__person_key"))
                    .values("person", "pair")
                    .annotate(pre=Avg("number", filter=Q(phase=Question.Phase.PRE)),
                              post=Avg("number", filter=Q(phase=Question.Phase.POST)))
                    .filter(pre__isnull=False, post__isnull=False))

    inner, params = person_pairs.order_by().query.get_compiler(using=person_pairs.db).as_sql()

    def over_pairs(expression: str, output_field):
        # A scalar subquery over the matched (person, pair) groups, inside an aggregate (``Max`` of one value).
        return Max(RawSQL(f"SELECT {expression} FROM ({inner}) pairs", params, output_field=output_field))

    alone = Q(person_key="")
    return {"alone_gain": Sum("knowledge_gain", filter=alone), "alone_pairs": Sum("knowledge_pairs", filter=alone),
            "alone_n": Count("id", filter=alone & Q(knowledge_pairs__gt=0)),
            "person_gain": over_pairs("SUM(post - pre)", FloatField()),
            "person_pairs": over_pairs("COUNT(*)", IntegerField()),
            "people_n": over_pairs("COUNT(DISTINCT person)", IntegerField())}


def knowledge_figure(row: dict, reveal: bool) -> Figure:
    """The knowledge gain from its sums (``_knowledge_sums``), also as the facility's figures compute them."""
    matched = (row["alone_pairs"] or 0) + (row["person_pairs"] or 0)
    gain = float(row["alone_gain"] or 0) + float(row["person_gain"] or 0)
    respondents = (row["alone_n"] or 0) + (row["people_n"] or 0)
    return _figure(_mean(gain / matched) if matched else None, matched, matched, respondents, reveal=reveal)


def _knowledge(scope: Scope, reveal: bool) -> Figure:
    """One query over the responses in scope (see ``_knowledge_sums``)."""
    return knowledge_figure(scope.responses().aggregate(**_knowledge_sums(scope)), reveal)


def _satisfaction_and_knowledge(scope: Scope, reveal: bool) -> tuple[Figure, Figure]:
    """Both figures that read the responses' summaries, in one query over the responses in scope."""
    row = scope.responses().aggregate(**_satisfaction_sums(), **_knowledge_sums(scope))
    return satisfaction_figure(row, reveal), knowledge_figure(row, reveal)


def _women(scope: Scope, reveal: bool) -> Figure:
    row = scope.attendance().aggregate(
        total=Count("registration", distinct=True),
        women=Count("registration", distinct=True, filter=Q(registration__gender=Gender.WOMAN)))
    return _figure(_share(row["women"], row["total"]), row["women"], row["total"], row["total"], reveal=reveal)


def _response_rate(scope: Scope, reveal: bool) -> Figure:
    row = scope.invitations().aggregate(total=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    return _figure(_share(row["answered"], row["total"]), row["answered"], row["total"], row["total"], reveal=reveal)


def _criteria(scope: Scope, reveal: bool) -> dict[str, Figure]:
    rows = (scope.answers().filter(type=Question.Type.RATING, number__isnull=False).exclude(criterion="")
            .values("criterion").annotate(mean=Avg("number"), n=Count("id"), respondents=Count("response", distinct=True))
            .order_by("criterion"))
    return {r["criterion"]: _figure(_mean(r["mean"]), r["n"], r["n"], r["respondents"], reveal=reveal) for r in rows}


def indicators(*, activity=None, action=None, region=None, theme=None, date_from: datetime.date | None = None,
               date_to: datetime.date | None = None, user) -> Indicators:
    """The five figures in scope, in five queries whatever the number of answers (for an activity or Action: its
    activities', meetings' and follow-ups' ids, the two figures over the responses' summaries, women, response
    rate, criteria; facility-wide: four, without the ids). The caller has checked that ``user`` may see indicators and
    the activity or Action (``can(user, "view", Indicators)``, ``get_visible_or_404``); ``user`` decides
    suppression only."""
    scope = Scope(activity=activity, action=action, region=region, theme=theme, date_from=date_from, date_to=date_to)
    reveal = sees_small_numbers(user)

    def compute() -> Indicators:
        satisfaction, knowledge = _satisfaction_and_knowledge(scope, reveal)
        return Indicators(
            satisfaction_rate=satisfaction,
            knowledge_gain=knowledge,
            women_share=_women(scope, reveal),
            response_rate=_response_rate(scope, reveal),
            ratings_by_criterion=_criteria(scope, reveal),
        )

    if activity is None and action is None:
        # Facility-wide figures (a period, a region, a theme) read every response in scope, and the criteria every
        # rating, hundreds of thousands of rows at full size: they are shared by every reader for
        # PONTIS_FIGURES_CACHE_SECONDS, like the other headline figures.
        key = ":".join(str(part) for part in ("indicators", getattr(region, "pk", region), getattr(theme, "pk", theme),
                                              date_from, date_to, reveal))
        return cached_figures(key, compute)
    return compute()


def headline_indicators(*, region=None, theme=None, date_from: datetime.date | None = None,
                        date_to: datetime.date | None = None, user) -> Indicators:
    """The satisfaction rate and the knowledge gain of a period, region and theme, in two queries (one per figure,
    over the summaries stored on each response; the other figures are ``None``): what the facility's figures page
    shows, without the three queries it does not show (the criteria breakdown alone read and sorted every rating at
    full size). Cached like ``indicators``."""
    scope = Scope(region=region, theme=theme, date_from=date_from, date_to=date_to)
    reveal = sees_small_numbers(user)

    def compute() -> Indicators:
        return Indicators(satisfaction_rate=_satisfaction(scope, reveal), knowledge_gain=_knowledge(scope, reveal),
                          women_share=None, response_rate=None, ratings_by_criterion={})

    key = ":".join(str(part) for part in ("indicators-headline", getattr(region, "pk", region),
                                          getattr(theme, "pk", theme), date_from, date_to, reveal))
    return cached_figures(key, compute)


# ---------------------------------------------------------------- rows by Action or activity (one GROUP BY per figure)


def _action_of(prefix: str):
    """The Action a response or questionnaire belongs to: its own, its activity's or its meeting's activity's."""
    return Coalesce(F(f"{prefix}action_id"), F(f"{prefix}activity__action_id"), F(f"{prefix}meeting__activity__action_id"))


def _activity_of(prefix: str):
    """The activity a response or questionnaire belongs to: its own or its meeting's."""
    return Coalesce(F(f"{prefix}activity_id"), F(f"{prefix}meeting__activity_id"))


# For each breakdown: the key of an answer, of an attendance and of a personal link.
_KEYS = {
    "action": (lambda: _action_of("response__"), lambda: F("registration__meeting__activity__action_id"),
               lambda: Coalesce(_action_of("questionnaire__"), F("questionnaire__follow_up__action_id"))),
    "activity": (lambda: _activity_of("response__"), lambda: F("registration__meeting__activity_id"),
                 lambda: _activity_of("questionnaire__")),
}


@dataclass(frozen=True)
class Row:
    """The figures of one Action or activity (``pk``)."""

    pk: int
    satisfaction_rate: Figure
    women_share: Figure
    response_rate: Figure


def indicators_by(kind: str, *, among, region=None, theme=None, date_from=None, date_to=None, user) -> dict[int, Row]:
    """Per Action (``kind="action"``) or per activity (``"activity"``) among ``among`` (a queryset: those the
    reader may see): satisfaction, women share and response rate, each suppressed below ``MIN_RESPONDENTS`` for
    non-administrators. Three queries, whatever the number of rows or answers; rows without any figure are left
    out. Each query groups every rating answer, attendance or personal link in scope across joined tables, so the
    review page reads its rows through ``review_targets`` instead (the same figures, compared in the tests)."""
    scope = Scope(region=region, theme=theme, date_from=date_from, date_to=date_to)
    reveal = sees_small_numbers(user)
    ids = among.values("pk")
    answer_key, attendance_key, invitation_key = _KEYS[kind]
    satisfaction = {r["a"]: r for r in (
        scope.answers().filter(type=Question.Type.RATING, level=Question.Level.REACTION, number__isnull=False)
        .annotate(a=answer_key()).filter(a__in=ids).values("a")
        .annotate(total=Count("id"), satisfied=Count("id", filter=Q(number__gte=SATISFIED_FROM)),
                  respondents=Count("response", distinct=True)).order_by())}
    women = {r["a"]: r for r in (
        scope.attendance().annotate(a=attendance_key()).filter(a__in=ids).values("a")
        .annotate(total=Count("registration", distinct=True),
                  women=Count("registration", distinct=True, filter=Q(registration__gender=Gender.WOMAN))).order_by())}
    invited = {r["a"]: r for r in (
        scope.invitations().annotate(a=invitation_key()).filter(a__in=ids).values("a")
        .annotate(total=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))).order_by())}
    rows = {}
    for a in sorted(set(satisfaction) | set(women) | set(invited)):
        s, w, i = satisfaction.get(a, {}), women.get(a, {}), invited.get(a, {})
        rows[a] = Row(
            pk=a,
            satisfaction_rate=_figure(_share(s.get("satisfied", 0), s.get("total", 0)), s.get("satisfied"),
                                      s.get("total"), s.get("respondents"), reveal=reveal),
            women_share=_figure(_share(w.get("women", 0), w.get("total", 0)), w.get("women"), w.get("total"),
                                w.get("total"), reveal=reveal),
            response_rate=_figure(_share(i.get("answered", 0), i.get("total", 0)), i.get("answered"), i.get("total"),
                                  i.get("total"), reveal=reveal),
        )
    return rows


def indicators_by_action(*, actions, **filters) -> dict[int, Row]:
    return indicators_by("action", among=actions, **filters)


def indicators_by_activity(*, activities, **filters) -> dict[int, Row]:
    return indicators_by("activity", among=activities, **filters)


# ---------------------------------------------------------------- the review's rows: counted per target first


def _first(*values):
    """The first value that is not None (SQL's ``COALESCE``)."""
    return next((value for value in values if value is not None), None)


def _add(sums: dict, key, values: dict) -> None:
    if key is None:  # a response, meeting or questionnaire of no Action or activity has no row
        return
    row = sums.setdefault(key, dict.fromkeys(values, 0))
    for name, value in values.items():
        row[name] += value or 0


_KINDS = ("action", "activity")


def _visibility_key(among) -> str | None:
    """A digest of the SQL that says which rows ``among`` holds (None when it holds none): two readers whose
    visible Actions or activities are chosen by the same statement see the same rows."""
    try:
        sql, params = among.order_by().values("pk").query.get_compiler(using=among.db).as_sql()
    except EmptyResultSet:
        return None
    return hashlib.sha256(repr((among.model._meta.label, sql, params)).encode()).hexdigest()


@dataclass(frozen=True)
class ReviewRows:
    """The rows of the review by Action (``kind="action"``) or by activity (``"activity"``): ``ids``, the rows
    that have a figure in scope and that the reader may see, in the order of their ids (as ``indicators_by``
    answers them), and ``rows(ids)``, the figures of some of them (a page, or all for an export). Built by
    ``review_targets(...).rows(kind, among=..., user=...)``."""

    kind: str
    ids: list[int]
    targets: ReviewTargets
    reveal: bool

    def rows(self, ids) -> dict[int, Row]:
        """The figures of ``ids`` (a page of ``self.ids``), exactly those ``indicators_by`` computes, from the
        sums of the targets (no query)."""
        sums, reveal = self.targets.sums[self.kind], self.reveal
        satisfaction, women, links = sums["satisfaction"], sums["women"], sums["links"]
        answer = {}
        # A row without sums of one kind has no figure of that kind (``_figure`` of no respondents); the sums of a
        # row hold every one of their names (``_add``).
        for a in ids:
            s, w, i = satisfaction.get(a), women.get(a), links.get(a)
            answer[a] = Row(
                pk=a,
                satisfaction_rate=_NOTHING if s is None else _figure(
                    _share(s["satisfied"], s["total"]), s["satisfied"], s["total"], s["respondents"], reveal=reveal),
                women_share=_NOTHING if w is None else _figure(
                    _share(w["women"], w["total"]), w["women"], w["total"], w["total"], reveal=reveal),
                response_rate=_NOTHING if i is None else _figure(
                    _share(i["answered"], i["total"]), i["answered"], i["total"], i["total"], reveal=reveal),
            )
        return answer


@dataclass(frozen=True)
class ReviewTargets:
    """What the review's rows are made of, counted per target before any Action or activity: ``sums`` (per kind,
    per row id: the satisfaction sums of the responses given for it, the attendees of its meetings and the
    personal links of its questionnaires) and ``found`` (per kind, the ids of the rows with any figure, in
    order). Every figure of a row is a sum over its targets (a registration belongs to one meeting, a response
    and a personal link to one target). ``version`` tells one computation from the next."""

    scope: Scope
    sums: dict[str, dict]  # "action" / "activity" -> {"satisfaction" / "women" / "links": {id: sums}}
    found: dict[str, list[int]]  # "action" / "activity" -> the ids with a figure, in order
    version: str

    def rows(self, kind: str, *, among, user) -> ReviewRows:
        """The rows by Action or activity among ``among`` (a queryset: those ``user`` may see).

        Which of the rows found the reader may see is asked of the database once per statement that chooses
        ``among`` (the same for every reader who sees all Actions, and for each reader who sees some, keyed by
        the ids or conditions in it) and per computation of the targets, then kept as long as the targets: the
        ids found are thousands at full size, and checking them all was most of the page's database time."""
        found = self.found[kind]
        key = _visibility_key(among) if found else None
        if key is None:
            ids = []
        else:
            ids = cached_figures(
                f"review-rows:{self.version}:{kind}:{key}",
                lambda: sorted(among.filter(pk__id_in=found).values_list("pk", flat=True).order_by()))
        return ReviewRows(kind=kind, ids=ids, targets=self, reveal=sees_small_numbers(user))


def _review_targets(scope: Scope) -> ReviewTargets:
    responses = list(
        scope.responses().filter(reaction_ratings__gt=0).values("action_id", "activity_id", "meeting_id")
        .annotate(total=Sum("reaction_ratings"), satisfied=Sum("reaction_satisfied"), respondents=Count("id"))
        .values_list("action_id", "activity_id", "meeting_id", "total", "satisfied", "respondents").order_by())
    attendance = list(
        scope.attendance().values("registration__meeting_id")
        .annotate(total=Count("registration", distinct=True),
                  women=Count("registration", distinct=True, filter=Q(registration__gender=Gender.WOMAN)))
        .values_list("registration__meeting_id", "total", "women").order_by())
    # The questionnaires of ``scope.invitations()`` (the same conditions, on the questionnaire itself), then their
    # personal links in the period, counted through the links' (questionnaire, created) index.
    linked = list(
        Questionnaire.objects.filter(scope.target_q("", follow_up=True))
        .filter(Exists(Invitation.objects.filter(scope.period_q("created_at"), questionnaire=OuterRef("pk"))))
        .values_list("pk", "action_id", "activity_id", "meeting_id", "follow_up__action_id").order_by())
    links = list(
        Invitation.objects.filter(questionnaire_id__id_in=sorted(q[0] for q in linked))
        .filter(scope.period_q("created_at")).values("questionnaire_id")
        .annotate(total=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .values_list("questionnaire_id", "total", "answered").order_by()) if linked else []
    meeting_ids = ({r[2] for r in responses} | {r[0] for r in attendance} | {q[3] for q in linked}) - {None}
    meetings = {pk: (action_id, activity_id) for pk, action_id, activity_id in Meeting.objects.filter(
        pk__id_in=sorted(meeting_ids)).values_list("pk", "activity__action_id", "activity_id").order_by()}
    activity_ids = ({r[1] for r in responses if r[0] is None} | {q[2] for q in linked if q[1] is None}) - {None}
    activity_actions = dict(Activity.objects.filter(pk__id_in=sorted(activity_ids))
                            .values_list("pk", "action_id").order_by())

    # The keys ``indicators_by`` groups by: for an Action, the first of the target's own Action, its activity's,
    # its meeting's activity's (and a questionnaire's outcome follow-up's); for an activity, its own or its
    # meeting's.
    sums = {kind: {"satisfaction": {}, "women": {}, "links": {}} for kind in _KINDS}
    for action_id, activity_id, meeting_id, total, satisfied, respondents in responses:
        meeting_action, meeting_activity = meetings.get(meeting_id, (None, None))
        values = {"total": total, "satisfied": satisfied, "respondents": respondents}
        _add(sums["action"]["satisfaction"], _first(action_id, activity_actions.get(activity_id), meeting_action),
             values)
        _add(sums["activity"]["satisfaction"], _first(activity_id, meeting_activity), values)
    for meeting_id, total, women in attendance:
        meeting_action, meeting_activity = meetings.get(meeting_id, (None, None))
        _add(sums["action"]["women"], meeting_action, {"total": total, "women": women})
        _add(sums["activity"]["women"], meeting_activity, {"total": total, "women": women})
    keys = {}
    for pk, action_id, activity_id, meeting_id, follow_up_action in linked:
        meeting_action, meeting_activity = meetings.get(meeting_id, (None, None))
        keys[pk] = (_first(action_id, activity_actions.get(activity_id), meeting_action, follow_up_action),
                    _first(activity_id, meeting_activity))
    for questionnaire_id, total, answered in links:
        action_id, activity_id = keys[questionnaire_id]
        _add(sums["action"]["links"], action_id, {"total": total, "answered": answered})
        _add(sums["activity"]["links"], activity_id, {"total": total, "answered": answered})
    found = {kind: sorted(set().union(*sums[kind].values())) for kind in _KINDS}
    return ReviewTargets(scope=scope, sums=sums, found=found, version=uuid.uuid4().hex)


def review_targets(*, region=None, theme=None, date_from=None, date_to=None) -> ReviewTargets:
    """The targets behind the review's rows by Action and by activity, in six queries whatever the number of
    rows, responses or links: the responses' stored satisfaction numbers per target and the attendees per meeting
    (each through its own period column), the questionnaires that have a personal link in scope (one probe of
    the links' (questionnaire, created) index per questionnaire) and their links counted per questionnaire, then
    where the meetings and activities found belong (by their primary keys). The rows then give exactly the
    figures of ``indicators_by``, which groups every rating answer and every personal link across joined tables.

    Like the facility-wide figures of the same period (``indicators``), they are shared by every reader for
    PONTIS_FIGURES_CACHE_SECONDS; who sees which row is decided per reader (``ReviewTargets.rows``)."""
    scope = Scope(region=region, theme=theme, date_from=date_from, date_to=date_to)
    # Not the "review-targets" key of the earlier shape (without the links and ``found``), which a running cache may
    # still hold.
    key = ":".join(str(part) for part in ("review-target-sums", getattr(region, "pk", region),
                                          getattr(theme, "pk", theme), date_from, date_to))
    return cached_figures(key, lambda: _review_targets(scope))


# ---------------------------------------------------------------- review periods

PERIOD_PARTS = ("year", "h1", "h2", "q1", "q2", "q3", "q4")


def period_bounds(year: int, part: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a year ("year"), a half-year ("h1", "h2") or a quarter ("q1".."q4")."""
    if part == "year":
        first, months = 1, 12
    elif part in ("h1", "h2"):
        first, months = 1 + 6 * (int(part[1]) - 1), 6
    elif part in ("q1", "q2", "q3", "q4"):
        first, months = 1 + 3 * (int(part[1]) - 1), 3
    else:
        raise ValueError(f"unknown period {part!r}")
    start = datetime.date(year, first, 1)
    end_month = first + months  # the month after the period
    end = (datetime.date(year + 1, 1, 1) if end_month > 12 else datetime.date(year, end_month, 1)) - datetime.timedelta(days=1)
    return start, end


def previous_period(year: int, part: str) -> tuple[int, str]:
    """The period just before: the previous year, half-year or quarter."""
    if part == "year":
        return year - 1, "year"
    kind, number = part[0], int(part[1])
    if number > 1:
        return year, f"{kind}{number - 1}"
    return year - 1, f"{kind}{2 if kind == 'h' else 4}"
