import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_landing_page_for_anonymous_visitor(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Peer expertise on migration" in response.content


@pytest.mark.django_db
def test_home_for_officer(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    assert b"What needs your attention" in response.content


@pytest.mark.django_db
def test_sign_in_page(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
