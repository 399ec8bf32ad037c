import datetime

import pytest

from pontis.experts.models import Deployment

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/experts"


@pytest.mark.parametrize("role,status", [("officer", 200), ("admin", 200), ("observer", 200), ("committee", 200),
                                         ("focal_point", 403), ("expert", 403)])
def test_stats_permissions(api_client, make_user, role, status):
    assert api_client(make_user(role)).get(URL).status_code == status


def test_stats_anonymous_is_refused(client):
    assert client.get(URL).status_code == 401


def test_stats_figures_and_period(api_client, officer, observer):
    fr_gov = make_profile(gender="female", nationality="FR", background="government")
    gb_gov = make_profile(gender="male", nationality="GB", background="government")
    make_profile(gender="male", nationality="SN", background="academia")  # never deployed
    ngo = make_profile(gender="male", nationality="DE", background="non_government_organisation")
    a2015 = make_activity(start=datetime.date(2015, 6, 1))
    a2022 = make_activity(start=datetime.date(2022, 6, 1))
    for profile, activity in ((fr_gov, a2015), (gb_gov, a2015), (gb_gov, a2022), (ngo, a2022)):
        Deployment.objects.create(profile=profile, activity=activity, start_date=activity.start_date,
                                  end_date=activity.end_date, status="completed")
    data = api_client(officer).get(URL).json()
    assert data["registered"] == 4 and data["deployed"] == 3
    assert data["deployed_by_gender"]["male"] == 2 and data["deployed_by_gender"]["female"] == 1
    assert data["deployed_by_background"]["government"] == 2
    assert data["government_experts_by_eu_member_state"] == {"FR": 1, "GB": 1}
    later = api_client(officer).get(URL, {"from": "2020-01-01"}).json()
    assert later["deployed"] == 2
    assert later["government_experts_by_eu_member_state"] == {}
    # Donor observers see totals, never a breakdown of fewer than five people (the reports registry).
    observed = api_client(observer).get(URL).json()
    assert observed["deployed"] == 3 and observed["deployed_by_gender"]["male"] is None
    assert observed["government_experts_by_eu_member_state"] == {"FR": None, "GB": None}


def test_stats_bad_date_is_422(api_client, observer):
    assert api_client(observer).get(URL, {"from": "yesterday"}).status_code == 422


def test_candidates_api_staff_only(api_client, officer, expert_user):
    make_profile(topics=("border_management_policy",))
    activity = make_activity(topics=("border_management_policy",))
    ok = api_client(officer).get(f"/api/v1/activities/{activity.pk}/candidates")
    assert ok.status_code == 200 and set(ok.json()[0]["parts"]) == {"topic", "language", "region", "availability",
                                                                    "evaluation", "rotation"}
    assert api_client(expert_user).get(f"/api/v1/activities/{activity.pk}/candidates").status_code == 403
