"""The IATI activity builder and identifiers: one <iati-activity> per Action, in the schema's order, that passes the
three layers of checks; identifiers minted once and never changed or reused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from lxml import etree

from pontis.actions.models import Action, ActionPartner, Activity, Deliverable
from pontis.core.models import ActivityType, Country, DeliverableType, Region, SDGTarget, ThematicArea
from pontis.knowledge.models import LibraryFile, LibraryItem, PublishedAction, Visibility
from pontis.reports.iati import builder, identifiers
from pontis.reports.iati.validate import validate_activity
from pontis.reports.models import IatiIdentifier
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TODAY = datetime.date(2026, 11, 30)


def make_action(code="2016-01", *, countries=("MX",), themes=("protection",), published=True, status="completed",
                start=datetime.date(2016, 4, 18), end=datetime.date(2017, 11, 30), launched=datetime.date(2016, 4, 18),
                closed=datetime.date(2017, 11, 30), summary=None, region=None, title=None) -> Action:
    action = Action.objects.create(
        code=code, title=title or {"en": f"Action {code}", "es": f"Acción {code}"}, status=status,
        start_date=start, end_date=end, launched_on=launched, closed_on=closed if status == "completed" else None,
        region=Region.objects.get(code=region) if region else None)
    action.countries.set(Country.objects.filter(code__in=countries))
    action.themes.set(ThematicArea.objects.filter(code__in=themes))
    PublishedAction.objects.create(action=action, slug=f"action-{code}", is_published=published,
                                   summary=summary if summary is not None else {"en": "What the Action did."},
                                   partner_agreed_by="The partner", partner_agreed_on=datetime.date(2018, 1, 1))
    return action


def build(action, *, withdrawn=False, last_updated=None):
    (source,) = builder.load([action.pk], withdrawn_ids=frozenset([action.pk]) if withdrawn else frozenset())
    return builder.build_activity(source, last_updated=last_updated, today=TODAY)


def test_a_full_activity_in_the_schema_order_passes_the_three_layers(settings):
    settings.PONTIS_SITE_URL = "https://pontis.example"
    action = make_action(countries=("MX", "GT", "HN"), themes=("protection", "legal"))
    action.sdg_targets.set(SDGTarget.objects.filter(code="10.7"))
    partner = InstitutionFactory(name={"en": "Mexican Commission for Refugee Assistance"})
    ActionPartner.objects.create(action=action, institution=partner)
    sop = DeliverableType.objects.first()
    Deliverable.objects.create(action=action, type=sop, title={"en": "Asylum SOP", "fr": "PON asile"},
                               status=Deliverable.Status.ADOPTED)
    Deliverable.objects.create(action=action, type=sop, title={"en": "Draft guide"}, status=Deliverable.Status.DRAFTED)
    Activity.objects.create(action=action, type=ActivityType.objects.first(), status=Activity.Status.REPORTED,
                            start_date=datetime.date(2016, 5, 2), end_date=datetime.date(2016, 5, 4),
                            participants_women=12, participants_men=14, participants_other=1)
    public = LibraryItem.objects.create(kind=LibraryItem.Kind.SHARED_DELIVERABLE, slug="asylum-sop",
                                        status=LibraryItem.Status.PUBLISHED, visibility=Visibility.PUBLIC,
                                        title={"en": "Asylum SOP"})
    public.actions.add(action)
    staff_only = LibraryItem.objects.create(kind=LibraryItem.Kind.SHARED_DELIVERABLE, slug="internal-note",
                                            status=LibraryItem.Status.PUBLISHED, visibility=Visibility.STAFF,
                                            title={"en": "Internal note"})
    staff_only.actions.add(action)
    for item in (public, staff_only):
        LibraryFile.objects.create(item=item, file=ContentFile(b"%PDF-1.4", name="file.pdf"), title="The file",
                                   language="en", content_type="application/pdf", size=8)

    activity = build(action, last_updated=timezone.now() - datetime.timedelta(hours=1))

    assert [child.tag for child in activity] == [
        "iati-identifier", "reporting-org", "title", "description", "participating-org", "participating-org",
        "participating-org", "activity-status", "activity-date", "activity-date", "activity-date", "activity-date",
        "recipient-country", "recipient-country", "recipient-country", "sector", "sector", "sector", "tag",
        "document-link", "document-link", "result", "result"]
    assert activity.findtext("iati-identifier") == "XI-IATI-PONTIS-2016-01"
    assert [(n.get(XML_LANG), n.text) for n in activity.find("title")] == [
        (None, "Action 2016-01"), ("es", "Acción 2016-01")]
    assert [(o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")] == [
        ("1", "European Commission - International Partnerships"), ("4", "Pontis demonstration facility"),
        ("4", "Mexican Commission for Refugee Assistance")]
    assert activity.find("activity-status").get("code") == "4"
    shares = [Decimal(c.get("percentage")) for c in activity.findall("recipient-country")]
    assert sum(shares) == 100 and shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.findall("sector")] == [
        ("1", "15190", "100"), ("99", "legal", "50"), ("99", "protection", "50")]
    assert activity.find("sector[@vocabulary='99']").findtext("narrative") == "Legal Migration and Mobility"
    assert activity.find("sector[@vocabulary='99']").get("vocabulary-uri") == "https://pontis.example/thesaurus/"
    assert (activity.find("tag").get("vocabulary"), activity.find("tag").get("code")) == ("3", "10.7")
    links = [link.get("url") for link in activity.findall("document-link")]
    assert links == ["https://pontis.example/portal/actions/action-2016-01/",
                     f"https://pontis.example/library/asylum-sop/files/{public.files.get().pk}/"]
    qualitative, participants = activity.findall("result")
    assert [i.findtext("title/narrative") for i in qualitative.findall("indicator")] == ["Asylum SOP"]
    assert qualitative.find("indicator").get("measure") == "5"
    actuals = participants.findall("indicator/period/actual")
    assert [(a.get("value"), a.find("dimension").get("value")) for a in actuals] == [
        ("12", "female"), ("14", "male"), ("1", "other")]
    assert validate_activity(activity) == []


def test_no_actual_date_in_the_future_and_region_when_no_country():
    action = make_action("2026-02", countries=(), region="west_africa", status="ongoing",
                         start=datetime.date(2026, 10, 1), end=datetime.date(2027, 3, 31),
                         launched=datetime.date(2026, 12, 15))
    activity = build(action)
    assert [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")] == [
        ("1", "2026-10-01"), ("3", "2027-03-31")]
    region = activity.find("recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == ("1030", "1", "100")
    assert activity.find("recipient-country") is None
    assert activity.find("activity-status").get("code") == "2"
    assert validate_activity(activity) == []


def test_a_withdrawn_action_is_cancelled_and_repeats_nothing_the_partner_agreed_to_publish():
    action = make_action(summary={"en": "A summary the partner no longer wants shown."})
    activity = build(action, withdrawn=True)
    assert activity.find("activity-status").get("code") == "5"
    assert "no longer wants" not in etree.tostring(activity, encoding="unicode")
    assert activity.find("document-link") is None and activity.find("result") is None
    assert validate_activity(activity) == []


def test_shares_always_add_up_to_one_hundred():
    for count in (1, 2, 3, 6, 7, 11, 30):
        values = [Decimal(v) for v in builder.shares(count)]
        assert len(values) == count and sum(values) == 100
    assert builder.shares(1) == ["100"]


def test_identifier_minted_once_never_changed_never_reused(settings):
    action = make_action("2016-07")
    first = identifiers.identifier_for(action)
    assert first == "XI-IATI-PONTIS-2016-07"
    # The reporting organisation's reference changes: the identifier stays, the old reference is declared.
    settings.PONTIS_IATI_REPORTING_ORG_REF = "XM-DAC-99999"
    fresh = Action.objects.get(pk=action.pk)
    assert identifiers.identifier_for(fresh) == first
    activity = build(fresh)
    assert activity.findtext("iati-identifier") == first
    assert activity.find("other-identifier").get("ref") == "XI-IATI-PONTIS"
    assert activity.find("other-identifier").get("type") == "B1"
    assert IatiIdentifier.objects.filter(action=action).count() == 1
    # An identifier already held (here by hand, as if an earlier code) is never given to another Action.
    other = make_action("2016-08")
    IatiIdentifier.objects.create(action=make_action("2016-09"), identifier="XM-DAC-99999-2016-08")
    assert identifiers.identifier_for(other) == "XM-DAC-99999-2016-08-2"


def test_identifier_characters_are_those_iati_allows(settings):
    settings.PONTIS_IATI_REPORTING_ORG_REF = " XI-IATI/PONTIS&1 "
    action = make_action("2019-04")
    assert identifiers.identifier_for(action) == "XI-IATI-PONTIS-1-2019-04"


def test_one_activity_costs_the_same_queries_as_many():
    from tests.queries import assert_flat, count_queries

    make_action("2016-01")

    def build_all():
        return [builder.build_activity(s, today=TODAY) for s in builder.load(Action.objects.all())]

    small, _ = count_queries(build_all)
    for number in range(2, 7):
        make_action(f"2016-{number:02d}", countries=("MX", "GT"))
    large, built = count_queries(build_all)
    assert len(built) == 6
    assert_flat(small, large)
