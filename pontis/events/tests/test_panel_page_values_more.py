"""A panel's page read as values and its work programmes written in Python (``selectors.panel_page``,
``templatetags.events_panel_page``): the whole page is compared with the page the model-instance reads and the
template loops wrote (``kept/panel_detail_before_values.html``, rendered by the former view below), in the five
languages, with hostile text, for staff, a delegate, another signed-in reader and an anonymous one."""

import datetime
import pathlib
import re

import pytest
from django.db import connection
from django.http import Http404
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pontis.core.models import Country
from pontis.core.permissions import can
from pontis.events import forms_panels as forms
from pontis.events import services
from pontis.events.models import Meeting, Panel, PanelDelegate, WorkProgramme
from pontis.events.selectors import panels as selectors
from pontis.events.tests.factories import make_meeting
from pontis.events.tests.test_panels_services import make_panel
from tests.factories import InstitutionFactory, user_with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> & \"{{ x }}\" {pk} \u202eRTL\u200b"
KEPT = pathlib.Path(__file__).parent / "kept" / "panel_detail_before_values.html"


def old_panel_page(request, slug) -> str:
    """The panel's page as the view wrote it before its rows were read as values (model instances, the template's
    loops over programmes, topics and meeting options)."""
    panel = selectors.panel_get_for(request.user, slug)
    context = selectors.panel_page(request.user, panel)
    may_change = can(request.user, "change", panel)
    offer_countries = selectors.offer_countries_for(request.user, panel, members=context["members"])
    context.update({
        "panel": panel, "may_change": may_change, "offer_countries": offer_countries,
        "may_offer": bool(offer_countries), "signed_in": request.user.is_authenticated,
        "noindex": panel.access != "public",
    })
    if may_change:
        countries = [m.country for m in context["members"]]
        context.update({
            "member_form": forms.MemberForm(auto_id="member-%s"),
            "delegate_form": forms.DelegateForm(countries=countries, auto_id="delegate-%s"),
            "programme_form": forms.ProgrammeForm(auto_id="programme-%s"),
            "link_meetings": selectors.panel_meeting_choices(panel),
        })
    return engines["django"].from_string(KEPT.read_text()).render(context, request)


def normalised(page: str) -> str:
    """The page without what changes on every request: CSRF tokens and one-time keys."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="CSRF"', page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": "CSRF"', page)
    return re.sub(r'name="idempotency_key" value="[0-9a-f]{32}"', 'name="idempotency_key" value="KEY"', page)


def _hostile_panel():
    officer = user_with_role("officer")
    panel, programme, by_user, _lt = make_panel(members=("BY", "LT", "PL", "GE"), topics=3)
    Panel.objects.filter(pk=panel.pk).update(name={"en": HOSTILE, "ru": "Панель <ru>"}, description={"fr": HOSTILE})
    Country.objects.filter(code="GE").update(name={"en": HOSTILE, "ru": "Грузия <ru>"})
    Country.objects.filter(code="PL").update(name={"fr": "Pologne {{ x }}"})
    services.delegate_add(panel=panel, by=None, country=Country.objects.get(code="GE"), name=HOSTILE,
                          institution="Ministry <& Co>", role=PanelDelegate.Role.ALTERNATE)
    gone = services.delegate_add(panel=panel, by=None, country=Country.objects.get(code="PL"), name="Gone O'Neil")
    services.delegate_remove(delegate=gone, by=officer)
    meetings = []
    for i in range(4):
        meeting = make_meeting(kind="panel_meeting", start=datetime.date(2016, 1, 1 + i), days=1 + i % 2)
        hosts = [Country.objects.get(code=code).pk for code in ("GE", "PL")[:i]]
        services.meeting_update(meeting=meeting, by=None, panel=panel, host_countries=hosts)
        meetings.append(meeting)
    Meeting.objects.filter(pk=meetings[1].pk).update(title={"ru": HOSTILE})
    loose = make_meeting(kind="panel_meeting", start=datetime.date(2015, 6, 1))  # no panel yet: may be linked
    Meeting.objects.filter(pk=loose.pk).update(title={"en": "Loose <b>", "pt": HOSTILE})
    loose.host_countries.set([Country.objects.get(code="BY")])  # its hosts are not the panel's meetings' hosts
    topics = list(programme.topics.order_by("order"))
    services.topic_link_meeting(topic=topics[0], meeting=meetings[1], by=officer)
    topics[1].title = {"en": HOSTILE, "es": "Tema <es>"}
    topics[1].save(update_fields=["title"])
    country = {code: Country.objects.get(code=code) for code in ("BY", "LT", "PL", "GE")}
    offers = {code: services.host_offer_create(topic=topics[0], country=country[code], by=officer, note=note)
              for code, note in (("BY", HOSTILE), ("LT", ""), ("PL", "Late"), ("GE", "Ready"))}
    services.host_offer_confirm(offer=offers["LT"], by=officer)
    services.host_offer_decline(offer=offers["PL"], by=officer)
    services.host_offer_withdraw(offer=offers["GE"], by=officer)
    services.host_offer_create(topic=topics[2], country=country["GE"], by=officer, note=HOSTILE)
    adopted = services.programme_create(panel=panel, by=None, year=2019, topics=[{"en": "Adopted <topic>"}])
    WorkProgramme.objects.filter(pk=adopted.pk).update(status="adopted", notes={"en": f"Line one\n\n{HOSTILE}\nend"},
                                                       presented_at=meetings[2])
    bare = services.programme_create(panel=panel, by=None, year=2021, topics=[{"en": "Gone"}])
    bare.topics.all().delete()  # a programme whose topics were removed
    return panel, officer, by_user


def _focal_point(country_code, panel=None):
    """A focal point of ``country_code``'s institution; a delegate of ``panel`` for it when given."""
    country = Country.objects.get(code=country_code)
    user = user_with_role("focal_point", institution=InstitutionFactory(country=country))
    if panel is not None:
        services.delegate_add(panel=panel, by=None, country=country, name=f"Focal {country_code}", user=user)
    return user


def _same_pages(client, panel, readers, language) -> list:
    """Each reader's page (None: anonymous) as the view writes it, required to be the former page; or None for a
    reader who may not see the panel (404, as before)."""
    url = reverse("panels:detail", args=[panel.slug])
    pages = []
    for reader in readers:
        client.logout()
        if reader is not None:
            client.force_login(reader)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        request = response.wsgi_request
        if response.status_code == 404:
            with pytest.raises(Http404):
                old_panel_page(request, panel.slug)
            pages.append(None)
            continue
        assert response.status_code == 200
        with translation.override(request.LANGUAGE_CODE):
            new = normalised(response.content.decode())
            assert new == normalised(old_panel_page(request, panel.slug)), (reader, language)
        pages.append(new)
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_page_from_values_is_the_page_the_loops_wrote(client, language):
    panel, officer, delegate = _hostile_panel()
    readers = [officer, delegate, user_with_role("observer"), None]
    url = reverse("panels:detail", args=[panel.slug])
    pages = []
    for reader in readers:
        client.logout()
        if reader is not None:
            client.force_login(reader)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        request = response.wsgi_request
        with translation.override(request.LANGUAGE_CODE):
            new = normalised(response.content.decode())
            assert new == normalised(old_panel_page(request, panel.slug))
        pages.append(new)
    staff, delegates, other, anonymous = pages
    assert staff.count('name="meeting"') == 4 and staff.count("<option") >= 4 * 5
    assert staff.count("/adopt/") == 2 and "selected>" in staff and "/withdraw/" in delegates
    assert 'name="topic"' in delegates and 'name="topic"' not in other + anonymous
    assert "<script>" not in "".join(pages) and "&lt;script&gt;" in staff


def test_a_panel_without_programmes_says_so_as_before(client):
    officer = user_with_role("officer")
    panel = services.panel_create(by=None, slug="bare-panel", name={"en": "Bare"}, access="public")
    client.force_login(officer)
    response = client.get(reverse("panels:detail", args=[panel.slug]))
    page = normalised(response.content.decode())
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert page == normalised(old_panel_page(response.wsgi_request, panel.slug))
    assert "<p>No work programme yet.</p>" in page


def test_the_panel_page_reads_the_same_queries_however_many_rows(client):
    panel, officer, _delegate = _hostile_panel()
    client.force_login(officer)
    url = reverse("panels:detail", args=[panel.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    programme = services.programme_create(panel=panel, by=None, year=2023,
                                          topics=[{"en": f"More {i}"} for i in range(6)])
    for topic in programme.topics.all():
        services.host_offer_create(topic=topic, country=Country.objects.get(code="BY"), by=officer, note="n")
    for _i in range(5):
        services.meeting_update(meeting=make_meeting(kind="panel_meeting"), by=None, panel=panel)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reader_reads_the_page_they_read_before(client, language):
    # Staff, a focal point who is a delegate of a member country, a focal point of another country, an expert, an
    # observer and an anonymous reader: the same page as before, and what each may see only for them.
    panel, officer, _delegate = _hostile_panel()
    member, other = _focal_point("GE", panel), _focal_point("CV")
    readers = [officer, member, other, user_with_role("expert"), user_with_role("observer"), None]
    staff, delegate, foreign, expert, observer, anonymous = _same_pages(client, panel, readers, language)
    assert 'name="meeting"' in staff and 'name="meeting"' not in delegate + foreign + expert + observer + anonymous
    assert 'name="topic"' in delegate and 'name="topic"' not in foreign + expert + observer + anonymous
    assert "Focal GE" in staff + delegate and "Focal GE" not in anonymous
    assert "<script>" not in staff + delegate + foreign + expert + observer + anonymous


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_members_panel_is_shown_only_to_whom_it_was(client, language):
    panel, officer, delegate = _hostile_panel()
    Panel.objects.filter(pk=panel.pk).update(access="members")
    Meeting.objects.filter(panel=panel).update(access="members")
    member, other = _focal_point("GE", panel), _focal_point("CV")
    readers = [officer, delegate, member, other, user_with_role("observer"), None]
    pages = _same_pages(client, panel, readers, language)
    assert [page is None for page in pages] == [False, False, False, True, True, True]


def test_a_bare_panel_reads_as_before_for_every_reader(client):
    # No member country, delegate, meeting or programme: the panel's row is read alone.
    officer = user_with_role("officer")
    panel = services.panel_create(by=None, slug="bare-panel", name={"en": HOSTILE}, access="public")
    for language in LANGUAGES:
        pages = _same_pages(client, panel, [officer, _focal_point("CV"), None], language)
        assert all("No member country yet." in page or language != "en" for page in pages)


def test_a_missing_panel_answers_404_for_every_reader(client):
    officer = user_with_role("officer")
    for reader in (officer, user_with_role("observer"), None):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        assert client.get(reverse("panels:detail", args=["no-such-panel"])).status_code == 404
