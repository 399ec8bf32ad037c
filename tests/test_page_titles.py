"""The browser tab's title is plain text: a title shown in another language than the page's (the marked fallback,
``<span lang="fr" class="fallback">``) must not appear there as markup."""

import re

import pytest
from django.urls import reverse

from pontis.actions.tests.factories import make_action
from pontis.intake.tests.conftest import make_request  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TITLE = re.compile(rb"<title>(.*?)</title>", re.S)


def title_of(response) -> bytes:
    return TITLE.search(response.content).group(1)


def test_a_request_in_french_has_a_plain_title_on_an_english_page(client, make_request, focal_point):  # noqa: F811
    request = make_request("draft", title={"fr": "Protocole d'accueil"})
    client.force_login(focal_point)
    title = title_of(client.get(reverse("intake:detail", args=[request.pk]), headers={"accept-language": "en"}))
    assert b"Protocole d&#x27;accueil" in title or b"Protocole d'accueil" in title
    assert b"<" not in title


def test_an_action_in_french_has_a_plain_title_on_an_english_page(client, officer):
    action = make_action(officer)
    action.title = {"fr": "Appui au ministère"}
    action.save(update_fields=["title"])
    client.force_login(officer)
    response = client.get(reverse("actions:detail", args=[action.code]), headers={"accept-language": "en"})
    title = title_of(response)
    assert b"Appui au minist" in title and b"<" not in title
