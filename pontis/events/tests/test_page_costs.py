"""What keeps the meeting pages cheap at scale, each asserted on results rather than on time: the registration
figures come from one read of the check-ins (and equal a count made row by row), the staff list does not join the
institutions, the panel page writes the same meeting options as before for every topic, and the meeting lists
have an index in their order."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from pontis.core.models import Country
from pontis.events import services
from pontis.events.api_agenda import _meeting as _api_meeting
from pontis.events.models import Attendance, Meeting, Registration, WorkProgrammeTopic
from pontis.events.selectors.registration import (
    attendance_figures,
    attendance_per_day,
    attendance_totals,
    country_names,
    registration_rows,
    registration_values_for,
    registrations_for,
)
from pontis.events.templatetags.events_options import meeting_choices, options
from pontis.events.tests.factories import make_meeting
from pontis.events.tests.test_panels_services import make_panel
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

PEOPLE = [  # (gender, institution, country, role, days present: offsets from the first day)
    ("woman", "Ministry of Interior", "BY", "Expert", (0, 1, 2)),
    ("woman", "Border Guard", "MD", "Director", (1,)),
    ("man", "Ministry of Interior", "BY", "Expert", (0, 2)),
    ("man", "Border Guard", "GE", "", (2,)),
    ("other", "Ministry of Justice", "MD", "Expert", (0,)),
    ("unstated", "Customs", "GE", "Analyst", (0, 1)),
    ("woman", "Ministry of Justice", "BY", "Expert", ()),  # registered, never present
]


def _meeting(days=3):
    meeting = make_meeting(held=False, start=timezone.localdate() + datetime.timedelta(days=20), days=days)
    Meeting.objects.filter(pk=meeting.pk).update(registration="open")
    meeting.refresh_from_db()
    return meeting


def _people(meeting, officer, people, prefix):
    for i, (gender, institution, country, role, days) in enumerate(people):
        registration, _ = services.registration_request(
            meeting=meeting,
            name=f"{prefix} {i}",
            email=f"{prefix}{i}@example.org",
            gender=gender,
            institution_name=institution,
            country=Country.objects.get(code=country),
            position=role,
        )
        services.registration_decide(registration=registration, by=officer, decision="approve")
        for offset in days:
            services.attendance_check_in(
                registration=registration, day=meeting.start_date + datetime.timedelta(days=offset), by=officer
            )


def _counted_row_by_row(meeting):
    """The figures counted one registration at a time, as a reader of the sheet would."""
    present = [r for r in Registration.objects.filter(meeting=meeting).select_related("country") if r.attendance.exists()]

    def ranked(values):
        return sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))

    by_gender = {g: sum(1 for r in present if r.gender == g) for g in Registration.Gender.values}
    totals = {
        "total": len(present),
        "by_gender": by_gender,
        "by_institution": ranked(r.institution_name for r in present),
        "by_country": ranked(str(r.country) for r in present),
        "by_role": ranked(r.position for r in present),
    }
    per_day = []
    for n in range(meeting.days()):
        day = meeting.start_date + datetime.timedelta(days=n)
        genders = {
            g: Attendance.objects.filter(registration__meeting=meeting, day=day, registration__gender=g).count()
            for g in Registration.Gender.values
        }
        per_day.append({"day": day, "total": sum(genders.values()), **genders})
    return totals, per_day


def test_the_attendance_figures_equal_a_count_made_row_by_row():
    officer = user_with_role("officer")
    meeting = _meeting()
    other = _meeting()
    _people(meeting, officer, PEOPLE, "p")
    _people(other, officer, PEOPLE[:2], "o")  # another meeting's people are not counted

    figures = attendance_figures(meeting)

    assert figures == _counted_row_by_row(meeting)
    assert figures == (attendance_totals(meeting), attendance_per_day(meeting))
    assert figures[0]["total"] == 6
    assert figures[0]["by_institution"] == [
        ("Border Guard", 2),
        ("Ministry of Interior", 2),
        ("Customs", 1),
        ("Ministry of Justice", 1),
    ]
    assert figures[0]["by_role"] == [("Expert", 3), ("", 1), ("Analyst", 1), ("Director", 1)]
    assert [row["total"] for row in figures[1]] == [4, 3, 3]


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_the_attendance_countries_are_those_present_named_in_the_readers_language(language):
    """A country only registered, or only another meeting's, is not counted; one query with people present,
    however many countries (the countries' names are read once per worker, language and reference-data version)."""
    officer = user_with_role("officer")
    meeting, other = _meeting(), _meeting()
    _people(meeting, officer, PEOPLE + [("man", "Customs", "PE", "Expert", ())], "p")  # Peru: registered only
    _people(other, officer, [("man", "Customs", "AM", "Expert", (0,))], "o")
    with translation.override(language):
        country_names()  # read once per worker, language and reference-data version
        with CaptureQueriesContext(connection) as queries:
            by_country = attendance_figures(meeting)[0]["by_country"]
        names = {code: str(Country.objects.get(code=code)) for code in ("BY", "MD", "GE")}
    assert len(queries) == 1
    assert by_country == sorted([(names["BY"], 2), (names["MD"], 2), (names["GE"], 2)],
                                key=lambda item: (-item[1], item[0]))


def test_the_attendance_figures_of_a_meeting_without_check_ins_are_zeros():
    meeting = _meeting(days=2)

    totals, per_day = attendance_figures(meeting)

    assert totals == {
        "total": 0,
        "by_gender": {"woman": 0, "man": 0, "other": 0, "unstated": 0},
        "by_institution": [],
        "by_country": [],
        "by_role": [],
    }
    assert [row["total"] for row in per_day] == [0, 0]


def test_the_attendance_figures_cost_the_same_queries_at_two_sizes():
    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, PEOPLE[:2], "s")
    country_names()  # read once per worker, language and reference-data version

    small, _ = count_queries(lambda: attendance_figures(meeting))
    _people(meeting, officer, PEOPLE * 3, "l")
    large, figures = count_queries(lambda: attendance_figures(meeting))

    assert_flat(small, large)
    assert small == 1  # the check-ins with their people; the countries' names are kept
    assert figures == _counted_row_by_row(meeting)


def test_the_staff_list_of_registrations_shows_the_given_institution_name_without_joining_institutions():
    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, PEOPLE[:2], "p")

    queryset = registrations_for(officer, meeting)

    assert "accounts_institution" not in str(queryset.query)
    assert [r.institution_name for r in queryset] == ["Ministry of Interior", "Border Guard"]


def test_the_registration_page_shows_the_figures(client):
    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, PEOPLE, "p")
    client.force_login(officer)

    page = client.get(reverse("events:registration_manage", args=[meeting.slug])).content.decode()

    assert "6 people present on at least one day." in page
    assert "<li>Ministry of Interior: 2</li>" in page
    assert f"<li>{Country.objects.get(code='BY')}: 2</li>" in page
    assert "<li>Expert: 3</li>" in page


# ---------------------------------------------------------------- the panel page's meeting options


def test_the_meeting_options_are_each_meetings_title_and_first_day_with_the_linked_one_selected():
    first = make_meeting(kind="panel_meeting", start=datetime.date(2019, 5, 6))
    second = make_meeting(kind="panel_meeting", start=datetime.date(2020, 1, 2))
    Meeting.objects.filter(pk=second.pk).update(title={"fr": "Réunion <deux>"})  # no English title: a fallback
    second.refresh_from_db()

    html = options(meeting_choices([first, second]), second.pk)

    assert html == (
        f'<option value="{first.pk}">{first.title["en"]} (2019-05-06)</option>'
        f'<option value="{second.pk}" selected><span lang="fr">Réunion &lt;deux&gt;</span> '
        '<span class="fallback-note">(in French)</span> (2020-01-02)</option>'
    )
    assert options(meeting_choices([first]), None) == f'<option value="{first.pk}">{first.title["en"]} (2019-05-06)</option>'


def test_the_panel_page_offers_every_topic_the_panels_meetings_once_each(client):
    panel, programme, _by, _lt = make_panel(topics=3)
    meetings = [make_meeting(kind="panel_meeting", start=datetime.date(2016, 1, 1 + i)) for i in range(4)]
    for meeting in meetings:
        services.meeting_update(meeting=meeting, by=None, panel=panel)
    topic = programme.topics.get(order=2)
    WorkProgrammeTopic.objects.filter(pk=topic.pk).update(meeting=meetings[1])
    client.force_login(user_with_role("officer"))

    page = client.get(reverse("panels:detail", args=[panel.slug])).content.decode()

    for t in programme.topics.all():
        select = page.split(f'<select id="link-meeting-{t.pk}" name="meeting">')[1].split("</select>")[0]
        assert [select.count(f'<option value="{m.pk}"') for m in meetings] == [1, 1, 1, 1]
        assert select.count(" selected") == (1 if t.pk == topic.pk else 0)
    assert f'<option value="{meetings[1].pk}" selected>Meeting' in page


# ---------------------------------------------------------------- the meeting lists' order


def test_the_meeting_lists_have_an_index_in_their_order():
    indexes = {index.name: index.fields for index in Meeting._meta.indexes}

    assert indexes["meeting_newest_first"] == ["-start_date", "slug"]
    assert Meeting._meta.ordering == ["-start_date", "slug"]


# ---------------------------------------------------------------- rows written by tags instead of includes

LANGUAGES = ["en", "fr", "es", "pt", "ru"]


def _varied_meetings():
    return [
        make_meeting(days=1, country="TH"),
        make_meeting(days=3, country="MD", is_public=False),
        make_meeting(kind="online_consultation", days=2, country=None, start=datetime.date(2021, 12, 30)),
        make_meeting(kind="panel_meeting", days=2, country="PE", held=False),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_meeting_tags_write_what_the_includes_and_url_tag_wrote(language):
    """The dates, place and address of a meeting, and its coded fields' labels, as ``_dates.html``,
    ``_place.html``, ``{% url %}`` and ``get_FOO_display`` give them, in each language."""
    old = Template(
        "{% for meeting in meetings %}{% include 'events/_dates.html' %}|{% include 'events/_place.html' %}"
        "|{% url 'events:detail' meeting.slug %}|{{ meeting.get_kind_display }}|{{ meeting.get_status_display }}"
        "|{{ meeting.get_access_display }}¶{% endfor %}"
    )
    new = Template(
        "{% load events_options %}{% for meeting in meetings %}{% meeting_dates meeting %}|{% meeting_place meeting %}"
        '|{% meeting_url meeting %}|{{ meeting|choice_label:"kind" }}|{{ meeting|choice_label:"status" }}'
        '|{{ meeting|choice_label:"access" }}¶{% endfor %}'
    )
    meetings = list(Meeting.objects.select_related("country").order_by("pk")) if _varied_meetings() else []

    with translation.override(language):
        written = new.render(Context({"meetings": meetings}))
        assert written == old.render(Context({"meetings": meetings})).replace("\n", "")
    assert written.count("¶") == 4 and "<time datetime=" in written


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_labels_are_those_of_get_display(language):
    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, PEOPLE, "p")
    label = Template('{% load events_options %}{{ r|choice_label:"gender" }}/{{ r|choice_label:"status" }}')

    with translation.override(language):
        for registration in Registration.objects.filter(meeting=meeting):
            written = label.render(Context({"r": registration}))
            assert written == f"{registration.get_gender_display()}/{registration.get_status_display()}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_labels_of_a_meeting_are_those_of_get_display(language):
    meetings = _varied_meetings()
    Meeting.objects.filter(pk=meetings[0].pk).update(status="cancelled")

    with translation.override(language):
        for meeting in Meeting.objects.select_related("country", "region", "panel").order_by("pk"):
            row = _api_meeting(meeting)
            assert (row["kind_label"], row["status_label"]) == (
                str(meeting.get_kind_display()),
                str(meeting.get_status_display()),
            )


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_the_meeting_list_costs_the_same_queries_whatever_its_length(client, who):
    if who == "officer":
        client.force_login(user_with_role("officer"))
    url = reverse("events:list")
    for _i in range(2):
        _varied_meetings()

    small, _response = count_queries(lambda: client.get(url))
    for _i in range(4):
        _varied_meetings()
    large, response = count_queries(lambda: client.get(url))

    assert_flat(small, large)
    shown = response.context["page"].object_list
    html = response.content.decode()
    assert len(shown) == (18 if who == "anonymous" else 20)  # the 18 public ones; a page of 20 for staff
    for meeting in shown:
        assert f'<a href="/events/{meeting.slug}/">' in html


def test_the_staff_list_of_registrations_costs_the_same_queries_whatever_its_length(client):
    officer = user_with_role("officer")
    meeting = _meeting()
    client.force_login(officer)
    url = reverse("events:registration_manage", args=[meeting.slug])
    _people(meeting, officer, PEOPLE[:2], "s")

    small, _response = count_queries(lambda: client.get(url))
    _people(meeting, officer, PEOPLE * 2, "l")
    large, response = count_queries(lambda: client.get(url))

    assert_flat(small, large)
    html = response.content.decode()
    assert html.count('name="registration" value="') == 2 + len(PEOPLE) * 2
    assert html.count(">Approve</button>") == 0  # every one approved: nothing left to decide


# ---------------------------------------------------------------- rows written in Python instead of template loops
# Each template below is the markup the page's template held before its rows were written by a tag; the tag must
# write the same HTML, character for character, in every language.

OLD_AGENDA = """{% load i18n pontis %}{% for day, sessions in agenda %}
    <h3>{% blocktranslate with n=forloop.counter %}Day {{ n }}{% endblocktranslate %} – <time datetime="{{ day|date:'Y-m-d' }}">{{ day|day }}</time></h3>
    <ol class="agenda">
    {% for session in sessions %}
      <li class="agenda__session">
        <h4>{% if session.number %}{% blocktranslate with n=session.number %}Session {{ n }}{% endblocktranslate %}: {% endif %}{% tr session.title %}</h4>
        {% if session.starts_at %}<p class="small muted"><time datetime="{{ session.day|date:'Y-m-d' }}T{{ session.starts_at|time:'H:i' }}">{{ session.starts_at|time:"H:i" }}</time>{% if session.ends_at %}–<time datetime="{{ session.day|date:'Y-m-d' }}T{{ session.ends_at|time:'H:i' }}">{{ session.ends_at|time:"H:i" }}</time>{% endif %} ({{ meeting.time_zone }})</p>{% endif %}
        {% if session.moderator and show_people %}<p><strong>{% translate "Moderator:" %}</strong> {{ session.moderator }}</p>{% endif %}
        {% with contributions=session.contributions.all %}{% if contributions %}
        <ul>
          {% for c in contributions %}
          <li>{% if show_people %}<strong>{{ c.speaker_name }}</strong>{% if c.speaker_role %}, {{ c.speaker_role }}{% endif %}{% else %}<strong>{% translate "Speaker" %}</strong>{% endif %}{% if c.country %} ({{ c.country }}){% endif %}{% if c.title %}: <cite>{% tr c.title %}</cite>{% endif %}</li>
          {% endfor %}
        </ul>
        {% endif %}{% endwith %}
        {% if session.summary %}<div class="prose">{% tr session.summary as session_summary %}{{ session_summary|linebreaks }}</div>{% endif %}
        {% with notes=session.discussion.all %}{% if notes %}
        <details class="agenda__discussion">
          <summary>{% blocktranslate count n=notes|length %}Discussion: {{ n }} question{% plural %}Discussion: {{ n }} questions{% endblocktranslate %}</summary>
          <dl>
          {% for note in notes %}
            <dt>{% if note.country %}{{ note.country }}{% if show_people and note.asked_by %}, {% endif %}{% endif %}{% if show_people %}{{ note.asked_by }}{% endif %}</dt>
            <dd><p>{{ note.question }}</p>{% if note.answer %}<p><strong>{% translate "Answer:" %}</strong> {% if show_people and note.answered_by %}{{ note.answered_by }}: {% endif %}{{ note.answer }}</p>{% endif %}</dd>
          {% endfor %}
          </dl>
        </details>
        {% endif %}{% endwith %}
      </li>
    {% endfor %}
    </ol>
  {% empty %}
    <p class="muted">{% translate "The agenda has not been published yet." %}</p>
  {% endfor %}"""

NEW_AGENDA = """{% load i18n events_agenda %}{% if agenda %}{% agenda_days agenda meeting show_people %}{% else %}
    <p class="muted">{% translate "The agenda has not been published yet." %}</p>
  {% endif %}"""


def _varied_agenda():
    """Two days: sessions with and without number, times, moderator, summary (one only in French: a fallback),
    speakers with and without role, country and title, and a discussion with and without answers; hostile text."""
    meeting = make_meeting(days=2, start=datetime.date(2022, 3, 7))
    Meeting.objects.filter(pk=meeting.pk).update(time_zone="Europe/Paris")
    meeting.refresh_from_db()
    peru, georgia = Country.objects.get(code="PE"), Country.objects.get(code="GE")
    first = services.session_create(
        meeting=meeting, by=None, title={"en": "Opening <b>&</b>", "ru": "Открытие"}, day=meeting.start_date,
        kind="opening", starts_at=datetime.time(9, 0), moderator="Ms <Moderator>",
        summary={"fr": "Ligne un\n\nLigne <deux> & trois"})
    services.contribution_create(session=first, by=None, speaker_name="Dr \"Quote\" O'Neil", speaker_role="Ministry & Co",
                                 country=peru, title={"en": "Talk <one>"})
    services.contribution_create(session=first, by=None, speaker_name="Plain Speaker")
    services.note_create(session=first, by=None, question="Why <not>?", asked_by="Delegate & co", country=georgia,
                         answer="Because.", answered_by="Chair")
    services.note_create(session=first, by=None, question="And then?")
    services.note_create(session=first, by=None, question="Who?", asked_by="Someone", answer="Nobody")
    second = services.session_create(
        meeting=meeting, by=None, title={"es": "Sesión <dos>"}, day=meeting.start_date, number=2,
        starts_at=datetime.time(14, 30), ends_at=datetime.time(16, 5), summary={"en": "One line"})
    services.contribution_create(session=second, by=None, speaker_name="Speaker Two", country=georgia)
    services.note_create(session=second, by=None, question="Only one", country=peru)
    services.session_create(meeting=meeting, by=None, title={"en": "Day two"}, day=meeting.end_date, number=3)
    return meeting


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agenda_tag_writes_what_the_agenda_loops_wrote(language):
    from pontis.events.selectors import meeting_agenda

    meeting = _varied_agenda()
    agenda = meeting_agenda(meeting)
    assert [len(sessions) for _day, sessions in agenda] == [2, 1]

    with translation.override(language):
        for show_people in (True, False):
            context = {"agenda": agenda, "meeting": meeting, "show_people": show_people}
            written = Template(NEW_AGENDA).render(Context(context))
            assert written == Template(OLD_AGENDA).render(Context(context))
        empty = {"agenda": [], "meeting": meeting, "show_people": True}
        assert Template(NEW_AGENDA).render(Context(empty)) == Template(OLD_AGENDA).render(Context(empty))
    assert "Ms &lt;Moderator&gt;" not in written and "Plain Speaker" not in written  # nobody named without people
    assert "Why &lt;not&gt;?" in written and "<b>" not in written


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agenda_read_as_values_writes_what_the_loops_wrote_with_the_models(language):
    """The meeting's page reads its agenda as values (``meeting_agenda_rows``): the tag writes from them what the
    template's loops wrote from the model instances, with and without people, hostile text included."""
    from pontis.events.selectors import meeting_agenda, meeting_agenda_rows

    meeting = _varied_agenda()
    with translation.override(language):  # the countries' names are read in the reader's language
        rows, agenda = meeting_agenda_rows(meeting), meeting_agenda(meeting)
        assert [len(sessions) for _day, sessions in rows] == [2, 1]
        for show_people in (True, False):
            written = Template(NEW_AGENDA).render(Context({"agenda": rows, "meeting": meeting,
                                                           "show_people": show_people}))
            old = Template(OLD_AGENDA).render(Context({"agenda": agenda, "meeting": meeting,
                                                       "show_people": show_people}))
            assert written == old
    assert "Dr &quot;Quote&quot; O&#x27;Neil" not in written and "Why &lt;not&gt;?" in written


def test_the_agenda_as_values_costs_what_the_prefetch_cost():
    """One query without sessions, three with them (sessions, speakers, notes), however many rows."""
    from pontis.events.selectors import meeting_agenda, meeting_agenda_rows

    empty = make_meeting()
    with CaptureQueriesContext(connection) as rows_queries:
        assert meeting_agenda_rows(empty) == []
    with CaptureQueriesContext(connection) as prefetch_queries:
        assert meeting_agenda(empty) == []
    assert len(rows_queries) == len(prefetch_queries) == 1
    meeting = _varied_agenda()
    with CaptureQueriesContext(connection) as rows_queries:
        meeting_agenda_rows(meeting)
    with CaptureQueriesContext(connection) as prefetch_queries:
        meeting_agenda(meeting)
    assert len(rows_queries) == len(prefetch_queries) == 3


HOSTILE_TEXT = "<a href='x'>&\"</a>"


@pytest.mark.parametrize("value", ["plain", HOSTILE_TEXT, "", 7, 1.5, None,
                                   "already <b>safe</b>", "lazy"])
def test_the_rows_escape_is_what_conditional_escape_writes(value):
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from pontis.core.i18n import translate
    from pontis.events.templatetags.events_options import _escape

    if value == "already <b>safe</b>":
        value = mark_safe(value)  # noqa: S308 - a constant of the test
    elif value == "lazy":
        value = gettext_lazy("Speaker")
    assert str(_escape(value)) == str(conditional_escape(value))
    fallback = translate({"fr": f"{value} <b>"}, "en")  # a Translated text (a str), not marked safe
    assert str(_escape(fallback)) == str(conditional_escape(fallback)) and "&lt;b&gt;" in _escape(fallback)
    assert str(_escape(HOSTILE_TEXT)) == "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;&lt;/a&gt;"


OLD_REGISTRATION_ROWS = """{% load i18n l10n pontis events_options %}{% translate "Approve" as approve_label %}{% translate "Wait-list" as waitlist_label %}{% translate "Reject" as reject_label %}{% localize off %}{% for r in page.object_list %}<tr>
<td><input type="checkbox" name="registration" value="{{ r.pk }}" id="sel-{{ r.pk }}" aria-label="{% blocktranslate with name=r.name %}Select {{ name }}{% endblocktranslate %}"></td>
<td>{{ r.name }}<br><span class="small">{{ r.email }}{% if r.position %} · {{ r.position }}{% endif %}</span></td>
<td>{{ r.institution_name }}</td><td>{{ r.country }}</td><td>{{ r|choice_label:"gender" }}</td>
<td><span class="status registration-status registration-status--{{ r.status }}">{{ r|choice_label:"status" }}</span></td>
<td>{% for a in r.attendance.all %}{{ a.day|day }}{% if not forloop.last %}, {% endif %}{% empty %}–{% endfor %}</td>
<td class="registration-decide">{% if r.status == 'pending' or r.status == 'waitlisted' %}{% url 'events:registration_decide' meeting.slug r.pk as decide_url %}
<button class="button button--small" type="submit" name="decision" value="approve" formaction="{{ decide_url }}">{{ approve_label }}</button>
{% if r.status == 'pending' %}<button class="button button--small button--secondary" type="submit" name="decision" value="waitlist" formaction="{{ decide_url }}">{{ waitlist_label }}</button>{% endif %}
<button class="button button--small button--danger" type="submit" name="decision" value="reject" formaction="{{ decide_url }}">{{ reject_label }}</button>{% endif %}</td>
</tr>{% empty %}<tr><td colspan="8">{% translate "No registration yet." %}</td></tr>{% endfor %}{% endlocalize %}"""

NEW_REGISTRATION_ROWS = """{% load i18n events_options %}{% if rows %}{% registration_rows rows meeting %}{% else %}<tr><td colspan="8">{% translate "No registration yet." %}</td></tr>{% endif %}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_rows_tag_writes_what_the_rows_loop_wrote(language):
    from django.core.paginator import Paginator

    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, PEOPLE[:3], "<b>O'Hara & co</b>")
    for i, status in enumerate(["pending", "pending", "pending"]):
        registration, _ = services.registration_request(
            meeting=meeting, name=f"Waiting \"{i}\"", email=f"w{i}@example.org", gender="man",
            institution_name="Customs <HQ>", country=Country.objects.get(code="GE"), position="")
        assert registration.status == status
    waiting = Registration.objects.filter(meeting=meeting, status="pending").order_by("pk")
    services.registration_decide(registration=waiting[0], by=officer, decision="waitlist")
    services.registration_decide(registration=waiting[1], by=officer, decision="reject")

    with translation.override(language):
        page = Paginator(registrations_for(officer, meeting), 50).get_page(1)
        values = Paginator(registration_values_for(officer, meeting), 50).get_page(1)
        context = {"page": page, "meeting": meeting}
        written = Template(NEW_REGISTRATION_ROWS).render(Context(
            {"rows": registration_rows(values.object_list), "meeting": meeting}))
        assert written == Template(OLD_REGISTRATION_ROWS).render(Context(context))
        empty = {"page": Paginator(Registration.objects.none(), 50).get_page(1), "meeting": meeting}
        assert Template(NEW_REGISTRATION_ROWS).render(Context({"rows": [], "meeting": meeting})) == Template(
            OLD_REGISTRATION_ROWS).render(Context(empty))
    assert written.count("<tr>") == 6 and written.count('value="approve"') == 2 and written.count('value="waitlist"') == 1
    assert "&lt;b&gt;O&#x27;Hara &amp; co&lt;/b&gt;" in written


OLD_FIGURES = """{% load i18n %}<ul>{% for name, n in totals.by_institution %}<li>{{ name }}: {{ n }}</li>{% empty %}<li>–</li>{% endfor %}</ul><ul>{% for code, n in totals.by_country %}<li>{{ code }}: {{ n }}</li>{% empty %}<li>–</li>{% endfor %}</ul><ul>{% for name, n in totals.by_role %}<li>{{ name|default:_("Not given") }}: {{ n }}</li>{% empty %}<li>–</li>{% endfor %}</ul>"""

NEW_FIGURES = """{% load i18n events_options %}<ul>{% counted_items totals.by_institution %}</ul><ul>{% counted_items totals.by_country %}</ul><ul>{% counted_items totals.by_role _("Not given") %}</ul>"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figure_lists_are_written_as_the_loops_wrote_them(language):
    officer = user_with_role("officer")
    meeting = _meeting()
    _people(meeting, officer, [*PEOPLE, ("man", "Police <&> Co", "GE", "", (0,))], "p")

    with translation.override(language):
        totals, _per_day = attendance_figures(meeting)
        written = Template(NEW_FIGURES).render(Context({"totals": totals}))
        assert written == Template(OLD_FIGURES).render(Context({"totals": totals}))
        empty = {"totals": {"by_institution": [], "by_country": [], "by_role": []}}
        assert Template(NEW_FIGURES).render(Context(empty)) == Template(OLD_FIGURES).render(Context(empty))
    assert "Police &lt;&amp;&gt; Co: 1" in written and written.count("<li>") == 12


OLD_PANEL_MEETINGS = """{% load i18n pontis events_options %}<ul>
  {% for m in meetings %}
    <li><a href="{% meeting_url m %}">{% tr m.title %}</a> – {% meeting_dates m %}{% with hosts=m.host_countries.all %}{% if hosts %} · {% translate "Hosted by" %} {{ hosts|join:", " }}{% endif %}{% endwith %}</li>
  {% empty %}<li>{% translate "No meeting to show." %}</li>{% endfor %}
  </ul>"""

NEW_PANEL_MEETINGS = """{% load i18n events_options %}<ul>
  {% if meetings %}{% panel_meeting_items meetings %}{% else %}<li>{% translate "No meeting to show." %}</li>{% endif %}
  </ul>"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_meetings_are_written_as_the_loop_wrote_them(language):
    from pontis.events.selectors.meetings import meeting_hosts
    from pontis.events.selectors.panels import panel_meeting_rows, panel_meetings_for

    officer = user_with_role("officer")
    panel, _programme, _by, _lt = make_panel()
    codes = ["PE", "GE", "MD"]
    for i in range(4):
        meeting = make_meeting(kind="panel_meeting", start=datetime.date(2016, 1, 1 + i), days=1 + i % 2)
        hosts = [Country.objects.get(code=code).pk for code in codes[:i]]
        services.meeting_update(meeting=meeting, by=None, panel=panel, host_countries=hosts)
    Meeting.objects.filter(pk=meeting.pk).update(title={"ru": "Встреча <четыре>"})

    with translation.override(language):
        old = list(Meeting.objects.filter(panel=panel).prefetch_related("host_countries").order_by("-start_date", "slug"))
        new = meeting_hosts(panel_meetings_for(officer, panel))
        written = Template(NEW_PANEL_MEETINGS).render(Context({"meetings": new}))
        assert written == Template(OLD_PANEL_MEETINGS).render(Context({"meetings": old}))
        # The panel's page reads them as values: the same markup from its rows.
        with CaptureQueriesContext(connection) as queries:
            rows = panel_meeting_rows(officer, panel)
        assert len(queries) == 2
        assert Template(NEW_PANEL_MEETINGS).render(Context({"meetings": rows})) == written
        assert [(r.pk, r.slug, r.title, r.start_date, r.end_date, r.host_codes, r.host_names) for r in rows] == [
            (m.pk, m.slug, m.title, m.start_date, m.end_date, m.host_codes, m.host_names) for m in new]
        assert Template(NEW_PANEL_MEETINGS).render(Context({"meetings": []})) == Template(OLD_PANEL_MEETINGS).render(
            Context({"meetings": []}))
        assert [m.host_codes for m in new] == [sorted(codes[:i]) for i in (3, 2, 1, 0)]
    assert written.count("<li>") == 4 and "&lt;четыре&gt;" in written


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_forms_selects_are_those_django_wrote(language):
    """The delegate's country and role and the programme's language are written in Python; the same elements,
    attributes and options as Django's select templates wrote (white space between options aside)."""
    from django import forms as django_forms
    from django.test.html import parse_html

    from pontis.events.forms_panels import DelegateForm, ProgrammeForm

    countries = list(Country.objects.filter(code__in=["PE", "GE", "MD"]))
    with translation.override(language):
        for form, name in [(DelegateForm(countries=countries, auto_id="delegate-%s"), "country"),
                           (DelegateForm(countries=countries, auto_id="delegate-%s"), "role"),
                           (DelegateForm({"country": str(countries[1].pk), "role": "alternate"}, countries=countries),
                            "country"),
                           (DelegateForm({"role": "alternate"}, countries=countries), "role"),
                           (ProgrammeForm(auto_id="programme-%s"), "language")]:
            field = form[name]
            django_select = django_forms.Select(choices=field.field.widget.choices)
            expected = field.as_widget(widget=django_select)
            assert parse_html(str(field)) == parse_html(expected)
            assert "<option" in str(field)


def test_the_api_lists_give_each_meetings_host_countries_from_one_read(client):
    """The host countries of a page of meetings are read once for the page (``meeting_hosts``), the same codes
    as each meeting's ``host_countries``."""
    meetings = _varied_meetings()
    meetings[0].host_countries.set(Country.objects.filter(code__in=["PL", "BY", "LT"]))
    meetings[2].host_countries.set(Country.objects.filter(code__in=["GE"]))
    expected = {m.slug: sorted(m.host_countries.values_list("code", flat=True)) for m in Meeting.objects.all()}
    client.force_login(user_with_role("officer"))

    for url in ("/api/v1/meetings", "/api/v1/events"):
        rows = client.get(url).json()["items"]
        assert {row["slug"]: row["host_countries"] for row in rows} == expected
    assert expected[meetings[0].slug] == ["BY", "LT", "PL"] and expected[meetings[1].slug] == []


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_the_meeting_page_reads_its_minutes_with_the_meeting(client, who):
    """Minutes or none, the page costs the same queries: they come in the meeting's own query."""
    from pontis.events.services.minutes import minutes_publish, minutes_save

    officer = user_with_role("officer")
    without, published = make_meeting(), make_meeting()
    minutes = minutes_save(meeting=published, by=officer, executive_summary={"en": "Short"}, body={"en": "Long"})
    minutes_publish(minutes=minutes, by=officer)
    if who == "officer":
        client.force_login(officer)

    small, response = count_queries(lambda: client.get(reverse("events:detail", args=[without.slug])))
    html = response.content.decode()
    assert ("minutes-link-title" in html) is (who == "officer")  # staff are offered to write them
    large, response = count_queries(lambda: client.get(reverse("events:detail", args=[published.slug])))

    assert_flat(small, large)
    assert reverse("events:minutes", args=[published.slug]) in response.content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("events:detail", args=[published.slug]))
    assert not [q for q in captured.captured_queries if q["sql"].startswith('SELECT "events_minutes"')]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_pages_kept_empty_forms_are_what_the_forms_write(language):
    """Staff's empty member and delegate forms are written once per language and member countries, the same
    HTML as a new form writes; renaming a country (reference data) writes them again."""
    from pontis.core.forms import bump_reference_version
    from pontis.events.forms_panels import DelegateForm, MemberForm, written_once

    countries = list(Country.objects.filter(code__in=["PE", "GE"]).order_by("code"))
    key = ("delegate", *sorted(c.pk for c in countries))

    def delegate():
        return DelegateForm(countries=countries, auto_id="delegate-%s")

    with translation.override(language):
        for _i in range(2):
            assert written_once(("member",), lambda: MemberForm(auto_id="member-%s")) == str(
                MemberForm(auto_id="member-%s"))
            assert written_once(key, delegate) == str(delegate())
        peru = countries[1]
        peru.name = {**peru.name, language: "Peru <renamed>"}
        peru.save()
        try:
            assert "Peru &lt;renamed&gt;" in written_once(key, delegate)
        finally:
            bump_reference_version()  # the test's renaming is rolled back: nothing written with it may stay
