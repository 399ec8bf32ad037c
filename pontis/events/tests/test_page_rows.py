"""Rows of the meeting, panel and registration pages written in Python (issue 10, fourth round): each is compared
with the template markup it replaced, in the five languages, with hostile text."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import translation

from pontis.events import services
from pontis.events.models import Meeting
from pontis.events.selectors.materials import material_grouped, materials_for_page
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> & \"{{ x }}\""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TOKEN = "tok<en>&1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


OLD_MATERIALS = """{% load i18n pontis static %}<link rel="stylesheet" href="{% static 'pontis/css/materials.css' %}">
<section class="card materials" aria-labelledby="materials-title">
  <div class="materials__head">
    <h2 id="materials-title">{% translate "Presentations and documents" %}</h2>
    {% if may_add_material %}<a class="button" href="{% url 'events:materials_upload' meeting.slug %}">{% translate "Add a material" %}</a>{% endif %}
  </div>
  {% if may_set_access %}<p class="small"><a href="{% url 'events:materials_meeting_access' meeting.slug %}">{% translate "Who may see this meeting" %}</a> · {{ meeting.get_access_display }}{% if meeting.widened_at %} · {% translate "opened wider than its panel (confirmed)" %}{% endif %}</p>{% endif %}
  {% for session, contribution, rows in material_groups %}
    <h3 class="materials__group">{% if contribution %}{{ contribution }}{% elif session %}{{ session }}{% else %}{% translate "The meeting as a whole" %}{% endif %}</h3>
    <ul class="materials__list">
      {% for row in rows %}{% with m=row.material %}
      <li class="materials__item{% if not row.can_open %} materials__item--restricted{% endif %}">
        {% if row.can_open %}
          <a href="{% url 'events:materials_download' m.pk %}">{% tr m.title %}</a>
          <span class="small muted">{{ m.get_kind_display }} · {{ m.size|filesizeformat }}</span>
          {% if may_set_access %}
            <span class="tag">{{ m.get_access_display }}</span>
            <span class="materials__actions small">
              <a href="{% url 'events:materials_edit' m.pk %}">{% translate "Change" %}<span class="visually-hidden"> {% tr m.title %}</span></a>
              <a href="{% url 'events:materials_access' m.pk %}">{% translate "Who may open it" %}<span class="visually-hidden"> {% tr m.title %}</span></a>
              <form method="post" action="{% url 'events:materials_delete' m.pk %}" class="inline-form">{% csrf_token %}<button type="submit" class="link-button link-button--danger">{% translate "Delete" %}<span class="visually-hidden"> {% tr m.title %}</span></button></form>
            </span>
          {% endif %}
        {% else %}
          <span>{% tr m.title %}</span>
          <span class="tag tag--restricted">{% translate "Restricted" %}</span>
        {% endif %}
      </li>
      {% endwith %}{% endfor %}
    </ul>
  {% empty %}
    <p class="muted">{% translate "No presentations or documents yet." %}</p>
  {% endfor %}
  {% if has_restricted %}
  <div class="materials__restricted-note" role="note">
    <p>{% if meeting.restricted_reason %}{{ meeting.restricted_reason }}{% else %}{% translate "Some items are open only to some participants." %}{% endif %}</p>
    {% if meeting.restricted_contact %}<p>{% blocktranslate with who=meeting.restricted_contact %}To ask for access: {{ who }}.{% endblocktranslate %}</p>{% endif %}
  </div>
  {% endif %}
</section>
"""


def _materials_meeting(officer):
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(restricted_display="list", restricted_contact=HOSTILE)
    meeting.refresh_from_db()
    first = services.session_create(meeting=meeting, by=None, title={"fr": HOSTILE}, day=meeting.start_date, number=1)
    second = services.session_create(meeting=meeting, by=None, title={"en": "Second"}, day=meeting.end_date)
    talk = services.contribution_create(session=first, by=None, speaker_name=HOSTILE, title={"ru": "Доклад <1>"})

    def add(title, size=1, **extra):
        upload = SimpleUploadedFile("slides.pdf", PDF * size, content_type="application/pdf")
        return services.material_create(meeting=meeting, title=title, upload=upload, by=officer, **extra)

    add({"en": HOSTILE, "fr": "Ouverture"}, kind="document")
    add({"es": "Sólo <es>"}, size=900, session=first)
    add("Plain", session=second, access="members")
    add({"en": "Talk"}, contribution=talk, kind="presentation")
    add({"pt": "Restrito"}, contribution=talk, access="roles", access_roles=["admin"])
    return meeting


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_materials_tag_writes_what_the_materials_loops_wrote(language):
    officer = user_with_role("officer")
    meeting = _materials_meeting(officer)
    new = get_template("events/materials_section.html").template
    old = Template(OLD_MATERIALS)
    seen = []
    with translation.override(language):
        for user, may_set_access in ((officer, True), (user_with_role("observer"), False), (AnonymousUser(), False)):
            rows = materials_for_page(user, meeting)
            for token in (TOKEN, "NOTPROVIDED", ""):
                context = {"meeting": meeting, "material_groups": material_grouped(rows), "csrf_token": token,
                           "has_restricted": any(not r.can_open for r in rows), "may_add_material": may_set_access,
                           "may_set_access": may_set_access}
                written = new.render(Context(context))
                assert written == old.render(Context(context))
                seen.append(written)
        empty = {"meeting": meeting, "material_groups": [], "may_set_access": True, "csrf_token": TOKEN}
        assert new.render(Context(empty)) == old.render(Context(empty))
    staff, anonymous = seen[0], seen[-1]
    assert staff.count('class="materials__item"') == 5 and "tok&lt;en&gt;&amp;1" in staff
    assert "materials__item--restricted" in anonymous and "<script>" not in staff + anonymous


OLD_PANEL_PARTS = """{% load i18n %}<ul class="panel-countries">
  {% for m in members %}<li>{{ m.country }}{% if may_change %}
    <form method="post" action="{% url 'panels:member_remove' panel.slug m.pk %}" class="inline">{% csrf_token %}<button class="link-button" type="submit">{% translate "Remove" %}<span class="visually-hidden"> {{ m.country }}</span></button></form>{% endif %}</li>
  {% empty %}<li>{% translate "No member country yet." %}</li>{% endfor %}
  </ul>
    <tbody>
    {% for d in delegates %}
      <tr{% if not d.is_active %} class="muted"{% endif %}><td>{{ d.country }}</td><td>{{ d.name }}{% if not d.is_active %} <span class="status">{% translate "Former" %}</span>{% endif %}</td><td>{{ d.get_role_display }}</td><td>{{ d.institution }}</td>
      {% if may_change %}<td>{% if d.is_active %}<form method="post" action="{% url 'panels:delegate_remove' panel.slug d.pk %}">{% csrf_token %}<button class="link-button" type="submit">{% translate "Remove" %}<span class="visually-hidden"> {{ d.name }}</span></button></form>{% endif %}</td>{% endif %}</tr>
    {% empty %}<tr><td colspan="{% if may_change %}5{% else %}4{% endif %}">{% translate "No delegate yet." %}</td></tr>{% endfor %}
    </tbody>
<select name="country">{% for c in offer_countries %}<option value="{{ c.pk }}">{{ c }}</option>{% endfor %}</select>
<select name="country">{% for c in offer_countries %}<option value="{{ c.pk }}">{{ c }}</option>{% endfor %}</select>"""

NEW_PANEL_PARTS = """{% load i18n events_options %}<ul class="panel-countries">
  {% if members %}{% panel_member_items members panel may_change %}{% else %}<li>{% translate "No member country yet." %}</li>{% endif %}
  </ul>
    <tbody>
    {% if delegates %}{% panel_delegate_rows delegates panel may_change %}{% else %}<tr><td colspan="{% if may_change %}5{% else %}4{% endif %}">{% translate "No delegate yet." %}</td></tr>{% endif %}
    </tbody>
{% if offer_countries %}{% country_options offer_countries as offer_options %}{% endif %}<select name="country">{{ offer_options }}</select>
<select name="country">{{ offer_options }}</select>"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_tags_write_what_the_member_delegate_and_country_loops_wrote(language):
    from pontis.core.models import Country
    from pontis.events.models import PanelDelegate
    from pontis.events.selectors.panels import panel_page
    from pontis.events.tests.test_panels_services import make_panel

    officer = user_with_role("officer")
    panel, _programme, _by, _lt = make_panel(members=("BY", "LT", "PL", "GE"))
    Country.objects.filter(code="GE").update(name={"en": HOSTILE, "fr": "Géorgie <fr>"})
    services.delegate_add(panel=panel, by=None, country=Country.objects.get(code="GE"), name=HOSTILE,
                          institution="Ministry <& Co>", role=PanelDelegate.Role.ALTERNATE)
    gone = services.delegate_add(panel=panel, by=None, country=Country.objects.get(code="PL"), name="Gone O'Neil")
    services.delegate_remove(delegate=gone, by=officer)
    seen = []
    with translation.override(language):
        for may_change in (True, False):
            page = panel_page(officer, panel)
            countries = [m.country for m in page["members"]]
            for token in (TOKEN, ""):
                context = {**page, "panel": panel, "may_change": may_change, "csrf_token": token,
                           "offer_countries": countries}
                written = Template(NEW_PANEL_PARTS).render(Context(context))
                assert written == Template(OLD_PANEL_PARTS).render(Context(context))
                seen.append(written)
        empty = {"panel": panel, "may_change": True, "members": [], "delegates": [], "offer_countries": [],
                 "csrf_token": TOKEN}
        assert Template(NEW_PANEL_PARTS).render(Context(empty)) == Template(OLD_PANEL_PARTS).render(Context(empty))
    staff = seen[0]
    assert staff.count("<li>") == 4 and staff.count("<tr") == 4 and staff.count("<option") == 8
    assert 'class="muted"' in staff and "<script>" not in "".join(seen) and "tok&lt;en&gt;&amp;1" in staff


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panels_kept_programme_form_is_what_the_form_writes_with_a_fresh_key(language):
    import re

    from pontis.events.forms_panels import ProgrammeForm, programme_form_html

    with translation.override(language):
        first, second = programme_form_html(), programme_form_html()
        fresh = str(ProgrammeForm(auto_id="programme-%s"))
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1) for html in (first, second, fresh)]
    assert len(set(keys)) == 3 and "0" * 32 not in keys
    assert first.replace(keys[0], "KEY") == second.replace(keys[1], "KEY") == fresh.replace(keys[2], "KEY")


OLD_OFFERS = """{% load i18n %}<ul class="panel-offers">
          {% for offer in topic.visible_offers %}
          <li>{{ offer.country }} <span class="status {% if offer.status == 'confirmed' %}status--ok{% elif offer.status == 'offered' %}status--warn{% endif %}">{{ offer.get_status_display }}</span>{% if offer.note and signed_in %} <span class="small">{{ offer.note }}</span>{% endif %}
            {% if offer.status == 'offered' and may_change %}
              <form method="post" action="{% url 'panels:offer_confirm' panel.slug offer.pk %}" class="inline">{% csrf_token %}<button class="link-button" type="submit">{% translate "Confirm" %}<span class="visually-hidden"> {{ offer.country }}</span></button></form>
              <form method="post" action="{% url 'panels:offer_decline' panel.slug offer.pk %}" class="inline">{% csrf_token %}<button class="link-button" type="submit">{% translate "Decline" %}<span class="visually-hidden"> {{ offer.country }}</span></button></form>
            {% endif %}
            {% if offer.status == 'offered' or offer.status == 'confirmed' %}{% if offer.country in offer_countries %}
              <form method="post" action="{% url 'panels:offer_withdraw' panel.slug offer.pk %}" class="inline">{% csrf_token %}<button class="link-button" type="submit">{% translate "Withdraw" %}<span class="visually-hidden"> {{ offer.country }}</span></button></form>
            {% endif %}{% endif %}
          </li>
          {% empty %}{% if signed_in %}<li class="muted">{% translate "No offer to host yet." %}</li>{% endif %}
          {% endfor %}
        </ul>"""

NEW_OFFERS = """{% load i18n events_options %}<ul class="panel-offers">
          {% if topic.visible_offers %}{% topic_offer_items topic.visible_offers panel may_change signed_in offer_countries %}{% else %}{% if signed_in %}<li class="muted">{% translate "No offer to host yet." %}</li>{% endif %}
          {% endif %}
        </ul>"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_offer_tag_writes_what_the_offers_loop_wrote(language):
    from pontis.core.models import Country
    from pontis.events.selectors.panels import panel_page
    from pontis.events.tests.test_panels_services import make_panel

    officer = user_with_role("officer")
    panel, programme, _by, _lt = make_panel(members=("BY", "LT", "PL", "GE"))
    topic = programme.topics.order_by("order").first()
    country = {code: Country.objects.get(code=code) for code in ("BY", "LT", "PL", "GE")}
    Country.objects.filter(code="GE").update(name={"en": HOSTILE, "ru": "Грузия <ru>"})
    offers = {code: services.host_offer_create(topic=topic, country=country[code], by=officer, note=note)
              for code, note in (("BY", HOSTILE), ("LT", ""), ("PL", "Late"), ("GE", "Ready"))}
    services.host_offer_confirm(offer=offers["LT"], by=officer)
    services.host_offer_decline(offer=offers["PL"], by=officer)
    services.host_offer_withdraw(offer=offers["GE"], by=officer)
    seen = []
    with translation.override(language):
        programmes = panel_page(officer, panel)["programmes"]
        topics = programmes[0].ordered_topics
        assert [len(t.visible_offers) for t in topics] == [4, 0]
        for may_change in (True, False):
            for signed_in in (True, False):
                for offer_countries in ([country["BY"], country["GE"], country["LT"]], [country["PL"]], []):
                    for shown in topics:
                        context = {"topic": shown, "panel": panel, "may_change": may_change, "signed_in": signed_in,
                                   "offer_countries": offer_countries, "csrf_token": TOKEN}
                        written = Template(NEW_OFFERS).render(Context(context))
                        assert written == Template(OLD_OFFERS).render(Context(context))
                        seen.append(written)
    staff = seen[0]
    assert staff.count("<li>") == 4 and staff.count("/confirm/") == 1 and staff.count("/withdraw/") == 2
    assert "<script>" not in "".join(seen) and "tok&lt;en&gt;&amp;1" in staff


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_pages_kept_forms_are_what_the_forms_write(language):
    from pontis.events.forms_panels import written_once
    from pontis.events.forms_registration import CapacityForm, InvitationForm

    with translation.override(language):
        for places in (None, 0, 40, 1200):
            kept = written_once(("capacity", places), lambda p=places: CapacityForm(initial={"capacity": p}))
            assert kept == str(CapacityForm(initial={"capacity": places}))
        assert written_once(("invitation",), InvitationForm) == str(InvitationForm())
        assert written_once(("capacity", 40), lambda: CapacityForm()) != str(CapacityForm())  # kept per value


def test_the_registration_page_writes_its_kept_forms_with_the_meetings_places(client):
    officer = user_with_role("officer")
    meeting = make_meeting(held=False)
    Meeting.objects.filter(pk=meeting.pk).update(registration="invitation", capacity=12)
    client.force_login(officer)
    html = client.get(f"/events/{meeting.slug}/registrations/").content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(capacity=None)
    again = client.get(f"/events/{meeting.slug}/registrations/").content.decode()
    assert 'name="capacity" value="12"' in html and 'name="capacity" value="12"' not in again
    assert 'name="email"' in html and 'name="seats"' in html


@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_the_meeting_page_costs_the_same_queries_with_more_materials_and_facts(client, who):
    from pontis.core.models import Country, Language, ThematicArea
    from tests.queries import assert_flat, count_queries

    officer = user_with_role("officer")
    meeting = _materials_meeting(officer)
    if who == "officer":
        client.force_login(officer)
    url = f"/events/{meeting.slug}/"
    small, _response = count_queries(lambda: client.get(url))

    session = meeting.sessions.order_by("id").first()
    talk = services.contribution_create(session=session, by=None, speaker_name="Another", title={"en": "More"})
    for i in range(4):
        upload = SimpleUploadedFile("more.pdf", PDF, content_type="application/pdf")
        services.material_create(meeting=meeting, title={"en": f"More {i}"}, upload=upload, by=officer,
                                 contribution=talk if i % 2 else None, session=None if i % 2 else session)
    countries = list(Country.objects.filter(code__in=["PE", "GE", "MD"]).order_by("code"))
    themes = sorted(ThematicArea.objects.order_by("code")[:3], key=lambda t: (t.sort_order, t.code))
    services.meeting_update(meeting=meeting, by=None, host_countries=[c.pk for c in countries],
                            languages=[lang.pk for lang in Language.objects.order_by("code")[:2]],
                            themes=[t.pk for t in themes])
    large, response = count_queries(lambda: client.get(url))

    assert_flat(small, large)
    html = response.content.decode()
    assert html.count('<li class="materials__item') == 9
    assert f"<dd>{', '.join(str(c) for c in countries)}</dd>" in html
    assert f"<dd>{', '.join(str(t) for t in themes)}</dd>" in html
