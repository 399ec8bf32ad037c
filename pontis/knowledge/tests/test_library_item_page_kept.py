"""An item's page reads its tags once per item version and language (kept a minute at most), its links only for
the kinds it has, and renders its two staff forms once per process: the same HTML as before, in the five
languages, for staff and the public, with hostile text; fresh data after a change; fewer queries.

Before, on the stress data (a case study with an Action and six experts): ten prefetches, four link queries and two
forms rendered through their widget templates on every view, 70,000 Python calls for an officer.
"""

import datetime
import pathlib
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pontis.actions.tests.factories import make_action
from pontis.core.i18n import translate
from pontis.core.models import Country, GCMObjective, GoodPracticeFeature, Language, SDGTarget, ThematicArea, Topic
from pontis.core.permissions import can
from pontis.experts.models import ExpertProfile
from pontis.knowledge import forms, selectors, services
from pontis.knowledge.models import Concept, ConceptLabel, LibraryItem
from pontis.knowledge.views_library import LANGUAGE_NAMES, SECTIONS, file_form_html, visibility_field_html
from tests.factories import user_with_role
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = '<script>alert("x")</script>&amp; "q" \'a\' <b>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The page's template before: tags read from the item's prefetched links, the forms rendered by Django.
BEFORE = (pathlib.Path(__file__).parent / "library_item_detail_before.html").read_text()
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|name="idempotency_key" value=|"X-CSRFToken": )"[^"]*"')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer():
    return user_with_role("officer")


def _hostile_concept():
    concept = Concept.objects.create(code="hostile-concept")
    for lang in LANGUAGES:
        ConceptLabel.objects.create(concept=concept, language=lang, text=f"{HOSTILE} {lang}", preferred=True)
    return concept


def _case_study(officer):
    action = make_action(officer, countries=("CV",), themes=("legal",))
    item = services.item_create(
        by=officer, kind="case_study", title={"en": HOSTILE, "fr": "Étude « cas »"}, visibility="public",
        summary={"en": HOSTILE}, context={"en": HOSTILE, "ru": "Контекст"}, lessons={"fr": "Leçons"}, year=2023,
        countries=list(Country.objects.filter(code__in=("CV", "SN", "BR"))),
        themes=list(ThematicArea.objects.all()[:2]), topics=list(Topic.objects.all()[:3]),
        sdg_targets=list(SDGTarget.objects.all()[:2]), gcm_objectives=list(GCMObjective.objects.all()[:2]),
        languages=list(Language.objects.all()[:2]), features=list(GoodPracticeFeature.objects.all()[:2]),
        partner_agreed_by=HOSTILE, partner_agreed_on=datetime.date(2023, 5, 4))
    item.concepts.set([_hostile_concept()])
    item.actions.set([action])
    services.file_add(item=item, by=officer, upload=SimpleUploadedFile("guide.pdf", PDF), title=HOSTILE,
                      language="fr")
    return services.item_publish(item=item, by=officer)


def _before(request, slug) -> str:
    """The page as the view and template wrote it before (prefetched tags, forms rendered by Django)."""
    item = selectors.item_get_for(request.user, slug)
    may_change = can(request.user, "change", item)
    sections = []
    for name, label in SECTIONS:
        text = translate(getattr(item, name))
        if text:
            sections.append({"label": label, "text": text, "lang": text.lang,
                             "fallback": LANGUAGE_NAMES.get(text.lang, text.lang) if text.is_fallback else ""})
    context = {
        "item": item, "sections": sections, "links": selectors.item_links_for(request.user, item),
        "noindex": not (item.status == "published" and item.visibility == "public"),
        "deliverable_status_label": dict(forms.DELIVERABLE_STATUS_CHOICES).get(item.deliverable_status, ""),
        "may_change": may_change, "may_publish": can(request.user, "publish", item), "panels": [],
    }
    if may_change:
        context.update({
            "next_status": sorted(LibraryItem.TRANSITIONS.get(item.status, ())),
            "visibility_form": forms.VisibilityForm(initial={"visibility": item.visibility}, auto_id="visibility-%s"),
            "file_form": forms.LibraryFileForm(auto_id="library-file-%s"),
        })
    return engines["django"].from_string(BEFORE).render(context, request)


def _page(client, item, language):
    response = client.get(reverse("library:detail", args=[item.slug]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("kept", [0, 60])
@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_the_page_is_the_same_html_as_before_in_every_language(settings, officer, who, kept):
    settings.PONTIS_PORTAL_CACHE_SECONDS = kept
    cache.clear()
    item = _case_study(officer)
    client = Client()
    if who == "officer":
        client.force_login(officer)
    for language in LANGUAGES:
        officer.language = language  # a signed-in reader's own language wins over the browser's
        officer.save(update_fields=["language"])
        for _twice in range(2):  # the second view reads the kept tags when they are kept
            response = _page(client, item, language)
            assert response.wsgi_request.LANGUAGE_CODE == language
            with translation.override(language):
                before = _before(response.wsgi_request, item.slug)
            # The similar panel comes from the registry, unchanged: the reference renders without it.
            page = re.sub(r'<section class="card similar".*?</section>\n?', "", response.content.decode(), flags=re.S)
            assert VOLATILE.sub("", page) == VOLATILE.sub("", before)
    page = response.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_change_shows_at_once_even_when_tags_are_kept(settings, client, officer):
    settings.PONTIS_PORTAL_CACHE_SECONDS = 60
    cache.clear()
    item = _case_study(officer)
    client.force_login(officer)
    assert "Senegal" in _page(client, item, "en").content.decode()
    services.item_update(item=item, by=officer, countries=list(Country.objects.filter(code="PE")),
                         experts=[], actions=[])
    page = _page(client, item, "en").content.decode()
    assert "Senegal" not in page and "Peru" in page and "Where it came from" not in page


def test_links_are_read_only_for_the_kinds_the_item_has_and_through_their_policy(settings, officer):
    settings.PONTIS_PORTAL_CACHE_SECONDS = 60
    cache.clear()
    item = _case_study(officer)
    client = Client()
    client.force_login(officer)
    _page(client, item, "en")
    kept, response = count_queries(lambda: _page(client, item, "en"))
    assert [a.pk for a in response.context["links"]["actions"]] == list(item.actions.values_list("pk", flat=True))
    assert response.context["links"]["experts"] == [] and response.context["links"]["meetings"] == []
    settings.PONTIS_PORTAL_CACHE_SECONDS = 0
    fresh, _response = count_queries(lambda: _page(client, item, "en"))
    # Kept: the item, its files and the linked Actions (no deliverables, experts nor meetings to ask for); fresh:
    # also nine queries for the tags and one for the ids of the links.
    assert fresh - kept == 10
    # The public sees no Action (the actions policy), whatever is kept.
    assert Client().get(reverse("library:detail", args=[item.slug])).context["links"]["actions"] == []
    assert not ExpertProfile.objects.filter(library_items=item).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_forms_are_what_django_rendered_with_a_fresh_key(language):
    key = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')
    with translation.override(language):
        files = [file_form_html() for _i in range(2)]
        keys = [key.search(html).group(1) for html in files]
        assert files[0] == str(forms.LibraryFileForm(auto_id="library-file-%s", initial={"idempotency_key": keys[0]}))
        assert keys[0] != keys[1] and "0" * 32 not in files[1]
        for visibility in ("public", "members", "staff"):
            form = forms.VisibilityForm(initial={"visibility": visibility}, auto_id="visibility-%s")
            assert visibility_field_html(visibility) == str(form["visibility"])
