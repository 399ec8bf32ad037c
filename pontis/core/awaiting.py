"""The statements of "Awaiting me" (and the home page's own panels), written by the ORM once per worker.

A home page asks a dozen small queries whose shape never changes between readers: only a person's id, the ids of
their institutions or today's date do. Building each queryset and compiling it to SQL cost Python more than
reading its answer (about 4,000 function calls per query; 30,000 on a staff member's home page). So each is built
once per worker and database with stand-ins in place of the person's values (``Slots``), compiled, and kept as SQL;
every request then only puts its own values in place of the stand-ins and reads the rows into model instances as
the queryset would have (columns, related objects chosen with ``select_related``, annotations, the database's
converters).

Only the statement is kept, never an answer: every request reads the database, so a task leaves the list as soon
as the work is done. A queryset whose compiled statement does not carry each stand-in exactly where a value goes
(a value folded into the SQL, a list Django would leave out) is not kept: it is then run as an ordinary queryset.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Window
from django.db.models.query import get_related_populators
from django.urls import reverse
from django.utils import timezone

from .registry import TASK_NEW_DAYS, TASKS_SHOWN

# Stand-ins: within every integer column's range, positive ones included (Django answers an out-of-range value
# without asking the database), and far from any real id or constant of these statements.
_INT_BASE = 2_013_265_921
_DATE_BASE = datetime.date(1901, 2, 3)


class Slots:
    """The stand-ins a statement is built with: ``int(name)``, ``ints(name, n)`` and ``date(name)`` answer a value
    that marks where the real one goes."""

    def __init__(self):
        self._marks: list[tuple[str, int | None, str, object]] = []  # (name, index in list, kind, stand-in)

    def _mark(self, name, index, kind):
        value = _INT_BASE - len(self._marks) if kind == "int" else _DATE_BASE + datetime.timedelta(days=len(self._marks))
        self._marks.append((name, index, kind, value))
        return value

    def int(self, name: str) -> int:
        return self._mark(name, None, "int")

    def ints(self, name: str, n: int) -> list[int]:
        return [self._mark(name, i, "int") for i in range(n)]

    def date(self, name: str) -> datetime.date:
        return self._mark(name, None, "date")


class _Prepared:
    """One compiled statement and what turns its rows into model instances."""

    def __init__(self, queryset, marks, connection):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        ops = connection.ops
        adapted = {}
        for name, index, kind, value in marks:
            adapted[value if kind == "int" else ops.adapt_datefield_value(value)] = (name, index, kind)
        self.slots = []  # (position in params, name, index, kind)
        found = set()
        for position, param in enumerate(params):
            try:
                mark = adapted.get(param)
            except TypeError:  # an unhashable parameter (a list): never a stand-in
                mark = None
            if mark is not None:
                self.slots.append((position, *mark))
                found.add(mark)
        self.complete = len(found) == len(adapted)
        self.sql, self.params = sql, list(params)
        self.db = queryset.db
        klass_info = compiler.klass_info
        select = compiler.select
        self.converters = list(compiler.get_converters([s[0] for s in select[0:compiler.col_count]]).items())
        self.model = None  # a ``values_list()`` statement: its rows are answered as tuples
        if klass_info is None:
            return
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.related = get_related_populators(klass_info, select, self.db)
        self.annotations = list((compiler.annotation_col_map or {}).items())

    def rows(self, values: dict, connection) -> list:
        params = list(self.params)
        ops = connection.ops
        for position, name, index, kind in self.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = value if kind == "int" else ops.adapt_datefield_value(value)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.converters:
            fetched = [self._converted(row, connection) for row in fetched]
        if self.model is None:
            return [tuple(row) for row in fetched]
        objects = []
        model, db, start, end, init_list = self.model, self.db, self.start, self.end, self.init_list
        for row in fetched:
            obj = model.from_db(db, init_list, row[start:end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def _converted(self, row, connection) -> list:
        row = list(row)
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


_prepared: dict[tuple, _Prepared | None] = {}


def prepared_rows(key, build, values: dict, *, lists: tuple[str, ...] = (), dates: tuple[str, ...] = ()) -> list:
    """The model instances ``build(**stand_ins)`` answers with ``values`` in place of its stand-ins (or tuples, for
    a ``values_list()`` queryset).

    ``build`` takes one keyword per entry of ``values`` and answers a queryset (sliced as needed); an entry named in ``lists`` is a list of ids (the statement is kept per length), one in ``dates`` a
    date, any other an id. ``key`` names the statement (the module and function that builds it)."""
    connection = connections[DEFAULT_DB_ALIAS]
    shape = tuple(len(values[name]) for name in lists)
    cache_key = (key, connection.vendor, connection.settings_dict.get("NAME"), shape)
    prepared = _prepared.get(cache_key, False)
    if prepared is False:
        prepared = _prepare(build, values, lists, dates, connection)
        _prepared[cache_key] = prepared
    if prepared is None:
        return list(build(**values))
    return prepared.rows(values, connection)


def prepared_tasks(key, build, values: dict, *, lists: tuple[str, ...] = (), dates: tuple[str, ...] = ()):
    """``registry.tasks_query(build(...))`` through a kept statement (``prepared_rows``): the first TASKS_SHOWN rows
    of the queryset ``build`` answers and how many there are in all, in one query (a window count)."""

    def counted(**stand_ins):
        return build(**stand_ins).annotate(task_total=Window(Count("pk")))[:TASKS_SHOWN]

    rows = prepared_rows(key, counted, values, lists=lists, dates=dates)
    return rows, (rows[0].task_total if rows else 0)


def _prepare(build, values, lists, dates, connection) -> _Prepared | None:
    slots = Slots()
    stand_ins = {}
    for name in values:
        if name in lists:
            if not values[name]:  # an empty list: Django leaves the condition out of the statement
                return None
            stand_ins[name] = slots.ints(name, len(values[name]))
        elif name in dates:
            stand_ins[name] = slots.date(name)
        else:
            stand_ins[name] = slots.int(name)
    try:
        prepared = _Prepared(build(**stand_ins), slots._marks, connection)
    except (EmptyResultSet, FullResultSet):  # a stand-in the ORM judged without the database: not kept
        return None
    return prepared if prepared.complete else None


def forget_prepared() -> None:
    """Drop every kept statement (tests that change what a statement is built from)."""
    _prepared.clear()


_URL_MARK = 918_273_645


def url_of_pk(url_name: str):
    """A function answering ``reverse(url_name, args=[pk])`` for an integer ``pk``: the URL is reversed once (per
    call of this, so per request: the script prefix and URLs are the request's) rather than once per row."""
    marked = reverse(url_name, args=[_URL_MARK])
    if marked.count(str(_URL_MARK)) != 1:
        return lambda pk: reverse(url_name, args=[pk])
    head, _mark, tail = marked.partition(str(_URL_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")  # what ``reverse`` never quotes


def url_of_code(url_name: str):
    """A function answering ``reverse(url_name, args=[code])`` for a ``<str:...>`` route, reversed once per call
    of this; a code with any character ``reverse`` would quote is reversed as before."""
    marked = reverse(url_name, args=[str(_URL_MARK)])
    if marked.count(str(_URL_MARK)) != 1:
        return lambda code: reverse(url_name, args=[code])
    head, _mark, tail = marked.partition(str(_URL_MARK))
    return lambda code: f"{head}{code}{tail}" if _PLAIN.fullmatch(str(code)) else reverse(url_name, args=[code])


class LocalDays:
    """The reader's day of many moments, as ``timezone.localtime(moment).date()`` answers it, and whether a task
    waiting since then is new (``registry.task_is_new``), with the reader's zone and today read once."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate()

    def day(self, moment) -> datetime.date | None:
        if moment is None:
            return None
        if isinstance(moment, datetime.datetime):
            if timezone.is_naive(moment):
                raise ValueError("localtime() cannot be applied to a naive datetime")
            return moment.astimezone(self.zone).date()
        return moment

    def is_new(self, since) -> bool:
        return since is not None and (self.today - self.day(since)).days < TASK_NEW_DAYS
