"""What awaits each person among the requests ("Awaiting me" on the home page), read from their state.

Registered with ``pontis.core.registry.task_provider``. Each provider is one query (rows and total together):
an item leaves as soon as the request moves on, whoever moved it.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, RowRange, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.awaiting import LocalDays, prepared_rows, prepared_tasks, url_of_pk
from pontis.core.models import Country
from pontis.core.permissions import can
from pontis.core.registry import TASKS_SHOWN, Task, tasks_query

from .constants import UNSCREENED_AFTER_DAYS, WAITING_AFTER_DAYS
from .models import Request
from .models import RequestStatus as S


def owned_or_unowned_for(user) -> Q:
    """Requests whose work falls to ``user``: owned by them; or without an owner and in a region they coordinate;
    or without an owner and in no region that has a coordinator (then every officer may take it)."""
    through = Request.countries.through
    # Each link is checked by its country id against the few countries read from the country table, rather than
    # joined to its country and then its region (two joins per link row, twice per list).
    my_countries = Country.objects.filter(region__coordinator=user).values("pk")
    coordinated_countries = Country.objects.filter(region__coordinator__isnull=False).values("pk")
    in_my_region = Exists(through.objects.filter(request_id=OuterRef("pk"), country_id__in=my_countries))
    coordinated = Exists(through.objects.filter(request_id=OuterRef("pk"), country_id__in=coordinated_countries))
    return Q(owner=user) | Q(owner__isnull=True) & (in_my_region | ~coordinated)


def _tasks(rows, total, *, kind, since, due=None, more_url=""):
    """``due(row, days)`` answers the due day given ``days.day`` (the reader's day of a moment, see ``LocalDays``)."""
    days = LocalDays()
    today = days.today
    url = url_of_pk("intake:detail")
    tasks = []
    for row in rows:
        started = since(row)
        until = due(row, days) if due else None
        tasks.append(
            Task(
                kind=kind,
                label=str(row),
                url=url(row.pk),
                since=started,
                due=until,
                overdue=bool(until and until < today),
                new=days.is_new(started),
                total=total,
                more_url=more_url,
            )
        )
    return tasks


def _days_after(moment, days, local=None) -> datetime.date | None:
    """The reader's day ``days`` after ``moment`` (``local``: a ``LocalDays`` to word the day with)."""
    if not moment:
        return None
    return (local.day(moment) if local else timezone.localtime(moment).date()) + datetime.timedelta(days=days)


def _light(qs):
    # The task shows a title and a date: nothing else of the request is read.
    return qs.only("pk", "title", "status", "submitted_at", "status_changed_at", "forwarded_at", "updated_at")


# The officers' two kinds of work on requests: the status it waits in, what to do, and within how many days.
_OFFICER_WORK = (
    (S.SUBMITTED, _("Screen the request: forward it or close it"), UNSCREENED_AFTER_DAYS),
    (S.DEFERRED, _("Take up the deferred request"), WAITING_AFTER_DAYS),
)


def _officer_tasks_of(rows_by_status: dict, totals: dict) -> list[Task]:
    """The officers' tasks of the requests read for each status, kind by kind: the longest waiting first, each due
    the kind's number of days after the request reached that status."""
    tasks = []
    for status, kind, within_days in _OFFICER_WORK:
        if status not in rows_by_status:
            continue
        tasks += _tasks(
            rows_by_status[status],
            totals[status],
            kind=kind,
            since=lambda r: r.status_changed_at,
            due=lambda r, local, days=within_days: _days_after(r.status_changed_at, days, local),
            more_url=reverse("intake:list") + f"?status={status}",
        )
    return tasks


def _officer_tasks(user, status) -> list[Task]:
    """Officers: requests in ``status`` whose work falls to them (theirs or unowned, see ``owned_or_unowned_for``)."""
    if not can(user, "screen", Request):
        return []
    qs = _light(Request.objects.filter(owned_or_unowned_for(user), status=status)).order_by("status_changed_at", "pk")
    rows, total = tasks_query(qs)
    return _officer_tasks_of({status: rows}, {status: total})


def screen_tasks(user) -> list[Task]:
    """Officers: submitted requests to screen (ask for information, forward or close), theirs or unowned."""
    return _officer_tasks(user, S.SUBMITTED)


def deferred_tasks(user) -> list[Task]:
    """Officers: requests the committee deferred, to take up again (forward again, ask the requester, close)."""
    return _officer_tasks(user, S.DEFERRED)


def officer_tasks(user) -> list[Task]:
    """Officers: both kinds at once (what ``screen_tasks`` then ``deferred_tasks`` answer), in one query: the rule
    that says whose work a request is (``owned_or_unowned_for``) is planned and checked once for both statuses, each
    status's first rows and total read with a window per status."""
    if not can(user, "screen", Request):
        return []
    statuses = [status for status, _kind, _days in _OFFICER_WORK]
    rows_by_status = {status: [] for status in statuses}
    totals = dict.fromkeys(statuses, 0)
    for row in prepared_rows("intake.officer_tasks", _officer_rows, {"user": user.pk}):
        rows_by_status[row.status].append(row)
        totals[row.status] = row.task_total
    return _officer_tasks_of(rows_by_status, totals)


def _officer_rows(*, user):
    """The statement of ``officer_tasks`` for the person whose id is ``user``."""
    statuses = [status for status, _kind, _days in _OFFICER_WORK]
    # One window for the rank and the total (the same partition, order and frame: the database sorts and scans the
    # rows once, not once per window), over the few columns a task shows: the rows ranked are every submitted and
    # deferred request whose work falls to the person, hundreds at full size, and only the first ones are kept.
    window = {"partition_by": F("status"), "order_by": (F("status_changed_at").asc(), F("pk").asc()),
              "frame": RowRange(start=None, end=None)}
    return (
        Request.objects.filter(owned_or_unowned_for(user), status__in=statuses)
        .only("pk", "title", "status", "status_changed_at")
        .annotate(task_rank=Window(RowNumber(), **window), task_total=Window(Count("pk"), **window))
        .filter(task_rank__lte=TASKS_SHOWN)
        .order_by("status_changed_at", "pk")
    )


def _forwarded():
    return _light(Request.objects.filter(status=S.FORWARDED, forwarded_at__isnull=False)).order_by("forwarded_at", "pk")


def decide_tasks(user) -> list[Task]:
    """Whoever records the committee's decisions: requests forwarded to it and not decided yet (a decision, by any
    member, moves the request on, so it leaves everyone's list)."""
    if not can(user, "decide", Request):
        return []
    rows, total = prepared_tasks("intake.decide_tasks", _forwarded, {})
    return _tasks(
        rows,
        total,
        kind=_("Decide on the request"),
        since=lambda r: r.forwarded_at,
        due=lambda r, local: _days_after(r.forwarded_at, WAITING_AFTER_DAYS, local),
        more_url=reverse("intake:list") + "?status=forwarded",
    )


def _requester_requests(user, status, *, institutions=None):
    """Requests in ``status`` of the institutions ``institutions`` (by default those ``user`` is the focal point of)
    or submitted by ``user`` (a person or their id)."""
    # The ids through two indexes (the institution link, the author) as one union, rather than an OR across a join,
    # which read every request and its institutions (17 ms at 5,000 requests), or an OR of the two conditions,
    # which read every request in the status asked.
    through = Request.institutions.through
    of_my_institutions = (
        through.objects.filter(
            institution_id__in=sorted(user.focal_institution_ids) if institutions is None else institutions)
        .order_by()
        .values_list("request_id", flat=True)
    )
    mine = Request.objects.filter(submitted_by=user).order_by().values_list("pk", flat=True)
    return _light(Request.objects.filter(pk__in=of_my_institutions.union(mine), status=status))


def _requester_tasks(key, user, status, order):
    """The first rows and the total of the requester's requests in ``status``, in ``order`` (``tasks_query``)."""

    def build(*, user, institutions):
        return _requester_requests(user, status, institutions=institutions).order_by(*order)

    values = {"user": user.pk, "institutions": sorted(user.focal_institution_ids)}
    return prepared_tasks(key, build, values, lists=("institutions",))


def draft_tasks(user) -> list[Task]:
    """Focal points: drafts of their institution (or their own) to complete and submit."""
    if not can(user, "create", Request):
        return []
    rows, total = _requester_tasks("intake.draft_tasks", user, S.DRAFT, ("-updated_at", "-pk"))
    return _tasks(
        rows,
        total,
        kind=_("Complete and submit the draft"),
        since=lambda r: r.updated_at,
        more_url=reverse("intake:list") + "?status=draft",
    )


def answer_tasks(user) -> list[Task]:
    """Focal points: requests on which an officer asked them for information."""
    if not can(user, "create", Request):
        return []
    rows, total = _requester_tasks("intake.answer_tasks", user, S.INFO_REQUESTED, ("status_changed_at", "pk"))
    return _tasks(
        rows,
        total,
        kind=_("Answer the officer's question"),
        since=lambda r: r.status_changed_at,
        due=lambda r, local: _days_after(r.status_changed_at, WAITING_AFTER_DAYS, local),
        more_url=reverse("intake:list") + "?status=info_requested",
    )
