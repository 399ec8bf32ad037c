"""The base layout's addresses (``{% asset %}`` and ``{% link %}``, pontis/core/templatetags/layout.py) are worked out
once per worker and answer exactly what ``{% static %}`` and ``{% url %}`` answer, also after the settings or the
script prefix change; an empty signed-in page reads the same number of queries however much data there is."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import include, path, set_script_prefix

from pontis.actions.tests.factories import make_action
from pontis.core.models import Notification
from pontis.core.templatetags import layout
from pontis.devtools.views import floor
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

# The floor page of the load benchmark, routed here for the test only (config.urls routes it when PONTIS_BENCH_FLOOR).
urlpatterns = [path("_floor", floor, name="bench_floor"), path("", include("config.urls"))]

BASE = (settings.BASE_DIR / "pontis" / "templates" / "base.html").read_text()
ASSETS = re.findall(r'\{% asset "([^"]+)" %\}', BASE)
LINKS = re.findall(r'\{% link "([^"]+)" %\}', BASE)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _render(source: str) -> str:
    return Template(source).render(Context({}))


def test_the_layout_uses_the_kept_addresses_only():
    assert len(ASSETS) == 11 and len(LINKS) == 6
    assert "{% static" not in BASE and "{% url" not in BASE


def test_each_asset_and_link_answers_what_static_and_url_answer():
    for name in ASSETS:
        assert _render(f'{{% load layout %}}{{% asset "{name}" %}}') == _render(f"{{% load static %}}{{% static '{name}' %}}")
    for name in LINKS:
        assert _render(f'{{% load layout %}}{{% link "{name}" %}}') == _render(f"{{% url '{name}' %}}")


@pytest.mark.django_db
def test_the_layout_renders_what_it_rendered_with_static_and_url(rf: RequestFactory):
    """The whole layout, rendered with the kept tags and with the tags they replace, for a visitor and a person."""
    before = re.sub(r'\{% asset "([^"]+)" %\}', r"{% static '\1' %}", BASE)
    before = re.sub(r'\{% link "([^"]+)" %\}', r"{% url '\1' %}", before).replace(
        "{% load i18n layout %}", "{% load i18n static %}"
    )
    for user in (AnonymousUser(), user_with_role("officer")):
        request = rf.get("/actions/")
        request.user = user
        now, then = (CSRF.sub(r"\1", Template(source).render(RequestContext(request, {}))) for source in (BASE, before))
        assert now == then
        assert "/static/pontis/css/pontis.css" in now


def test_a_new_static_address_is_followed(settings):
    name = ASSETS[0]
    first = layout.asset_url(name)
    settings.STATIC_URL = "/assets/"
    assert layout.asset_url(name) == _render(f"{{% load static %}}{{% static '{name}' %}}") != first
    assert layout.asset_url(name).startswith("/assets/")


def test_a_new_script_prefix_is_followed():
    assert layout.link_url("core:notifications") == "/notifications/"
    set_script_prefix("/pontis/")
    try:
        assert layout.link_url("core:notifications") == "/pontis/notifications/"
    finally:
        set_script_prefix("/")
    assert layout.link_url("core:notifications") == "/notifications/"


@pytest.mark.parametrize("source", ["{% asset %}", "{% asset name %}", '{% link "a" "b" %}', "{% link '' %}"])
def test_the_tags_take_one_quoted_literal(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load layout %}" + source)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("role", ["officer", "focal_point"])
def test_the_floor_reads_the_same_queries_at_two_data_sizes(client, role, officer):
    user = user_with_role(role)
    client.force_login(user)
    small, response = count_queries(lambda: client.get("/_floor"))
    assert response.status_code == 200
    institution = user.role_assignments[0].institution
    for i in range(6):
        make_action(officer, institution=institution, focal_point=user if institution else None)
        Notification.objects.create(recipient=user, subject=f"News {i}", body="")
    large, response = count_queries(lambda: client.get("/_floor"))
    assert response.status_code == 200 and b"News" in response.content
    assert_flat(small, large)
    # The session, the person, their roles, the unread news count and, for a role that signs in with TOTP, its check.
    assert small == (5 if user.needs_mfa else 4)
