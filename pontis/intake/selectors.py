"""Reads of requests: every list and page starts from what the person may see."""

from __future__ import annotations

import datetime
import json

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.accounts.models import Institution
from pontis.core.awaiting import prepared_rows
from pontis.core.i18n import translate
from pontis.core.permissions import can, visible_to
from pontis.core.selectors import followed_ids

from .constants import RAPID_REACTION_DAYS, UNSCREENED_AFTER_DAYS, WAITING_AFTER_DAYS
from .models import Comment, Decision, DelegationConsultation, Request
from .models import RequestStatus as S


def requests_visible_to(user, *, status: str = "", country: str = "", theme: str = "", q: str = ""):
    """The requests ``user`` may see, filtered, with what list pages and the API show already loaded."""
    qs = (
        visible_to(user, Request)
        .select_related("submitted_by", "action")
        .prefetch_related("countries", "themes", "institutions")
    )
    if status:
        qs = qs.filter(status=status)
    # EXISTS, not joins: no DISTINCT over every column of every request on each page (and again for its count).
    if country:
        qs = qs.filter(Exists(Request.countries.through.objects.filter(request_id=OuterRef("pk"),
                                                                       country__code=country.upper())))
    if theme:
        qs = qs.filter(Exists(Request.themes.through.objects.filter(request_id=OuterRef("pk"), thematicarea__code=theme)))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(problem__icontains=q))
    return qs.order_by("-submitted_at", "-created_at", "-id")


# What a row of the request lists shows (its name, status, dates and clock, its Action's code): a whole request
# with its texts, letter and eligibility checks, and a whole Action, were half the cost of reading a page of them.
LISTED_FIELDS = ("id", "title", "status", "status_changed_at", "created_at", "submitted_at", "decided_at",
                 "action__id", "action__code", "action__source_request_id")


def requests_listed(user, *, status: str = "", country: str = "", theme: str = "", q: str = ""):
    """The requests of the list page: ``requests_visible_to`` with only what a row shows loaded (``LISTED_FIELDS``;
    the page reads the labels of its rows' institutions, countries and themes with ``labels_of``)."""
    return (requests_visible_to(user, status=status, country=country, theme=theme, q=q)
            .select_related(None).prefetch_related(None).select_related("action").only(*LISTED_FIELDS))


# What a row of the request list shows, as plain values (``request_list_rows``): a model instance per row, and
# the page's three label queries built by the ORM, were half of the list page's Python calls.
LIST_ROW_FIELDS = ("pk", "title", "status", "created_at", "submitted_at", "decided_at", "action__code")


def request_list_rows(user, *, status: str = "", country: str = "", theme: str = "", q: str = ""):
    """The requests of the list page (``requests_visible_to``, same filters and order) as named tuples of
    ``LIST_ROW_FIELDS``; ``action__code`` is None for a request without an Action."""
    return (requests_visible_to(user, status=status, country=country, theme=theme, q=q)
            .select_related(None).prefetch_related(None).values_list(*LIST_ROW_FIELDS, named=True))


def status_label(status: str) -> str:
    """The status's name in the reader's language, as ``Request.get_status_display()`` says it (which builds the
    list of every status again on each call: a third of a list row's work)."""
    return str(S(status).label)


def labels_of(requests) -> dict[int, dict[str, list[str]]]:
    """The labels a list shows beside each of ``requests`` (objects with a ``pk``): see ``labels_of_ids``."""
    return labels_of_ids([r.pk for r in requests])


_LABEL_KINDS = ("institutions", "countries", "themes")


def _labels_sql(n: int) -> str:
    """One statement for the labels of ``n`` requests: each kind's link table joined to its names, in that kind's
    order (institutions by acronym then id, countries by code, themes by their order then code), kinds apart.
    Three ORM querysets cost more Python calls to build than the rest of the list's rows."""
    q = connection.ops.quote_name
    # One array parameter on PostgreSQL, as ``__id_in`` sends it (pontis.core.lookups); one per id elsewhere.
    ids = "= ANY(%s)" if connection.vendor == "postgresql" else f"IN ({', '.join(['%s'] * n)})"
    parts = []
    for kind, (field, target, sort_int, sort_text, sort_id, label) in enumerate((
        (Request.institutions, "institution_id", "0", "acronym", "r.id", "acronym"),
        (Request.countries, "country_id", "0", "code", "0", "code"),
        (Request.themes, "thematicarea_id", "sort_order", "code", "0", "code"),
    )):
        through = field.through._meta
        related = field.field.related_model._meta
        column = through.get_field(target.removesuffix("_id")).column
        sort_int = sort_int if sort_int == "0" else f"r.{q(sort_int)}"
        parts.append(
            f"SELECT {kind}, l.{q('request_id')}, {sort_int}, r.{q(sort_text)}, {sort_id}, r.{q(label)}, "
            f"CAST(r.{q('name')} AS TEXT) FROM {q(through.db_table)} l INNER JOIN {q(related.db_table)} r "
            f"ON l.{q(column)} = r.{q('id')} WHERE l.{q('request_id')} {ids}")
    return " UNION ALL ".join(parts) + " ORDER BY 1, 3, 4, 5"


def labels_of_ids(ids) -> dict[int, dict[str, list[str]]]:
    """The labels a list shows beside each request of ``ids``, in the reader's language: ``{request id:
    {"institutions", "countries", "themes"}}``, each in the order of the related model; one statement (two columns
    of each related row, not a model instance: the list shows one line of text for them)."""
    ids = [int(pk) for pk in ids]
    labels = {pk: {"institutions": [], "countries": [], "themes": []} for pk in ids}
    if not ids:
        return labels
    params = [ids] * 3 if connection.vendor == "postgresql" else ids * 3
    with connection.cursor() as cursor:
        cursor.execute(_labels_sql(len(ids)), params)
        found = cursor.fetchall()
    language = translation.get_language()
    names = {}  # the same country or theme comes back on many rows: its name is read once
    for kind, pk, _sort, _text, _id, code, stored in found:
        name = names.get(stored)
        if name is None:
            name = names[stored] = translate(json.loads(stored) if isinstance(stored, str) else stored, language)
        # An institution is named by its acronym, or by its name when it has none (``Institution.__str__``);
        # a country or a theme by its name, or its code when the name is empty.
        labels[pk][_LABEL_KINDS[kind]].append((code or str(name)) if kind == 0 else (name or code))
    return labels


def request_detail_queryset():
    """A request with what its page, "check your answers" and the API show of it: its countries, themes, topics and
    institutions (the thread and the decisions are read by the page alone: ``comments_for``, ``decisions_of``)."""
    # The institutions with their type and country in one query (as three, they were two more round trips a page).
    return Request.objects.select_related("submitted_by", "action", "owner").prefetch_related(
        "countries", "themes", "topics",
        Prefetch("institutions", queryset=Institution.objects.select_related("type", "country")),
    )


# The request's page reads the request, its four lists of related rows, its thread and its decisions through
# statements compiled once per worker (``pontis.core.awaiting.prepared_rows``): building and compiling those
# querysets and running Django's prefetching cost two thirds of the page's Python calls. Only the statements are
# kept; every view reads the rows again, and who may see the request is asked of its policy by the page.

# What the request's page loads with a request, as ``request_detail_queryset`` does: the related rows read with it
# (``select_related``), and each list of related rows prefetched, as (name, what is read with each of its rows).
PAGE_SELECT = ("submitted_by", "action", "owner")
PAGE_RELATIONS = (("countries", ()), ("themes", ()), ("topics", ()), ("institutions", ("type", "country")))


def _selected(queryset, related):
    return queryset.select_related(*related) if related else queryset  # ``select_related()`` alone follows every key


def _relation_rows(name, related):
    model = Request._meta.get_field(name).related_model

    def build(pk):
        # The reverse name of each of these links is "requests": the rows joined through the link table, in the
        # related model's order, as the prefetch reads them.
        return _selected(model.objects.filter(requests=pk), related)

    return build


def request_for_page(pk: int, *, select=PAGE_SELECT, relations=PAGE_RELATIONS) -> Request | None:
    """The request ``pk`` with ``select`` read with it and each of ``relations`` loaded as ``prefetch_related``
    leaves them (by default what ``request_detail_queryset`` loads: its submitter, Action and owner, its countries,
    themes, topics and institutions with their type and country), or None when there is none. Whether the reader
    may see it is not asked here: the caller asks the policy (``can(user, "view", obj)``)."""
    obj = request_row(pk, select=select)
    if obj is not None:
        request_relations(obj, relations=relations)
    return obj


def request_row(pk: int, *, select=PAGE_SELECT) -> Request | None:
    """The request ``pk`` with ``select`` read with it, or None: the first half of ``request_for_page``."""
    low, high = connection.ops.integer_field_range(Request._meta.pk.get_internal_type())
    if not (low is None or low <= pk) or not (high is None or pk <= high):
        return None  # no such id can exist (and SQLite cannot bind it)
    found = prepared_rows(f"intake.selectors.request_for_page:{','.join(select)}",
                          lambda pk: _selected(Request.objects.filter(pk=pk), select), {"pk": pk})
    return found[0] if found else None


def request_relations(obj: Request, *, relations=PAGE_RELATIONS) -> Request:
    """Load each of ``relations`` on ``obj`` as ``prefetch_related`` leaves them: the second half of
    ``request_for_page``."""
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, related in relations:
        rows = prepared_rows(f"intake.selectors.request_for_page.{name}:{','.join(related)}",
                             _relation_rows(name, related), {"pk": obj.pk})
        # What Django's prefetching leaves on the request: the manager's own queryset holding the rows, so that
        # ``obj.countries.all()`` answers them and anything built on it still asks the database for this request.
        queryset = getattr(obj, name).get_queryset()
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset
    return obj


def _comment_rows(pk):
    return Comment.objects.filter(request_id=pk).select_related("author")


def _decision_rows(pk):
    return Decision.objects.filter(request_id=pk).select_related("decided_by")


def comments_for(user, request: Request):
    """The thread as this person may read it: requesters never see internal notes."""
    comments = prepared_rows("intake.selectors.comments_for", _comment_rows, {"pk": request.pk})
    if can(user, "see_internal", request):
        return comments
    return [c for c in comments if c.shared_with_requester]


def decisions_of(request: Request) -> list[Decision]:
    """The committee's decisions on ``request``, oldest first. The committee decides only what was forwarded to
    it, so a request never forwarded has none and they are not read."""
    if request.forwarded_at is None:
        return []
    return prepared_rows("intake.selectors.decisions_of", _decision_rows, {"pk": request.pk})


def clock(request: Request, now=None) -> dict:
    """Days elapsed against the rapid-reaction target, with a level for the badge (ok / warn / danger)."""
    return clock_of(request.days_elapsed(now), request.status not in (S.REJECTED, S.WITHDRAWN))


def clock_of(days: int | None, running: bool) -> dict:
    """``clock`` from the days already counted (``days_on_clock_of``): the same dict."""
    if days is None:
        return {"days": None, "target": RAPID_REACTION_DAYS, "level": "", "running": False}
    level = "ok" if days < RAPID_REACTION_DAYS * 2 // 3 else ("warn" if days <= RAPID_REACTION_DAYS else "danger")
    return {"days": days, "target": RAPID_REACTION_DAYS, "level": level, "running": running,
            "remaining": RAPID_REACTION_DAYS - days}


def days_on_clock_of(submitted: datetime.date | None, status: str, decided_at, today: datetime.date,
                     zone) -> tuple[int | None, bool]:
    """``(days, running)`` of a request's clock from a list row's values, as ``Request.days_elapsed`` and ``clock``
    count them: ``submitted`` is the day of submission and ``today`` the current day, both in ``zone`` (the
    reader's); a refused or withdrawn request's clock stops at its decision."""
    if submitted is None:
        return None, False
    stopped = status in (S.REJECTED, S.WITHDRAWN)
    end = decided_at.astimezone(zone).date() if stopped and decided_at else today
    return max(0, (end - submitted).days), not stopped


def requests_at_risk(user, *, now=None) -> _RiskRows:
    """Open requests that endanger the 90-day promise, each with why: waiting for the requester or the committee
    too long, or submitted and not yet screened. A sequence of rows ``{request, why, clock}``, built per slice; the
    requests are read with their Action only (the page shows no institution, country or theme)."""
    now = now or timezone.now()
    waiting_since = now - datetime.timedelta(days=WAITING_AFTER_DAYS)
    unscreened_since = now - datetime.timedelta(days=UNSCREENED_AFTER_DAYS)
    qs = (
        requests_listed(user)
        .filter(
            Q(status=S.INFO_REQUESTED, status_changed_at__lte=waiting_since)
            | Q(status=S.FORWARDED, status_changed_at__lte=waiting_since)
            | Q(status=S.SUBMITTED, status_changed_at__lte=unscreened_since)
            | Q(status=S.DEFERRED, status_changed_at__lte=waiting_since)
        )
        .order_by("submitted_at", "id")
    )
    return _RiskRows(qs, now)


class _RiskRows:
    """The at-risk rows as a sequence a Paginator slices: the count is one query and only the rows of the page shown
    are read and explained. (Building every row first took 2 s at 5,000 requests.)"""

    def __init__(self, queryset, now):
        self.queryset, self.now = queryset, now

    def __len__(self):
        return self.queryset.count()

    count = __len__

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _risk_rows(self.queryset[index], self.now)
        return _risk_rows(self.queryset[index:index + 1], self.now)[0]


def _risk_rows(requests, now) -> list[dict]:
    rows = []
    for request in requests:
        waited = (now - request.status_changed_at).days
        if request.status == S.INFO_REQUESTED:
            why = _("Waiting for the requester's answer for %(n)d days.") % {"n": waited}
        elif request.status == S.FORWARDED:
            why = _("Waiting for the committee's decision for %(n)d days.") % {"n": waited}
        elif request.status == S.DEFERRED:
            why = _("Deferred by the committee %(n)d days ago and not taken up again.") % {"n": waited}
        else:
            why = _("Submitted and not screened for %(n)d days.") % {"n": waited}
        rows.append({"request": request, "why": why, "clock": clock(request, now)})
    return rows


def requests_awaiting_screening(user):
    return requests_visible_to(user).filter(status=S.SUBMITTED).order_by("submitted_at", "id")


def requests_awaiting_committee(user):
    return requests_visible_to(user).filter(status=S.FORWARDED).order_by("forwarded_at", "id")


def requests_of_requester(user):
    """The requests of the person's institutions and their own: exactly what the policy lets a requester see, read
    through two indexed conditions instead of an OR across a join and a DISTINCT (50 ms at 5,000 requests)."""
    of_my_institutions = Request.institutions.through.objects.filter(
        institution_id__in=sorted(user.focal_institution_ids)).values("request_id")
    return (Request.objects.filter(Q(pk__in=of_my_institutions) | Q(submitted_by=user))
            .select_related("submitted_by", "action").order_by("-submitted_at", "-created_at", "-id"))


def requests_owned_or_followed(user):
    """The requests ``user`` owns or follows, among those they may see, the latest first (the "My requests and
    Actions" page)."""
    return (visible_to(user, Request).filter(Q(owner=user) | Q(pk__in=followed_ids(user, Request)))
            .select_related("owner").order_by("-status_changed_at", "-id"))


def consultation_detail_queryset():
    """Consultations of the EU Delegation with what their page shows (fetch through the policy)."""
    return DelegationConsultation.objects.select_related("request", "country", "requested_by", "answered_by")
