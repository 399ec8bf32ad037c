"""Fixtures for the intake tests: requests in each state, made through the services."""

import pytest

from pontis.core.models import Country, ThematicArea, Topic
from pontis.intake import services
from tests.factories import user_with_role


def complete_data(institution, *, country="CV", theme="legal"):
    theme_obj = ThematicArea.objects.get(code=theme)
    return {
        "title": "Strengthening labour migration management",
        "language": "en",
        "institutions": [institution],
        "countries": [Country.objects.get(code=country)],
        "themes": [theme_obj],
        "topics": list(Topic.objects.filter(theme=theme_obj)[:1]),
        "problem": "No framework for circular migration.",
        "objectives": "A draft bilateral labour agreement.",
        "target_groups": "Staff of the labour directorate",
        "preferred_timing": "Second half of the year",
        "other_actors": "ILO",
        "endorsement_official_name": "Maria Silva",
        "endorsement_official_position": "Director-General",
    }


@pytest.fixture
def make_request(db, focal_point, institution):
    """``make_request(status)`` answers a request moved to ``status`` through the services."""

    def make(status="draft", *, by=None, **overrides):
        by = by or focal_point
        data = complete_data(institution)
        data.update(overrides)
        request = services.request_save_draft(by=by, data=data)
        if status == "draft":
            return request
        services.request_submit(request=request, by=by)
        if status == "submitted":
            return _fresh(request)
        officer = user_with_role("officer")
        if status == "info_requested":
            services.request_ask_info(request=request, by=officer, question="Which unit leads?")
            return _fresh(request)
        if status == "withdrawn":
            services.request_withdraw(request=request, by=by)
            return _fresh(request)
        if status == "rejected_at_screening":
            services.request_reject(request=request, by=officer, reason="Out of scope")
            return _fresh(request)
        services.request_forward(request=request, by=officer)
        if status == "forwarded":
            return _fresh(request)
        member = user_with_role("committee")
        if status == "deferred":
            services.request_defer(request=request, by=member, reason="Await elections")
        elif status == "rejected":
            services.request_reject(request=request, by=member, reason="Covered by another donor")
        else:
            raise ValueError(status)
        return _fresh(request)

    return make


def _fresh(request):
    from pontis.intake.models import Request

    return Request.objects.get(pk=request.pk)
