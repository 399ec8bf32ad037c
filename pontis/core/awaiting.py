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
A statement written by hand is kept likewise, with a name for each of its values (``kept_sql_rows``).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import hashlib
import logging
import re

import psycopg
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
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

logger = logging.getLogger(__name__)

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
                  texts: tuple[str, ...] = (), constants: dict | None = None) -> list:
    """The model instances ``build(**stand_ins)`` answers with ``values`` in place of its stand-ins (tuples for a
    ``values_list()`` queryset, single values for a flat one; a ``values()`` queryset is not kept).

    ``build`` takes one keyword per entry of ``values`` and answers a queryset (sliced as needed); an entry named in
    ``lists`` is a list of ids (the statement is kept per length), one in ``dates`` a date, one in ``texts`` a text
    compared as it is (a slug), any other an id. ``constants``: more keywords of ``build``, given as they are and
    part of the statement (one statement is kept for each set of them: a kind of object, a status), never stand-ins.
    ``key`` names the statement (the module and function that builds it)."""
    connection = connections[DEFAULT_DB_ALIAS]
    shape = tuple(len(values[name]) for name in lists)
    cache_key = (key, connection.vendor, connection.settings_dict.get("NAME"), shape)
    if constants:
        cache_key += (_frozen(constants),)
        build = functools.partial(build, **constants)
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


class _KeptSQL:
    """A hand-written statement kept with the name of the value each of its placeholders takes."""

    model = None

    def __init__(self, sql: str, constants: dict):
        names: list[str] = []

        def placeholder(match) -> str:
            if match.group(0) == "%%":
                return "%%"
            if match.group(1) is None:
                raise ValueError("a kept statement names each of its values: %(name)s, not %s")
            names.append(match.group(1))
            return "%s"

        self.sql = _PLACEHOLDER.sub(placeholder, sql)
        self.params = [constants.get(name) for name in names]
        self.slots = [(position, name) for position, name in enumerate(names) if name not in constants]

    def params_for(self, values: dict, connection) -> list:
        params = list(self.params)
        for position, name in self.slots:
            params[position] = values[name]
        return params

    def rows(self, values: dict, connection) -> list:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params_for(values, connection))
            return cursor.fetchall()

    def objects(self, fetched, connection) -> list:
        return list(fetched)


_PLACEHOLDER = re.compile(r"%%|%(?:\((\w+)\))?s")


def kept_sql_rows(key, sql: str, values: dict, *, constants: dict | None = None) -> list:
    """The rows (tuples, as the database driver answers them) of the hand-written statement ``sql`` with ``values``
    in place of its named placeholders (``%(name)s``; ``%%`` for a percent sign). ``constants``: values of some
    of its placeholders that are the same on every page (a status, a limit), part of the statement; the others
    are the page's own (an id, a date). ``key`` names the statement (the module and function that writes it).

    The statement is written into positional form once per worker, and a page that reads its statements in one
    round trip (``statements_read_ahead``) reads this one with them, as it reads those of ``prepared_rows``."""
    connection = connections[DEFAULT_DB_ALIAS]
    constants = constants or {}
    cache_key = (key, connection.vendor, connection.settings_dict.get("NAME"), sql, _frozen(constants))
    kept = _prepared.get(cache_key)
    if kept is None:
        kept = _prepared[cache_key] = _KeptSQL(sql, constants)
    ahead = _ahead.get()
    if ahead is not None:
        fetched = ahead.answer(cache_key, values)
        if fetched is not None:
            return kept.objects(fetched, connection)
    return kept.rows(values, connection)


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
# place, in one round trip before its panels ask them. A page about one object (an Action's page) names it, its
# subject: a value that is the subject's id is then put in place too, with the next page's own subject's id. A panel then gets those rows only when it asks exactly
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
    def __init__(self, reader_id, today, subject_id=None):
        self.sources = {"reader": reader_id, "today": today, "subject": subject_id}
        self.answers: dict[tuple, list] = {}
        self.asked: list[tuple] = []

    def _pattern(self, values: dict) -> tuple | None:
        """Each value as "the reader's id", "the subject's id" or "today", so that the next page's values can be put
        in place; None when any other value is asked (the ids of a person's institutions...), which the next page
        would not share, or an id that is both the reader's and the subject's (which one the next page needs is not
        known): such a statement is not read ahead."""
        reader_id, subject_id, today = self.sources["reader"], self.sources["subject"], self.sources["today"]
        pattern = []
        for name, value in values.items():
            if type(value) is int and value == reader_id and value != subject_id:
                pattern.append((name, "reader"))
            elif type(value) is int and value == subject_id and value != reader_id:
                pattern.append((name, "subject"))
            elif type(value) is datetime.date and value == today:
                pattern.append((name, "today"))
            else:
                return None
        return tuple(pattern)

    def values_of(self, pattern: tuple) -> dict:
        return {name: self.sources[source] for name, source in pattern}

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
        on_server = _server_statements(connection)
        parts = []
        for _cache_key, _values, prepared, params in statements:
            name = on_server.get(prepared.sql)
            if name:
                parts.append(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}")
            else:
                parts.append(prepared.sql)
        sql = ";\n".join(parts)
        params = [param for statement in statements for param in statement[3]]
        # In a transaction (a view in ``atomic``; tests), a failure by name must not spoil it: a savepoint around.
        guarded = connection.in_atomic_block and any(on_server.get(statement[2].sql) for statement in statements)
        try:
            with _savepoint(connection, guarded):
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    for k, (cache_key, values, *_rest) in enumerate(statements):
                        if k and not cursor.nextset():
                            break
                        self.answers[(cache_key, _frozen(values))] = cursor.fetchall()
        except DatabaseError as error:
            # Nothing read ahead is used, and this connection's statements are not executed by name again: each
            # statement is then asked on its own, as without reading ahead (a database gone away answers there).
            # Logged without the statement or its values (which may name a person): the kind of error only.
            logger.warning("Reading a page's statements in one round trip failed (%s); they are read one by one on "
                           "this connection.", type(error).__name__)
            self.answers.clear()
            on_server.clear()
            on_server[_NEVER] = True
            return
        for _cache_key, _values, prepared, _params in statements:
            if prepared.sql not in on_server:
                _prepare_on_server(connection, prepared.sql, on_server)


# ------------------------------------------------------------------ statements prepared on the database server
#
# Each of a page's small statements costs the database more to plan than to run (an Action's page: about 3 ms of
# planning for 1.2 ms of execution in its thirteen statements read ahead). So a statement read ahead is prepared on
# the server once per connection (``PREPARE``, after the page that first read it), and later pages on that connection
# read it by name (``EXECUTE name(values)``), which PostgreSQL plans once it has seen that one plan serves every value.
# What is prepared is the statement's own text, named per connection: a statement whose text changes is a new one,
# and a new connection (after ``CONN_MAX_AGE``, or after the database went away) starts with none. A statement
# the server will not prepare is read as text, as before, on that connection.

_NEVER = object()  # marks a connection whose statements are read as text only
_SERVER_KEPT = 400  # statements prepared per connection, at most


def _server_statements(connection) -> dict:
    """``{statement text: its name on the server ("" when it could not be prepared)}`` of this connection."""
    connection.ensure_connection()
    raw = connection.connection
    kept = getattr(raw, "pontis_server_statements", None)
    if kept is None:
        kept = {} if connection.settings_dict.get("PREPARED_STATEMENTS", True) else {_NEVER: True}
        try:
            raw.pontis_server_statements = kept
        except AttributeError:  # a connection that takes no attribute: nothing is prepared on it
            kept[_NEVER] = True
    return kept


_POSITIONAL = re.compile(r"%(s|%)")


def _prepare_on_server(connection, sql: str, on_server: dict) -> None:
    """``PREPARE`` the statement ``sql`` (with ``%s`` placeholders, ``%%`` for a percent sign) on this connection,
    and note its name, or "" when the server refuses it."""
    if _NEVER in on_server or len(on_server) >= _SERVER_KEPT:
        return
    # Named by the statement's text: a name stands for one text wherever it is found (a pooler that moved this
    # client to another server connection finds it there only if the same text was prepared under it).
    name = "pontis_" + hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
    number = iter(range(1, 10_000))
    text = _POSITIONAL.sub(lambda match: f"${next(number)}" if match.group(1) == "s" else "%", sql)
    try:
        with _savepoint(connection, connection.in_atomic_block):
            _bookkeeping(connection, f"PREPARE {name} AS {text}")
    except DatabaseError:
        on_server[sql] = ""
        return
    on_server[sql] = name


def _bookkeeping(connection, sql: str) -> None:
    """Send ``sql`` (no values) on the driver's own cursor: the mechanism's bookkeeping (a savepoint, ``PREPARE``,
    once per connection), not one of the page's statements, so it is not counted among them."""
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(sql)
    except psycopg.Error as error:
        raise DatabaseError(type(error).__name__) from error


@contextlib.contextmanager
def _savepoint(connection, wanted: bool):
    """A savepoint around the block when ``wanted``: a failure in it is rolled back to there, and raised."""
    if not wanted:
        yield
        return
    _bookkeeping(connection, "SAVEPOINT pontis_read_ahead")
    try:
        yield
    except BaseException:
        _bookkeeping(connection, "ROLLBACK TO SAVEPOINT pontis_read_ahead")
        _bookkeeping(connection, "RELEASE SAVEPOINT pontis_read_ahead")
        raise
    _bookkeeping(connection, "RELEASE SAVEPOINT pontis_read_ahead")


@contextlib.contextmanager
def statements_read_ahead(page: str, reader, roles, subject: int | None = None):
    """Within the block, ``prepared_rows`` and ``kept_sql_rows`` answer from rows read in one round trip on entering
    it: those of the statements the last ``page`` of a reader with these ``roles`` asked in this worker, with
    ``reader``'s id, today's date and the id of the page's ``subject`` (the object it is about, if any) where the
    last page's stood (see above)."""
    connection = connections[DEFAULT_DB_ALIAS]
    # Several statements in one round trip need client-side binding (psycopg's default, Django's too).
    server_side_binding = (connection.settings_dict.get("OPTIONS") or {}).get("server_side_binding")
    if connection.vendor != "postgresql" or server_side_binding or _ahead.get() is not None:
        yield
        return
    key = (page, connection.settings_dict.get("NAME"), tuple(sorted(roles)))
    ahead = _ReadAhead(reader.pk, timezone.localdate(), subject)
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
