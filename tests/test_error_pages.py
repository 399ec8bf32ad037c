"""Friendly 403/404/500 pages in the person's language."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_testonly")]


def test_404_renders_the_friendly_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response.templates[0].name == "errors/404.html"
    assert b'<html lang="en">' in response.content


def test_404_is_in_the_persons_language(client):
    response = client.get("/no-such-page/", headers={"accept-language": "fr"})

    assert response.status_code == 404
    assert response.templates[0].name == "errors/404.html"
    assert b'<html lang="fr">' in response.content


def test_403_renders_the_friendly_page_in_french(client, expert_user):
    client.force_login(expert_user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    response = client.get("/test-only/undeclared/")

    assert response.status_code == 403
    assert response.templates[0].name == "errors/403.html"
    assert b'<html lang="fr">' in response.content


def test_500_renders_the_friendly_page():
    client = Client(raise_request_exception=False)

    response = client.get("/test-only/boom/")

    assert response.status_code == 500
    assert response.templates[0].name == "errors/500.html"
    assert b"a bug" not in response.content  # no details leak out
