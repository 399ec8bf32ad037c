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
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core import audit
from pontis.core.permissions import ensure
from pontis.knowledge.models import LibraryFile, LibraryItem, PublishedAction

from ..models import IatiRecord
from . import builder
from .validate import validate_activity

VERSION = "2.03"
CACHE_KEY = "reports:iati:file:"
FINGERPRINT_KEY = "reports:iati:fingerprint"
CACHE_SECONDS = 3600  # a bound on staleness for the changes no ``updated_at`` shows (such as a country added)


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
        | Q(pk__in=IatiRecord.objects.filter(first_published_at__isnull=False).values("action_id")))


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
        stored.append({"layer": problem.layer, "rule": problem.rule, "xpath": problem.xpath, "field": problem.field,
                       "messages": messages})
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
    """Build and check every Action in scope, record the outcomes and answer the file of the valid ones."""
    now = _timestamp(now or timezone.now())
    today = today or timezone.localdate(now)
    in_scope = candidates()
    records = {record.action_id: record for record in
               IatiRecord.objects.select_for_update().filter(action__in=in_scope.values("pk")).order_by("action_id")}
    withdrawn = frozenset(
        Action.objects.filter(pk__in=in_scope.values("pk")).exclude(publication__is_published=True)
        .values_list("pk", flat=True))
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
        outcomes.append(Outcome(action=action, identifier=source.identifier, included=not problems,
                                withdrawn=source.withdrawn, problems=record.problems,
                                element=None if problems else element, record=record))
    return compose(outcomes, now=now)


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
    return PublishedFile(content=content, etag=etag, last_modified=datetime.datetime.fromisoformat(generated),
                         outcomes=sorted(outcomes, key=lambda o: o.action.code))


# ---------------------------------------------------------------- the cached file


def source_fingerprint() -> str:
    """What the file depends on, cheaply: the latest change and the count of each table it reads, and the
    settings. A change to any of them builds the file again."""
    parts = [settings.PONTIS_IATI_REPORTING_ORG_REF, settings.PONTIS_IATI_REPORTING_ORG_NAME,
             settings.PONTIS_IATI_REPORTING_ORG_TYPE, settings.PONTIS_SITE_URL, str(timezone.localdate())]
    for model in (Action, PublishedAction, Activity, Deliverable, LibraryItem):
        row = model.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
        parts.append(f"{row['latest']}/{row['count']}")
    row = LibraryFile.objects.aggregate(latest=Max("pk"), count=Count("pk"))
    parts.append(f"{row['latest']}/{row['count']}")
    row = IatiRecord.objects.aggregate(latest=Max("checked_at"), count=Count("pk"))
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


# This process's copy of the file it served last, by cache key, with the time it stops being used: the file is
# megabytes at size, and reading it from the shared cache on every request costs more than serving it.
_local: dict[str, tuple[float, dict]] = {}


def _kept_file(key: str) -> dict | None:
    """The file kept under ``key``: this process's copy while it is fresh (``recheck_seconds()``), else the
    shared cache's."""
    seconds = recheck_seconds()
    local = _local.get(key)
    if seconds > 0 and local is not None and local[0] > time.monotonic():
        return local[1]
    found = cache.get(key)
    _local.clear()
    if found is not None and seconds > 0:
        _local[key] = (time.monotonic() + seconds, found)
    return found


def remember(published: PublishedFile) -> None:
    """Serve ``published`` from the cache from now on (its records were just written)."""
    fingerprint = _fingerprint(exact=True)
    cache.set(CACHE_KEY + fingerprint, {"content": published.content, "etag": published.etag,
                                        "last_modified": published.last_modified}, CACHE_SECONDS)


def current_file(*, exact: bool = True) -> dict:
    """The file as the API serves it (``content``, ``etag``, ``last_modified``), built again only when its
    sources changed. ``exact=False`` (the public route) trusts a fingerprint read in the last
    ``recheck_seconds()``: reading it costs a pass over the activities, and a harvester may see a change up to
    that long after it is made; the staff page always reads it."""
    key = CACHE_KEY + _fingerprint(exact=exact)
    cached = _kept_file(key)
    if cached is not None:
        return cached
    try:
        published = refresh()
    except IntegrityError:  # another request recorded the same Action's first check a moment ago: read it again
        published = refresh()
    # Stored under the fingerprint after the check (the check writes records, which moves the fingerprint).
    remember(published)
    return {"content": published.content, "etag": published.etag, "last_modified": published.last_modified}


def check_now(*, by) -> PublishedFile:
    """Staff's "check now": build and check everything at once; the API serves the new file from now on."""
    ensure(by, "check", IatiRecord)
    published = refresh()
    remember(published)
    audit.record_many([outcome.record for outcome in published.outcomes], action="update", by=by,
                      changes=lambda record: {"published": record.published},
                      note="IATI check started by staff")
    return published


# ---------------------------------------------------------------- the staff page


# Where each field a check names is edited (the Action's page, its SDG targets, its portal publication).
FIELD_PAGES = {
    "summary": "portal:manage",
    "sdg_targets": "actions:goals",
    "reporting_org": "",
    "": "",
}


def field_url(field_name: str, code: str) -> str:
    url_name = FIELD_PAGES.get(field_name, "actions:detail")
    return reverse(url_name, kwargs={"code": code}) if url_name else ""


def staff_actions():
    """The Actions the staff page lists, in code order, with their publication, identifier and last check (a
    queryset: the page reads one page of it)."""
    return candidates().select_related("publication", "iati_identifier", "iati_record").order_by("code")


def staff_summary() -> dict:
    """The page's totals over every Action in scope, in one query: ``in_scope`` (every Action listed),
    ``included`` (in the file), ``left_out`` (left out or never checked) and ``checked_at`` (the latest check)."""
    totals = candidates().aggregate(total=Count("pk"), included=Count("pk", filter=Q(iati_record__published=True)),
                                    checked_at=Max("iati_record__checked_at"))
    return {"in_scope": totals["total"], "included": totals["included"], "left_out": totals["total"] - totals["included"],
            "checked_at": totals["checked_at"]}


def staff_rows(language: str, actions=None) -> list[dict]:
    """The Actions in the IATI scope (public now, or in the file before; ``actions``, one page of
    ``staff_actions()``, or all of them), with their last check: in the file or left out, and each problem in
    ``language`` with the page where its field is edited."""
    if actions is None:
        actions = staff_actions()
    rows = []
    for action in actions:
        record = getattr(action, "iati_record", None)  # None: never checked
        identifier = getattr(action, "iati_identifier", None)
        problems = []
        for problem in (record.problems if record else []):
            messages = problem.get("messages") or {}
            problems.append({
                "field": problem.get("field", ""), "layer": problem.get("layer", ""),
                "message": messages.get(language) or messages.get(settings.LANGUAGE_CODE) or "",
                "url": field_url(problem.get("field", ""), action.code),
            })
        publication = getattr(action, "publication", None)
        rows.append({
            "action": action, "identifier": identifier.identifier if identifier else "",
            "public": bool(publication and publication.is_published), "record": record,
            "included": bool(record and record.published), "checked": bool(record and record.checked_at),
            "problems": problems,
        })
    return rows
