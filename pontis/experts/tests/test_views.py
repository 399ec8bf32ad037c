import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pontis.core.models import Country, ThematicArea
from pontis.experts import services
from pontis.experts.models import Deployment, ExpertProfile, ImportJob, Invitation
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


STAFF_PAGES = ["experts:roster", "experts:activities", "experts:imports"]


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("role,status", [("officer", 200), ("admin", 200), ("committee", 403), ("focal_point", 403),
                                         ("expert", 403), ("observer", 403)])
def test_staff_pages_per_role(client, make_user, name, role, status):
    response = client_for(client, make_user(role)).get(reverse(name))
    assert response.status_code == status


@pytest.mark.parametrize("name", STAFF_PAGES + ["experts:me"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_profile_page_visible_to_staff_not_to_other_experts(client, officer, make_user):
    profile = make_profile(given_name="Secreta")
    assert client_for(client, officer).get(reverse("experts:profile", args=[profile.pk])).status_code == 200
    client.logout()
    other = make_user("expert")
    response = client_for(client, other).get(reverse("experts:profile", args=[profile.pk]))
    assert response.status_code == 404


def test_cv_download_is_permission_checked(client, make_user):
    profile = make_profile()
    response = client_for(client, make_user("expert")).get(reverse("experts:cv", args=[profile.pk]))
    assert response.status_code == 404


def test_roster_search_filters(client, officer):
    make_profile(given_name="Léa", family_name="Moreau", biography="Expert in dócument fraud", nationality="FR")
    make_profile(given_name="Karim", family_name="Haddad", biography="Labour migration", nationality="MA",
                 background="academia")
    c = client_for(client, officer)
    assert [p.family_name for p in c.get(reverse("experts:roster"), {"q": "DOCUMENT lea"}).context["page"]] == ["Moreau"]
    assert [p.family_name for p in c.get(reverse("experts:roster"), {"origin": "non_eu"}).context["page"]] == ["Haddad"]
    assert [p.family_name for p in c.get(reverse("experts:roster"), {"background": "academia"}).context["page"]] == ["Haddad"]
    response = c.get(reverse("experts:roster"), {"available_from": "2030-01-02"})
    assert response.status_code == 200 and list(response.context["page"]) == []


def test_a_broad_roster_search_says_more_than_the_cap_and_a_narrow_one_counts_exactly(client, officer, monkeypatch):
    from pontis.experts import views

    monkeypatch.setattr(views, "ROSTER_COUNT_CAP", 3)
    for n in range(5):
        make_profile(family_name=f"Broad{n}", biography="return counselling")
    make_profile(family_name="Narrow", biography="return counselling and port health")
    c = client_for(client, officer)
    broad = c.get(reverse("experts:roster"), {"q": "counselling"})
    assert broad.context["page"].is_capped
    assert "More than 3 experts match" in broad.content.decode()
    # The cap bounds the count, not the list: every match can still be paged to.
    assert [p.family_name for p in broad.context["page"]] == ["Broad0", "Broad1", "Broad2", "Broad3", "Broad4", "Narrow"]
    narrow = c.get(reverse("experts:roster"), {"q": "port counselling"})
    assert not narrow.context["page"].is_capped
    assert "1 expert" in narrow.content.decode() and "More than" not in narrow.content.decode()


def test_roster_availability_window_excludes_booked_experts(client, officer):
    busy = make_profile(family_name="Busy")
    make_profile(family_name="Free")
    activity = make_activity()
    Deployment.objects.create(profile=busy, activity=activity, start_date=activity.start_date, end_date=activity.end_date)
    response = client_for(client, officer).get(reverse("experts:roster"), {
        "available_from": activity.start_date.isoformat(), "available_to": activity.end_date.isoformat()})
    assert [p.family_name for p in response.context["page"]] == ["Free"]


def test_roster_query_count_does_not_grow_with_experts(client, officer):
    c = client_for(client, officer)
    for _ in range(3):
        make_profile(languages=(("en", "C2"), ("fr", "B2")))
    small, _response = count_queries(lambda: c.get(reverse("experts:roster")))
    for _ in range(40):
        make_profile(languages=(("en", "C2"), ("fr", "B2")))
    large, _response = count_queries(lambda: c.get(reverse("experts:roster")))
    assert_flat(small, large)
    # Free text costs what the plain roster costs, however many terms and experts: the taxonomy labels are read
    # once per worker (and again when reference data changes), not on every request.
    one_term, _response = count_queries(lambda: c.get(reverse("experts:roster"), {"q": "migration"}))
    three_terms, _response = count_queries(lambda: c.get(reverse("experts:roster"), {"q": "migration irrégulière family"}))
    assert one_term == three_terms == small


def test_export_csv_and_xlsx_staff_only(client, officer, make_user):
    make_profile(email="x@example.org")
    c = client_for(client, officer)
    csv = c.get(reverse("experts:export", args=["csv"]))
    assert csv.status_code == 200 and b"x@example.org" in csv.content
    xlsx = c.get(reverse("experts:export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.logout()
    assert client_for(client, make_user("observer")).get(reverse("experts:export", args=["csv"])).status_code == 403


def _registration_data(email="new@example.org"):
    return {"email": email, "given_name": "Nadia", "family_name": "Benali", "gender": "female",
            "nationality": Country.objects.get(code="MA").pk, "background": "non_government_organisation",
            "themes": [ThematicArea.objects.get(code="legal").pk], "consent": "on",
            "lang-TOTAL_FORMS": "4", "lang-INITIAL_FORMS": "0", "lang-MIN_NUM_FORMS": "4", "lang-MAX_NUM_FORMS": "12",
            "lang-0-language": "", "lang-0-level": ""}


def test_public_registration_then_confirmation_and_password(client):
    cache.clear()
    assert client.get(reverse("experts:register")).status_code == 200
    response = client.post(reverse("experts:register"), _registration_data())
    assert response.status_code == 302 and response.url == reverse("experts:register_sent")
    profile = ExpertProfile.objects.get(email="new@example.org")
    url = reverse("experts:confirm", args=[services.confirmation_token(profile)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_password1": "Lantern-river-42", "new_password2": "Lantern-river-42"})
    assert response.status_code == 302 and response.url == reverse("experts:me")
    assert client.get(reverse("experts:me")).status_code == 200


def test_registration_without_consent_shows_error_and_saves_nothing(client):
    cache.clear()
    data = _registration_data()
    data.pop("consent")
    response = client.post(reverse("experts:register"), data)
    assert response.status_code == 200 and response.context["form"].errors["consent"]
    assert ExpertProfile.objects.count() == 0


def test_registration_is_rate_limited(client):
    cache.clear()
    for i in range(5):
        assert client.post(reverse("experts:register"), _registration_data(f"p{i}@example.org")).status_code == 302
    response = client.post(reverse("experts:register"), _registration_data("p6@example.org"))
    assert response.status_code == 429
    assert ExpertProfile.objects.count() == 5


def test_double_submitted_registration_creates_one_profile(client):
    cache.clear()
    client.post(reverse("experts:register"), _registration_data())
    response = client.post(reverse("experts:register"), _registration_data())
    assert response.status_code == 200 and ExpertProfile.objects.count() == 1


def test_officer_matches_and_invites_then_expert_accepts_in_app(client, officer, expert_user):
    profile = make_profile(user=expert_user, topics=("border_management_policy",))
    activity = make_activity(topics=("border_management_policy",))
    c = client_for(client, officer)
    page = c.get(reverse("experts:activity_experts", args=[activity.pk]))
    assert page.status_code == 200 and [x.profile.pk for x in page.context["ranked"]] == [profile.pk]
    c.post(reverse("experts:invite", args=[activity.pk]), {"profile": profile.pk, "role": "expert"})
    invitation = Invitation.objects.get()
    client.logout()
    c = client_for(client, expert_user)
    page = c.get(reverse("experts:invitation", args=[invitation.pk]))
    assert page.status_code == 200 and page.context["criteria"]
    c.post(reverse("experts:invitation", args=[invitation.pk]), {"answer": "accept"})
    assert Deployment.objects.get().status == "confirmed"


def test_invitation_link_answers_without_signing_in(client, officer, expert_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    url = reverse("experts:invitation_answer", args=[services.invitation_token(inv)])
    client.post(url, {"answer": "decline", "reason": "On mission"})
    inv.refresh_from_db()
    assert (inv.status, inv.reason) == ("declined", "On mission")
    assert client.get(reverse("experts:invitation_answer", args=["forged"])).status_code == 400


def test_an_expert_cannot_open_anothers_invitation(client, officer, make_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(), by=officer)
    assert client_for(client, make_user("expert")).get(reverse("experts:invitation", args=[inv.pk])).status_code == 404


def test_expert_criteria_page_only_for_their_invitations(client, officer, expert_user):
    profile = make_profile(user=expert_user)
    invited, other = make_activity(), make_activity()
    services.invitation_create(activity=invited, profile=profile, by=officer)
    c = client_for(client, expert_user)
    assert c.get(reverse("experts:criteria", args=[invited.pk])).status_code == 200
    assert c.get(reverse("experts:criteria", args=[other.pk])).status_code == 404


def test_me_page_data_export_and_erasure(client, expert_user):
    make_profile(user=expert_user, biography="bio")
    c = client_for(client, expert_user)
    assert c.get(reverse("experts:me")).status_code == 200
    data = c.get(reverse("experts:my_data"))
    assert data.status_code == 200 and data.json()["profile"]["biography"] == "bio"
    c.post(reverse("experts:erasure"), {"reason": "bye", "confirmed": "1"})  # after the confirmation page
    assert ExpertProfile.objects.get().erasure_requested_at is not None


def test_unavailability_form_rejects_reversed_dates(client, expert_user):
    make_profile(user=expert_user)
    c = client_for(client, expert_user)
    c.post(reverse("experts:unavailability_add"), {"start_date": "2030-05-02", "end_date": "2030-05-01"})
    assert ExpertProfile.objects.get().unavailabilities.count() == 0
    c.post(reverse("experts:unavailability_add"), {"start_date": "2030-05-01", "end_date": "2030-05-02"})
    assert ExpertProfile.objects.get().unavailabilities.count() == 1


def test_vetting_from_the_profile_page(client, officer):
    profile = make_profile(status="registered")
    client_for(client, officer).post(reverse("experts:transition", args=[profile.pk]), {"to": "vetted", "note": "ok"})
    profile.refresh_from_db()
    assert profile.status == "vetted"


def test_evaluation_page_per_role(client, officer, focal_point, make_user):
    start = timezone.localdate() - datetime.timedelta(days=10)
    dep = Deployment.objects.create(profile=make_profile(), activity=make_activity(start=start), start_date=start,
                                    end_date=start, status="completed")
    c = client_for(client, officer)
    assert c.get(reverse("experts:evaluate", args=[dep.pk])).status_code == 200
    c.post(reverse("experts:evaluate", args=[dep.pk]), {"expertise": "5", "communication": "4", "adaptation": "4"})
    assert dep.evaluations.count() == 1
    client.logout()
    assert client_for(client, focal_point).get(reverse("experts:evaluate", args=[dep.pk])).status_code == 404
    client.logout()
    assert client_for(client, make_user("expert")).get(reverse("experts:evaluate", args=[dep.pk])).status_code == 403


def test_web_import_runs_in_background_and_reports(client, officer, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_imports import GOOD, HEADER

    upload = SimpleUploadedFile("r.csv", (HEADER + GOOD[0] + "\n").encode())
    c = client_for(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("experts:imports"), {"kind": "roster", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.report["created"], job.percent) == ("done", 1, 100)
    progress = c.get(reverse("experts:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"hx-trigger" not in progress.content and progress.status_code == 200


def test_web_import_refuses_binary_file(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(client, officer)
    response = c.post(reverse("experts:imports"), {"kind": "roster", "file": SimpleUploadedFile("r.csv", b"\x00\xff\xfe" * 50)})
    assert response.status_code == 200 and ImportJob.objects.count() == 0
