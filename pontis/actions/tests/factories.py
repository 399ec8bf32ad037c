"""Helpers to build Actions in tests (through the services, as the product does)."""

import datetime

from django.utils import timezone

from pontis.actions import services
from pontis.core.models import ActivityType, Country, DeliverableType, GoodPracticeFeature, ThematicArea, Topic
from pontis.intake.models import Request, RequestStatus
from tests.factories import user_with_role


def approved_request(*, countries=("CV",), themes=("legal",), topics=(), institutions=(), submitted_by=None,
                     days_ago=10) -> Request:
    """A real intake request as the committee leaves it (approved, no Action yet), submitted ``days_ago`` days ago.

    Written directly, as a factory does: intake's own services are tested in intake, and going through them here
    would add their notifications to what the actions tests count.
    """
    now = timezone.now()
    request = Request.objects.create(
        title={"en": "A request"}, status=RequestStatus.APPROVED,
        submitted_by=submitted_by or user_with_role("focal_point"),
        submitted_at=now - datetime.timedelta(days=days_ago), forwarded_at=now, decided_at=now, status_changed_at=now)
    request.countries.set(Country.objects.filter(code__in=countries))
    request.themes.set(ThematicArea.objects.filter(code__in=themes))
    request.topics.set(Topic.objects.filter(code__in=topics))
    request.institutions.set(institutions)
    return request


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
