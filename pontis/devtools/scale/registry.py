"""The registry of stress-data steps and the helpers they share.

A step is a function ``step(ctx, n)`` that adds ``n`` rows of one kind to the database and answers a one-line
summary. Steps run in ``order``; each reads what earlier steps of the same run made from ``ctx.made`` (ids by
kind), so a later issue adds its own kind (meetings, questionnaire answers, library items) with one decorated
function in a module of this package, and gets a ``--<option>`` on ``generate_scale_data`` for free:

    @scale_step("meetings", order=80, default=2_000, help="meetings, with sessions and participants")
    def meetings(ctx, n): ...

Rows are written directly (not through the apps' services, which check permissions and write an audit row per
object and would take hours at this size): on PostgreSQL with COPY, elsewhere with multi-row INSERTs. This is
acceptable for a developer tool only. The steps keep the models' invariants themselves: unique codes and
e-mail addresses, check constraints, and the derived columns the pages read (the roster's search text, an
expert's last deployment, the Action code counter).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
from collections.abc import Callable

from django.db import connections, models, router
from django.utils import timezone


@dataclasses.dataclass(frozen=True)
class Step:
    name: str  # also the command-line option: --experts N
    func: Callable
    order: int
    default: int
    help: str


_STEPS: dict[str, Step] = {}


def scale_step(name: str, *, order: int, default: int, help: str):  # noqa: A002 - argparse's word
    """Register ``func(ctx, n) -> str`` as the step that adds ``n`` rows of kind ``name``."""

    def register(func):
        if name in _STEPS and _STEPS[name].func is not func:
            raise ValueError(f"A scale step named {name!r} is already registered")
        _STEPS[name] = Step(name=name, func=func, order=order, default=default, help=help)
        return func

    return register


def steps() -> list[Step]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


class Context:
    """What one run shares between its steps: the seeded random generator, the run number (which keeps codes and
    e-mail addresses of this run apart from earlier runs'), today's date and the ids each step made."""

    def __init__(self, *, seed: int, run: int, today: datetime.date | None = None):
        self.run = run
        self.rng = random.Random(f"{seed}-{run}")
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.made: dict[str, list[int]] = {}

    def tag(self, kind: str, i: int) -> str:
        """A unique, readable key for generated rows, e.g. ``scale-r2-expert-17``."""
        return f"scale-r{self.run}-{kind}-{i}"

    def zipf(self, items, s: float = 1.0) -> tuple[list, list[float]]:
        """``items`` in a seeded random order with Zipf-like cumulative weights (the first few are chosen far
        more often than the rest): uneven regions, themes, languages and Action sizes, as in the real facility."""
        items = list(items)
        self.rng.shuffle(items)
        total, cum = 0.0, []
        for k in range(len(items)):
            total += 1.0 / (k + 1) ** s
            cum.append(total)
        return items, cum

    def pick(self, weighted: tuple[list, list[float]], k: int = 1) -> list:
        items, cum = weighted
        return self.rng.choices(items, cum_weights=cum, k=k)

    def pick_distinct(self, weighted: tuple[list, list[float]], k: int) -> list:
        items = weighted[0]
        k = min(k, len(items))
        chosen: list = []
        while len(chosen) < k:
            for item in self.pick(weighted, k):
                if item not in chosen:
                    chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen


def _db(model):
    return connections[router.db_for_write(model)]


def allocate_ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys for ``model``: from the table's sequence on PostgreSQL (so later ordinary inserts
    never collide), above the current maximum elsewhere (SQLite moves its counter past explicit ids)."""
    if n <= 0:
        return []
    db = _db(model)
    opts = model._meta
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [opts.db_table, opts.pk.column, n])
            return [row[0] for row in cursor.fetchall()]
    start = (model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
    return list(range(start, start + n))


def _value(field, value, db):
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, models.Choices):
        value = value.value
    return field.get_db_prep_save(value, db)


def insert_objects(objs: list[models.Model]) -> list[int]:
    """Write unsaved instances of one model (no signals, no ``save()``): ids allocated, ``auto_now`` fields set,
    every concrete column written. Answers their ids, in order."""
    if not objs:
        return []
    model = type(objs[0])
    db = _db(model)
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    now = timezone.now()
    ids = allocate_ids(model, len(objs))
    rows = []
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        for f in fields:
            if getattr(f, "auto_now", False) or (getattr(f, "auto_now_add", False) and getattr(obj, f.attname) is None):
                setattr(obj, f.attname, now)
        rows.append((pk, *(_value(f, getattr(obj, f.attname), db) for f in fields)))
    insert_rows(model, [opts.pk.column, *(f.column for f in fields)], rows)
    return ids


def insert_rows(model, columns, rows, chunk: int = 2000) -> int:
    """Plain tuples into ``model``'s table (link tables, or rows made by ``insert_objects``): one COPY on
    PostgreSQL, multi-row INSERTs elsewhere. Answers the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    db = _db(model)
    qn = db.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        one = f"({', '.join(['%s'] * len(columns))})"
        max_params = db.features.max_query_params
        if max_params:
            chunk = max(1, min(chunk, max_params // len(columns)))
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(part)),
                           [v for row in part for v in row])
    return len(rows)


def link(field, pairs) -> int:
    """Rows of a many-to-many field's link table, ``pairs`` of (owner id, target id)."""
    through = field.remote_field.through
    src = field.m2m_column_name()
    dst = field.m2m_reverse_name()
    return insert_rows(through, (src, dst), pairs)
