"""The public page of an Action reads its countries, thematic areas, partners and activities as plain rows
(``portal.published_action_page``) instead of four prefetches of model instances, and writes the same HTML as
before, in the five languages, with hostile text.

Before, on the stress data: 34,000 Python calls for a page with two countries and nine activities (the prefetches
were a third of them); now 23,000.
"""

import datetime
import re

import pytest
from django.urls import reverse

from pontis.actions.models import Action, ActionPartner, Activity
from pontis.core.models import ActivityType, Country, Region
from pontis.knowledge import portal
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .portal_factories import publish_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & « \"Gestion\" » {{ x }} {% y %} \u202edir\u200b"
D = datetime.date
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')

pytestmark = pytest.mark.django_db


def _page_before(user, slug):
    """``published_action_page`` as the page read it before: the publication with its Action's countries, thematic
    areas, partners and activities prefetched as model instances (``published_action_for``)."""
    published, new_slug = portal.published_action_for(user, slug)
    if published is not None:
        action = published.action
        published.partners = list(action.partners.all()) if published.show_partners else []
        published.activities = list(action.activities.all()) if published.show_activities else []
    return published, new_slug


def _hostile_action(officer, *, show_partners=True, show_activities=True, countries=("CV", "SN", "FR")):
    institution = InstitutionFactory(acronym="D&G<M>", name={"en": HOSTILE, "ru": "Министерство"},
                                     country=Country.objects.get(code="SN"))
    focal = user_with_role("focal_point", institution=institution)
    pa = publish_action(officer, institution=institution, focal_point=focal, countries=countries,
                        themes=("legal", "mad"), title={"fr": HOSTILE, "ru": "Семинар \u202e"},
                        summary={"en": HOSTILE, "es": "Resumen"}, results={"pt": HOSTILE},
                        region=Region.objects.exclude(code="global").first(),
                        show_partners=show_partners, show_activities=show_activities)
    action = pa.action
    ActionPartner.objects.create(action=action, institution=InstitutionFactory(acronym="", country=None,
                                                                                name={"es": HOSTILE}))
    kind = ActivityType.objects.first()
    ActivityType.objects.filter(pk=kind.pk).update(name={"fr": HOSTILE, "en": "Type"})
    made = [
        dict(online=True, place="", start_date=D(2024, 5, 1), end_date=D(2024, 5, 1)),
        dict(place=HOSTILE, country=Country.objects.get(code="CV"), start_date=D(2024, 4, 1), end_date=D(2024, 4, 3)),
        dict(place="", country=Country.objects.get(code="SN"), start_date=None, end_date=None),
        dict(place="", start_date=D(2024, 4, 1), end_date=None),
        dict(place="Place-of-a-cancelled-one", start_date=D(2024, 3, 1), status=Activity.Status.CANCELLED),
    ]
    for n, values in enumerate(made, start=10):
        Activity.objects.create(action=action, sequence=n, type=kind, title={"en": f"Activity {n}"}, **values)
    return pa


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reader", ["anon", "officer"])
def test_the_page_from_rows_is_the_page_from_prefetched_instances(client, officer, monkeypatch, language, reader):
    shown = _hostile_action(officer)
    hidden = _hostile_action(officer, show_partners=False, show_activities=False, countries=("CV",))
    unpublished = _hostile_action(officer, countries=("MA",))
    Action.countries.through.objects.filter(action_id=unpublished.action_id).delete()
    Action.objects.filter(pk=unpublished.action_id).update(region=None, start_date=None)
    portal.published_action_unpublish(published=unpublished, by=officer)
    if reader == "officer":
        client.force_login(officer)
    for pa in (shown, hidden, unpublished):
        url = reverse("portal:action", args=[pa.slug]) + f"?lang={language}"
        now = client.get(url)
        with monkeypatch.context() as patched:
            patched.setattr(portal, "published_action_page", _page_before)
            before = client.get(url)
        assert now.status_code == before.status_code
        if now.status_code == 200:
            html = VOLATILE.sub(r"\1", now.content.decode())
            assert html == VOLATILE.sub(r"\1", before.content.decode())
            assert "<script>alert" not in html
    page = client.get(reverse("portal:action", args=[shown.slug]) + f"?lang={language}").content.decode()
    # A head, the two workshops of its fiche and four of the five added (not the cancelled one).
    assert "&lt;script&gt;" in page and "Place-of-a-cancelled-one" not in page and page.count("<tr>") == 7


def test_the_rows_follow_the_prefetches_order_and_agreement(officer):
    pa = _hostile_action(officer)
    published, _slug = portal.published_action_page(user_with_role("observer"), pa.slug)
    before, _slug = _page_before(user_with_role("observer"), pa.slug)
    assert [str(p.institution) for p in published.partners] == [str(p.institution) for p in before.partners]
    assert [p.institution.country and p.institution.country.label for p in published.partners] == [
        p.institution.country and p.institution.country.label for p in before.partners]
    assert [(a.start_date, a.end_date, a.place, a.online) for a in published.activities] == [
        (a.start_date, a.end_date, a.place, a.online) for a in before.activities]
    assert [c.code for c in published.action.countries.all()] == ["CV", "FR", "SN"]
    assert [t.code for t in published.action.themes.all()] == [t.code for t in before.action.themes.all()]
    assert portal.action_scope(published.action) == portal.action_scope(before.action) == "regional"
    withheld = _hostile_action(officer, show_partners=False, show_activities=False)
    published, _slug = portal.published_action_page(user_with_role("observer"), withheld.slug)
    assert published.partners == [] and published.activities == []


def test_old_slugs_and_hidden_publications_answer_as_before(officer):
    pa = _hostile_action(officer)
    hidden = _hostile_action(officer)
    portal.published_action_unpublish(published=hidden, by=officer)
    old_slug = pa.slug
    portal.published_action_save(action=pa.action, by=officer, slug="a-new-name", summary=pa.summary,
                                 results=pa.results, partner_agreed_by=pa.partner_agreed_by,
                                 partner_agreed_on=pa.partner_agreed_on)
    anon = user_with_role("observer")
    assert portal.published_action_page(anon, old_slug) == (None, "a-new-name")
    for slug in ("no-such-action", hidden.slug, old_slug, "a-new-name"):
        now, before = portal.published_action_page(anon, slug), _page_before(anon, slug)
        assert (now[0] and now[0].pk, now[1]) == (before[0] and before[0].pk, before[1])


def test_the_page_reads_the_same_queries_whatever_it_lists(client, officer):
    small = publish_action(officer, countries=("CV",))
    large = _hostile_action(officer)
    for n in range(6):
        Activity.objects.create(action=large.action, sequence=40 + n, type=ActivityType.objects.first(),
                                start_date=D(2024, 6, 1 + n), place=f"Place {n}")
    counts = [count_queries(lambda pa=pa: client.get(reverse("portal:action", args=[pa.slug])))[0]
              for pa in (small, large)]
    assert_flat(*counts)
