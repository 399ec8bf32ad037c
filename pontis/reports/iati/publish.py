"""Publishing the IATI file: build, check, record, compose.

``refresh()`` takes every Action the facility marks public (``PublishedAction.is_published``) and every Action
that was in the file before (``IatiRecord.first_published_at``; one taken off the portal since stays, as
cancelled), builds its activity, checks it in three layers (validate.py) and records the outcome in
``IatiRecord``:

- valid: in the file. ``content_hash`` is the activity without its ``last-updated-datetime``; ``last_updated``
  moves only when that hash changes (or when the activity comes back into the file after being left out).
- not valid: left out of the file, never silently: ``problems`` says what to fix, in every UI language, for the
  staff page (``/reports/iati/``) and ``export_iati``. An activity that leaves the file moves ``last_updated`` too,
  so that the file's Last-Modified moves with it.

The file holds the valid activities only, in identifier order; it is byte-for-byte the same while nothing changes
(``generated-datetime`` is the latest ``last-updated-datetime``), so its hash is a strong ETag.

Readers never build. ``refresh()`` reads and checks every Action in scope (minutes at size), so it runs in the task
worker (``build_run``, queued by ``build_queue``) or in ``export_iati``, and stores the file it built in the one
``IatiFile`` row with the fingerprint of the sources it read. The public route (``file_state``, then ``file_open``
only when it sends the file) and the staff page (``file_status``) answer from that row (its bytes, and their gzip
form, also kept in the shared cache by ETag, and written once per build as a file on each web host's local disk,
which the route sends without reading it into the process); when the sources' fingerprint no longer matches, or
the file is older than ``REBUILD_SECONDS``, they queue one build and keep answering the last file until it is done.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.http import RFC3986_SUBDELIMS
from lxml import etree

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core import audit
from pontis.core.permissions import ensure
from pontis.knowledge.models import LibraryFile, LibraryItem, PublishedAction

from ..models import IatiFile, IatiRecord
from ..tasks import build_iati_file
from . import builder
from .validate import validate_activity

VERSION = "2.03"
FILE_ROW = 1  # the one ``IatiFile`` row
FILE_CACHE_KEY = "reports:iati:bytes:"  # + the ETag: the file's bytes, shared by the web processes (the row is kept)
GZIP_CACHE_KEY = "reports:iati:gzip:"  # + the ETag: the same file, gzip-compressed once for the clients that accept it
GZIP_LEVEL = 6  # a sixteenth of the size at size (13 MB to 0.8 MB), in well under a second, once per file
FILE_CACHE_SECONDS = 86400
FINGERPRINT_KEY = "reports:iati:fingerprint"
STAFF_CACHE_KEY = "reports:iati:staff:"  # + the last build and the fingerprint: the staff page's totals and rows
REBUILD_SECONDS = 3600  # a bound on staleness for the changes no ``updated_at`` shows (such as a country added)
QUEUE_CLAIM_SECONDS = 600  # a build asked for and not started after this is asked for again (its task was lost)
RUNNING_SECONDS = 1800  # a build started longer ago and not finished is no longer shown as under way


@dataclass
class Outcome:
    """One Action's result of a check: its identifier, whether it is in the file and why not."""

    action: Action
    identifier: str
    included: bool
    withdrawn: bool
    problems: list = field(default_factory=list)  # stored dicts (see ``_stored_problems``)
    element: etree._Element | None = None
    record: IatiRecord | None = None


@dataclass
class PublishedFile:
    content: bytes
    etag: str
    last_modified: datetime.datetime
    outcomes: list[Outcome]

    @property
    def left_out(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.included]

    @property
    def included(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.included]


def candidates():
    """Actions in scope: public now, or in the file before (two subqueries on the small tables, so the Actions
    table is read by key rather than joined twice and scanned)."""
    return Action.objects.filter(
        Q(pk__in=PublishedAction.objects.filter(is_published=True).values("action_id"))
        | Q(pk__in=IatiRecord.objects.filter(first_published_at__isnull=False).values("action_id"))
    )


def content_hash(element: etree._Element) -> str:
    """The activity's hash without its ``last-updated-datetime`` (canonical XML, so attribute order is irrelevant)."""
    copy = etree.fromstring(etree.tostring(element))
    copy.attrib.pop("last-updated-datetime", None)
    return hashlib.sha256(etree.tostring(copy, method="c14n")).hexdigest()


def _stored_problems(element: etree._Element, problems: list) -> list[dict]:
    """Problems as stored: each with its message in every UI language (the staff page shows the reader's)."""
    by_language = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            by_language[code] = validate_activity(element)
    stored = []
    for index, problem in enumerate(problems):
        messages = {}
        for code, found in by_language.items():
            if len(found) == len(problems):
                messages[code] = found[index].message
        messages.setdefault(settings.LANGUAGE_CODE, problem.message)
        stored.append(
            {"layer": problem.layer, "rule": problem.rule, "xpath": problem.xpath, "field": problem.field, "messages": messages}
        )
    return stored


def _record_for(records: dict, action: Action) -> IatiRecord:
    record = records.get(action.pk)
    if record is None:
        record = IatiRecord(action=action)
        records[action.pk] = record
    return record


def _timestamp(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=0)


@transaction.atomic
def refresh(*, now: datetime.datetime | None = None, today: datetime.date | None = None) -> PublishedFile:
    """Build and check every Action in scope, record the outcomes, keep the file of the valid ones as the one
    readers get (``IatiFile``) and answer it. Minutes at size: the task worker (``build_run``) and ``export_iati``
    call it, never a request."""
    now = _timestamp(now or timezone.now())
    today = today or timezone.localdate(now)
    fingerprint = source_fingerprint()  # before reading the Actions: the file holds at least what it describes
    in_scope = candidates()
    records = {
        record.action_id: record
        for record in IatiRecord.objects.select_for_update().filter(action__in=in_scope.values("pk")).order_by("action_id")
    }
    withdrawn = frozenset(
        Action.objects.filter(pk__in=in_scope.values("pk")).exclude(publication__is_published=True).values_list("pk", flat=True)
    )
    outcomes = []
    for source in builder.load(in_scope, withdrawn_ids=withdrawn):
        action = source.action
        record = _record_for(records, action)
        element = builder.build_activity(source, today=today)
        digest = content_hash(element)
        was_included = record.published
        moved = digest != record.content_hash or not was_included
        last_updated = now if moved else record.last_updated or now
        element.set("last-updated-datetime", last_updated.astimezone(datetime.UTC).isoformat())
        problems = validate_activity(element)
        record.checked_at = now
        if problems:
            record.problems = _stored_problems(element, problems)
            record.published = False
            if was_included:  # it leaves the file: the file changed
                record.last_updated, record.content_hash = now, ""
        else:
            record.problems = []
            record.published = True
            record.content_hash = digest
            record.last_updated = last_updated
            record.first_published_at = record.first_published_at or now
        record.save()
        outcomes.append(
            Outcome(
                action=action,
                identifier=source.identifier,
                included=not problems,
                withdrawn=source.withdrawn,
                problems=record.problems,
                element=None if problems else element,
                record=record,
            )
        )
    published = compose(outcomes, now=now)
    _store(published, fingerprint=fingerprint)
    return published


def compose(outcomes: list[Outcome], *, now: datetime.datetime) -> PublishedFile:
    """The ``<iati-activities>`` file of the outcomes that are in it."""
    included = sorted((o for o in outcomes if o.included), key=lambda o: o.identifier)
    stamps = [o.element.get("last-updated-datetime") for o in included]
    generated = max(stamps) if stamps else now.astimezone(datetime.UTC).isoformat()
    root = etree.Element("iati-activities", version=VERSION)
    root.set("generated-datetime", generated)
    for outcome in included:
        root.append(outcome.element)
    content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    etag = '"' + hashlib.sha256(content).hexdigest()[:40] + '"'
    return PublishedFile(
        content=content,
        etag=etag,
        last_modified=datetime.datetime.fromisoformat(generated),
        outcomes=sorted(outcomes, key=lambda o: o.action.code),
    )


# ---------------------------------------------------------------- the kept file and its builds


def source_fingerprint() -> str:
    """What the file depends on, cheaply: the latest change and the count of each table it reads, the settings and
    the day. A change to any of them asks for a build. (The check's own records are not part of it: only a build
    writes them, and it stores the file with them.)"""
    parts = [
        settings.PONTIS_IATI_REPORTING_ORG_REF,
        settings.PONTIS_IATI_REPORTING_ORG_NAME,
        settings.PONTIS_IATI_REPORTING_ORG_TYPE,
        settings.PONTIS_SITE_URL,
        str(timezone.localdate()),
    ]
    for model in (Action, PublishedAction, Activity, Deliverable, LibraryItem):
        row = model.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
        parts.append(f"{row['latest']}/{row['count']}")
    row = LibraryFile.objects.aggregate(latest=Max("pk"), count=Count("pk"))
    parts.append(f"{row['latest']}/{row['count']}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def recheck_seconds() -> int:
    """How long the public file may be served without reading its sources' fingerprint again (0: read it on
    every request). At most a minute by default, and never longer than the figures are kept."""
    return getattr(settings, "PONTIS_IATI_RECHECK_SECONDS", min(settings.PONTIS_FIGURES_CACHE_SECONDS, 60))


def _fingerprint(*, exact: bool) -> str:
    """The sources' fingerprint: read now when ``exact`` (or when nothing recent is kept), else the one read in
    the last ``recheck_seconds()``."""
    seconds = recheck_seconds()
    if not exact and seconds > 0:
        kept = cache.get(FINGERPRINT_KEY)
        if kept is not None:
            return kept
    fingerprint = source_fingerprint()
    if seconds > 0:
        cache.set(FINGERPRINT_KEY, fingerprint, seconds)
    return fingerprint


def _state() -> IatiFile | None:
    """The kept file's row without its bytes (one query by key), or None before anything was asked for."""
    return IatiFile.objects.defer("content").filter(pk=FILE_ROW).first()


def _pending(state: IatiFile | None, now: datetime.datetime) -> bool:
    """A build was asked for and has not started (and was asked for recently enough to be waiting still)."""
    return bool(state and state.queued_at and state.queued_at > now - datetime.timedelta(seconds=QUEUE_CLAIM_SECONDS))


def _running(state: IatiFile | None, now: datetime.datetime) -> bool:
    """A build started after the kept file was built, recently enough to be still under way."""
    return bool(
        state
        and state.started_at
        and (state.built_at is None or state.started_at > state.built_at)
        and state.started_at > now - datetime.timedelta(seconds=RUNNING_SECONDS)
    )


def _is_current(state: IatiFile | None, fingerprint: str, now: datetime.datetime) -> bool:
    """The kept file was built from these sources, less than ``REBUILD_SECONDS`` ago."""
    return bool(
        state
        and state.etag
        and state.fingerprint == fingerprint
        and state.built_at
        and state.built_at > now - datetime.timedelta(seconds=REBUILD_SECONDS)
    )


def _ask_if_stale(state: IatiFile | None, *, exact: bool) -> IatiFile | None:
    """Queue a build if the kept file is not current (or a "check now" is unanswered) and none is waiting; answers
    the row as it is then (read again after queueing: a worker as quick as the tests' immediate one has built the
    file already). While a build is waiting the sources' fingerprint is not even read: nothing would be queued."""
    now = timezone.now()
    if _pending(state, now):
        return state
    asked = state is not None and state.requested_by_id is not None
    if _is_current(state, _fingerprint(exact=exact), now) and not asked:
        return state
    build_queue()
    return _state()


def build_queue(*, by=None) -> bool:
    """Ask the task worker for one build and check of the file. Answers True if this call queued it; False if one
    was already asked for and has not started, in which case ``by`` (if given, and if no one else asked for it) is
    named by that build's audit rows. The claim (``queued_at``) and the task are written in one transaction, so a
    second reader, a double click or a second officer never queue a second build; a claim whose build never
    started is taken again after ``QUEUE_CLAIM_SECONDS``."""
    now = timezone.now()
    IatiFile.objects.get_or_create(pk=FILE_ROW)
    with transaction.atomic():
        waiting = Q(queued_at__isnull=True) | Q(queued_at__lte=now - datetime.timedelta(seconds=QUEUE_CLAIM_SECONDS))
        asker = {"requested_by": by} if by is not None else {}  # a reader never drops an officer's lost request
        claimed = IatiFile.objects.filter(waiting, pk=FILE_ROW).update(queued_at=now, **asker)
        if claimed:
            build_iati_file.enqueue()
        elif by is not None:
            IatiFile.objects.filter(pk=FILE_ROW, requested_by__isnull=True).update(requested_by=by)
    return bool(claimed)


def build_run() -> bool:
    """What the task runs: build and check every Action in scope, store the file, and write the audit rows of the
    "check now" it answers. Safe to run twice: a run that finds the kept file current and no "check now" waiting
    builds nothing (answers False). Safe with two workers: the second build waits for the first one's lock on the
    records and then checks again from what it committed; an ``IntegrityError`` (both recorded the same Action's
    first check) is answered by building again once."""
    now = timezone.now()
    with transaction.atomic():
        state, _ = IatiFile.objects.select_for_update().get_or_create(pk=FILE_ROW)
        by = state.requested_by
        if by is None and _is_current(state, source_fingerprint(), now):
            IatiFile.objects.filter(pk=FILE_ROW).update(queued_at=None)
            return False
        IatiFile.objects.filter(pk=FILE_ROW).update(queued_at=None, requested_by=None, started_at=now)
    try:
        try:
            published = refresh()
        except IntegrityError:  # another worker recorded the same Action's first check a moment ago: read it again
            published = refresh()
    except BaseException:  # not under way any more: the page stops saying so, and the next reader asks again
        IatiFile.objects.filter(pk=FILE_ROW, started_at=now).update(started_at=None)
        raise
    remember(published)
    if by is not None:
        audit.record_many(
            [outcome.record for outcome in published.outcomes],
            action="update",
            by=by,
            changes=lambda record: {"published": record.published},
            note="IATI check started by staff",
        )
    return True


def _store(published: PublishedFile, *, fingerprint: str) -> None:
    """Keep ``published`` as the file readers get (in the build's transaction, with the records it wrote)."""
    values = {
        "content": published.content,
        "etag": published.etag,
        "last_modified": published.last_modified,
        "fingerprint": fingerprint,
        "built_at": timezone.now(),
    }
    if not IatiFile.objects.filter(pk=FILE_ROW).update(**values):
        IatiFile.objects.create(pk=FILE_ROW, **values)


# This process's note of the file it served last (``file_state``: its ETag and date, never its bytes), with the time
# it stops being used, so that a request within ``recheck_seconds()`` reads nothing to decide 304 or which file to
# send. The bytes are sent from this host's copy on its local disk (``file_open``), never held in a process.
_local: dict[str, tuple[float, dict]] = {}

# This host's copies of the file: ``activities-<hash>.xml`` and ``activities-<hash>.xml.gz`` (the hash of the ETag),
# written once per build and host, atomically (a temporary file renamed), in ``file_dir()``.
COPY_PREFIX = "activities-"
COPY_TEMP_PREFIX = ".tmp-"
COPY_TEMP_SECONDS = 3600  # a temporary file older than this was left by a process that died while writing it


def gzipped(content: bytes) -> bytes:
    """The file's gzip form: the same bytes for the same file in every process (no time stamp in the header)."""
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def remember(published: PublishedFile) -> None:
    """Serve ``published`` (just built and stored by ``refresh``) from now on: put its bytes and their gzip form
    (made here, once per file) in the shared cache and forget this process's note and the fingerprint read before
    it was built."""
    cache.set_many(
        {FILE_CACHE_KEY + published.etag: published.content, GZIP_CACHE_KEY + published.etag: gzipped(published.content)},
        FILE_CACHE_SECONDS,
    )
    cache.delete(FINGERPRINT_KEY)
    _local.clear()


def file_state(*, exact: bool = True) -> dict | None:
    """The last file built, without its bytes (``etag``, ``last_modified``), or None if none was ever built: what a
    conditional request needs. Never builds: when its sources changed since (or it is older than
    ``REBUILD_SECONDS``), a build is queued for the task worker and the last file is answered meanwhile.
    ``exact=False`` (the public route) trusts a fingerprint read, and this process's note, for
    ``recheck_seconds()``: a harvester may see a change up to that long after it is built."""
    seconds = recheck_seconds()
    local = _local.get("file")
    if not exact and seconds > 0 and local is not None and local[0] > time.monotonic():
        return local[1]
    state = _ask_if_stale(_state(), exact=exact)
    if state is None or not state.etag:
        return None
    kept = {"etag": state.etag, "last_modified": state.last_modified, "read_at": time.time()}
    _local.clear()
    if seconds > 0:
        _local["file"] = (time.monotonic() + seconds, kept)
    return kept


def file_body(kept: dict, *, compressed: bool = False) -> bytes:
    """The bytes of the file ``kept`` describes (``file_state``), or their gzip form: the shared cache's (by ETag:
    the same key is always the same bytes), else the row's (the gzip form is then made from them once); then kept
    in the shared cache. If another build was stored since ``kept`` was read, ``kept`` is moved to that file (its
    ``etag`` and ``last_modified`` always describe the bytes answered). Nothing is kept in the process: the route
    sends this host's copy on disk (``file_open``), written from these bytes once per file."""
    key = (GZIP_CACHE_KEY if compressed else FILE_CACHE_KEY) + kept["etag"]
    body = cache.get(key)
    if body is None:
        if compressed:
            body = gzipped(file_body(kept, compressed=False))
            key = GZIP_CACHE_KEY + kept["etag"]  # the file may have moved on while its bytes were read
        else:
            row = IatiFile.objects.filter(pk=FILE_ROW).values("content", "etag", "last_modified").first()
            if row["etag"] != kept["etag"]:  # a newer build was stored since: answer it, whole
                kept.update(etag=row["etag"], last_modified=row["last_modified"])
            body = bytes(row["content"])
            key = FILE_CACHE_KEY + kept["etag"]
        cache.set(key, body, FILE_CACHE_SECONDS)
    return body


def file_dir() -> Path:
    """Where this host keeps its copies of the file: ``PONTIS_IATI_FILE_DIR`` if set, else ``iati/`` in the
    installation's ``VAR_DIR`` (the local directory beside the collected static files; never ``MEDIA_ROOT``, which
    hosts share). Each host writes its own copies from the shared database (or cache), so nothing here is shared."""
    return Path(settings.PONTIS_IATI_FILE_DIR)


def copy_path(etag: str, *, compressed: bool = False) -> Path:
    """This host's copy of the file whose ETag is ``etag`` (or of its gzip form)."""
    name = "".join(c for c in etag if c.isalnum())  # the hash: a file name whatever the ETag held
    return file_dir() / f"{COPY_PREFIX}{name}.xml{'.gz' if compressed else ''}"


def file_open(kept: dict, *, compressed: bool = False) -> BinaryIO:
    """The file ``kept`` describes (``file_state``), or its gzip form, open for reading from this host's copy: what
    the route streams (with ``sendfile`` under gunicorn; the process never holds the bytes). The copy is written
    the first time this host needs it (``file_body``'s bytes, through a temporary file renamed into place, so a
    reader never sees half a file), and the copies of earlier files are removed then. When this file's copy is
    gone and another file's copy was written since ``kept`` was read from the row (another process of this host
    wrote a newer build's and removed this one), the row says which file is current (one query) and ``kept`` is
    moved to it, as ``file_body`` moves it: ``etag`` and ``last_modified`` always describe the bytes answered, and
    a process whose note is a minute old never writes an earlier file's copy again."""
    path = copy_path(kept["etag"], compressed=compressed)
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    if _copies_written_since(kept):
        state = _state()
        if state is not None and state.etag and state.etag != kept["etag"]:  # superseded
            kept.update(etag=state.etag, last_modified=state.last_modified)
            path = copy_path(kept["etag"], compressed=compressed)
            try:
                return path.open("rb")
            except FileNotFoundError:
                pass
    body = file_body(kept, compressed=compressed)  # may move ``kept`` to a build stored a moment ago
    path = _write_copy(copy_path(kept["etag"], compressed=compressed), body)
    _remove_superseded(kept["etag"])
    return path.open("rb")


def _write_copy(path: Path, body: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=COPY_TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # atomic: readers open the old name's file or the whole new one
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _copies_written_since(kept: dict) -> bool:
    """Whether this host holds a copy of another file written after ``kept`` was read from the row: only then can
    ``kept`` be an earlier file than the row's (a copy written before it was read is of that file or an earlier
    one), so only then is the row read again."""
    mine = {copy_path(kept["etag"]).name, copy_path(kept["etag"], compressed=True).name}
    read_at = kept.get("read_at", 0.0)
    try:
        with os.scandir(file_dir()) as entries:
            return any(
                entry.name.startswith(COPY_PREFIX) and entry.name not in mine and entry.stat().st_mtime >= read_at
                for entry in entries
            )
    except FileNotFoundError:
        return False


def _remove_superseded(etag: str) -> None:
    """Remove this host's copies of every other file (an open copy stays readable to the process sending it), and
    temporary files left by a process that died while writing."""
    keep = {copy_path(etag).name, copy_path(etag, compressed=True).name}
    now = time.time()
    with os.scandir(file_dir()) as entries:
        for entry in entries:
            if entry.name in keep:
                continue
            if entry.name.startswith(COPY_TEMP_PREFIX):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < now - COPY_TEMP_SECONDS:
                        os.unlink(entry.path)
            elif entry.name.startswith(COPY_PREFIX):
                with contextlib.suppress(FileNotFoundError):  # another process removed it first
                    os.unlink(entry.path)


def file_status(*, exact: bool = True) -> dict:
    """What the staff page says about the file: ``built_at`` (the last build, None if never), ``preparing`` (a
    newer build is asked for or under way) and ``stamp`` (the last build as text, for the page's polling). Queues a
    build if the sources changed since the last one; never builds."""
    state = _ask_if_stale(_state(), exact=exact)
    return _status(state)


def build_status() -> dict:
    """``file_status`` from the row alone (one query; no fingerprint read, nothing queued): what the staff page's
    polling asks every few seconds while a build is under way."""
    return _status(_state())


def _status(state: IatiFile | None) -> dict:
    now = timezone.now()
    built_at = state.built_at if state and state.etag else None
    return {
        "built_at": built_at,
        "preparing": _pending(state, now) or _running(state, now),
        "stamp": built_at.isoformat() if built_at else "",
    }


def check_now(*, by) -> bool:
    """Staff's "check now": ask the task worker to build and check every Action in scope now, whatever the
    fingerprint says; its audit rows name ``by``. Answers whether this queued a build (False: one was already
    waiting, and answers for ``by`` too). Raises PermissionDenied unless ``by`` may check."""
    ensure(by, "check", IatiRecord)
    return build_queue(by=by)


# ---------------------------------------------------------------- the staff page


# Where each field a check names is edited (the Action's page, its SDG targets, its portal publication).
FIELD_PAGES = {
    "summary": "portal:manage",
    "sdg_targets": "actions:goals",
    "reporting_org": "",
    "": "",
}


# The address of each page a row links to, worked out once per URL configuration and prefix (``reverse`` with a
# marker in place of the code), then the code put in per row, quoted as ``reverse`` quotes it.
_ADDRESS_MARKER = "iati-code-marker"
_addresses: dict = {}


def _address(url_name: str, code: str) -> str:
    if not code or "/" in code:  # not a code ``reverse`` would take: let it say so
        return reverse(url_name, kwargs={"code": code})
    key = (url_name, get_urlconf(), get_script_prefix())
    pattern = _addresses.get(key)
    if pattern is None:
        pattern = _addresses[key] = reverse(url_name, kwargs={"code": _ADDRESS_MARKER})
    return pattern.replace(_ADDRESS_MARKER, quote(code, safe=RFC3986_SUBDELIMS + "/~:@"))


def field_url(field_name: str, code: str) -> str:
    url_name = FIELD_PAGES.get(field_name, "actions:detail")
    return _address(url_name, code) if url_name else ""


def staff_actions():
    """The Actions the staff page lists, in code order (a queryset: the page reads one page of it, the columns it
    shows only, with ``staff_listing``)."""
    return candidates().order_by("code")


def staff_cache_key(status: dict) -> str | None:
    """The key under which the staff page's totals and rows are kept for ``recheck_seconds()`` (None: not kept).
    They change only with a build (the only writer of the checks' records: ``status["stamp"]``) or with the sources
    (the Actions in scope and their titles: the fingerprint, read again as often as the public file reads it)."""
    if recheck_seconds() <= 0:
        return None
    return f"{STAFF_CACHE_KEY}{status['stamp']}:{_fingerprint(exact=False)}"


def staff_summary(*, key: str | None = None) -> dict:
    """The page's totals over every Action in scope, in one query (or kept under ``key``): ``in_scope`` (every
    Action listed), ``included`` (in the file), ``left_out`` (checked and left out), ``unchecked`` (not checked
    yet: new in scope since the last build, or before the first) and ``checked_at`` (the latest check)."""
    if key is not None:
        found = cache.get(key + ":totals")
        if found is not None:
            return found
    totals = candidates().aggregate(
        total=Count("pk"),
        included=Count("pk", filter=Q(iati_record__published=True)),
        left_out=Count("pk", filter=Q(iati_record__checked_at__isnull=False, iati_record__published=False)),
        checked_at=Max("iati_record__checked_at"),
    )
    summary = {
        "in_scope": totals["total"],
        "included": totals["included"],
        "left_out": totals["left_out"],
        "unchecked": totals["total"] - totals["included"] - totals["left_out"],
        "checked_at": totals["checked_at"],
    }
    if key is not None:
        cache.set(key + ":totals", summary, recheck_seconds())
    return summary


# What a row of the staff page shows of each Action, its publication, identifier and last check.
STAFF_COLUMNS = (
    "code",
    "title",
    "publication__is_published",
    "iati_identifier__identifier",
    "iati_record__published",
    "iati_record__checked_at",
    "iati_record__last_updated",
    "iati_record__problems",
)


def staff_listing(actions=None, *, key: str | None = None) -> list[dict]:
    """The Actions of ``actions`` (one page of ``staff_actions()``, or all of them), with their last check, in
    every language (``staff_rows`` picks the reader's): the columns the page shows only, in one query, or kept
    under ``key`` (with the page's bounds)."""
    if actions is None:
        actions = staff_actions()
    if key is not None:
        low, high = actions.query.low_mark, actions.query.high_mark
        key = f"{key}:rows:{low}:{high}"
        found = cache.get(key)
        if found is not None:
            return found
    listing = [
        {
            "code": code,
            "title": title,
            "public": bool(public),
            "identifier": identifier or "",
            "included": bool(included),
            "checked_at": checked_at,
            "last_updated": last_updated,
            "problems": problems or [],
        }
        for code, title, public, identifier, included, checked_at, last_updated, problems in actions.values_list(
            *STAFF_COLUMNS
        )
    ]
    if key is not None:
        cache.set(key, listing, recheck_seconds())
    return listing


def staff_rows(language: str, listing: list[dict] | None = None) -> list[dict]:
    """The rows of the page: the Actions of ``listing`` (``staff_listing()``: by default every Action in scope)
    with the address of their page, whether they are in the file or left out, and each problem in ``language``
    with the page where its field is edited."""
    if listing is None:
        listing = staff_listing()
    rows = []
    for entry in listing:
        code = entry["code"]
        problems = []
        for problem in entry["problems"]:
            messages = problem.get("messages") or {}
            problems.append(
                {
                    "field": problem.get("field", ""),
                    "layer": problem.get("layer", ""),
                    "message": messages.get(language) or messages.get(settings.LANGUAGE_CODE) or "",
                    "url": field_url(problem.get("field", ""), code),
                }
            )
        rows.append(
            {
                "action": {"code": code, "title": entry["title"]},
                "url": _address("actions:detail", code),
                "identifier": entry["identifier"],
                "public": entry["public"],
                "included": entry["included"],
                "checked": bool(entry["checked_at"]),
                "checked_at": entry["checked_at"],
                "last_updated": entry["last_updated"],
                "problems": problems,
            }
        )
    return rows
