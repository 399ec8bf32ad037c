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

import contextlib
import contextvars
import datetime
import re

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Window
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language

from .registry import TASK_NEW_DAYS, TASKS_SHOWN

# Stand-ins: within every integer column's range, positive ones included (Django answers an out-of-range value
# without asking the database), and far from any real id or constant of these statements.
_INT_BASE = 2_013_265_921
_DATE_BASE = datetime.date(1901, 2, 3)
_TEXT_MARK = "\x1fpontis-stand-in-{}\x1f"  # a text no slug or code can hold


class Slots:
    """The stand-ins a statement is built with: ``int(name)``, ``ints(name, n)``, ``date(name)`` and ``text(name)``
    answer a value that marks where the real one goes."""

    def __init__(self):
        self._marks: list[tuple[str, int | None, str, object]] = []  # (name, index in list, kind, stand-in)

    def _mark(self, name, index, kind):
        n = len(self._marks)
        value = (_INT_BASE - n if kind == "int" else _TEXT_MARK.format(n) if kind == "text"
                 else _DATE_BASE + datetime.timedelta(days=n))
        self._marks.append((name, index, kind, value))
        return value

    def int(self, name: str) -> int:
        return self._mark(name, None, "int")

    def ints(self, name: str, n: int) -> list[int]:
        return [self._mark(name, i, "int") for i in range(n)]

    def date(self, name: str) -> datetime.date:
        return self._mark(name, None, "date")

    def text(self, name: str) -> str:
        return self._mark(name, None, "text")


class _Prepared:
    """One compiled statement and what turns its rows into model instances."""

    def __init__(self, queryset, marks, connection):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        ops = connection.ops
        adapted = {}
        for name, index, kind, value in marks:
            adapted[ops.adapt_datefield_value(value) if kind == "date" else value] = (name, index, kind)
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
        self.flat = queryset._iterable_class is FlatValuesListIterable
        if queryset._iterable_class is not ModelIterable:
            # ``values_list()``: the columns in the order it names them (Django 5.2 selects them so), as tuples, or
            # single values when flat; ``values()`` (dicts) and named rows are not kept.
            if queryset._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
                self.complete = False
            return
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.related = get_related_populators(klass_info, select, self.db)
        self.annotations = list((compiler.annotation_col_map or {}).items())

    def params_for(self, values: dict, connection) -> list:
        params = list(self.params)
        ops = connection.ops
        for position, name, index, kind in self.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = ops.adapt_datefield_value(value) if kind == "date" else value
        return params

    def rows(self, values: dict, connection) -> list:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params_for(values, connection))
            fetched = cursor.fetchall()
        return self.objects(fetched, connection)

    def objects(self, fetched, connection) -> list:
        """The rows the database answered, as the queryset would have answered them."""
        if self.converters:
            fetched = [self._converted(row, connection) for row in fetched]
        if self.model is None:
            return [row[0] for row in fetched] if self.flat else [tuple(row) for row in fetched]
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


def prepared_rows(key, build, values: dict, *, lists: tuple[str, ...] = (), dates: tuple[str, ...] = (),
                  texts: tuple[str, ...] = ()) -> list:
    """The model instances ``build(**stand_ins)`` answers with ``values`` in place of its stand-ins (tuples for a
    ``values_list()`` queryset, single values for a flat one; a ``values()`` queryset is not kept).

    ``build`` takes one keyword per entry of ``values`` and answers a queryset (sliced as needed); an entry named in
    ``lists`` is a list of ids (the statement is kept per length), one in ``dates`` a date, one in ``texts`` a text
    compared as it is (a slug), any other an id. ``key`` names the statement (the module and function that builds
    it)."""
    connection = connections[DEFAULT_DB_ALIAS]
    shape = tuple(len(values[name]) for name in lists)
    cache_key = (key, connection.vendor, connection.settings_dict.get("NAME"), shape)
    prepared = _prepared.get(cache_key, False)
    if prepared is False:
        prepared = _prepare(build, values, lists, dates, texts, connection)
        _prepared[cache_key] = prepared
    if prepared is None:
        return list(build(**values))
    ahead = _ahead.get()
    if ahead is not None:
        fetched = ahead.answer(cache_key, values)
        if fetched is not None:
            return prepared.objects(fetched, connection)
    return prepared.rows(values, connection)


def prepared_tasks(key, build, values: dict, *, lists: tuple[str, ...] = (), dates: tuple[str, ...] = ()):
    """``registry.tasks_query(build(...))`` through a kept statement (``prepared_rows``): the first TASKS_SHOWN rows
    of the queryset ``build`` answers and how many there are in all, in one query (a window count)."""

    def counted(**stand_ins):
        return build(**stand_ins).annotate(task_total=Window(Count("pk")))[:TASKS_SHOWN]

    rows = prepared_rows(key, counted, values, lists=lists, dates=dates)
    return rows, (rows[0].task_total if rows else 0)


def _prepare(build, values, lists, dates, texts, connection) -> _Prepared | None:
    slots = Slots()
    stand_ins = {}
    for name in values:
        if name in lists:
            if not values[name]:  # an empty list: Django leaves the condition out of the statement
                return None
            stand_ins[name] = slots.ints(name, len(values[name]))
        elif name in dates:
            stand_ins[name] = slots.date(name)
        elif name in texts:
            stand_ins[name] = slots.text(name)
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
    _asked_last.clear()


# ------------------------------------------------------------------ reading a page's statements in one round trip
#
# A home page asks its kept statements one after the other, each a round trip to the database for a few rows. Which
# ones it asks depends on the reader's roles, and their values on the reader (their id) and the day. So this worker
# remembers, per page and set of roles, which statements the last such page asked whose values were only the
# reader's id and today's date; the next such page reads those same statements, with its own reader's id and day in
# place, in one round trip before its panels ask them. A panel then gets those rows only when it asks exactly
# that statement with exactly those values; any other statement, or other values, is read as usual. Nothing read
# ahead outlives the page: it is the page's own read, made a few milliseconds earlier, and who may see a panel is
# still decided by the panel, on every request (rows read ahead for a panel that is not shown are never used).
# PostgreSQL only: SQLite answers in-process, there is no round trip to save.

_ahead: contextvars.ContextVar[_ReadAhead | None] = contextvars.ContextVar("pontis_statements_ahead", default=None)
_asked_last: dict[tuple, tuple] = {}  # (page, roles) -> ((cache key, pattern of its values), ...)
_ASKED_KEPT = 500  # page and role combinations remembered per worker


def _frozen(values: dict) -> tuple:
    return tuple((name, tuple(value) if isinstance(value, list | tuple) else value) for name, value in values.items())


class _ReadAhead:
    def __init__(self, reader_id, today):
        self.reader_id, self.today = reader_id, today
        self.answers: dict[tuple, list] = {}
        self.asked: list[tuple] = []

    def _pattern(self, values: dict) -> tuple | None:
        """Each value as "the reader's id" or "today", so that the next reader's values can be put in place; None
        when any other value is asked (the ids of a person's institutions...), which the next reader would not
        share: such a statement is never read ahead."""
        pattern = []
        for name, value in values.items():
            if type(value) is int and value == self.reader_id:
                pattern.append((name, "reader"))
            elif type(value) is datetime.date and value == self.today:
                pattern.append((name, "today"))
            else:
                return None
        return tuple(pattern)

    def values_of(self, pattern: tuple) -> dict:
        return {name: self.reader_id if source == "reader" else self.today for name, source in pattern}

    def answer(self, cache_key, values: dict):
        """The rows read ahead for this statement and exactly these values (once), or None; notes the question."""
        pattern = self._pattern(values)
        if pattern is not None:
            self.asked.append((cache_key, pattern))
        return self.answers.pop((cache_key, _frozen(values)), None)

    def read(self, expected, connection) -> None:
        statements = []
        for cache_key, pattern in expected:
            prepared = _prepared.get(cache_key)
            if not prepared:
                continue
            values = self.values_of(pattern)
            statements.append((cache_key, values, prepared, prepared.params_for(values, connection)))
        if len(statements) < 2:
            return
        sql = ";\n".join(statement[2].sql for statement in statements)
        params = [param for statement in statements for param in statement[3]]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for k, (cache_key, values, *_rest) in enumerate(statements):
                if k and not cursor.nextset():
                    return
                self.answers[(cache_key, _frozen(values))] = cursor.fetchall()


@contextlib.contextmanager
def statements_read_ahead(page: str, reader, roles):
    """Within the block, ``prepared_rows`` answers from rows read in one round trip on entering it: those of the
    statements the last ``page`` of a reader with these ``roles`` asked in this worker, with ``reader``'s id and
    today's date where the last reader's stood (see above)."""
    connection = connections[DEFAULT_DB_ALIAS]
    # Several statements in one round trip need client-side binding (psycopg's default, Django's too).
    server_side_binding = (connection.settings_dict.get("OPTIONS") or {}).get("server_side_binding")
    if connection.vendor != "postgresql" or server_side_binding or _ahead.get() is not None:
        yield
        return
    key = (page, connection.settings_dict.get("NAME"), tuple(sorted(roles)))
    ahead = _ReadAhead(reader.pk, timezone.localdate())
    expected = _asked_last.get(key, ())
    token = _ahead.set(ahead)
    try:
        if expected:
            ahead.read(expected, connection)
        yield
    finally:
        _ahead.reset(token)
    asked = tuple(question for question in ahead.asked if _prepared.get(question[0]))
    if len(_asked_last) >= _ASKED_KEPT and key not in _asked_last:
        _asked_last.clear()
    _asked_last[key] = asked


_URL_MARK = 918_273_645

_marked_urls: dict[tuple, str] = {}
_MARKED_KEPT = 2000


def _marked(url_name: str, mark) -> str:
    """``reverse(url_name, args=[mark])``, reversed once per worker for each URL configuration, script prefix and
    language (what a route's address depends on)."""
    key = (get_resolver(get_urlconf()), get_script_prefix(), get_language(), url_name, mark)
    marked = _marked_urls.get(key)
    if marked is None:
        marked = reverse(url_name, args=[mark])
        if len(_marked_urls) >= _MARKED_KEPT:
            _marked_urls.clear()
        _marked_urls[key] = marked
    return marked


def url_of_pk(url_name: str):
    """A function answering ``reverse(url_name, args=[pk])`` for an integer ``pk``: the URL is reversed once (per
    URL configuration, script prefix and language) rather than once per row."""
    marked = _marked(url_name, _URL_MARK)
    if marked.count(str(_URL_MARK)) != 1:
        return lambda pk: reverse(url_name, args=[pk])
    head, _mark, tail = marked.partition(str(_URL_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")  # what ``reverse`` never quotes


def url_of_code(url_name: str):
    """A function answering ``reverse(url_name, args=[code])`` for a ``<str:...>`` route, reversed once per call
    of this; a code with any character ``reverse`` would quote is reversed as before."""
    marked = _marked(url_name, str(_URL_MARK))
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
