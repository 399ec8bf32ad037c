"""A request as the source of "similar elsewhere" is read through statements compiled once per worker: the same
request, countries with their regions, themes and topics as the querysets they replace, the same access, the
same facts of the source and the same panel in the five languages with hostile text.

Before, on the stress data (officer, a request's panel with its suggestions kept): 29,200 Python calls, a third of
them building, compiling and prefetching the request's querysets.
"""

import dataclasses
import re

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from pontis.accounts.services import role_grant
from pontis.core.models import Country
from pontis.core.permissions import get_visible_or_404
from pontis.intake.models import Request
from pontis.knowledge import similar
from pontis.knowledge.models import SimilarMark
from tests.factories import UserFactory, user_with_role

from . import similar_world

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = '<script>alert("x")</script>&amp; "q" \'a\' {{ panel.url }} {% now "Y" %} \u202eRTL\u202c zero\u200bwidth'
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


@pytest.fixture(autouse=True)
def _meaning_off(settings):
    settings.PONTIS_MEANING_ENCODER = "off"


def before_source_object(user, kind, source_id):
    """``similar.source_object`` for a request as it read it before: through the policy's queryset."""
    obj = get_visible_or_404(user, Request.objects.prefetch_related("countries__region", "themes", "topics"),
                             pk=source_id)
    if not similar.may_see_panel(user, kind, obj):
        raise Http404
    return obj


def _opened(function, user, pk):
    try:
        return function(user, "request", pk)
    except Http404:
        return None


def _facts(source):
    facts = {f.name: getattr(source, f.name) for f in dataclasses.fields(source) if f.name != "obj"}
    facts["regions"] = {pk: (region.pk, region.code, region.name) for pk, region in facts["regions"].items()}
    return facts


@pytest.fixture
def world():
    world = similar_world.build()
    request = world.request
    request.title = {"fr": HOSTILE}
    request.problem = HOSTILE
    request.save()
    request.countries.add(Country.objects.get(code="MA"))
    world.objects["peru"].title = {"en": HOSTILE, "ru": f"{HOSTILE} ru"}
    world.objects["peru"].save()
    # The staff's marks: one pinned, one no longer suggested.
    similar.similar_mark_set(by=world.officer, source_kind="request", source_id=request.pk, mark=SimilarMark.Mark.PINNED,
                             target_kind="action", target_id=world.objects["peru"].pk)
    similar.similar_mark_set(by=world.officer, source_kind="request", source_id=request.pk,
                             mark=SimilarMark.Mark.DISMISSED, target_kind="action",
                             target_id=world.objects["senegal"].pk)
    return world


@pytest.fixture
def readers(world):
    delegation = UserFactory()
    role_grant(user=delegation, role="delegation", country=Country.objects.get(code="CV"))
    delegation.forget_cached_roles()
    return {"officer": world.officer, "focal_point": world.focal_point, "admin": user_with_role("admin"),
            "committee": user_with_role("committee"), "other_focal_point": user_with_role("focal_point"),
            "delegation": delegation, "observer": user_with_role("observer")}


def test_the_source_and_who_may_open_it_are_those_of_the_querysets(world, readers):
    draft = similar_world.make_request(by=world.focal_point, institution=world.institution)
    Request.objects.filter(pk=draft.pk).update(status="draft", submitted_at=None)
    pks = [world.request.pk, draft.pk, draft.pk + 1000]
    opened = 0
    for name, user in readers.items():
        for pk in pks:
            now, before = _opened(similar.source_object, user, pk), _opened(before_source_object, user, pk)
            assert (now is None) is (before is None), (name, pk)
            if now is not None:
                opened += 1
                source, source_before = similar.build_source("request", now), similar.build_source("request", before)
                assert _facts(source) == _facts(source_before)
                assert similar.marks_of(source) == similar._marks(source_before)
                assert [c.region for c in now.countries.all()] == [c.region for c in before.countries.all()]
    assert opened >= 3
    for bad in ("x", None, 2**70):
        with pytest.raises(Http404):
            similar.source_object(world.officer, "request", bad)


def test_the_panel_is_the_same_html_as_read_through_the_querysets(world, readers, monkeypatch):
    url = reverse("similar:panel", args=["request", world.request.pk])
    shown = 0
    for name in ("officer", "focal_point", "admin", "other_focal_point"):
        client = Client()
        client.force_login(readers[name])
        for language in LANGUAGES:
            now = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            with monkeypatch.context() as m:
                m.setattr(similar, "source_object", before_source_object)
                before = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert now.status_code == before.status_code, (name, language)
            assert VOLATILE.sub("", now.content.decode()) == VOLATILE.sub("", before.content.decode()), (name, language)
            if now.status_code == 200:
                shown += 1
                assert "similar__item" in now.content.decode(), (name, language)
    assert shown == 15
    page = Client()
    page.force_login(world.officer)
    html = page.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;script&gt;" in html and "similar__item--pinned" in html and "Forget 2 pins and dismissals" in html
