"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's ``live_server``.

How to write a journey test::

    from tests.e2e.conftest import assert_accessible, login

    def test_officer_sees_requests(page, live_server, officer):
        login(page, officer.email)
        page.goto(live_server.url + "/requests/")
        assert page.get_by_role("heading", level=1).inner_text() == "Requests"
        assert_accessible(page)

Every test in ``tests/e2e/`` (and any test that requests the ``page`` / ``phone_page`` fixtures) is
marked ``e2e`` automatically; ``pytest -m "not e2e"`` skips them.

Database: the live server runs in another thread, so these tests cannot use the per-test transaction of
the ``db`` fixture; they run under ``transactional_db`` and every table is flushed after each test.
The reference data (countries, themes, ...) is written by a data migration, so a flush erases it.
We reload it before each e2e test with ``pontis.core.reference.load_reference_data()`` (about 0.3 s).
Why not ``serialized_rollback=True``: with pytest-django 4.14 and Playwright's sync API the serialized
content was not available on the test's connection (``_test_serialized_contents`` missing), so the second
e2e test saw empty tables; reloading explicitly is simple and does not depend on that machinery.
pytest-django runs transactional tests after the ordinary ``db`` tests, so the flush never leaves a later
unit test without reference data. An app whose e2e tests need its own data migration's rows reloads them
in its own fixture the same way.
Users and other objects are created in the test body (``tests.factories.user_with_role``) or with the root
conftest's fixtures (``officer``, ``focal_point``, ...); they are visible to the live server.

The browser is launched once per session from ``/usr/bin/chromium`` (``scripts/test`` installs it with
apt-get); each test gets a fresh context, so cookies never leak between tests.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
# running loop unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PONTIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
E2E_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).startswith(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _e2e_database(request, live_server, transactional_db):
    """Every e2e test: a live server, a transactional database, the reference data loaded (see module doc)."""
    from pontis.core.models import Country
    from pontis.core.reference import load_reference_data

    if not Country.objects.exists():
        load_reference_data()
    # The cache outlives a test's database: allauth keeps sign-in attempt counts and used TOTP codes there, keyed
    # by user id, and ids are reused once SQLite's tables are flushed. Each browser test starts with it empty.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/test`, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    # The Content-Security-Policy stays enforced in the browser tests (axe-core is injected with page.evaluate,
    # which CSP does not govern), so a page that breaks it (an inline script, an on*= handler) fails its test.
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text))
    return context, page


def _settle(page):
    """Let the page's own requests (an autosaved draft, an htmx poll) finish before the test's database goes.

    A request still in flight when the test ends reaches the live server after the tables are flushed, or holds
    a connection that blocks the flush of PostgreSQL's test database. ``networkidle`` waits until no request
    has been open for 500 ms; leaving for ``about:blank`` then drops the page's timers (htmx's ``delay:1s``
    autosave), so nothing starts after the wait. A page that never settles within 5 s is closed anyway.
    """
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
        page.goto("about:blank")
    except PlaywrightError:
        pass


def _assert_no_csp_violation(page):
    if page.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(page.csp_violations), pytrace=False)


@pytest.fixture
def page(browser, live_server):
    """A desktop page (1280x900) in a fresh browser context; ``page.goto("/")`` is relative to the live server."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    _settle(page)
    context.close()
    _assert_no_csp_violation(page)


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (375x812) in a fresh browser context."""
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    _settle(page)
    context.close()
    _assert_no_csp_violation(page)


def login(page, email: str, password: str | None = None, *, totp_secret: str | None = None):
    """Sign in through allauth's form. With ``totp_secret``, also answer the two-factor step.

    Answers once the page after sign-in has loaded (the home page, or the TOTP setup page for a staff
    member without TOTP). The password defaults to ``tests.factories.PASSWORD``.
    """
    from tests.factories import PASSWORD, fresh_totp_code

    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    if totp_secret is not None:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", fresh_totp_code(totp_secret))
        with page.expect_navigation():
            page.locator("form:has(input[name=code]) [type=submit]").first.click()
    return page


SEVERE_IMPACTS = ("serious", "critical")


def accessibility_violations(page, impacts=SEVERE_IMPACTS) -> list[dict]:
    """axe-core's violations on the current page whose impact is in ``impacts``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    return [v for v in violations if v.get("impact") in impacts]


def assert_accessible(page, impacts=SEVERE_IMPACTS):
    """Fail with a readable list when axe-core finds a serious or critical violation on the page."""
    violations = accessibility_violations(page, impacts)
    if violations:
        lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation.get("nodes", [])[:5]:
                target = ", ".join(str(t) for t in node.get("target", []))
                summary = re.sub(r"\s+", " ", node.get("failureSummary", "")).strip()
                lines.append(f"    at {target}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page):
    """The page fits its viewport's width (usable at 375 px without sideways scrolling)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll on {page.url}: content is {widths[0]}px wide, viewport {widths[1]}px"
