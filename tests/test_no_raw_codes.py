"""No code where people look: every page of the demo, for each role, in the five languages.

The demo is loaded once for the module. Each role starts from its home page and follows the links it is shown,
a few levels deep, keeping one address per route (one request, one Action...), so the walk covers every kind of
page that role reaches without reading every Action's pages; it reads them in English. Every kind of page met
(one address per route, as the first role that met it sees it) is then read in the four other UI languages. The
fiche PDF is checked as the HTML it is printed from.
Visible text is checked for:

- a template comment or tag that leaked onto the page (``{#``, ``#}``, ``{%``, ``%}``);
- a code of the reference data or of a status shown as text: any code holding an underscore
  (``fact_finding_mission``, ``irregular_thb``, ``info_requested``) wherever it stands as a word, and the
  one-word codes (``mad``, ``risks``, ``es``, ``native``, ``draft``) when they are the whole text of an element
  (``<td>risks</td>``, ``<dd>es</dd>``, ``<span>ar native</span>``), where a label belongs.

Visible text only: not attributes (URLs, ids, values), not ``<script>``, ``<style>``, ``<code>``, ``<pre>`` or a
``<textarea>`` (what a person typed). Codes are matched case-sensitively (they are lower case; labels are not
the same text), and a code is a word (``…/irregular_thb/`` in a URL is not).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from pontis.actions.models import FICHE_TEXT_SECTIONS
from pontis.core.models import Language, ReferenceItem

LANGUAGES = ("en", "fr", "es", "pt", "ru")
DEMO_PEOPLE = {
    "admin": "admin@pontis.example",
    "officer": "officer@pontis.example",
    "committee": "committee@pontis.example",
    "focal_point": "focal.point@pontis.example",
    "expert": "expert@pontis.example",
    "observer": "observer@pontis.example",
}
DEPTH = 3
PER_ROUTE = 1  # addresses kept per route name (two Actions' pages are the same page)
MAX_PAGES = 60  # per role, a bound the walk never reaches today (it stops when nothing new is linked)
# Not pages people read as pages: downloads, exports, the admin site (reference data and support only), signing out.
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/accounts/logout", "/__")
SKIPPED_ROUTE_WORDS = ("export", "download", "pdf", "logout", "healthz")

LEAKS = ("{#", "#}", "{%", "%}")
HIDDEN_TEXT = {"script", "style", "code", "pre", "textarea", "template", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TOKEN_SPLIT = re.compile(r"[\s,;:·•()\[\]–—/]+")


def known_codes() -> tuple[set[str], set[str]]:
    """(codes with an underscore, one-word lower-case codes) of the reference data, statuses and other choices,
    fiche sections and languages."""
    codes: set[str] = set()
    for model in apps.get_models():
        if issubclass(model, ReferenceItem):
            codes.update(model.objects.values_list("code", flat=True))
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) and isinstance(field, models.CharField):
                codes.update(str(value) for value, _label in field.flatchoices if isinstance(value, str))
    codes.update(key for key, _label in FICHE_TEXT_SECTIONS)
    codes.update(Language.objects.values_list("code", flat=True))
    codes = {c for c in codes if re.fullmatch(r"[a-z][a-z0-9_]*", c)}  # lower-case word codes only
    return {c for c in codes if "_" in c}, {c for c in codes if "_" not in c}


class VisibleText(HTMLParser):
    """The page's visible text nodes, each with whether it is the whole text of its element; its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[list] = []  # [tag, [text pieces], has child elements]
        self.hidden = 0
        self.texts: list[tuple[str, bool]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag in VOID:
            if self.stack:
                self.stack[-1][2] = True
            return
        if self.stack:
            self.stack[-1][2] = True
        if tag in HIDDEN_TEXT:
            self.hidden += 1
        self.stack.append([tag, [], False])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # Close up to the matching element (browsers forgive a missing end tag; so does this).
        while self.stack:
            name, pieces, has_children = self.stack.pop()
            if name in HIDDEN_TEXT:
                self.hidden -= 1
            elif not self.hidden:
                for piece in pieces:
                    self.texts.append((piece, not has_children and len(pieces) == 1))
            if name == tag:
                return

    def handle_data(self, data):
        if self.hidden or not data.strip():
            return
        if self.stack:
            self.stack[-1][1].append(data)
        else:
            self.texts.append((data, False))

    def close(self):
        super().close()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])


def findings(html: str, underscored: re.Pattern, single: set[str]) -> tuple[list[str], list[str]]:
    """(what looks wrong on the page, the links it shows)."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    found = []
    for text, whole in parser.texts:
        for leak in LEAKS:
            if leak in text:
                found.append(f"template syntax {leak!r} in {text.strip()[:80]!r}")
        for match in underscored.finditer(text):
            found.append(f"code {match.group(0)!r} in {text.strip()[:80]!r}")
        if whole:
            tokens = [t for t in TOKEN_SPLIT.split(text.strip()) if t]
            if tokens and all(t in single for t in tokens):
                found.append(f"code(s) shown as the text of an element: {text.strip()[:80]!r}")
    return found, parser.links


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _internal(href: str, base: str) -> str | None:
    """The path (and query) of a link to a page of this site worth reading, else None."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        return None
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        underscored, single = known_codes()
        pattern = re.compile(r"(?<![\w./:@-])(?:" + "|".join(sorted(map(re.escape, underscored), key=len, reverse=True))
                             + r")(?![\w/-])")
        yield pattern, single
        transaction.set_rollback(True)


def client_of(role: str) -> Client:
    from pontis.accounts.models import User

    client = Client(raise_request_exception=False)  # a failing page is reported with the others, not the end of the walk
    client.force_login(User.objects.get(email=DEMO_PEOPLE[role]))
    return client


def read(client: Client, url: str, lang: str) -> str | None:
    """The page's HTML in ``lang``, or None when it is not an HTML page answered 200. A page that fails (500)
    is text that says so, which the check reports."""
    client.cookies["django_language"] = lang
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    if response.status_code >= 500:
        return f"<p>{{% the page failed: {response.status_code} %}}</p>"
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def walk(client: Client, pattern, single, routes_seen: dict) -> tuple[list[str], dict[str, list[str]]]:
    """The pages a person reaches from home (read in English), and what was found on them. ``routes_seen``
    (route name: address) keeps the first address met of every route, whoever met it."""
    seen_routes: dict[str, int] = defaultdict(int)
    visited: list[str] = []
    problems: dict[str, list[str]] = {}
    queue = [("/", 0)]
    queued = {"/"}
    while queue and len(visited) < MAX_PAGES:
        url, depth = queue.pop(0)
        html = read(client, url, "en")
        if html is None:
            continue
        visited.append(url)
        found, links = findings(html, pattern, single)
        if found:
            problems[url] = found
        if depth >= DEPTH:
            continue
        for href in links:
            target = _internal(href, url)
            if target is None or target in queued:
                continue
            route = _route(urlsplit(target).path)
            if route is None or any(word in route for word in SKIPPED_ROUTE_WORDS):
                continue
            if seen_routes[route] >= PER_ROUTE or ("page=" in target and seen_routes[route]):
                continue
            seen_routes[route] += 1
            routes_seen.setdefault(route, target)
            queued.add(target)
            queue.append((target, depth + 1))
    return visited, problems


@pytest.fixture(scope="module")
def walked(demo):
    """Every role's walk from its home page, in English: {role: (pages, problems)}, and for the other languages
    one address of every route met ({route: (role, address)}), read by the first role that met it."""
    pattern, single = demo
    by_role, routes = {}, {}
    with override_settings(PONTIS_RELAX_MFA=True):  # the demo people have no second factor; the pages are the same
        for role in DEMO_PEOPLE:
            seen: dict[str, str] = {}
            by_role[role] = walk(client_of(role), pattern, single, seen)
            for route, url in seen.items():
                routes.setdefault(route, (role, url))
            routes.setdefault(f"home of {role}", (role, "/"))
    return by_role, routes


@pytest.fixture
def relaxed(settings):
    settings.PONTIS_RELAX_MFA = True  # the demo people have no second factor; the pages are the same


def _report(problems: dict) -> str:
    return "\n".join(f"{where}: {'; '.join(sorted(set(items))[:5])}" for where, items in sorted(problems.items()))


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(DEMO_PEOPLE))
def test_no_template_syntax_or_code_on_any_page_of_a_role(relaxed, walked, role):
    pages, problems = walked[0][role]
    assert len(pages) > 3, f"the walk from {role}'s home page found almost nothing: {pages}"
    assert not problems, f"{role}: raw codes or template syntax on {len(problems)} page(s):\n{_report(problems)}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_no_template_syntax_or_code_in_other_languages(relaxed, demo, walked, lang):
    """Every kind of page the roles reach (one address per route), read in ``lang``."""
    pattern, single = demo
    clients = {role: client_of(role) for role in DEMO_PEOPLE}
    problems = {}
    for role, url in walked[1].values():
        html = read(clients[role], url, lang)
        found, _links = findings(html, pattern, single) if html is not None else ([], [])
        if found:
            problems[f"{role} {url}"] = found
    assert len(walked[1]) > 20
    assert not problems, f"{lang}: raw codes or template syntax on {len(problems)} page(s):\n{_report(problems)}"


@pytest.mark.django_db
def test_no_template_syntax_or_code_in_the_fiche_pdf(relaxed, demo):
    """The PDF of an agreed fiche, checked as the HTML it is printed from, in every language."""
    from pontis.actions.models import FicheVersion

    pattern, single = demo
    version = FicheVersion.objects.filter(status=FicheVersion.Status.AGREED).select_related("action").first()
    url = reverse("actions:fiche_pdf", args=[version.action.code, version.number])
    client = client_of("officer")
    problems = {}
    for lang in LANGUAGES:
        with mock.patch("weasyprint.HTML") as printer:
            printer.return_value.write_pdf.return_value = b"%PDF-1.4"
            client.cookies["django_language"] = lang
            assert client.get(url, HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
        found, _links = findings(printer.call_args.kwargs["string"], pattern, single)
        if found:
            problems[f"{lang} {url}"] = found
    assert not problems, f"the fiche PDF shows raw codes or template syntax:\n{_report(problems)}"


def test_the_checker_finds_what_it_looks_for_and_nothing_else():
    pattern = re.compile(r"(?<![\w./:@-])(?:fact_finding_mission|irregular_thb)(?![\w/-])")
    single = {"es", "ar", "native", "risks", "mad"}
    html = """<html><head><title>T</title><script>var x = "{% if %}";</script></head><body>
      <p>{# a comment #}</p>
      <table><tr><td>fact_finding_mission</td><td>risks</td><td>ar native</td><td>Risks</td></tr></table>
      <a href="/actions/?theme=irregular_thb">Irregular migration</a> or <a href="/x/">es</a>
      <p>Speaks es and mad</p><code>irregular_thb</code><textarea>risks</textarea>
      <input value="fact_finding_mission"><p>see fact_finding_mission.</p>
    </body></html>"""
    found, links = findings(html, pattern, single)

    assert links == ["/actions/?theme=irregular_thb", "/x/"]
    assert sorted(found) == sorted([
        "template syntax '{#' in '{# a comment #}'",
        "template syntax '#}' in '{# a comment #}'",
        "code 'fact_finding_mission' in 'fact_finding_mission'",
        "code(s) shown as the text of an element: 'risks'",
        "code(s) shown as the text of an element: 'ar native'",
        "code(s) shown as the text of an element: 'es'",
        "code 'fact_finding_mission' in 'see fact_finding_mission.'",
    ])
