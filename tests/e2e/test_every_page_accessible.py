"""Every page a role reaches from its navigation, and the first detail page behind each list, on the demo data:
no serious or critical axe-core violation, no server error, and no sideways scrolling at phone width.

One test per role: the demo facility is loaded once per test (about 10 s), then the crawl follows the role's
navigation entries and, on each list, the first link into a detail page.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.e2e.conftest import PHONE, assert_accessible, assert_no_horizontal_scroll, login
from tests.factories import give_totp

DEMO_PASSWORD = "Pontis-demo-2026"
MFA_ROLES = {"admin", "officer", "committee"}
# Detail pages worth opening from a list: the first link whose path starts with one of these.
DETAIL_PREFIXES = ("/requests/", "/actions/", "/experts/", "/events/", "/people/institutions/", "/people/")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def _nav_paths(page) -> list[str]:
    hrefs = page.locator("#main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/")]


def _first_detail_path(page, list_path: str) -> str | None:
    hrefs = page.locator("main table a, main li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        path = urlparse(href or "").path
        if (
            path.startswith(DETAIL_PREFIXES)
            and path != list_path
            and path.rstrip("/").count("/") > list_path.rstrip("/").count("/")
            and not path.endswith((".pdf", ".csv", ".xlsx", "/download/", "/cv/"))
        ):
            return path
    return None


def _check(page, path: str, visited: list[str]):
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path} answered {response and response.status}"
    assert response.status == 200, f"{path} answered {response.status} to a link the page offered"
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    visited.append(path)


@pytest.mark.parametrize(
    "email, role",
    [
        ("officer@pontis.example", "officer"),
        ("committee@pontis.example", "committee"),
        ("focal.point@pontis.example", "focal_point"),
        ("expert@pontis.example", "expert"),
        ("observer@pontis.example", "observer"),
        ("admin@pontis.example", "admin"),
    ],
)
def test_every_page_of_a_role_is_accessible(page, demo, email, role):
    from pontis.accounts.models import User

    person = User.objects.get(email=email)
    secret = give_totp(person) if role in MFA_ROLES else None
    login(page, email, DEMO_PASSWORD, totp_secret=secret)

    visited: list[str] = []
    nav = _nav_paths(page)
    assert nav, "the role has no navigation"
    for path in nav:
        _check(page, path, visited)
        detail = _first_detail_path(page, path)
        if detail and detail not in visited:
            _check(page, detail, visited)

    for path in ("/notifications/", "/people/me/"):
        _check(page, path, visited)
    assert len(visited) >= len(nav) + 2
