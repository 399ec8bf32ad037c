"""Request news: addressed to the reader, sent to the owner and followers (else the region's coordinator, else
every officer); following a request from its page."""

import pytest
from django.urls import reverse
from django.utils import translation

from pontis.core import news
from pontis.core.errors import NotAllowed
from pontis.core.following import follow, followers, is_following, news_audience, unfollow
from pontis.core.models import AuditEvent, Country, Follow, Notification, Region
from pontis.intake import services
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _recipients(event):
    return set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))


def test_requester_reads_your_request_and_an_officer_reads_whose(make_request, officer, focal_point, institution):
    request = make_request("submitted")
    screener = user_with_role("officer")
    services.request_reject(request=request, by=screener, reason="Out of scope")
    assert not Notification.objects.filter(event="intake.request_rejected", recipient=screener).exists()
    for_partner = Notification.objects.get(event="intake.request_rejected", recipient=focal_point)
    for_officer = Notification.objects.get(event="intake.request_rejected", recipient=officer)
    with translation.override("en"):
        assert news.render(for_partner, focal_point).title == (
            "Your request “Strengthening labour migration management” was not accepted")
        officer_title = news.render(for_officer, officer).title
    assert "your request" not in officer_title.lower()
    assert officer_title == (f"Request “Strengthening labour migration management” from {institution.acronym} "
                             "was not accepted")
    assert news.render(for_partner, focal_point).body == "Reason given: Out of scope"


def test_news_goes_to_the_owner_and_followers_not_every_officer(make_request, officer, focal_point):
    owner, follower, bystander = (user_with_role("officer") for _n in range(3))
    request = make_request("submitted")
    request.owner = owner
    request.save(update_fields=["owner"])
    follow(follower, request, by=follower)
    services.request_withdraw(request=request, by=focal_point, reason="Solved otherwise")
    assert _recipients("intake.request_withdrawn") == {owner.pk, follower.pk}
    assert bystander.pk not in _recipients("intake.request_withdrawn")


def test_without_owner_the_regions_coordinator_hears(make_request, officer, focal_point):
    coordinator = user_with_role("officer")
    user_with_role("officer")  # another officer, who must not hear
    request = make_request("submitted")
    region = Country.objects.get(code="CV").region
    region.coordinator = coordinator
    region.save()
    services.request_withdraw(request=request, by=focal_point)
    assert _recipients("intake.request_withdrawn") == {coordinator.pk}


def test_without_owner_or_coordinator_every_officer_hears(make_request, officer, focal_point):
    other = user_with_role("officer")
    request = make_request("submitted")
    Region.objects.update(coordinator=None)
    services.request_withdraw(request=request, by=focal_point)
    assert {officer.pk, other.pk} <= _recipients("intake.request_withdrawn")


def test_news_audience_counts_each_person_once_and_skips_inactive(make_request):
    owner = user_with_role("officer")
    gone = user_with_role("officer")
    request = make_request("submitted")
    follow(owner, request, by=owner)
    follow(gone, request, by=gone)
    gone.is_active = False
    gone.save()
    assert [u.pk for u in news_audience(request, owner=owner)] == [owner.pk]


def test_follow_is_idempotent_and_audited(make_request, officer):
    request = make_request("submitted")
    before = AuditEvent.objects.count()
    first = follow(officer, request, by=officer)
    second = follow(officer, request, by=officer)
    assert first.pk == second.pk
    assert Follow.objects.count() == 1
    assert AuditEvent.objects.count() == before + 1
    assert list(followers(request)) == [officer]
    assert unfollow(officer, request, by=officer) is True
    assert unfollow(officer, request, by=officer) is False
    assert AuditEvent.objects.count() == before + 2
    assert not is_following(officer, request)


def test_a_requester_cannot_follow(make_request, focal_point):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        follow(focal_point, request, by=focal_point)
    assert not Follow.objects.exists()


def test_follow_button_on_the_request_page(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)
    url = reverse("intake:detail", args=[request.pk])
    assert reverse("intake:follow", args=[request.pk]) in client.get(url).content.decode()
    response = client.post(reverse("intake:follow", args=[request.pk]))
    assert response.status_code == 302
    assert is_following(officer, request)
    assert "Stop following" in client.get(url).content.decode()
    client.post(reverse("intake:follow", args=[request.pk]), {"following": "0"})
    assert not is_following(officer, request)


def test_follow_route_refuses_a_requester_and_writes_nothing(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    assert client.post(reverse("intake:follow", args=[request.pk])).status_code == 403
    assert not Follow.objects.exists()
