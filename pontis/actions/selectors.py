"""Reads of Actions: lists for a person, complementarity, the 90-day risk list, the process view."""

from __future__ import annotations

import datetime
import functools
import json
import statistics
from collections import namedtuple

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.accounts.models import Institution, User
from pontis.core import registry
from pontis.core.awaiting import kept_sql_rows
from pontis.core.i18n import translate
from pontis.core.models import ActivityType, Country, DeliverableType, GoodPracticeFeature, ThematicArea
from pontis.core.selectors import followed_ids

from .models import (
    TARGET_DAYS,
    Action,
    ActionPartner,
    Activity,
    ActivityDocument,
    Deliverable,
    FicheVersion,
    FollowUp,
    SelfAssessment,
    stage_days,
)
from .permissions import ActivityDocumentPolicy, ActivityPolicy, DeliverablePolicy, visible_actions


def _list_related(qs):
    return qs.select_related("region", "lead_country").prefetch_related("countries", "themes")


def with_dates(qs):
    """Each Action's dates as people know them: its own start and end dates, or, while it has none, those of its
    activities (the first start, the last end). Annotated in the query (``dates_from``, ``dates_to``), so
    computed for the rows shown only: the subqueries follow the activity's Action index."""
    activities = Activity.objects.filter(action=OuterRef("pk")).exclude(status=Activity.Status.CANCELLED).order_by()
    first_start = activities.filter(start_date__isnull=False).values("action").annotate(d=Min("start_date")).values("d")
    last_end = (activities.filter(Q(end_date__isnull=False) | Q(start_date__isnull=False)).values("action")
                .annotate(d=Max(Coalesce("end_date", "start_date"))).values("d"))
    return qs.annotate(
        dates_from=Coalesce("start_date", Subquery(first_start)),
        dates_to=Coalesce("end_date", Subquery(last_end)),
    )


def actions_for(user, *, q: str = "", status: str = "", region: str = "", theme: str = "", country: str = "",
                year: str | int = ""):
    """The Actions ``user`` may see, filtered; ready for a list (no query per row)."""
    # Filters on related rows are EXISTS subqueries, never joins: a join repeats an Action per matching row and
    # needed DISTINCT over every column, which sorted all 20,000 Actions for each page (twice, with the count).
    qs = visible_actions(user)
    if q:
        partner = ActionPartner.objects.filter(action=OuterRef("pk"), institution__acronym__icontains=q)
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q) | Exists(partner))
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__code=region)
    if theme:
        qs = qs.filter(Exists(Action.themes.through.objects.filter(action_id=OuterRef("pk"), thematicarea__code=theme)))
    if country:
        qs = qs.filter(Exists(Action.countries.through.objects.filter(action_id=OuterRef("pk"), country__code=country.upper())))
    if year:
        qs = qs.filter(code__startswith=f"{year}-")
    return with_dates(_list_related(qs)).order_by("-code")


def actions_listed(user, **filters):
    """The Actions of the list page: ``actions_for`` with only the region loaded beside each Action (the page
    reads the labels of its rows' themes with ``theme_labels_of``), and only the columns a row shows (not the
    final report and lessons learnt of each)."""
    return (actions_for(user, **filters).select_related(None).prefetch_related(None).select_related("region")
            .only("code", "title", "status", "start_date", "end_date", "region__code", "region__name"))


def theme_labels_of(actions) -> dict[int, list[str]]:
    """The names of each Action's thematic areas in the reader's language, in their order: ``{action id: [label]}``.
    One read of three columns (a statement written once per process and page size), each area's label made once
    per page, instead of a model instance per theme of each row."""
    labels = {a.pk: [] for a in actions}
    if labels:
        made: dict[str, str] = {}  # an area's label, by code: a page shows a few areas many times
        name = _json(ThematicArea, "name")
        for pk, code, names in _fetch(_related_codes_sql("themes", len(labels), with_name=True), list(labels)):
            label = made.get(code)
            if label is None:
                label = made[code] = translate(name(names)) or code
            labels[pk].append(label)
    return labels


def codes_of(actions) -> dict[int, dict[str, list[str]]]:
    """The codes of each Action's countries and thematic areas, in their order (as ``countries.all()`` and
    ``themes.all()`` give them): ``{action id: {"countries": [...], "themes": [...]}}``. Two reads of two columns for
    a page of the API's list (statements written once per process and page size), instead of a model instance per
    country and theme of each Action."""
    codes = {a.pk: {"countries": [], "themes": []} for a in actions}
    if codes:
        ids = list(codes)
        for key in ("countries", "themes"):
            for pk, code in _fetch(_related_codes_sql(key, len(ids)), ids):
                codes[pk][key].append(code)
    return codes


@functools.lru_cache(maxsize=64)
def _related_codes_sql(name: str, n: int, *, with_name: bool = False) -> str:
    """``(action id, code[, name])`` of the ``name`` many-to-many rows (countries or themes) of ``n`` Actions, in
    their model's order (countries by code, thematic areas by order and code)."""
    qn = connection.ops.quote_name
    field = Action._meta.get_field(name)
    through, related = field.remote_field.through._meta, field.related_model._meta
    own = qn(through.get_field(field.m2m_field_name()).column)
    other = qn(through.get_field(field.m2m_reverse_field_name()).column)
    order = ", ".join(f"r.{qn(related.get_field(f.lstrip('-')).column)}{' DESC' if f.startswith('-') else ''}"
                      for f in related.ordering)
    return (f"SELECT t.{own}, r.{qn('code')}{', r.' + qn('name') if with_name else ''} FROM {qn(through.db_table)} t "
            f"INNER JOIN {qn(related.db_table)} r ON r.{qn(related.pk.column)} = t.{other} "
            f"WHERE t.{own} IN ({', '.join(['%s'] * n)}) ORDER BY {order}, t.{own}")


def action_detail_queryset():
    return with_dates(Action.objects).select_related("region", "lead_country", "owner").prefetch_related(
        "countries", "themes", "topics", "sdg_targets", "gcm_objectives",
        Prefetch("partners", queryset=ActionPartner.objects.select_related(
            "institution", "institution__country", "operational_focal_point", "strategic_focal_point")),
        Prefetch("activities", queryset=Activity.objects.select_related("type", "country").prefetch_related("languages")),
        Prefetch("deliverables", queryset=Deliverable.objects.select_related("type", "activity").prefetch_related("languages", "files")),
        Prefetch("fiche_versions", queryset=FicheVersion.objects.order_by("number")),
        "self_assessment__feature", "follow_ups",
    )


def action_page_queryset():
    """What an Action's page reads of its Action with it: its region and owner (the page shows no lead country).
    Its places, themes and goals are read as labels (``facts_of``); its activities (only those listed, with its
    dates) and its partners, deliverables and fiche versions as plain rows (``action_page_activities``,
    ``action_page_parts``); the self-assessment and follow-ups only on a completed Action (``closure_of``). Loading
    every activity of a large Action with its country and languages, and every deliverable's files, was most of the
    page's cost; the prefetches and the dates' subqueries, compiled for each page, most of what remained."""
    return Action.objects.select_related("region", "owner")


class _KeptActionRead:
    """``action_page_queryset().get(code=...)``'s statement, compiled once per process and database, and what turns
    its row into the Action with its region and owner, as the queryset does (the compiler's related populators and
    the database's converters)."""

    STAND_IN = "~action-code~"  # an Action's code never has "~"

    def __init__(self):
        queryset = action_page_queryset().filter(code=self.STAND_IN)
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slot = self.params.index(self.STAND_IN) if self.params.count(self.STAND_IN) == 1 else None
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(compiler.get_converters([c[0] for c in select[0:compiler.col_count]]).items())
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.related = get_related_populators(klass_info, select, queryset.db)
        self.db = queryset.db

    def get(self, code: str):
        """The Action of ``code`` (``Action.DoesNotExist`` if there is none)."""
        params = list(self.params)
        params[self.slot] = code
        rows = _fetch(self.sql, params)
        if not rows:
            raise Action.DoesNotExist
        row = list(rows[0])
        for position, (converters, expression) in self.converters:
            for converter in converters:
                row[position] = converter(row[position], expression, connection)
        action = Action.from_db(self.db, self.init_list, row[self.start:self.end])
        for populator in self.related:
            populator.populate(row, action)
        return action


_kept_reads: dict[tuple, _KeptActionRead] = {}


def action_page_action(code: str):
    """``action_page_queryset().get(code=code)`` without building and compiling the queryset on every page (that
    cost more than reading the row): the statement is kept per process and database, never its answer."""
    key = (connection.vendor, connection.settings_dict.get("NAME"))
    read = _kept_reads.get(key)
    if read is None:
        read = _kept_reads[key] = _KeptActionRead()
    if read.slot is None:  # the code is not a parameter of the statement as compiled: read as an ordinary query
        return action_page_queryset().get(code=code)
    return read.get(code)


# The lists of an Action's facts: (key, many-to-many field, column of the related row's number or None).
_FACTS = (("countries", "countries", None), ("themes", "themes", None), ("topics", "topics", None),
          ("sdg_targets", "sdg_targets", None), ("gcm_objectives", "gcm_objectives", "number"))


@functools.cache
def _fact_rows_sql() -> str:
    """The statement of ``_fact_rows``, written once from the models (one SELECT per list, joined by UNION ALL):
    compiling the same five querysets for each page cost more than running them."""
    qn = connection.ops.quote_name
    parts = []
    for key, name, number in _FACTS:
        field = Action._meta.get_field(name)
        through, related = field.remote_field.through._meta, field.related_model._meta
        own = through.get_field(field.m2m_field_name()).column
        other = through.get_field(field.m2m_reverse_field_name()).column
        number_sql = f"r.{qn(number)}" if number else "0"
        order_sql = "0" if field.related_model is Country else f"r.{qn('sort_order')}"
        parts.append(f"SELECT '{key}', r.{qn('code')}, r.{qn('name')}, {number_sql}, {order_sql} "
                     f"FROM {qn(through.db_table)} t INNER JOIN {qn(related.db_table)} r "
                     f"ON r.{qn(related.pk.column)} = t.{qn(other)} WHERE t.{qn(own)} = %(action)s")
    return " UNION ALL ".join(parts)


def _fact_rows(action) -> list[tuple]:
    """``(key, code, name, number, sort order)`` of ``action``'s countries, thematic areas, topics, SDG targets and
    GCM objectives, each list in its model's order (countries by code, GCM objectives by number, the others by
    sort order and code), in one query (a kept statement, ``core.awaiting.kept_sql_rows``)."""
    rows = kept_sql_rows("actions.fact_rows", _fact_rows_sql(), {"action": action.pk})
    name_field = Country._meta.get_field("name")  # every list's name is a translated (JSON) text
    rows = [(key, code, name_field.from_db_value(name, None, connection), number, order)
            for key, code, name, number, order in rows]
    return sorted(rows, key=lambda r: (r[0], r[3], r[4], r[1]))


def facts_of(action) -> dict[str, list[str]]:
    """The names of ``action``'s countries, thematic areas, topics, SDG targets (with their code) and GCM objectives
    (with their number) in the reader's language, as the page shows them (their ``str``): ``{"countries": [...],
    "themes": [...], "topics": [...], "sdg_targets": [...], "gcm_objectives": [...]}``. One read of the five
    lists' codes and names instead of five prefetches of model instances."""
    facts: dict[str, list[str]] = {key: [] for key, _name, _number in _FACTS}
    for key, code, name, number, _order in _fact_rows(action):
        label = translate(name)
        if key == "gcm_objectives":
            facts[key].append(f"{number}. {label}")
        elif key == "sdg_targets":
            facts[key].append(f"{code} {label or code}")
        else:
            facts[key].append(str(label) or code)
    return facts


def api_parts_of(action) -> dict:
    """What the API's answer about one Action lists beside its own columns, in three queries: the codes of its
    countries, thematic areas, topics, SDG targets and GCM objectives (``{key: [code]}`` as ``facts_of`` orders
    them), its partners with their institution and focal points, and the ids of its activities (in their order)
    and deliverables. (Eight prefetches of model instances before.)"""
    parts: dict = {key: [] for key, _name, _number in _FACTS}
    for key, code, _name, _number, _order in _fact_rows(action):
        parts[key].append(code)
    parts["partners"] = list(ActionPartner.objects.filter(action_id=action.pk).select_related(
        "institution", "operational_focal_point", "strategic_focal_point").order_by("id"))
    parts["activities"], parts["deliverables"] = [], []
    ids = (Activity.objects.filter(action_id=action.pk).values_list(Value("activities", output_field=CharField()),
                                                                    "sequence", "id").order_by()
           .union(Deliverable.objects.filter(action_id=action.pk).values_list(
               Value("deliverables", output_field=CharField()), Value(0, output_field=IntegerField()), "id")
               .order_by(), all=True))
    for key, _sequence, pk in sorted(ids, key=lambda r: (r[0], r[1] is None, r[1] or 0, r[2])):
        parts[key].append(pk)
    return parts


PageScore = namedtuple("PageScore", "feature score comment")
PageFollowUp = namedtuple("PageFollowUp", "pk months due_on reminded_at outcome recorded_at")


@functools.cache
def _closure_sql() -> dict[str, str]:
    qn = connection.ops.quote_name
    s, f, g = functools.partial(_qn_column, SelfAssessment), functools.partial(_qn_column, FollowUp), GoodPracticeFeature._meta
    return {
        "scores": (
            f"SELECT g.{qn('code')}, g.{qn('name')}, s.{s('score')}, s.{s('comment')} FROM {_qn_table(SelfAssessment)} s "
            f"INNER JOIN {qn(g.db_table)} g ON g.{qn(g.pk.column)} = s.{s('feature')} "
            f"WHERE s.{s('action')} = %(action)s ORDER BY g.{qn('number')}, s.{s('id')}"),
        "follow_ups": (
            f"SELECT f.{f('id')}, f.{f('months')}, f.{f('due_on')}, f.{f('reminded_at')}, f.{f('outcome')}, "
            f"f.{f('recorded_at')} FROM {_qn_table(FollowUp)} f WHERE f.{f('action')} = %(action)s ORDER BY f.{f('months')}, "
            f"f.{f('id')}"),
    }


def closure_of(action) -> dict:
    """The closure part of a completed Action's page (nothing read for another): its self-assessment (each
    feature's label, score and comment) and follow-ups, as plain rows in their order; a follow-up's
    ``reminded_at`` and ``recorded_at`` say whether (the page shows no more of them)."""
    if action.status != Action.Status.COMPLETED:
        return {"scores": [], "follow_ups": []}
    sql, name, due = _closure_sql(), _json(GoodPracticeFeature, "name"), _date(FollowUp, "due_on")
    scores = [PageScore(translate(name(names)) or code, score, comment)
              for code, names, score, comment in _page_rows("scores", sql, action)]
    follow_ups = [PageFollowUp(pk, months, due(due_on), reminded_at is not None, outcome, recorded_at is not None)
                  for pk, months, due_on, reminded_at, outcome, recorded_at in _page_rows("follow_ups", sql, action)]
    return {"scores": scores, "follow_ups": follow_ups}


# ---------------------------------------------------------------- the Action page's own lists, read as plain rows
#
# The Action page reads its activities, partners, deliverables and fiche versions through statements written once
# per process from the models (as ``_fact_rows``): compiling the querysets and prefetches for each page cost several
# times more than running them (about 10,000 Python calls of a page's 70,000 at stress size).

PageActivity = namedtuple("PageActivity", "pk sequence type title status start_date end_date online place")
PagePartner = namedtuple("PagePartner", "pk institution operational_focal_point strategic_focal_point")
PageDeliverable = namedtuple("PageDeliverable", "pk title type status evidence")
PageVersion = namedtuple("PageVersion", "number status agreed_on")


def _qn_table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _qn_column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _page_rows(name: str, statements: dict[str, str], action) -> list[tuple]:
    """The rows of the Action page's statement ``name`` (of ``statements``) for ``action``, through a kept statement
    (``core.awaiting.kept_sql_rows``: the page reads its statements in one round trip where it can)."""
    return kept_sql_rows(f"actions.page.{name}", statements[name], {"action": action.pk})


def _json(model, name: str):
    """``value -> python value`` of a translated (JSON) column read by hand, as the field reads it (``json.loads``
    of its text, the text itself if it is not JSON; a value the driver decoded already is kept)."""
    field = model._meta.get_field(name)
    if field.decoder is not None or type(field).from_db_value is not JSONField.from_db_value:
        return lambda value: field.from_db_value(value, None, connection)
    return _loaded


def _loaded(value):
    if not isinstance(value, (str, bytes, bytearray)):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _date(model, name: str):
    """``value -> date or None``: SQLite answers dates read by hand (and their MIN and MAX) as text."""
    return model._meta.get_field(name).to_python


@functools.cache
def _page_activities_sql(limited: bool) -> str:
    a, c = "a", functools.partial(_qn_column, Activity)
    t = ActivityType._meta
    qn = connection.ops.quote_name
    live = f"a.{c('status')} <> %(cancelled)s"
    return (
        f"SELECT a.{c('id')}, a.{c('sequence')}, t.{qn('code')}, t.{qn('name')}, a.{c('title')}, a.{c('status')}, "
        f"a.{c('start_date')}, a.{c('end_date')}, a.{c('online')}, a.{c('place')}, COUNT(*) OVER (), "
        f"MIN(CASE WHEN {live} THEN a.{c('start_date')} END) OVER (), "
        f"MAX(CASE WHEN {live} THEN COALESCE(a.{c('end_date')}, a.{c('start_date')}) END) OVER () "
        f"FROM {_qn_table(Activity)} {a} INNER JOIN {qn(t.db_table)} t ON t.{qn(t.pk.column)} = a.{c('type')} "
        f"WHERE a.{c('action')} = %(action)s ORDER BY a.{c('sequence')}, a.{c('id')}"
        + (" LIMIT %(limit)s" if limited else "")
    )


def action_page_activities(action, *, limit: int | None) -> tuple[list[PageActivity], int]:
    """The first ``limit`` activities of ``action`` in their order (every one with ``None``), as rows with the
    type's label, and how many it has, in one statement. Sets ``action.dates_from`` and ``action.dates_to`` as
    ``with_dates`` annotates them (its own dates, else the first start and last end of its activities that are not
    cancelled), read by the same statement."""
    constants = {"cancelled": Activity.Status.CANCELLED.value, **({"limit": limit} if limit is not None else {})}
    rows = kept_sql_rows("actions.page_activities", _page_activities_sql(limit is not None), {"action": action.pk},
                         constants=constants)
    title, name = _json(Activity, "title"), _json(ActivityType, "name")
    start, end = _date(Activity, "start_date"), _date(Activity, "end_date")
    types: dict = {}  # a few types for many rows: each label made once
    for _pk, _sequence, type_code, type_name, *_rest in rows:
        if type_code not in types:
            types[type_code] = translate(name(type_name)) or type_code
    shown = [PageActivity(pk, sequence, types[type_code], title(text), status, start(begins), end(ends),
                          bool(online), place)
             for pk, sequence, type_code, _type_name, text, status, begins, ends, online, place, *_rest in rows]
    total, first_start, last_end = (rows[0][10], start(rows[0][11]), end(rows[0][12])) if rows else (0, None, None)
    action.dates_from = action.start_date or first_start
    action.dates_to = action.end_date or last_end
    return shown, total


@functools.cache
def _page_parts_sql() -> dict[str, str]:
    qn = connection.ops.quote_name
    p, d, v = (functools.partial(_qn_column, m) for m in (ActionPartner, Deliverable, FicheVersion))
    i, u, t = Institution._meta, User._meta, DeliverableType._meta
    people = ", ".join(f"{who}.{qn(u.get_field(name).column)}" for who in ("o", "s")
                       for name in ("given_name", "family_name", "email"))
    return {
        "partners": (
            f"SELECT p.{p('id')}, i.{qn(i.get_field('name').column)}, i.{qn(i.get_field('acronym').column)}, {people} "
            f"FROM {_qn_table(ActionPartner)} p INNER JOIN {qn(i.db_table)} i ON i.{qn(i.pk.column)} = p.{p('institution')} "
            f"LEFT OUTER JOIN {qn(u.db_table)} o ON o.{qn(u.pk.column)} = p.{p('operational_focal_point')} "
            f"LEFT OUTER JOIN {qn(u.db_table)} s ON s.{qn(u.pk.column)} = p.{p('strategic_focal_point')} "
            f"WHERE p.{p('action')} = %(action)s ORDER BY p.{p('id')}"),
        "deliverables": (
            f"SELECT d.{d('id')}, d.{d('title')}, t.{qn('code')}, t.{qn('name')}, d.{d('status')}, d.{d('evidence')} "
            f"FROM {_qn_table(Deliverable)} d INNER JOIN {qn(t.db_table)} t ON t.{qn(t.pk.column)} = d.{d('type')} "
            f"WHERE d.{d('action')} = %(action)s ORDER BY d.{d('id')}"),
        "versions": (
            f"SELECT v.{v('number')}, v.{v('status')}, v.{v('agreed_on')} FROM {_qn_table(FicheVersion)} v "
            f"WHERE v.{v('action')} = %(action)s ORDER BY v.{v('number')}, v.{v('id')}"),
    }


def _person(given_name, family_name, email) -> str | None:
    """A focal point as the page names them (``str(user)``), or None for nobody."""
    return None if email is None else str(User(given_name=given_name, family_name=family_name, email=email))


def action_page_parts(action) -> dict[str, list]:
    """What the Action page lists of ``action`` beside its activities, as plain rows in their order: its partners
    (institution and focal points as the page names them), deliverables (with their type's label) and fiche
    versions. Three indexed reads, without a model instance per row."""
    sql = _page_parts_sql()
    name, title, type_name = _json(Institution, "name"), _json(Deliverable, "title"), _json(DeliverableType, "name")
    agreed = _date(FicheVersion, "agreed_on")
    partners = [PagePartner(pk, str(Institution(name=name(names), acronym=acronym)), _person(*operational),
                            _person(*strategic))
                for pk, names, acronym, *people in _page_rows("partners", sql, action)
                for operational, strategic in [(people[:3], people[3:])]]
    deliverables = [PageDeliverable(pk, title(text), translate(type_name(type_names)) or type_code, status, evidence)
                    for pk, text, type_code, type_names, status, evidence in _page_rows("deliverables", sql, action)]
    versions = [PageVersion(number, status, agreed(agreed_on))
                for number, status, agreed_on in _page_rows("versions", sql, action)]
    return {"partners": partners, "deliverables": deliverables, "versions": versions}


def action_fiche_queryset():
    """What the Action Fiche page reads of its Action: the Action and its fiche versions. (The detail queryset also
    read every activity, deliverable and partner, which the fiche never shows: 120 activities on a large Action.)"""
    return Action.objects.prefetch_related(Prefetch("fiche_versions", queryset=FicheVersion.objects.order_by("number")))


def action_api_queryset():
    """The Action of an API answer with its region; what it lists beside is read by ``api_parts_of``."""
    return Action.objects.select_related("region")


def activity_detail_queryset(*, action=None):
    """Activities with what their pages and API answers show (for ``get_visible_or_404``), of one Action if given."""
    qs = Activity.objects.select_related("action", "type", "country").prefetch_related("languages")
    return qs.filter(action=action) if action is not None else qs


def deliverable_detail_queryset(*, action=None):
    """Deliverables with their type, activity and languages (for ``get_visible_or_404``), of one Action if given."""
    qs = Deliverable.objects.select_related("action", "type", "activity").prefetch_related("languages")
    return qs.filter(action=action) if action is not None else qs


def follow_ups_of(action):
    """The follow-ups of one Action (for ``get_visible_or_404``)."""
    return FollowUp.objects.filter(action=action)


def activities_for(user, *, action=None, status: str = "", type: str = "", date_from=None, date_to=None):
    qs = ActivityPolicy().visible_to(user).select_related("action", "type")
    if action is not None:
        qs = qs.filter(action=action)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type__code=type)
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    return qs.order_by("action__code", "sequence", "id")


def deliverables_for(user, *, action=None, status: str = "", type: str = ""):
    qs = DeliverablePolicy().visible_to(user).select_related("action", "type", "activity").prefetch_related("languages")
    if action is not None:
        qs = qs.filter(action=action)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type__code=type)
    return qs.order_by("action__code", "id")


def _shared(through, column: str, ids: list):
    """How many of ``ids`` an Action's ``through`` rows name (a correlated count read from the pair index)."""
    rows = through.objects.filter(action_id=OuterRef("pk"), **{f"{column}__in": ids})
    return Coalesce(Subquery(rows.order_by().values("action_id").annotate(n=Count("*")).values("n")), 0)


# What an Action found by ``actions_for_complementarity`` shares with the request (``action.shares``).
COMPLEMENTARITY_SHARES = {(True, True): "country_and_theme", (True, False): "country", (False, True): "theme"}


def actions_for_complementarity(*, countries, themes, limit: int = 10, exclude: Action | None = None) -> list:
    """Past and ongoing Actions sharing a country or a theme, the ``limit`` most relevant: those sharing both a
    country and a theme first, then those sharing a country only, then those sharing a theme only; within each,
    those sharing more, then the most recent. Each answered Action says which in ``shares`` (a key of
    ``COMPLEMENTARITY_SHARES``).

    Tier by tier, and the next tier only while fewer than ``limit`` are found: counting the shared countries and
    themes of every candidate read thousands of Actions once the facility had run for years (a popular theme).
    Within a tier the counts are computed only when the request names more than one country or theme (otherwise
    every candidate shares exactly one and the most recent come first, read from the code index)."""
    country_ids = [getattr(c, "pk", c) for c in countries]
    theme_ids = [getattr(t, "pk", t) for t in themes]
    country_through, theme_through = Action.countries.through, Action.themes.through
    shares_country = Exists(country_through.objects.filter(action_id=OuterRef("pk"), country_id__in=country_ids))
    shares_theme = Exists(theme_through.objects.filter(action_id=OuterRef("pk"), thematicarea_id__in=theme_ids))
    candidates = Action.objects.exclude(status=Action.Status.CANCELLED)
    if exclude is not None:  # the request's own Action is not complementary to it
        candidates = candidates.exclude(pk=exclude.pk)
    tiers = []
    if country_ids and theme_ids:
        tiers.append((candidates.filter(shares_country, shares_theme), True, True))
    if country_ids:
        tiers.append((candidates.filter(shares_country).exclude(shares_theme) if theme_ids
                      else candidates.filter(shares_country), True, False))
    if theme_ids:
        tiers.append((candidates.filter(shares_theme).exclude(shares_country) if country_ids
                      else candidates.filter(shares_theme), False, True))
    found: list = []
    for qs, by_country, by_theme in tiers:
        before = len(found)
        if len(found) >= limit:
            break
        order = []
        if by_country and len(country_ids) > 1:
            qs = qs.annotate(shared_countries=_shared(country_through, "country_id", country_ids))
            order.append("-shared_countries")
        if by_theme and len(theme_ids) > 1:
            qs = qs.annotate(shared_themes=_shared(theme_through, "thematicarea_id", theme_ids))
            order.append("-shared_themes")
        found += _list_related(qs).order_by(*order, "-code")[:limit - len(found)]
        # What this Action has in common with the request: its tier (the panel groups and labels by it).
        for action in found[before:]:
            action.shares = COMPLEMENTARITY_SHARES[(by_country, by_theme)]
    return found


def _in_batches(queryset, *, stop, size: int = 25):
    """The rows of ``queryset`` as lists of ``size`` (prefetches included), until ``stop()`` says enough."""
    start = 0
    while not stop():
        batch = list(queryset[start:start + size])
        yield batch
        if len(batch) < size:
            return
        start += size


def _at_risk_base():
    """Actions not launched yet, in design or ongoing, with a request date: those the 90-day clock can put at risk,
    the oldest request first."""
    return Action.objects.filter(status__in=[Action.Status.DESIGN, Action.Status.ONGOING], launched_on__isnull=True,
                                 requested_on__isnull=False).order_by("requested_on", "code")


def _upcoming_soon(today: datetime.date):
    """An open activity of the outer Action starting within 30 days."""
    return Exists(Activity.objects.filter(action=OuterRef("pk"), start_date__gte=today,
                                          start_date__lte=today + datetime.timedelta(days=30),
                                          status__in=[Activity.Status.PLANNED, Activity.Status.CONFIRMED]))


def _at_risk_candidates(today: datetime.date, counting: bool):
    """The Actions that can be listed as at risk (the rules of ``_explained`` decide), the oldest request first."""
    # Only the Actions that can be listed are read: those past the warning day, and, when someone counts the people
    # on activities, those with an activity starting within 30 days after an agreed fiche.
    may_be_listed = Q(requested_on__lt=_warning_day(today))
    if counting:
        may_be_listed |= Q(fiche_agreed_on__isnull=False) & Q(_upcoming_soon(today))
    return _at_risk_base().filter(may_be_listed)


def _rule_reads(batch: list) -> tuple[dict[int, list], dict[int, FicheVersion]]:
    """What the rules read of the Actions of ``batch``, in at most two queries (none for a part no Action needs):
    the open activities (planned or confirmed, with their type, in their order) of those whose fiche is agreed, and
    the draft fiche (the first by number) of the others. Not every activity of a large Action: most of its 120 are
    delivered."""
    agreed = [a.pk for a in batch if a.fiche_agreed_on is not None]
    drafting = [a.pk for a in batch if a.fiche_agreed_on is None]
    open_activities: dict[int, list] = {pk: [] for pk in agreed}
    drafts: dict[int, FicheVersion] = {}
    if agreed:
        for activity in Activity.objects.filter(action_id__in=agreed, status__in=[
                Activity.Status.PLANNED, Activity.Status.CONFIRMED]).select_related("type").only(
                "action_id", "status", "start_date", "type__code", "type__name"):
            open_activities[activity.action_id].append(activity)
    if drafting:
        for version in (FicheVersion.objects.filter(action_id__in=drafting, status=FicheVersion.Status.DRAFT)
                        .only("action_id", "status", "partner_agreed_on", "content").order_by("action_id", "number")):
            drafts.setdefault(version.action_id, version)
    return open_activities, drafts


def _warning_day(today: datetime.date) -> datetime.date:
    """Actions requested before this day have passed 60 days on their clock: they are at risk whatever else."""
    return today - datetime.timedelta(days=TARGET_DAYS - 30)


def _explained(batch: list, today: datetime.date, counting: bool) -> list:
    """``(action, reason)`` for the Actions of ``batch`` that are at risk, in their order; the people confirmed on
    their activities starting soon are read for the whole batch in one query."""
    open_activities, drafts = _rule_reads(batch)
    people: dict[int, int] = {}
    if counting:
        people = registry.activity_people_counts(
            a.pk for activities in open_activities.values() for a in activities
            if a.start_date and today <= a.start_date <= today + datetime.timedelta(days=30))
    result = []
    for action in batch:
        days = (today - action.requested_on).days
        reasons = []
        expert_gap = False
        if action.fiche_agreed_on is None:
            draft = drafts.get(action.pk)
            if draft is not None and draft.partner_agreed_on is None and draft.activity_rows:
                reasons.append(_("waiting for the partner to agree the fiche"))
            else:
                reasons.append(_("waiting for the fiche agreement"))
        else:
            dated = [a for a in open_activities[action.pk] if a.start_date]
            if not dated:
                reasons.append(_("waiting for activity dates"))
            if counting:
                for activity in dated:
                    if today <= activity.start_date <= today + datetime.timedelta(days=30) and not people.get(activity.pk):
                        expert_gap = True
                        reasons.append(_("waiting for experts: %(activity)s starts on %(date)s with no expert confirmed")
                                       % {"activity": activity.type, "date": activity.start_date.isoformat()})
        if days > TARGET_DAYS - 30 or expert_gap:
            if days > TARGET_DAYS:
                reasons.insert(0, _("%(days)d days since the request: the 90-day target is missed") % {"days": days})
            result.append((action, "; ".join(str(r) for r in reasons)))
    return result


def actions_at_risk(*, today: datetime.date | None = None, limit: int | None = None) -> list:
    """Actions not yet launched (no activity delivered) whose 90-day clock is at risk, with the reason.

    An Action is listed when its clock has passed 60 days, or when an activity starts within 30 days
    without a confirmed expert. Reasons: waiting for the fiche agreement, for the partner's consent, for
    activity dates, for experts. Answers [(action, reason)], the oldest request first; with ``limit``, the first
    ``limit`` of them, reading no more Actions than needed (the staff home page shows five). The page listing
    them all reads one page at a time (``actions_at_risk_pages``).
    """
    today = today or timezone.localdate()
    # People confirmed per activity, counted by the apps that staff activities (experts); None: nobody counts.
    counting = registry.has_activity_people()
    actions = _at_risk_candidates(today, counting)
    if limit is None:
        return _explained(list(actions), today, counting)
    result: list = []

    def enough() -> bool:
        return len(result) >= limit

    for batch in _in_batches(actions, stop=enough):
        result.extend(_explained(batch, today, counting))
    return result[:limit]


class _RiskPages:
    """The Actions at risk as a sequence a Paginator slices, explaining only the slice shown.

    Every Action past the warning day is listed, and those come first (the oldest request first); after them, the
    few recent ones listed for an activity starting soon without experts. So the count is one COUNT of the first
    and the explained list of the recent ones, and a page reads only its own Actions of the first. (Explaining all
    of them for each page read every candidate with its open activities and draft fiche.)"""

    def __init__(self, today: datetime.date):
        self.today = today
        self.counting = registry.has_activity_people()
        warning = _warning_day(today)
        # Each part by its own conditions (those of ``_at_risk_candidates`` that can hold for it).
        self.past = _at_risk_base().filter(requested_on__lt=warning)
        self._recent = (_at_risk_base().filter(_upcoming_soon(today), requested_on__gte=warning,
                                               fiche_agreed_on__isnull=False) if self.counting else None)
        self._past_count: int | None = None
        self._recent_rows: list | None = None

    def _counts(self) -> tuple[int, list]:
        if self._past_count is None:
            self._past_count = self.past.count()
            self._recent_rows = _explained(list(self._recent), self.today, self.counting) if self._recent is not None else []
        return self._past_count, self._recent_rows

    def count(self) -> int:
        past, recent = self._counts()
        return past + len(recent)

    __len__ = count

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        past, recent = self._counts()
        start, stop, _step = index.indices(past + len(recent))
        rows = []
        if start < past:
            rows = _explained(list(self.past[start:min(stop, past)]), self.today, self.counting)
        return rows + recent[max(start - past, 0):max(stop - past, 0)]


def actions_at_risk_pages(*, today: datetime.date | None = None) -> _RiskPages:
    """Every Action at risk, as ``actions_at_risk`` lists them, for a Paginator: only the page shown is read and
    explained."""
    return _RiskPages(today or timezone.localdate())


# ---------------------------------------------------------------- process view

STAGES = (
    ("request_to_decision", "requested_on", "approved_on"),
    ("decision_to_fiche", "approved_on", "fiche_agreed_on"),
    ("fiche_to_launch", "fiche_agreed_on", "launched_on"),
    ("request_to_launch", "requested_on", "launched_on"),
)


def percentile(values: list[int], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks; None for no data.
    Done in Python so the figure is the same on every database."""
    if not values:
        return None
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return round(data[low] + (data[high] - data[low]) * (rank - low), 1)


def process_stats(*, date_from: datetime.date | None = None, date_to: datetime.date | None = None, theme: str = "",
                  region: str = "") -> dict:
    """Median and 90th percentile of days per stage for Actions requested in the period (and theme, region).

    Answers {"stages": [{"key", "count", "median", "p90", "within_target"}], "actions": n}.
    """
    qs = Action.objects.exclude(status=Action.Status.CANCELLED).filter(requested_on__isnull=False)
    if date_from:
        qs = qs.filter(requested_on__gte=date_from)
    if date_to:
        qs = qs.filter(requested_on__lte=date_to)
    if theme:
        qs = qs.filter(Exists(Action.themes.through.objects.filter(action_id=OuterRef("pk"), thematicarea__code=theme)))
    if region:
        qs = qs.filter(region__code=region)
    rows = list(qs.order_by().values("requested_on", "approved_on", "fiche_agreed_on", "launched_on"))
    stages = []
    for key, start, end in STAGES:
        days = [stage_days(r[start], r[end]) for r in rows if r[start] and r[end]]
        stage = {"key": key, "count": len(days), "median": None if not days else round(float(statistics.median(days)), 1),
                 "p90": percentile(days, 90)}
        if key == "request_to_launch":
            stage["within_target"] = sum(1 for d in days if d <= TARGET_DAYS)
        stages.append(stage)
    return {"stages": stages, "actions": len(rows)}


def my_actions(user, limit: int = 5):
    return _list_related(visible_actions(user).filter(status__in=[Action.Status.DESIGN, Action.Status.ONGOING])).order_by("-code")[:limit]


def activity_documents_for(user, activity):
    """The reports on ``activity`` that ``user`` may read, oldest first, with who uploaded them."""
    return (ActivityDocumentPolicy().visible_to(user).filter(activity=activity)
            .select_related("uploaded_by").order_by("uploaded_at", "id"))


def documents_of(activity):
    """The reports on ``activity`` (for ``get_visible_or_404``, which narrows them to what the person may read)."""
    return ActivityDocument.objects.filter(activity=activity)


def partners_of(action):
    """The partner institutions of ``action`` with their focal points, in a stable order."""
    return (ActionPartner.objects.filter(action=action)
            .select_related("action", "institution__country", "operational_focal_point", "strategic_focal_point")
            .order_by("institution__acronym", "id"))


def actions_owned_or_followed(user):
    """The Actions ``user`` owns or follows, among those they may see, by code, the latest first (the "My requests
    and Actions" page)."""
    return (visible_actions(user).filter(Q(owner=user) | Q(pk__in=followed_ids(user, Action)))
            .select_related("owner").order_by("-code"))
