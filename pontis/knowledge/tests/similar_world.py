"""Known data for the "similar elsewhere" tests: a request from Cabo Verde about referral of trafficking victims,
and past work elsewhere that does or does not resemble it (created directly, as factories do)."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.utils import timezone

from pontis.actions.models import Action, ActionPartner, Activity, Deliverable
from pontis.core.models import ActivityType, Country, DeliverableType, ThematicArea, Topic
from pontis.experts.models import Deployment
from pontis.experts.tests.factories import make_profile
from pontis.intake.models import Request, RequestStatus
from pontis.knowledge import thesaurus
from pontis.knowledge.models import Concept, ConceptLabel, LibraryItem, Visibility
from tests.factories import InstitutionFactory, user_with_role

THEME = "irregular_thb"
TOPIC = "referral_of_thb_victims"
OTHER_TOPIC = "smuggling_of_migrants"
_seq = itertools.count(1)


def make_concept(code: str, *, en: str, es: str = "", broader=None) -> Concept:
    concept = Concept.objects.create(code=code)
    ConceptLabel.objects.create(concept=concept, language="en", text=en, preferred=True)
    if es:
        ConceptLabel.objects.create(concept=concept, language="es", text=es, preferred=True)
    if broader is not None:
        concept.broader.add(broader)
    thesaurus.clear_cache()
    return concept


def make_past_action(*, countries, themes=(THEME,), topics=(), status=Action.Status.COMPLETED, delivered=True,
                     institution=None, deliverable_types=(), title="Past Action") -> Action:
    n = next(_seq)
    today = timezone.localdate()
    action = Action.objects.create(code=f"20{n // 100:02d}-{n % 100:02d}", title={"en": f"{title} {n}"},
                                   status=status, start_date=today - datetime.timedelta(days=400),
                                   closed_on=today - datetime.timedelta(days=30)
                                   if status == Action.Status.COMPLETED else None)
    action.countries.set(Country.objects.filter(code__in=countries))
    action.themes.set(ThematicArea.objects.filter(code__in=themes))
    action.topics.set(Topic.objects.filter(code__in=topics))
    ActionPartner.objects.create(action=action, institution=institution or InstitutionFactory())
    activity = Activity.objects.create(
        action=action, type=ActivityType.objects.get(code="workshop"), title={"en": "Workshop"},
        status=Activity.Status.DELIVERED if delivered else Activity.Status.PLANNED,
        start_date=today - datetime.timedelta(days=200), end_date=today - datetime.timedelta(days=198))
    for code in deliverable_types:
        Deliverable.objects.create(action=action, activity=activity, type=DeliverableType.objects.get(code=code),
                                   title={"en": "A deliverable"})
    return action


def deploy(action: Action, profile) -> Deployment:
    activity = action.activities.first()
    return Deployment.objects.create(profile=profile, activity=activity, start_date=activity.start_date,
                                     end_date=activity.end_date)


def make_item(*, kind=LibraryItem.Kind.PRACTICE, countries, themes=(THEME,), topics=(), concepts=(),
              visibility=Visibility.PUBLIC, status=LibraryItem.Status.PUBLISHED, title="A practice", year=2023,
              deliverable_type=None, experts=()) -> LibraryItem:
    n = next(_seq)
    item = LibraryItem.objects.create(
        kind=kind, slug=f"similar-item-{n}", status=status, visibility=visibility, title={"en": f"{title} {n}"},
        year=year, deliverable_type=DeliverableType.objects.get(code=deliverable_type) if deliverable_type else None)
    item.countries.set(Country.objects.filter(code__in=countries))
    item.themes.set(ThematicArea.objects.filter(code__in=themes))
    item.topics.set(Topic.objects.filter(code__in=topics))
    item.concepts.set(concepts)
    item.experts.set(experts)
    return item


def make_request(*, by, institution, countries=("CV",), themes=(THEME,), topics=(TOPIC,),
                 title="Referral of victims: victim identification") -> Request:
    now = timezone.now()
    request = Request.objects.create(title={"en": title}, status=RequestStatus.SUBMITTED, submitted_by=by,
                                     submitted_at=now, status_changed_at=now, language="en",
                                     problem="Officers do not know how to refer victims.")
    request.institutions.set([institution])
    request.countries.set(Country.objects.filter(code__in=countries))
    request.themes.set(ThematicArea.objects.filter(code__in=themes))
    request.topics.set(Topic.objects.filter(code__in=topics))
    return request


@dataclass
class World:
    officer: object
    focal_point: object
    institution: object
    request: Request
    concept: Concept
    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def build() -> World:
    """A request from Cabo Verde (theme THB, topic referral, words naming the concept "victim identification") and:

    - ``senegal``: completed Action in Senegal (same region), same theme and topic, an expert deployed: suggested;
    - ``peru``: ongoing Action in Peru with a delivered activity, same theme and topic: suggested;
    - ``peru_theme_only``: ongoing Action in Peru sharing only the theme: one reason, not suggested;
    - ``design``: an Action in design in Senegal: not past work, not suggested;
    - ``cabo_verde``: a completed Action in Cabo Verde: the same country, never suggested;
    - ``mexico_practice``: a public practice from Mexico tagged with the concept and the theme: suggested, its
      expert counted but named only for staff;
    - ``mexico_staff``: a staff-only practice from Mexico, same tags: staff only;
    - ``mexico_draft``: a draft practice: never;
    - ``own_action``: a completed Action in Peru of the focal point's own institution: the focal point sees it.
    """
    officer = user_with_role("officer")
    institution = InstitutionFactory()
    focal_point = user_with_role("focal_point", institution=institution)
    concept = make_concept("victim_identification_test", en="victim identification", es="identificación de víctimas")
    request = make_request(by=focal_point, institution=institution)
    expert = make_profile(given_name="Ana", family_name="Referral")
    o = {}
    o["senegal"] = make_past_action(countries=("SN",), topics=(TOPIC,), deliverable_types=("standard_operating_procedure",))
    deploy(o["senegal"], expert)
    o["peru"] = make_past_action(countries=("PE",), topics=(TOPIC,), status=Action.Status.ONGOING)
    o["peru_theme_only"] = make_past_action(countries=("PE",), topics=(OTHER_TOPIC,), status=Action.Status.ONGOING)
    o["design"] = make_past_action(countries=("SN",), topics=(TOPIC,), status=Action.Status.DESIGN, delivered=False)
    o["cabo_verde"] = make_past_action(countries=("CV",), topics=(TOPIC,))
    o["own_action"] = make_past_action(countries=("PE",), topics=(TOPIC,), institution=institution)
    o["mexico_practice"] = make_item(countries=("MX",), concepts=[concept], experts=[expert])
    o["mexico_staff"] = make_item(countries=("MX",), concepts=[concept], visibility=Visibility.STAFF,
                                  title="Staff-only zqxstaffword")
    o["mexico_draft"] = make_item(countries=("MX",), concepts=[concept], status=LibraryItem.Status.DRAFT)
    o["expert"] = expert
    return World(officer=officer, focal_point=focal_point, institution=institution, request=request, concept=concept,
                 objects=o)
