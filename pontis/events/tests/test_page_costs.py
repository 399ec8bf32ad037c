"""What keeps the meeting pages cheap at scale, each asserted on results rather than on time: the registration
figures come from one read of the check-ins (and equal a count made row by row), the staff list does not join the
institutions, the panel page writes the same meeting options as before for every topic, and the meeting lists
have an index in their order."""

import datetime
from collections import Counter

import pytest
from django.template import Context, Template
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

    small, _ = count_queries(lambda: attendance_figures(meeting))
    _people(meeting, officer, PEOPLE * 3, "l")
    large, figures = count_queries(lambda: attendance_figures(meeting))

    assert_flat(small, large)
    assert small == 2  # the check-ins with their people, then the countries' names
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
