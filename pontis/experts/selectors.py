"""Reads of the roster: search, per-expert lists, figures, and the contracts the actions app relies on."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from pontis.actions.models import FICHE_TEXT_SECTIONS, Activity, FicheVersion
from pontis.actions.selectors import activity_detail_queryset
from pontis.core.awaiting import prepared_rows
from pontis.core.forms import reference_version
from pontis.core.i18n import content_languages, translate
from pontis.core.models import Country, EUMembership, Language, ThematicArea, Topic

from .models import (
    LEVEL_IN_TEXT,
    Deployment,
    ExpertLanguage,
    ExpertProfile,
    ImportJob,
    Invitation,
    Shortlist,
    Unavailability,
    fold,
    theme_token,
    topic_token,
)


def action_ids_for_expert(user) -> set[int]:
    """Actions the user is (or was) deployed on as an expert: they may see those."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Deployment.objects.filter(profile__user=user).exclude(status="cancelled")
               .values_list("activity__action_id", flat=True).distinct())


def confirmed_expert_counts(activity_ids) -> dict[int, int]:
    """Distinct experts confirmed (or completed) on each of the activities, in one query ({activity id: n}; an
    activity with nobody is left out)."""
    rows = (Deployment.objects.filter(activity_id__in=list(activity_ids), status__in=("confirmed", "completed"))
            .order_by().values("activity_id").annotate(n=Count("profile_id", distinct=True)))
    return {row["activity_id"]: row["n"] for row in rows}


def activities_confirmed_for_expert(user, activity_ids) -> set[int]:
    """Which of the activities ``user`` is confirmed (or was, completed) to deliver as an expert, in one query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Deployment.objects.filter(profile__user=user, activity_id__in=list(activity_ids),
                                         status__in=("confirmed", "completed")).values_list("activity_id", flat=True))


def eu_memberships_on(day: datetime.date):
    """The EU memberships that were current on ``day`` (a queryset, so callers can pick their columns)."""
    return EUMembership.objects.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))


def eu_members_on(day: datetime.date) -> set[int]:
    """Ids of the countries that were EU member states on ``day``."""
    return set(eu_memberships_on(day).values_list("country_id", flat=True))


_taxonomy_labels: dict = {"version": None, "labels": None}


def taxonomy_labels() -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """Every thematic area and topic with its labels in the UI languages, folded: ``{"themes": [(id, labels)],
    "topics": [...]}``. Two small queries when reference data has changed (``reference_version``, the token the
    cached option lists of the filter forms follow); otherwise the labels a worker read before."""
    languages = tuple(content_languages())
    version = (reference_version(), languages)
    if _taxonomy_labels["version"] != version:
        _taxonomy_labels.update(version=version, labels=_read_taxonomy_labels(languages))
    return _taxonomy_labels["labels"]


def _read_taxonomy_labels(languages) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    def folded(rows):
        return [(pk, tuple(fold(name.get(lang)) for lang in languages if (name or {}).get(lang)))
                for pk, name in rows]

    return {"themes": folded(ThematicArea.objects.values_list("id", "name")),
            "topics": folded(Topic.objects.values_list("id", "name"))}


def _term_matches(term: str, labels) -> Q:
    """A profile matches a folded term when its own words contain it, or when it has a theme or topic whose label
    contains it in any UI language (so a French label finds an expert who wrote in English): a substring test on
    ``search_text`` ORed with token tests on ``taxonomy_text`` (see the note above ``models.SEARCH_TEXT_FIELDS``)."""
    condition = Q(search_text__contains=term)
    for pk, texts in labels["themes"]:
        if any(term in text for text in texts):
            condition |= Q(taxonomy_text__contains=theme_token(pk))
    for pk, texts in labels["topics"]:
        if any(term in text for text in texts):
            condition |= Q(taxonomy_text__contains=topic_token(pk))
    return condition


def roster_search(queryset, *, q: str = "", themes=(), topics=(), languages=(), nationality=None, origin: str = "",
                  background: str = "", status: str = "", gender: str = "", available_from=None, available_to=None):
    """Filter the roster. Free text: every term (at most 8, ANDed) must occur in the folded ``search_text`` or in a
    translated label of one of the profile's thematic areas or topics (same results on every database)."""
    terms = fold(q).split()[:8]
    if terms:
        labels = taxonomy_labels()
        for term in terms:
            queryset = queryset.filter(_term_matches(term, labels))
    for theme in themes:
        queryset = queryset.filter(Exists(ExpertProfile.themes.through.objects.filter(
            expertprofile_id=OuterRef("pk"), thematicarea_id=getattr(theme, "pk", theme))))
    if topics:
        ids = [getattr(t, "pk", t) for t in topics]
        queryset = queryset.filter(Exists(ExpertProfile.topics.through.objects.filter(
            expertprofile_id=OuterRef("pk"), topic_id__in=ids)))
    for language in languages:
        queryset = queryset.filter(Exists(ExpertLanguage.objects.filter(
            profile_id=OuterRef("pk"), language_id=getattr(language, "pk", language))))
    if nationality:
        queryset = queryset.filter(nationality=nationality)
    if origin in ("eu", "non_eu"):
        members = eu_members_on(timezone.localdate())
        queryset = queryset.filter(nationality_id__in=members) if origin == "eu" else queryset.exclude(
            nationality_id__in=members)
    if background:
        queryset = queryset.filter(background=background)
    if status:
        queryset = queryset.filter(status=status)
    if gender:
        queryset = queryset.filter(gender=gender)
    if available_from and available_to:
        queryset = queryset.exclude(Exists(Deployment.objects.filter(
            profile_id=OuterRef("pk"), status__in=("confirmed", "completed"),
            start_date__lte=available_to, end_date__gte=available_from))).exclude(Exists(Unavailability.objects.filter(
                profile_id=OuterRef("pk"), start_date__lte=available_to, end_date__gte=available_from)))
    return queryset


def roster_count_key(search: dict) -> str:
    """The shared-cache key of the number of profiles ``roster_search(roster_base(), **search)`` finds: the search
    (ids, words, dates) and the day (which countries are EU members depends on it)."""
    described = repr((sorted((key, repr(value)) for key, value in search.items()), timezone.localdate().isoformat()))
    return f"pontis:roster:count:{hashlib.sha256(described.encode()).hexdigest()[:32]}"


# Who can be found from an activity's candidates page: experts past vetting (an active one can be invited at once).
FINDABLE_STATUSES = (ExpertProfile.Status.VETTED, ExpertProfile.Status.ACTIVE)


def experts_findable(q: str, *, limit: int) -> list[int]:
    """Ids of the vetted and active experts matching the free text ``q`` (as the roster search), in name order, at
    most ``limit``: any of them, not only the best-ranked candidates of an activity."""
    queryset = roster_search(roster_base().filter(status__in=FINDABLE_STATUSES), q=q)
    return list(queryset.order_by("family_name", "given_name", "id").values_list("pk", flat=True)[:limit])


# The profile columns a roster row shows (and the paging order reads): the other thirty are never loaded.
ROSTER_ROW_FIELDS = ("pk", "family_name", "given_name", "nationality_id", "background", "status")


def roster_page_queryset(queryset):
    """The columns a roster row shows, as named tuples (``row.pk``, ``row.family_name``...): no model instances."""
    return queryset.values_list(*ROSTER_ROW_FIELDS, named=True)


_reference_labels: dict = {"version": None, "by_language": {}}


def reference_labels() -> dict:
    """Countries', thematic areas' and languages' names in the active language, as the models' ``str()`` gives
    them: ``{"countries": {id: name}, "themes": {id: ((sort_order, code), name)}, "languages": {id: (code,
    label)}}``. Read (three small queries) when reference data has changed (``reference_version``) or for a
    language not read before; otherwise the names a worker read before."""
    version = reference_version()
    if _reference_labels["version"] != version:
        _reference_labels.update(version=version, by_language={})
    language = translation.get_language() or ""
    labels = _reference_labels["by_language"].get(language)
    if labels is None:
        labels = {
            "countries": {pk: str(translate(name) or code)
                          for pk, code, name in Country.objects.values_list("id", "code", "name")},
            "themes": {pk: ((order, code), str(translate(name) or code))
                       for pk, code, name, order in ThematicArea.objects.values_list("id", "code", "name", "sort_order")},
            "languages": {pk: (code, str(translate(name))) for pk, code, name in Language.objects.values_list(
                "id", "code", "name")},
        }
        _reference_labels["by_language"][language] = labels
    return labels


# The class of a status tag, as ``experts/_status.html`` chooses it.
_STATUS_OK = frozenset(("active", "accepted", "confirmed", "completed"))
_STATUS_DANGER = frozenset(("inactive", "declined", "cancelled", "withdrawn"))


def status_class(status: str) -> str:
    return "status--ok" if status in _STATUS_OK else "status--danger" if status in _STATUS_DANGER else "status--warn"


@dataclass(frozen=True)
class RosterRow:
    """One roster row, every text already in the reader's language (the template only writes them out)."""

    pk: int
    family_name: str
    given_name: str
    url: str
    nationality: str
    background: str
    languages: str
    themes: str
    status: str
    status_label: str

    @property
    def status_class(self) -> str:
        return status_class(self.status)


# The pattern of ``models.language_level_label`` ("Arabic (native)"), translated once per page by ``roster_rows``.
_LEVEL_LABEL = gettext_lazy("%(language)s (%(level)s)")


def roster_rows(rows) -> list[RosterRow]:
    """The rows of a roster page (named tuples of ``roster_page_queryset``) with their languages and thematic
    areas: one query of link rows for the page (a UNION ALL of both), names from ``reference_labels`` (no join, no
    model instance)."""
    rows = list(rows)
    ids = [row.pk for row in rows]
    labels = reference_labels()
    spoken: dict[int, list] = {}
    themes: dict[int, list] = {}
    if ids:
        none = Value("", output_field=CharField())
        links = ExpertLanguage.objects.filter(profile_id__id_in=ids).order_by().values_list(
            Value(0), "profile_id", "language_id", "level").union(
            ExpertProfile.themes.through.objects.filter(expertprofile_id__id_in=ids).order_by().values_list(
                Value(1), "expertprofile_id", "thematicarea_id", none), all=True)
        for kind, pid, linked_id, level in links:
            if kind == 0:  # a language, at a level
                code, name = labels["languages"].get(linked_id, ("", ""))
                spoken.setdefault(pid, []).append((code, linked_id, level, name))
            else:
                themes.setdefault(pid, []).append(labels["themes"].get(linked_id, ((0, ""), "")))
    # One address pattern for every row (reverse() once): /experts/<pk>/.
    marker = 987654321
    pattern = reverse("experts:profile", args=[marker])
    background = dict(ExpertProfile._meta.get_field("background").flatchoices)
    status = dict(ExpertProfile._meta.get_field("status").flatchoices)
    countries = labels["countries"]
    # ``language_level_label`` with its two translations looked up once per page, not once per language shown.
    level_label = str(_LEVEL_LABEL)
    native = str(LEVEL_IN_TEXT["native"])
    result = []
    for row in rows:
        languages = ", ".join(level_label % {"language": name or code, "level": native if level == "native" else level}
                              for code, _id, level, name in sorted(spoken.get(row.pk, ())))
        result.append(RosterRow(
            pk=row.pk, family_name=row.family_name, given_name=row.given_name,
            url=pattern.replace(str(marker), str(row.pk)),
            nationality=(countries.get(row.nationality_id) or "—") if row.nationality_id else "—",
            background=str(background.get(row.background, row.background)), languages=languages,
            themes="; ".join(name for _key, name in sorted(themes.get(row.pk, ()))),
            status=row.status, status_label=str(status.get(row.status, row.status))))
    return result


def profile_of(user) -> ExpertProfile | None:
    """The roster profile of a signed-in person (experts have at most one), or ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ExpertProfile.objects.filter(user=user).select_related("nationality").first()


def roster_base():
    """Every profile that has not been anonymised (the roster search and export start from it)."""
    return ExpertProfile.objects.filter(anonymised_at__isnull=True)


def roster_size() -> int:
    """How many profiles the roster lists (an index-only scan of ``experts_profile_roster_order``)."""
    return roster_base().count()


def profile_detail_queryset():
    return ExpertProfile.objects.select_related("nationality", "institution", "user")


def invitation_detail_queryset():
    return Invitation.objects.select_related("profile", "activity__action", "activity__country", "activity__type",
                                             "invited_by", "activity__action__owner")


OBJECTIVE_SECTIONS = ("overall_objective", "specific_objectives")


def invitation_details(invitation) -> dict:
    """What an invited expert needs to decide, for the invitation page and e-mail: where (country, place or
    online), the Action's objectives (from its agreed fiche, else the draft), what is expected of the expert, whom
    to contact (who invited, else the Action's owner) and by when to answer. One query for the fiche."""
    activity = invitation.activity
    action = activity.action
    versions = {v.status: v for v in FicheVersion.objects.filter(
        action_id=action.pk, status__in=(FicheVersion.Status.AGREED, FicheVersion.Status.DRAFT)).only("status", "content")}
    fiche = versions.get(FicheVersion.Status.AGREED) or versions.get(FicheVersion.Status.DRAFT)
    labels = dict(FICHE_TEXT_SECTIONS)
    objectives = []
    for key in OBJECTIVE_SECTIONS:
        text = fiche.section(key) if fiche else ""
        text = str(translate(text)) if isinstance(text, dict) else str(text or "")
        if text.strip():
            objectives.append((labels[key], text.strip()))
    return {"action": action, "activity": activity, "country": activity.country, "place": activity.place,
            "online": activity.online, "objectives": objectives, "expected": activity.expert_profile,
            "contact": invitation.invited_by or action.owner, "respond_by": invitation.respond_by}


def deployment_detail_queryset():
    return Deployment.objects.select_related("profile", "activity__action")


def activity_considered_for(profile, pk):
    """The activity ``pk`` if ``profile`` was invited to or shortlisted for it (the expert may then read which of its
    criteria they met), else None. Not the Action's visibility: an invited expert is not yet deployed on it."""
    considered = Q(expert_invitations__profile=profile) | Q(expert_shortlist__profile=profile)
    base = activity_detail_queryset()
    try:
        return base.filter(pk__in=base.filter(considered).values("pk")).get(pk=pk)
    except (base.model.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def activity_matching_queryset():
    """Activities as an activity's candidates page shows them: with their Action, type and country (for
    ``get_visible_or_404``)."""
    return Activity.objects.select_related("action", "type", "country")


def _activity_for_matching(activity):
    return activity_matching_queryset().filter(pk=activity)


_BIGINT = 2 ** 63


def activity_for_matching(activity_id) -> Activity | None:
    """The activity as ``activity_matching_queryset`` reads it (with its Action, type and country), or None. Who may
    see it is not decided here: the caller asks the policy with the row. The statement is compiled once per worker
    (``core.awaiting.prepared_rows``): the candidates page is opened again and again, and composing the queryset
    with the policy's visibility condition cost about 4,000 Python calls on every view."""
    if not -_BIGINT <= activity_id < _BIGINT:  # out of any id's range: no such row (as the ORM answers it)
        return None
    rows = prepared_rows("experts.selectors.activity_for_matching", _activity_for_matching, {"activity": activity_id})
    return rows[0] if rows else None


def activities_by_date(*, upcoming: bool, today: datetime.date):
    """Activities from ``today`` on (soonest first), or before it (latest first), with Action and type."""
    qs = activity_detail_queryset()
    if upcoming:
        return qs.filter(start_date__gte=today).order_by("start_date", "id")
    return qs.filter(start_date__lt=today).order_by("-start_date", "-id")


def import_jobs():
    return ImportJob.objects.select_related("created_by")


def profiles_awaiting_vetting():
    return ExpertProfile.objects.filter(status__in=("registered", "vetted"), anonymised_at__isnull=True,
                                        email_confirmed_at__isnull=False)


def profiles_erasure_requested():
    return ExpertProfile.objects.filter(erasure_requested_at__isnull=False, anonymised_at__isnull=True)


def invitations_for_profile(profile):
    return profile.invitations.select_related("activity__action", "activity__type").order_by("-start_date")


def deployments_for_profile(profile):
    return profile.deployments.select_related("activity__action", "activity__type").prefetch_related(
        "evaluations").select_related("organisation_feedback").order_by("-start_date")


class PersonRow(NamedTuple):
    """One line of an activity's shortlist, invitations or deployments, as the candidates page shows it: the row's
    id, the expert (``profile_id``, ``full_name``) and, as they apply, status, role, reason, conflict mark and dates."""

    pk: int
    profile_id: int
    full_name: str
    status: str = ""
    role: str = ""
    reason: str = ""
    conflict_of_interest: bool = False
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


def _date(value) -> datetime.date | None:
    """A date column as a cursor gives it (a date on PostgreSQL, ISO text on SQLite)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def activity_roster(activity) -> dict[str, list[PersonRow]]:
    """Shortlist (by time added), invitations (by time sent) and deployments (latest start first) of one activity,
    for staff: one UNION ALL statement, each row the expert's name and only the columns the page shows. Building
    the three querysets with their profiles cost about 6,000 Python calls per view, for a handful of rows."""
    profiles = connection.ops.quote_name(ExpertProfile._meta.db_table)
    branches = []
    for kind, model, columns, order in (
            (0, Shortlist, "'', '', '', 0, CAST(NULL AS DATE), CAST(NULL AS DATE)", "x.added_at, x.id"),
            (1, Invitation, "x.status, x.role, x.reason, CASE WHEN x.conflict_of_interest THEN 1 ELSE 0 END, CAST(NULL AS DATE), CAST(NULL AS DATE)", "x.created_at, x.id"),
            (2, Deployment, "x.status, x.role, '', 0, x.start_date, x.end_date", "x.start_date DESC, x.id DESC")):
        branches.append(f"SELECT {kind}, x.id, x.profile_id, p.given_name, p.family_name, {columns}, "
                        f"ROW_NUMBER() OVER (ORDER BY {order}) "
                        f"FROM {connection.ops.quote_name(model._meta.db_table)} x INNER JOIN {profiles} p "
                        "ON p.id = x.profile_id WHERE x.activity_id = %s")
    # The order the querysets gave: time added, time sent (ties by id), latest start first (ties, latest id first).
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches) + " ORDER BY 1, 12", [activity.pk] * 3)
        rows = cursor.fetchall()
    lists: list[list[PersonRow]] = [[], [], []]
    for kind, pk, profile_id, given, family, status, role, reason, conflict, start, end, _order in rows:
        lists[kind].append(PersonRow(pk, profile_id, f"{given} {family}".strip(), status or "", role or "",
                                     reason or "", bool(conflict), _date(start), _date(end)))
    return {"shortlist": lists[0], "invitations": lists[1], "deployments": lists[2]}


def expert_statistics(*, date_from=None, date_to=None) -> dict:
    """Figures for GET /api/v1/stats/experts. Deployment figures restricted to deployments in the period, if given."""
    deployments = Deployment.objects.exclude(status="cancelled")
    if date_from:
        deployments = deployments.filter(end_date__gte=date_from)
    if date_to:
        deployments = deployments.filter(start_date__lte=date_to)
    deployed = ExpertProfile.objects.filter(pk__in=deployments.values("profile_id"))
    by_gender = dict(deployed.values_list("gender").annotate(n=Count("id")).order_by())
    by_background = dict(deployed.values_list("background").annotate(n=Count("id")).order_by())
    # Government experts by the EU member state of their nationality at the start of one of their deployments.
    rows = (deployments.filter(profile__background="government", profile__nationality__isnull=False)
            .values_list("profile_id", "profile__nationality_id", "profile__nationality__code", "start_date"))
    memberships = {}
    for m in EUMembership.objects.all():
        memberships.setdefault(m.country_id, []).append(m)
    by_state: dict[str, set[int]] = {}
    for profile_id, country_id, code, start in rows.iterator(chunk_size=5000):
        if any(m.covers(start) for m in memberships.get(country_id, ())):
            by_state.setdefault(code, set()).add(profile_id)
    registered = ExpertProfile.objects.all()
    if date_to:
        registered = registered.filter(registered_on__lte=date_to)
    return {
        "registered": registered.count(),
        "deployed": deployed.count(),
        "deployments": deployments.count(),
        "deployed_by_gender": {k: by_gender.get(k, 0) for k, _l in ExpertProfile._meta.get_field("gender").choices},
        "deployed_by_background": {k: by_background.get(k, 0)
                                   for k, _l in ExpertProfile._meta.get_field("background").choices},
        "government_experts_by_eu_member_state": {k: len(v) for k, v in sorted(by_state.items())},
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
    }


def pending_invitations_for_user(user):
    return Invitation.objects.filter(profile__user=user, status="pending").select_related("activity__action")
