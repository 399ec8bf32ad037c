"""Facts kept as columns, so that figures for filters no one asked for before are computed in milliseconds.

A figure such as "experts deployed" counts distinct people over every deployment of the period and place chosen:
at the facility's stress size that is a pass over 240,000 deployments joined to their experts, 0.5 to 1 s of
database time for each new combination of filters. The facts such figures need are read from the database in
one statement, kept as NumPy columns (``FactsSnapshot``, one row per kind of facts), and each new filter is then
a few vectorised passes over those columns in the web worker.

How fresh: the snapshot is the "data as of" time of the figures computed from it (``registry.data_as_of``), like
the figures cache itself. Once it is older than ``PONTIS_FIGURES_CACHE_SECONDS`` the first reader asks the task
worker to read it again (one build however many readers: the claim is written on the row) and is answered from
the kept one meanwhile; a task computing stale figures again (``figures_refresh``) reads a stale snapshot again
before it computes. Only the first reader on a database that never had one waits for the build. With the figures
cache off (the test profile) the facts are read again for every figure, so tests see every change at once.

How small: each column is stored in the fewest bytes that hold it exactly and read back in the type it is computed
with (``encode``, ``decode``); a build hands its bytes to the other web workers through the shared cache, the
database staying the source (``_hand``, ``_handed``).

Each kind of facts registers its builder with ``@facts_builder("name")``: a function reading the database and
answering a dict of NumPy arrays (numbers or fixed-width strings; nothing that needs pickling).
"""

from __future__ import annotations

import datetime
import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q

from pontis.core.selectors import figures_refreshing

from ..models import FactsSnapshot
from ..tasks import build_facts

logger = logging.getLogger(__name__)

# A build asked for and not finished within this time (a worker lost) is asked for again by the next reader.
QUEUE_CLAIM_SECONDS = 600

_builders: dict[str, Callable[[], dict[str, np.ndarray]]] = {}
_versions: dict[str, int] = {}
_kept: dict[str, Facts] = {}  # per process: the last snapshot decoded, by name
_lock = threading.Lock()


@dataclass(frozen=True)
class Facts:
    name: str
    built_at: datetime.datetime
    columns: dict[str, np.ndarray]

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]


def facts_builder(name: str, *, version: int):
    """Register the decorated function as the builder of the facts ``name``. Raise ``version`` whenever the
    columns it answers change: a snapshot kept by an older version is then read again, never misread."""

    def decorator(func: Callable[[], dict[str, np.ndarray]]):
        if name in _builders:
            raise ValueError(f"facts {name} are registered twice")
        _builders[name] = func
        _versions[name] = version
        return func

    return decorator


# The stored form of a column narrowed to fewer bytes is named in this column of the archive: "name=dtype" for
# each column stored narrower than it is computed with (ids and small counts fit in 1, 2 or 4 bytes).
_WIDTHS = "__widths__"
_NARROW = (np.int8, np.int16, np.int32)


def _narrowed(array: np.ndarray) -> np.ndarray:
    """``array`` in the fewest bytes that hold every value exactly: integers in the smallest signed type that
    holds their range, floats as float32 when every value survives the round trip. Anything else as it is."""
    if array.size == 0:
        return array
    if array.dtype.kind == "i" and array.dtype.itemsize > 1:
        low, high = int(array.min()), int(array.max())
        for kind in _NARROW:
            if np.dtype(kind).itemsize >= array.dtype.itemsize:
                break
            info = np.iinfo(kind)
            if info.min <= low and high <= info.max:
                return array.astype(kind)
    if array.dtype == np.float64:
        narrow = array.astype(np.float32)
        if np.array_equal(narrow.astype(np.float64), array, equal_nan=True):
            return narrow
    return array


def encode(columns: dict[str, np.ndarray]) -> bytes:
    """The columns as an ``.npz`` archive, each stored in the fewest bytes that hold it exactly (a snapshot of
    the stress facility is a third of its computed size, and each web worker reads it once per build)."""
    if _WIDTHS in columns:
        raise ValueError(f"{_WIDTHS} is not a column name")
    stored, widths = {}, []
    for name, array in columns.items():
        array = np.asarray(array)
        stored[name] = _narrowed(array)
        if stored[name].dtype != array.dtype:
            widths.append(f"{name}={array.dtype.str}")
    stored[_WIDTHS] = np.array(widths, dtype=str)
    buffer = io.BytesIO()
    np.savez(buffer, **stored)
    return buffer.getvalue()


def decode(content: bytes) -> dict[str, np.ndarray]:
    """The columns of ``encode``, each again in the type it was computed with (no arithmetic meets a narrowed
    type, so ids multiplied together cannot overflow)."""
    with np.load(io.BytesIO(content), allow_pickle=False) as archive:
        columns = {name: archive[name] for name in archive.files}
    widths = columns.pop(_WIDTHS, np.array([], dtype=str))
    for entry in widths.tolist():
        name, _, dtype = entry.partition("=")
        columns[name] = columns[name].astype(np.dtype(dtype))
    return columns


def _now() -> datetime.datetime:
    """Now, from the clock the figures cache reads (``time.time``), so that facts and the figures computed from
    them age together."""
    return datetime.datetime.fromtimestamp(time.time(), tz=datetime.UTC)


def _stale(built_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now - built_at >= datetime.timedelta(seconds=settings.PONTIS_FIGURES_CACHE_SECONDS)


def facts(name: str) -> Facts:
    """The facts ``name`` as kept (see the module's docstring for how fresh). One small query when this process
    already holds the snapshot kept; the snapshot's columns are read and decoded once per build and process."""
    if settings.PONTIS_FIGURES_CACHE_SECONDS <= 0:
        now = _now()
        return Facts(name, now, _builders[name]())
    now = _now()
    row = FactsSnapshot.objects.filter(name=name).values("built_at", "queued_at", "version").first()
    if row is None or row["version"] != _versions[name] or (figures_refreshing() and _stale(row["built_at"], now)):
        return build_store(name)
    if _stale(row["built_at"], now):
        build_queue(name, now=now)
    kept = _kept.get(name)
    if kept is not None and kept.built_at == row["built_at"]:
        return kept
    with _lock:
        kept = _kept.get(name)
        if kept is not None and kept.built_at == row["built_at"]:
            return kept
        content = _handed(name, row["built_at"])
        built_at = row["built_at"]
        if content is None:
            stored = FactsSnapshot.objects.filter(name=name, version=_versions[name]).values_list(
                "content", "built_at").first()
            if stored is None:  # removed, or replaced by another version, a moment ago
                return build_store(name)
            content, built_at = bytes(stored[0]), stored[1]
            _hand(name, built_at, content)
        kept = Facts(name, built_at, decode(content))
        _kept[name] = kept
        return kept


# Handing a new snapshot to the web workers: each worker decodes each new snapshot once, and reading it from the
# shared cache (Redis in production) costs a quarter of reading the same bytes from PostgreSQL, which detoasts
# and hex-encodes them. The database stays the source: a cache that lost it or is away only costs that read.


def _hand_key(name: str, built_at: datetime.datetime) -> str:
    return f"pontis:facts:{name}:{_versions[name]}:{built_at.timestamp():.6f}"


def _handed(name: str, built_at: datetime.datetime) -> bytes | None:
    try:
        content = cache.get(_hand_key(name, built_at))
    except Exception:  # the cache is away: read the database
        logger.warning("facts could not be read from the cache: %s", name, exc_info=True)
        return None
    return content if isinstance(content, bytes) else None


def _hand(name: str, built_at: datetime.datetime, content: bytes) -> None:
    # Kept two lifetimes: enough for every worker to read this build, and the key names one build only.
    seconds = 2 * settings.PONTIS_FIGURES_CACHE_SECONDS + 60
    try:
        cache.set(_hand_key(name, built_at), content, seconds)
    except Exception:
        logger.warning("facts could not be handed through the cache: %s", name, exc_info=True)


def build_store(name: str) -> Facts:
    """Read the facts ``name`` from the database and keep them (a newer snapshot kept meanwhile stays)."""
    built_at = _now()  # before reading: the data are at least this recent
    columns = _builders[name]()
    content = encode(columns)
    stored = {"content": content, "built_at": built_at, "queued_at": None, "version": _versions[name]}
    older = Q(built_at__lte=built_at) | ~Q(version=_versions[name])
    try:
        with transaction.atomic():
            updated = FactsSnapshot.objects.filter(older, name=name).update(**stored)
            if not updated and not FactsSnapshot.objects.filter(name=name).exists():
                FactsSnapshot.objects.create(name=name, **stored)
    except IntegrityError:  # another process kept its first snapshot a moment ago: keep the newer one
        FactsSnapshot.objects.filter(older, name=name).update(**stored)
    if settings.PONTIS_FIGURES_CACHE_SECONDS > 0:
        _hand(name, built_at, content)
    facts_kept = Facts(name, built_at, columns)
    with _lock:
        kept = _kept.get(name)
        if kept is None or kept.built_at <= built_at:
            _kept[name] = facts_kept
    return facts_kept


def build_queue(name: str, *, now: datetime.datetime | None = None) -> bool:
    """Ask the task worker to read the facts ``name`` again; answers True if this call asked (the claim and the
    task are written in one transaction, so many readers ask once)."""
    now = now or _now()
    waiting = Q(queued_at__isnull=True) | Q(queued_at__lte=now - datetime.timedelta(seconds=QUEUE_CLAIM_SECONDS))
    try:
        with transaction.atomic():
            claimed = FactsSnapshot.objects.filter(waiting, name=name).update(queued_at=now)
            if claimed:
                build_facts.enqueue(name)
    except Exception:  # the kept facts are still true to their "as of"; the next reader asks again
        logger.exception("facts build could not be queued: %s", name)
        return False
    return bool(claimed)


def build_run(name: str) -> bool:
    """What the task runs: read the facts ``name`` again, unless they are fresh and no build is asked for that
    they do not already answer (a task run twice, a claim two builds answered): answers False then."""
    if name not in _builders:
        return False
    row = FactsSnapshot.objects.filter(name=name, version=_versions[name]).values("built_at", "queued_at").first()
    if row is not None and not _stale(row["built_at"], _now()) and (
        row["queued_at"] is None or row["built_at"] >= row["queued_at"]
    ):
        FactsSnapshot.objects.filter(name=name, queued_at=row["queued_at"]).exclude(queued_at=None).update(queued_at=None)
        return False
    build_store(name)
    return True


def day_numbers(dates) -> np.ndarray:
    """Dates (``datetime.date``) as days since 1970-01-01 (int32)."""
    return np.array(dates, dtype="datetime64[D]").astype(np.int32)


def day_number(date: datetime.date) -> int:
    return int(np.datetime64(date, "D").astype(np.int64))


def ids_of(values, *, missing: int = -1) -> np.ndarray:
    """Database ids (``None`` for none) as int64, ``None`` as ``missing``."""
    return np.array([missing if v is None else v for v in values], dtype=np.int64)


def codes_of(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as (vocabulary, index of each value in it): the vocabulary as a fixed-width string array."""
    vocabulary = sorted(set(values))
    index = {v: i for i, v in enumerate(vocabulary)}
    return np.array(vocabulary, dtype=str), np.array([index[v] for v in values], dtype=np.int32)


__all__ = ["Facts", "build_queue", "build_run", "build_store", "facts", "facts_builder"]
