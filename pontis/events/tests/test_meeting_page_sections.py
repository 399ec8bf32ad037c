"""The meeting's page with its materials, minutes, registration and history sections written by tags and its
meeting and materials read with statements compiled once per worker: the same HTML as the templates they replaced
(kept under ``kept/meeting_pages_before``) for every sort of visitor, in the five languages, with hostile text and
materials of every level; the same meeting and materials as the querysets they replaced, decided by the same
protection rules."""

import copy
import datetime
import re

import pytest
from django.conf import settings
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pontis.events.models import Material, Meeting, Minutes
from pontis.events.protection import Visitor
from pontis.events.selectors.materials import _RELATED, materials_for_page, meeting_get_for
from pontis.events.selectors.meeting_statements import forget_kept_statements
from pontis.events.selectors.meetings import meeting_page_get, meeting_page_queryset
from pontis.events.visitor import SESSION_KEY
from tests.factories import user_with_role

from .factories import make_agenda
from .protection_world import build_world

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> {{ danger }} {% now %} \"quoted\" & 'single' \u202eRTL\u202c zero\u200bwidth"
BEFORE = settings.BASE_DIR / "pontis" / "events" / "tests" / "kept" / "meeting_pages_before"
_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')
# The meetings of the world the pages are compared on: (in a panel, level)
PAGES = [(False, "members"), (False, "public"), (True, "registered"), (False, "roles")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _before_templates():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [BEFORE, *templates[0]["DIRS"]]
    return templates


def _world():
    """The protection world, its meetings given hostile texts, minutes at every stage (and none), a registration
    open or by invitation, an agenda with materials on its sessions and speakers, and every visitor besides."""
    world = build_world()
    meetings = world["meetings"]
    soon = timezone.localdate() + datetime.timedelta(days=20)
    first = meetings[(False, "members")]
    Meeting.objects.filter(pk=first.pk).update(
        title={"en": "Title " + HOSTILE, "fr": "Titre " + HOSTILE}, restricted_display="list",
        restricted_reason=HOSTILE, restricted_contact=HOSTILE, registration=Meeting.Registration.OPEN,
        status=Meeting.Status.PLANNED, start_date=soon, end_date=soon,
        registration_closes_at=timezone.now() + datetime.timedelta(days=10))
    Meeting.objects.filter(pk=meetings[(False, "public")].pk).update(
        widened_at=timezone.now(), restricted_display="hide", registration=Meeting.Registration.INVITATION,
        status=Meeting.Status.PLANNED, start_date=soon, end_date=soon)
    Meeting.objects.filter(pk=meetings[(True, "registered")].pk).update(restricted_display="list",
                                                                       registration=Meeting.Registration.OPEN)
    for key, status in (((False, "members"), "published"), ((False, "public"), "draft"),
                        ((True, "registered"), "consultation")):
        Minutes.objects.create(meeting=meetings[key], status=status, body={"en": HOSTILE})
    for key in meetings:
        meetings[key] = Meeting.objects.get(pk=meetings[key].pk)
    for key in PAGES[:3]:
        meeting = meetings[key]
        sessions = make_agenda(meeting, sessions=2, contributions=1)
        talk = sessions[1].contributions.first()
        Material.objects.filter(meeting=meeting, access="inherit").update(session=sessions[0],
                                                                          title={"en": HOSTILE, "ru": "Доклад"})
        Material.objects.filter(meeting=meeting, access="members").update(contribution=talk)
    visitors = world["visitors"]
    for role in ("focal_point", "expert", "observer"):
        visitors[role] = (user_with_role(role), ())
    return world


def _page(client, user, reg_ids, url, language, templates=None):
    client.logout()
    client.cookies["django_language"] = language
    if getattr(user, "is_authenticated", False):
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
    if reg_ids:
        session = client.session
        session[SESSION_KEY] = list(reg_ids)
        session.save()
    if templates:
        with override_settings(TEMPLATES=templates):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    else:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, _TOKENS.sub(r"\1…", response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_visitor_sees_the_page_its_templates_wrote(client, language):
    world = _world()
    shown = set()
    for who, (user, reg_ids) in world["visitors"].items():
        for key in PAGES:
            url = reverse("events:detail", args=[world["meetings"][key].slug])
            now = _page(client, user, reg_ids, url, language)
            before = _page(client, user, reg_ids, url, language, _before_templates())
            assert now == before, (who, key)
            if now[0] == 200:
                shown.add((who, key))
                assert "<script>alert" not in now[1]
    # The comparisons saw the sections in their several states.
    assert ("staff", (False, "members")) in shown and ("anonymous", (False, "public")) in shown
    assert ("registered_link", (True, "registered")) in shown and ("anonymous", (False, "members")) not in shown
    assert ("role_holder", (False, "roles")) in shown and ("focal_point", (False, "members")) in shown


def test_the_compared_pages_hold_what_the_sections_write(client):
    world = _world()
    meeting = world["meetings"][(False, "members")]
    url = reverse("events:detail", args=[meeting.slug])
    staff = _page(client, *world["visitors"]["staff"], url, "en")[1]
    member = _page(client, *world["visitors"]["non_member"], url, "en")[1]
    public = _page(client, *world["visitors"]["anonymous"],
                   reverse("events:detail", args=[world["meetings"][(False, "public")].slug]), "en")[1]
    assert "&lt;script&gt;" in staff and reverse("events:minutes_report", args=[meeting.slug]) in member
    assert "materials__item--restricted" in member and "To ask for access:" in member
    assert "History" in staff and 'id="history-title"' not in member
    assert "Registration closes on" in member and reverse("events:registration_manage", args=[meeting.slug]) in staff
    assert "minutes-link-title" not in public and "Registration is by invitation only" in public


def test_the_meeting_for_its_page_is_the_one_the_protection_rules_give_every_visitor():
    world = _world()
    forget_kept_statements()
    for _twice in (1, 2):
        for who, (user, reg_ids) in world["visitors"].items():
            for meeting in world["meetings"].values():
                try:
                    expected = meeting_get_for(user, meeting_page_queryset(), slug=meeting.slug,
                                               registration_ids=reg_ids)
                except Http404:
                    expected = None
                try:
                    found = meeting_page_get(user, meeting.slug, reg_ids)
                except Http404:
                    found = None
                assert (found and found.pk) == (expected and expected.pk), (who, meeting.slug)
                if found:
                    assert found.__dict__.keys() == expected.__dict__.keys()
                    assert [getattr(found, f.attname) for f in Meeting._meta.concrete_fields] == [
                        getattr(expected, f.attname) for f in Meeting._meta.concrete_fields]
            with pytest.raises(Http404):
                meeting_page_get(user, "no-such-meeting", reg_ids)


def test_a_visitors_remembered_registrations_are_theirs_not_the_last_visitors():
    world = _world()
    meeting = world["meetings"][(False, "registered")]
    _user, links = world["visitors"]["registered_link"]
    _user, withdrawn = world["visitors"]["withdrawn_link"]
    assert len(links) == len(withdrawn)  # the same shape of visitor: the same kept statement
    assert meeting_page_get(None, meeting.slug, links).pk == meeting.pk
    with pytest.raises(Http404):
        meeting_page_get(None, meeting.slug, withdrawn)
    assert meeting_page_get(None, meeting.slug, links).pk == meeting.pk


def _materials_by_queryset(user, meeting, reg_ids):
    who = Visitor(user, reg_ids)
    rows = []
    for material in (Material.objects.filter(meeting=meeting).select_related(*_RELATED)
                     .order_by("session__day", "session__order", "contribution__order", "uploaded_at", "id")):
        can_open = who.can_open_material(material, meeting)
        if can_open or meeting.restricted_display == "list":
            rows.append((material.pk, can_open, material.title, material.kind, material.size, material.access,
                         material.session_id, material.contribution_id, str(material.session),
                         str(material.contribution), str(material.contribution.session) if material.contribution
                         else None))
    return rows


def test_the_materials_of_the_page_are_the_querysets_decided_by_the_same_rules():
    world = _world()
    forget_kept_statements()
    for who, (user, reg_ids) in world["visitors"].items():
        for meeting in world["meetings"].values():
            found = [(row.material.pk, row.can_open, row.material.title, row.material.kind, row.material.size,
                      row.material.access, row.material.session_id, row.material.contribution_id,
                      str(row.material.session), str(row.material.contribution),
                      str(row.material.contribution.session) if row.material.contribution else None)
                     for row in materials_for_page(user, meeting, reg_ids)]
            assert found == _materials_by_queryset(user, meeting, reg_ids), (who, meeting.slug)
    assert any(row[1] is False for meeting in world["meetings"].values()
               for row in _materials_by_queryset(world["visitors"]["anonymous"][0], meeting, ()))
