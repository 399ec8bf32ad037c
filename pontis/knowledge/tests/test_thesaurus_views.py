"""Thesaurus pages and API: readable by everyone in five languages; staff add and remove alternative labels."""

import re

import pytest
from django.urls import reverse

from pontis.core.models import AuditEvent
from pontis.knowledge import thesaurus
from pontis.knowledge.models import Concept, ConceptLabel
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> {{ 7|add:1 }} &amp; "\' ; DROP TABLE'


@pytest.fixture
def thb():
    thesaurus.load_thesaurus()
    return Concept.objects.get(code="thb")


def _get(client, url, lang="en"):
    client.cookies["django_language"] = lang
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang)


def test_the_list_groups_concepts_by_theme_in_russian(client, thb):
    response = _get(client, reverse("thesaurus:list"), "ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Нерегулярная миграция и торговля людьми" in html  # the thematic area, in Russian
    assert "торговля людьми" in html
    assert reverse("thesaurus:detail", args=["thb"]) in html
    assert "irregular_thb" not in html.replace(reverse("thesaurus:detail", args=["irregular_thb"]), "")


def test_the_filter_box_finds_a_concept_by_a_label_in_any_language(client, thb):
    response = client.get(reverse("thesaurus:list"), {"q": "trata de personas"})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("thesaurus:detail", args=["thb"]) in html
    assert reverse("thesaurus:detail", args=["diaspora"]) not in html
    by_acronym = client.get(reverse("thesaurus:list"), {"q": "MRC"}).content.decode()
    assert reverse("thesaurus:detail", args=["migrant_resource_centre"]) in by_acronym
    nothing = client.get(reverse("thesaurus:list"), {"q": "zzzz-nothing" * 40})
    assert nothing.status_code == 200
    assert "No concept matches this filter." in nothing.content.decode()


@pytest.mark.parametrize("lang,name", [("en", "trafficking in human beings"), ("fr", "traite des êtres humains"),
                                       ("es", "trata de personas"), ("pt", "tráfico de seres humanos"),
                                       ("ru", "торговля людьми")])
def test_the_concept_page_shows_every_language_and_its_links(client, thb, lang, name):
    response = _get(client, reverse("thesaurus:detail", args=["thb"]), lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{name[0].upper() + name[1:]}</h1>" in html
    for text in ("trafficking in human beings", "traite des êtres humains", "trata de personas",
                 "tráfico de seres humanos", "торговля людьми", "THB"):
        assert text in html
    assert reverse("thesaurus:detail", args=["irregular_thb"]) in html  # broader
    assert reverse("thesaurus:detail", args=["victim_identification"]) in html  # narrower
    assert "/search/?concept=thb" in html
    assert 'lang="ru"' in html
    assert reverse("thesaurus:label_add", args=["thb"]) not in html  # visitors see no staff form


def test_an_unknown_concept_is_404(client, thb):
    assert client.get(reverse("thesaurus:detail", args=["no-such-concept"])).status_code == 404


def test_staff_add_an_alternative_label_once_with_an_audit_row(client, officer, thb):
    client.force_login(officer)
    url = reverse("thesaurus:label_add", args=["thb"])
    assert reverse("thesaurus:label_add", args=["thb"]) in client.get(reverse("thesaurus:detail", args=["thb"])).content.decode()
    for _twice in range(2):
        response = client.post(url, {"language": "es", "text": "  esclavitud   moderna "})
        assert response.status_code == 302
    assert ConceptLabel.objects.filter(concept=thb, language="es", text="esclavitud moderna", preferred=False).count() == 1
    assert AuditEvent.objects.filter(object_id=str(thb.pk), note="alternative label added").count() == 1
    assert thesaurus.match_concepts("la esclavitud moderna", "es")[thb.pk] == "esclavitud moderna"


@pytest.mark.parametrize("data,field", [({"language": "es", "text": "   "}, "text"),
                                        ({"language": "de", "text": "Menschenhandel"}, "language"),
                                        ({"language": "en", "text": "x" * 201}, "text"),
                                        ({"language": "en", "text": "!!! ???"}, "text")])
def test_bad_label_input_is_explained_and_changes_nothing(client, officer, thb, data, field):
    client.force_login(officer)
    before = ConceptLabel.objects.count()
    response = client.post(reverse("thesaurus:label_add", args=["thb"]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "There is a problem" in response.content.decode()
    assert ConceptLabel.objects.count() == before


def test_others_may_not_add_or_remove_labels(client, make_user, thb):
    label = thb.labels.get(language="en", text="THB")
    before = ConceptLabel.objects.count()
    for role in ("focal_point", "expert", "committee", "observer"):
        client.force_login(make_user(role))
        assert client.post(reverse("thesaurus:label_add", args=["thb"]), {"language": "en", "text": "x"}).status_code == 403
        assert client.post(reverse("thesaurus:label_remove", args=["thb", label.pk]), {"confirmed": "1"}).status_code == 403
    client.logout()
    assert client.post(reverse("thesaurus:label_add", args=["thb"]), {"language": "en", "text": "x"}).status_code == 302
    assert ConceptLabel.objects.count() == before


def test_removing_a_label_asks_for_confirmation_first(client, officer, thb):
    client.force_login(officer)
    label = thb.labels.get(language="en", text="THB")
    url = reverse("thesaurus:label_remove", args=["thb", label.pk])
    first = client.post(url)
    assert first.status_code == 200
    assert "Remove this alternative label?" in first.content.decode()
    assert ConceptLabel.objects.filter(pk=label.pk).exists()
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    assert not ConceptLabel.objects.filter(pk=label.pk).exists()
    again = client.post(url, {"confirmed": "1"})  # the confirmation posted twice
    assert again.status_code == 302
    row = AuditEvent.objects.get(object_id=str(thb.pk), note="alternative label removed")
    assert row.changes == {"alternative_label": ["THB (en)", None]}
    assert row.actor == officer
    assert thb.pk not in thesaurus.match_concepts("THB", "en")


def test_a_preferred_label_is_never_removed(client, officer, thb):
    client.force_login(officer)
    label = thb.labels.get(language="en", preferred=True)
    response = client.post(reverse("thesaurus:label_remove", args=["thb", label.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    assert ConceptLabel.objects.filter(pk=label.pk).exists()
    other = Concept.objects.get(code="diaspora").labels.filter(preferred=False).first()
    assert client.post(reverse("thesaurus:label_remove", args=["thb", other.pk]), {"confirmed": "1"}).status_code == 404
    assert ConceptLabel.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_hostile_label_text_is_shown_as_text(client, officer, thb, lang):
    client.force_login(officer)
    thesaurus.concept_label_add(concept=thb, language="ru", text=HOSTILE, by=officer)
    for url in (reverse("thesaurus:detail", args=["thb"]), reverse("thesaurus:list") + "?q=%3Cscript"):
        html = _get(client, url, lang).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html or url.endswith("script")
        assert "{{ 7|add:1 }}" in html or url.endswith("script")
    removal = client.post(reverse("thesaurus:label_remove",
                                  args=["thb", thb.labels.get(text=HOSTILE).pk])).content.decode()
    assert "<script>alert" not in removal


def test_the_api_lists_concepts_with_labels_and_links(client, thb):
    response = client.get("/api/v1/thesaurus/concepts", {"limit": 200})
    assert response.status_code == 200
    body = response.json()
    by_code = {c["code"]: c for c in body["items"]}
    assert body["count"] == Concept.objects.count()
    assert by_code["thb"]["labels"]["es"]["preferred"] == "trata de personas"
    assert "THB" in by_code["thb"]["labels"]["en"]["alternative"]
    assert by_code["thb"]["broader"] == ["irregular_thb"]
    assert "victim_identification" in by_code["thb"]["narrower"]
    assert by_code["irregular_thb"]["theme"] == "irregular_thb"

    one = client.get("/api/v1/thesaurus/concepts/thb", HTTP_ACCEPT_LANGUAGE="ru")
    assert one.status_code == 200
    assert one.json()["label"] == "торговля людьми"
    assert one.json()["labels"]["ru"]["preferred"] == "торговля людьми"
    assert client.get("/api/v1/thesaurus/concepts/nothing-here").status_code == 404


def _more_concepts(n):
    parent = Concept.objects.get(code="thb")
    for i in range(n):
        concept = Concept.objects.create(code=f"extra-{i}")
        concept.broader.add(parent)
        ConceptLabel.objects.create(concept=concept, language="en", text=f"Extra concept {i}", preferred=True)
        ConceptLabel.objects.create(concept=concept, language="ru", text=f"Понятие {i}", preferred=True)


@pytest.mark.parametrize("url,query", [("thesaurus:list", {}), ("thesaurus:list", {"q": "trafficking"}),
                                       ("thesaurus:detail", None)])
def test_the_pages_read_as_many_queries_whatever_the_size(client, officer, thb, url, query):
    client.force_login(officer)
    target = reverse(url, args=["thb"]) if query is None else reverse(url)
    small, response = count_queries(lambda: client.get(target, query or {}))
    assert response.status_code == 200
    _more_concepts(30)
    large, response = count_queries(lambda: client.get(target, query or {}))
    assert response.status_code == 200
    assert_flat(small, large)


def test_the_api_list_reads_as_many_queries_whatever_the_size(client, thb):
    small, _r = count_queries(lambda: client.get("/api/v1/thesaurus/concepts", {"limit": 200}))
    _more_concepts(30)
    large, response = count_queries(lambda: client.get("/api/v1/thesaurus/concepts", {"limit": 200}))
    assert response.json()["count"] == Concept.objects.count()
    assert_flat(small, large)


@pytest.mark.parametrize("lang", ["en", "fr", "es", "pt", "ru"])
def test_no_code_is_shown_as_text(client, officer, thb, lang):


    from tests.test_no_raw_codes import findings, known_codes

    underscored, single = known_codes()
    underscored |= set(Concept.objects.filter(code__contains="_").values_list("code", flat=True))
    pattern = re.compile(r"(?<![\w./:@-])(?:" + "|".join(sorted(map(re.escape, underscored), key=len, reverse=True))
                         + r")(?![\w/-])")
    client.force_login(officer)
    for url in (reverse("thesaurus:list"), reverse("thesaurus:detail", args=["thb"]),
                reverse("thesaurus:detail", args=["irregular_thb"]), reverse("thesaurus:label_add", args=["thb"])):
        found, _links = findings(_get(client, url, lang).content.decode(), pattern, single)
        assert found == [], url
