"""Helpers to build Actions in tests (through the services, as the product does)."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from pontis.actions import services
from pontis.core.models import ActivityType, Country, DeliverableType, GoodPracticeFeature, ThematicArea, Topic


class Rel:
    """A stand-in for a many-to-many manager: ``.all()`` answers the items."""

    def __init__(self, items):
        self.items = list(items)

    def all(self):
        return list(self.items)


def fake_request(*, pk=1, countries=("CV",), themes=("legal",), topics=(), institutions=(), submitted_by=None, days_ago=10):
    return SimpleNamespace(
        pk=pk, title={"en": "A request"},
        countries=Rel(sorted(Country.objects.filter(code__in=countries), key=lambda c: list(countries).index(c.code))),
        themes=Rel(ThematicArea.objects.filter(code__in=themes)), topics=Rel(Topic.objects.filter(code__in=topics)),
        institutions=Rel(institutions), submitted_by=submitted_by,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def make_action(officer, *, focal_point=None, institution=None, countries=("CV",), themes=("legal",), code=None,
                requested_on=None):
    partners = [(institution, focal_point, None)] if institution is not None else []
    return services.action_create(by=officer, countries=Country.objects.filter(code__in=countries),
                                  themes=ThematicArea.objects.filter(code__in=themes), code=code,
                                  requested_on=requested_on or timezone.localdate() - datetime.timedelta(days=20),
                                  partners=partners)


def fiche_content(n_activities=2, start=None):
    start = start or timezone.localdate() + datetime.timedelta(days=10)
    return {
        "context": "Context.", "overall_objective": "Strengthen the ministry.",
        "activities": [{"type": "workshop", "title": f"Workshop {i}", "start_date": (start + datetime.timedelta(days=30 * i)).isoformat(),
                        "end_date": (start + datetime.timedelta(days=30 * i + 2)).isoformat(), "place": "Praia"}
                       for i in range(n_activities)],
    }


def agreed_action(officer, focal_point, institution, **kwargs):
    action = make_action(officer, focal_point=focal_point, institution=institution, **kwargs)
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content())
    services.fiche_partner_agree(version=draft, by=focal_point)
    services.fiche_agree(version=draft, by=officer)
    action.refresh_from_db()
    return action


def all_scores(score=4):
    return {f.code: (score, "ok") for f in GoodPracticeFeature.objects.filter(is_active=True)}


def workshop():
    return ActivityType.objects.get(code="workshop")


def sop():
    return DeliverableType.objects.get(code="standard_operating_procedure")
