"""How apps add to the shared shell without the shell knowing them.

Each app, in its AppConfig.ready(), registers:
- navigation entries: ``nav(label, url_name, order=...)``, shown to whom the linked page's policy gate lets in
  (``roles=...`` only for a link about a role whose page has no gate);
- home panels: ``home_panel(func, order=...)`` where ``func(request) -> dict | None`` answers
  ``{"title": ..., "template": ..., ...context}`` for what needs this person's attention, or None.
- demo loaders: ``demo_loader(func, order=...)`` called by ``manage.py load_demo`` in order.

and, at the bottom of its tasks.py, periodic tasks: ``periodic_task(task, every=timedelta(days=1))``, queued by
the worker (``manage.py run_worker``, see core/periodic.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Window
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from .permissions import can


@dataclass(order=True)
class NavEntry:
    order: int
    label: object = field(compare=False)
    url_name: str = field(compare=False)
    roles: tuple = field(compare=False, default=())
    public: bool = field(compare=False, default=False)

    def visible_for(self, user) -> bool:
        """Shown to the people the linked page lets in: its ``@permission_required`` gate, asked of the policy, so
        that no role list is kept here a second time. ``roles`` only for a link that is about a role and has no
        gate ("My expert profile", a signed-in page that matters to experts)."""
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        if self.roles:
            return user.has_any_role(*self.roles)
        gate = self.gate()
        return gate is None or can(user, gate[1], gate[0])

    def gate(self):
        """The (model, verb) the linked page declares, or None (not cached: tests swap the URL configuration)."""
        try:
            view = resolve(reverse(self.url_name)).func
        except (NoReverseMatch, Resolver404):
            return None
        return getattr(view, "pontis_gate", None)

    @property
    def url(self):
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


_nav: list[NavEntry] = []
_panels: list[tuple[int, object]] = []
_demo: list[tuple[int, str, object]] = []


def nav(label, url_name, *, roles=(), order=100, public=False):
    if any(entry.url_name == url_name for entry in _nav):
        return
    _nav.append(NavEntry(order, label, url_name, tuple(roles), public))
    _nav.sort()


def nav_for(user):
    return [entry for entry in _nav if entry.visible_for(user)]


def home_panel(func, *, order=100):
    if func not in [f for _o, f in _panels]:
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])


def home_panels_for(request):
    panels = []
    for _order, func in _panels:
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels


def demo_loader(name, func, *, order=100):
    if name not in [n for _o, n, _f in _demo]:
        _demo.append((order, name, func))
        _demo.sort(key=lambda item: item[0])


def demo_loaders():
    return [(name, func) for _o, name, func in _demo]


# ------------------------------------------------------------------ extension points for what flows upward
#
# A lower app asks; an upper app answers by registering a provider in its AppConfig.ready(). Each point has a
# fixed signature and an empty default, so the lower app works (and its tests run) with nobody registered.

_detail_panels: dict[str, list[tuple[int, object]]] = {}
_participation: list[object] = []
_activity_people: list[object] = []
_activity_members: list[object] = []
_risk_lists: list[tuple[int, object]] = []


def detail_panel(model_label: str, func, *, order: int = 100) -> None:
    """Add a panel to the page of one object of ``model_label`` (``"intake.Request"``).

    ``func(request, obj) -> dict | None`` answers ``{"title": ..., "template": ..., ...context}`` or None (nothing
    to show to this person). The page renders each panel's template with ``panel`` in its context.
    """
    panels = _detail_panels.setdefault(model_label, [])
    if func not in [f for _o, f in panels]:
        panels.append((order, func))
        panels.sort(key=lambda item: item[0])


def detail_panels_for(model_label: str, request, obj) -> list[dict]:
    """The panels other apps add to this object's page, in order (empty when nobody registered one)."""
    panels = []
    for _order, func in _detail_panels.get(model_label, []):
        panel = func(request, obj)
        if panel:
            panels.append(panel)
    return panels


def action_participation(func) -> None:
    """Register ``func(user) -> Iterable[int]``: ids of the Actions ``user`` takes part in through the registering
    app (an expert deployed on one of its activities). The actions policy lets such people see those Actions."""
    if func not in _participation:
        _participation.append(func)


def action_ids_taking_part(user) -> set[int]:
    """Ids of the Actions ``user`` takes part in, as every registered app answers (empty by default)."""
    ids: set[int] = set()
    for func in _participation:
        ids |= set(func(user))
    return ids


def activity_people(func) -> None:
    """Register ``func(activity_ids) -> dict[int, int]``: how many people are confirmed to deliver each of the
    activities (experts), in one query for all of them; an activity with nobody may be left out of the answer."""
    if func not in _activity_people:
        _activity_people.append(func)


def has_activity_people() -> bool:
    """Whether any app counts the people on an activity."""
    return bool(_activity_people)


def activity_people_counts(activity_ids) -> dict[int, int] | None:
    """People confirmed on each activity (by id, 0 included) by every registered app, or None when no app counts
    them (then callers do not judge staffing at all rather than report an activity as unstaffed)."""
    if not _activity_people:
        return None
    ids = list(activity_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        for func in _activity_people:
            for activity_id, n in func(ids).items():
                counts[activity_id] = counts.get(activity_id, 0) + n
    return counts


def activity_people_count(activity) -> int | None:
    """People confirmed on one ``activity`` (see ``activity_people_counts``)."""
    counts = activity_people_counts([activity.pk])
    return None if counts is None else counts[activity.pk]


def activity_members(func) -> None:
    """Register ``func(user, activity_ids) -> Iterable[int]``: which of the activities ``user`` is confirmed to
    deliver (an expert with a confirmed deployment). Reports on an activity are uploaded by such people."""
    if func not in _activity_members:
        _activity_members.append(func)


def activities_confirmed_for(user, activity_ids) -> set[int]:
    """Ids among ``activity_ids`` that ``user`` is confirmed on, as every registered app answers (empty by default)."""
    ids = list(activity_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    found: set[int] = set()
    for func in _activity_members:
        found |= set(func(user, ids))
    return found


_figures_sources: list[object] = []


def activity_figures_source(func) -> None:
    """Register ``func(activity) -> str | None``: a sentence saying where the activity's participant figures come
    from when another app writes them (the meeting's attendance), or None. Such figures are shown read-only."""
    if func not in _figures_sources:
        _figures_sources.append(func)


def activity_figures_locked(activity) -> str | None:
    """Why the activity's participant figures cannot be typed (their source), or None when they can."""
    for func in _figures_sources:
        reason = func(activity)
        if reason:
            return reason
    return None


def risk_list(func, *, order: int = 100) -> None:
    """Register ``func(user) -> list[dict]`` for the "at risk" page: rows ``{"label", "url", "why"}``."""
    if func not in [f for _o, f in _risk_lists]:
        _risk_lists.append((order, func))
        _risk_lists.sort(key=lambda item: item[0])


def risk_rows_for(user) -> list[dict] | None:
    """Rows other apps list as at risk for ``user``; None when no app registered a list."""
    if not _risk_lists:
        return None
    rows = []
    for _order, func in _risk_lists:
        rows.extend(func(user))
    return rows


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: object
    every: object  # datetime.timedelta


_periodic: dict[str, PeriodicTask] = {}


def periodic_task(task, *, every):
    """Have the worker queue ``task`` (a django-tasks task taking no arguments) once every ``every`` (a timedelta).

    Called at the bottom of an app's tasks.py; ``manage.py run_worker`` finds the tasks modules, and
    core.periodic.periodic_enqueue_due() queues what is due, at most once per period however many workers run.
    """
    _periodic[task.module_path] = PeriodicTask(task.module_path, task, every)
    return task


def periodic_tasks() -> list[PeriodicTask]:
    return sorted(_periodic.values(), key=lambda entry: entry.name)


def periodic_task_forget(name: str) -> None:
    """Remove a registration (tests register throw-away tasks)."""
    _periodic.pop(name, None)


# ------------------------------------------------------------------ "Awaiting me": tasks computed from state
#
# Each app registers providers answering what THIS person must act on now, read from the state of the database and
# never stored: an item leaves the list as soon as anyone entitled to do the work has done it. A provider makes one
# or two queries whatever the data size (tasks_query below: the rows shown and their total in one query).

TASKS_SHOWN = 10  # per kind; the rest is "and N more" with a link


@dataclass
class Task:
    """One thing to do: ``kind`` says what (``"Screen this request"``), ``label`` on what, ``url`` where.

    ``since`` is when it started waiting (a date or date-time); ``due`` when it should be done; ``overdue`` and
    ``new`` give the tag. ``total`` and ``more_url`` (the same on every task of one kind) say how many there are in
    all and where to see them, when the provider read only the first few."""

    kind: object
    label: object
    url: str
    since: object = None
    due: object = None
    overdue: bool = False
    new: bool = False
    total: int | None = None
    more_url: str = ""


_task_providers: list[tuple[int, object]] = []


def task_provider(func, *, order: int = 100) -> None:
    """Register ``func(user) -> list[Task]``: what ``user`` must act on now through the registering app."""
    if func not in [f for _o, f in _task_providers]:
        _task_providers.append((order, func))
        _task_providers.sort(key=lambda item: item[0])


def tasks_for(user) -> list[dict]:
    """The person's tasks grouped by kind, in the providers' order: ``{"kind", "tasks", "more", "more_url"}``
    with at most TASKS_SHOWN tasks per kind and ``more`` the number not shown."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    groups: dict[str, dict] = {}
    for _order, func in _task_providers:
        for task in func(user):
            key = str(task.kind)
            group = groups.setdefault(key, {"kind": task.kind, "tasks": [], "total": 0, "more_url": task.more_url})
            group["tasks"].append(task)
            group["total"] = max(group["total"], task.total or 0)
    result = []
    for group in groups.values():
        total = max(group["total"], len(group["tasks"]))
        shown = group["tasks"][:TASKS_SHOWN]
        result.append({"kind": group["kind"], "tasks": shown, "more": total - len(shown), "more_url": group["more_url"]})
    return result


def tasks_query(queryset, *, limit: int = TASKS_SHOWN) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and how many there are in all, in one query (a window count)."""
    rows = list(queryset.annotate(task_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].task_total if rows else 0)


TASK_NEW_DAYS = 3  # a task that appeared this recently is tagged "new"


def task_is_new(since) -> bool:
    """Whether a task waiting since ``since`` (a date or an aware date-time) appeared in the last few days."""
    if since is None:
        return False
    day = timezone.localtime(since).date() if isinstance(since, datetime.datetime) else since
    return (timezone.localdate() - day).days < TASK_NEW_DAYS
