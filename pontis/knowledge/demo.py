"""Demo data of the library: the sixteen case studies of the facility's ten-year publication, practices drawn from
them, shared deliverables, publications, and what partners agreed to publish about their completed Actions.

The texts live in ``data/case_studies.yaml`` and ``data/library_demo.yaml``; rows are written through the library's
and the portal's services, by the demo programme officer. Idempotent: items are keyed by slug and
published Actions by their Action, and nothing that exists is changed, so a second run adds nothing. Runs after the
Actions, experts, events and thesaurus demo data, and links to what they made where it exists (an Action code, a
meeting slug or a concept code that is missing is skipped, never an error).
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from pontis.accounts.models import User
from pontis.actions.models import Action, Deliverable
from pontis.core.models import (
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    SDGTarget,
    ThematicArea,
    Topic,
)
from pontis.events.models import Meeting
from pontis.experts.models import Deployment, DeploymentRole, ExpertProfile

from . import indexing, portal
from .models import Concept, LibraryItem, PublishedAction, Visibility
from .services import library as library_services

DATA = Path(__file__).resolve().parent / "data"
MAX_EXPERTS = 6  # per case study
DEMO_OFFICER = "officer@pontis.example"
PARTNERS_AGREED = datetime.date(2020, 9, 1)  # the partners agreed to share before the publication went to print
SECTIONS = ("context", "action_design", "practices_text", "impact", "challenges", "lessons")
# The ten-year publication that holds the case studies appeared in 2020; its items count as published then.
CASE_STUDIES_PUBLISHED = datetime.datetime(2020, 11, 30, 9, 0, tzinfo=datetime.UTC)


@cache
def case_studies() -> list[dict]:
    """The sixteen case studies as written in ``data/case_studies.yaml``."""
    with open(DATA / "case_studies.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def library_demo() -> dict:
    with open(DATA / "library_demo.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _by_code(model, codes) -> list:
    """The rows of ``model`` whose code is in ``codes``, in the order given; unknown codes are skipped."""
    codes = [str(c) for c in codes or []]
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _actions(codes) -> list[Action]:
    codes = [c for c in codes or [] if c]
    found = {a.code: a for a in Action.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _meetings(slugs) -> list[Meeting]:
    return list(Meeting.objects.filter(slug__in=slugs or []).order_by("start_date"))


def _experts_of(actions, limit: int = MAX_EXPERTS) -> list[ExpertProfile]:
    """The experts deployed on the Actions' activities (cancelled deployments aside): lead experts first, then those
    deployed most often there, at most ``limit`` so that a case study names its core team, not everyone who came."""
    rows = (Deployment.objects.filter(activity__action__in=actions).exclude(status=Deployment.Status.CANCELLED)
            .values_list("profile_id", "role"))
    score: dict[int, tuple[int, int]] = {}
    for profile_id, role in rows:
        leads, times = score.get(profile_id, (0, 0))
        score[profile_id] = (leads + (role == DeploymentRole.LEAD), times + 1)
    chosen = sorted(score, key=lambda pk: (-score[pk][0], -score[pk][1], pk))[:limit]
    return list(ExpertProfile.objects.filter(pk__in=chosen).order_by("pk"))


def _deliverables(pairs) -> list[Deliverable]:
    """Demo deliverables named by (Action code, English title)."""
    found = []
    for code, title in pairs or []:
        deliverable = Deliverable.objects.filter(action__code=code, title__en=title).order_by("pk").first()
        if deliverable:
            found.append(deliverable)
    return found


def _concepts(codes, themes, topics) -> list[Concept]:
    """The thesaurus concepts named in the data that exist now, and those standing for the item's themes and topics."""
    query = Q(code__in=list(codes or []))
    if themes:
        query |= Q(theme__in=themes)
    if topics:
        query |= Q(topic__in=topics)
    return list(Concept.objects.filter(query).order_by("pk"))


def _partner_name(action: Action | None) -> str:
    if action is None:
        return ""
    partner = action.partners.select_related("institution").order_by("pk").first()
    return str(partner.institution) if partner else ""


def _published_at(year: int | None) -> datetime.datetime:
    if year and year < 2020:
        return CASE_STUDIES_PUBLISHED
    return datetime.datetime(year or 2020, 12, 1, 9, 0, tzinfo=datetime.UTC)


def _create_item(row: dict, *, kind: str, by, links: dict | None = None, **extra) -> LibraryItem | None:
    """One library item with its tags and links, through the library's services (validated, audited, indexed),
    unless an item with its slug exists (then None). Published items keep the date they were published."""
    if LibraryItem.objects.filter(slug=row["slug"]).exists():
        return None
    themes = _by_code(ThematicArea, row.get("themes"))
    topics = _by_code(Topic, row.get("topics"))
    texts = {name: row.get(name) or {} for name in ("summary", "body", *SECTIONS)}
    item = library_services.item_create(
        by=by, kind=kind, title=row["title"], slug=row["slug"], visibility=row.get("visibility", Visibility.PUBLIC),
        year=row.get("year"), **texts, **extra,
        themes=themes, topics=topics,
        countries=_by_code(Country, row.get("countries")),
        languages=_by_code(Language, row.get("languages")),
        features=_by_code(GoodPracticeFeature, row.get("features")),
        sdg_targets=_by_code(SDGTarget, row.get("sdg_targets")),
        gcm_objectives=_by_code(GCMObjective, row.get("gcm_objectives")),
        concepts=_concepts(row.get("concepts"), themes, topics),
        meetings=_meetings(row.get("meetings")),
        **(links or {}),
    )
    if row.get("status", LibraryItem.Status.PUBLISHED) == LibraryItem.Status.PUBLISHED:
        item = library_services.item_publish(item=item, by=by)
        # The demo's history: an item appeared when the facility published it, not when the demo was loaded.
        LibraryItem.objects.filter(pk=item.pk).update(published_at=_published_at(row.get("year")))
    return item


def _case_study(row: dict, by) -> LibraryItem | None:
    actions = _actions([row.get("action")])
    return _create_item(
        row, kind=LibraryItem.Kind.CASE_STUDY, by=by,
        partner_agreed_by=_partner_name(actions[0] if actions else None),
        partner_agreed_on=PARTNERS_AGREED if actions else None,
        links={"actions": actions, "deliverables": list(Deliverable.objects.filter(action__in=actions)),
               "experts": _experts_of(actions)},
    )


def _practice(row: dict, by) -> LibraryItem | None:
    return _create_item(row, kind=LibraryItem.Kind.PRACTICE, by=by, links={"actions": _actions(row.get("actions"))})


def _shared_deliverable(row: dict, by) -> LibraryItem | None:
    actions = _actions(row.get("actions"))
    return _create_item(
        row, kind=LibraryItem.Kind.SHARED_DELIVERABLE, by=by,
        deliverable_type=DeliverableType.objects.filter(code=row.get("deliverable_type")).first(),
        deliverable_status=row.get("deliverable_status", ""),
        partner_agreed_by=row.get("partner_agreed_by") or _partner_name(actions[0] if actions else None),
        partner_agreed_on=PARTNERS_AGREED,
        links={"actions": actions, "deliverables": _deliverables(row.get("deliverables"))},
    )


def _publication(row: dict, by) -> LibraryItem | None:
    return _create_item(row, kind=LibraryItem.Kind.PUBLICATION, by=by, publication_type=row.get("publication_type", ""))


def _published_action(row: dict, by) -> PublishedAction | None:
    """What the partner agreed to publish about a completed demo Action (the case study's summary and results),
    recorded and shown on the portal by the programme officer through the portal's services."""
    action = Action.objects.filter(code=row["action"], status=Action.Status.COMPLETED).first()
    if action is None or by is None or PublishedAction.objects.filter(action=action).exists():
        return None
    study = next((cs for cs in case_studies() if cs["slug"] == row.get("case_study")), {})
    title = action.title.get("en") if isinstance(action.title, dict) else ""
    agreed_on = min((action.end_date or timezone.localdate()) + datetime.timedelta(days=60), timezone.localdate())
    published = portal.published_action_save(
        action=action, by=by, slug=slugify(f"{action.code}-{title or ''}")[:120],
        summary=study.get("summary") or {}, results={"en": (study.get("impact") or {}).get("en", "")},
        show_partners=True, show_activities=True, partner_agreed_by=row.get("agreed_by", ""),
        partner_agreed_on=agreed_on,
    )
    return portal.published_action_publish(published=published, by=by)


def demo_items() -> list[LibraryItem]:
    """Every library item of the demo data that is in the database, case studies first."""
    data = library_demo()
    slugs = [row["slug"] for row in case_studies()]
    for part in ("practices", "shared_deliverables", "publications"):
        slugs += [row["slug"] for row in data.get(part) or []]
    found = {item.slug: item for item in LibraryItem.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def load_knowledge_demo(stdout=None) -> str:
    """Create the demo library items and published Actions that do not exist yet; answer a one-line summary.

    Every demo item and published Action is handed to the search index and the meaning vectors on each run
    (``indexing.item_changed``, queued for after the commit), so data loaded before those existed is indexed too.
    """
    data = library_demo()
    # The programme officer of the demo records what partners agreed to share; without the demo accounts the
    # library items are written by the system and the portal's Actions are left out (only staff publish them).
    officer = User.objects.filter(email=DEMO_OFFICER, is_active=True).first()
    with transaction.atomic():
        made = {"case studies": 0, "practices": 0, "shared deliverables": 0, "publications": 0, "published Actions": 0}
        for row in case_studies():
            made["case studies"] += _case_study(row, officer) is not None
        for row in data.get("practices") or []:
            made["practices"] += _practice(row, officer) is not None
        for row in data.get("shared_deliverables") or []:
            made["shared deliverables"] += _shared_deliverable(row, officer) is not None
        for row in data.get("publications") or []:
            made["publications"] += _publication(row, officer) is not None
        for row in data.get("published_actions") or []:
            made["published Actions"] += _published_action(row, officer) is not None
        for item in demo_items():
            indexing.item_changed(item.kind, item.pk)
        codes = [row["action"] for row in data.get("published_actions") or []]
        for published in PublishedAction.objects.filter(action__code__in=codes).order_by("pk"):
            indexing.item_changed("action", published.pk)
    summary = ", ".join(f"{n} {name}" for name, n in made.items())
    return f"created {summary} ({LibraryItem.objects.count()} library items in all)"
