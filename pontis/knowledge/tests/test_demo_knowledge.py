"""The library's demo data: the sixteen case studies of the ten-year publication, published and public with their
sections and links, the other kinds of items, the published Actions, and a second run that changes nothing."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from pontis.accounts.models import User
from pontis.actions.models import Deliverable
from pontis.core.i18n import translate
from pontis.core.models import AuditEvent
from pontis.events.models import Meeting
from pontis.knowledge import demo as knowledge_demo
from pontis.knowledge.models import Concept, LibraryItem, PublishedAction, Visibility
from pontis.knowledge.permissions import LibraryItemPolicy
from tests.factories import UserFactory, user_with_role

SECTIONS = ("context", "action_design", "practices_text", "impact", "lessons")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for this module in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def snapshot():
    """Every demo row of the library and everything it links to, as plain values."""
    items = []
    for item in LibraryItem.objects.order_by("slug"):
        links = {field: sorted(getattr(item, field).values_list("pk", flat=True)) for field in (
            "languages", "themes", "topics", "concepts", "countries", "sdg_targets", "gcm_objectives", "features",
            "actions", "deliverables", "experts", "meetings")}
        items.append((item.pk, item.slug, item.kind, item.status, item.visibility, item.title, item.summary,
                      item.context, item.impact, item.body, item.year, item.deliverable_type_id,
                      item.deliverable_status, item.publication_type, item.partner_agreed_by, item.partner_agreed_on,
                      item.published_at, item.updated_at, links))
    published = list(PublishedAction.objects.order_by("pk").values_list(
        "pk", "action_id", "slug", "is_published", "summary", "results", "partner_agreed_by", "partner_agreed_on",
        "updated_at"))
    return items, published


def case_studies():
    return LibraryItem.objects.filter(kind=LibraryItem.Kind.CASE_STUDY)


@pytest.mark.django_db
def test_the_loader_runs_after_events_and_reports_what_it_made(demo):
    assert "knowledge: created 16 case studies, 8 practices, 7 shared deliverables, 5 publications, " \
           "7 published Actions" in demo
    assert demo.index("events:") < demo.index("knowledge:")


@pytest.mark.django_db
def test_a_second_run_changes_nothing(demo):
    before, audit_rows = snapshot(), AuditEvent.objects.count()
    summary = knowledge_demo.load_knowledge_demo(io.StringIO())
    assert summary.startswith("created 0 case studies, 0 practices, 0 shared deliverables, 0 publications, "
                              "0 published Actions")
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_written_through_the_services_by_the_demo_officer(demo):
    officer = User.objects.get(email=knowledge_demo.DEMO_OFFICER)
    peru = LibraryItem.objects.get(slug="peru-addressing-smuggling-of-migrants")
    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(LibraryItem),
                                       object_id=str(peru.pk))
    assert set(events.values_list("actor", flat=True)) == {officer.pk}
    assert events.count() == 2  # created, then published
    assert peru.published_at.year == 2020  # with the publication, not when the demo was loaded
    published = PublishedAction.objects.get(action__code="2016-18")
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(PublishedAction),
                                     object_id=str(published.pk), actor=officer).count() == 2


@pytest.mark.django_db
def test_sixteen_published_public_case_studies_with_their_sections(demo):
    studies = list(case_studies())
    assert len(studies) == 16
    assert {(s.status, s.visibility) for s in studies} == {(LibraryItem.Status.PUBLISHED, Visibility.PUBLIC)}
    for study in studies:
        for section in SECTIONS:
            assert len(getattr(study, section).get("en", "")) > 100, (study.slug, section)
        assert study.title["en"] and study.summary["en"] and study.year and study.published_at
        assert study.themes.exists() and study.countries.exists() and study.languages.exists(), study.slug
        assert 2 <= study.features.count() <= 5, study.slug
    # Some have a "challenges" section in the publication, the others none.
    assert sorted(s.slug for s in studies if s.challenges) == [
        "brazil-protection-of-children-in-migration", "thailand-protection-of-thb-victims-and-homeless-migrants",
        "west-africa-migration-and-environment"]
    # The features as the publication lists them (Peru: 1, 4, 5, 6 and 8).
    peru = LibraryItem.objects.get(slug="peru-addressing-smuggling-of-migrants")
    assert sorted(peru.features.values_list("number", flat=True)) == [1, 4, 5, 6, 8]
    assert list(LibraryItem.objects.get(slug="west-africa-migration-and-environment")
                .sdg_targets.values_list("code", flat=True)) == ["13"]


@pytest.mark.django_db
def test_case_studies_in_the_partners_languages(demo):
    peru = LibraryItem.objects.get(slug="peru-addressing-smuggling-of-migrants")
    assert translate(peru.title, "es") == "Abordar el tráfico ilícito de migrantes – Perú (2017-2018)"
    assert not translate(peru.summary, "es").is_fallback
    cabo_verde = LibraryItem.objects.get(slug="cabo-verde-municipal-action-plan-immigration-integration")
    assert translate(cabo_verde.title, "pt").startswith("Plano Municipal de Ação")
    assert set(cabo_verde.languages.values_list("code", flat=True)) == {"pt", "en"}
    assert {s.slug for s in case_studies() if "es" in s.title} >= {
        "peru-addressing-smuggling-of-migrants", "costa-rica-second-national-integration-plan",
        "mexico-capacity-building-easo-training-curriculum"}


@pytest.mark.django_db
def test_case_studies_link_to_their_actions_deliverables_experts_and_meetings(demo):
    with_action = case_studies().filter(actions__isnull=False).distinct()
    assert with_action.count() == 15  # Belarus has no demo Action
    peru = LibraryItem.objects.get(slug="peru-addressing-smuggling-of-migrants")
    assert list(peru.actions.values_list("code", flat=True)) == ["2016-18"]
    assert set(peru.deliverables.all()) == set(Deliverable.objects.filter(action__code="2016-18"))
    assert peru.deliverables.count() == 2
    assert 1 <= peru.experts.count() <= knowledge_demo.MAX_EXPERTS
    for expert in peru.experts.all():  # only experts who were deployed on that Action
        assert expert.deployments.filter(activity__action__code="2016-18").exclude(status="cancelled").exists()
    belarus = LibraryItem.objects.get(slug="belarus-migrant-workers-rights")
    assert list(belarus.meetings.values_list("slug", flat=True)) == ["2016-minsk-migration-strategies"]
    assert not belarus.actions.exists()
    minsk = Meeting.objects.get(slug="2016-minsk-migration-strategies")
    assert set(minsk.library_items.values_list("kind", flat=True)) == {"case_study", "publication"}


@pytest.mark.django_db
def test_practices_deliverables_publications_and_their_visibility(demo):
    kinds = {kind: LibraryItem.objects.filter(kind=kind).count() for kind in LibraryItem.Kind.values}
    assert kinds == {"case_study": 16, "practice": 8, "shared_deliverable": 7, "publication": 5}
    protocol = LibraryItem.objects.get(slug="costa-rica-protocol-special-migratory-situations")
    assert set(protocol.countries.values_list("code", flat=True)) == {"CR", "MX"}
    handbook = LibraryItem.objects.get(slug="philippines-social-marketing-campaign-handbook-reused-in-myanmar")
    assert set(handbook.countries.values_list("code", flat=True)) == {"PH", "MM"}
    guidelines = LibraryItem.objects.get(slug="peru-inter-sectoral-guidelines-migrant-smuggling")
    assert (guidelines.deliverable_type.code, guidelines.deliverable_status) == ("guidelines", "adopted")
    assert list(guidelines.languages.values_list("code", flat=True)) == ["es"]
    assert guidelines.deliverables.get().action.code == "2016-18"
    assert not LibraryItem.objects.filter(kind="shared_deliverable", deliverable_type__isnull=True).exists()
    assert LibraryItem.objects.filter(visibility=Visibility.MEMBERS).count() >= 3
    report = LibraryItem.objects.get(slug="panel-meeting-migration-strategies-minsk-2016-report")
    assert (report.publication_type, report.visibility) == ("meeting_report", Visibility.MEMBERS)


@pytest.mark.django_db
def test_the_staff_only_draft_is_seen_by_staff_only(demo):
    draft = LibraryItem.objects.get(visibility=Visibility.STAFF)
    assert (draft.kind, draft.status, draft.published_at) == ("publication", "draft", None)
    policy = LibraryItemPolicy()
    assert draft in policy.visible_to(user_with_role("officer"))
    for reader in (AnonymousUser(), UserFactory(), user_with_role("focal_point"), user_with_role("expert")):
        assert draft not in policy.visible_to(reader)
        assert not policy.can_view(reader, draft)
    # Members see the members-only items, visitors only the public ones.
    members_only = LibraryItem.objects.filter(visibility=Visibility.MEMBERS).first()
    assert members_only in policy.visible_to(UserFactory())
    assert members_only not in policy.visible_to(AnonymousUser())


@pytest.mark.django_db
def test_published_actions_of_completed_demo_actions(demo):
    published = PublishedAction.objects.select_related("action")
    assert published.count() == 7
    for row in published:
        assert row.action.status == "completed"
        assert row.is_published and row.summary["en"] and row.results["en"]
        assert row.partner_agreed_by and row.partner_agreed_on > row.action.end_date
    peru = published.get(action__code="2016-18")
    assert peru.slug == "2016-18-peru-iii"
    assert peru.summary["es"].startswith("El Perú es país de origen")


@pytest.mark.django_db
def test_every_item_and_published_action_is_handed_to_the_index(demo, monkeypatch):
    calls = []
    monkeypatch.setattr(knowledge_demo.indexing, "item_changed", lambda kind, pk: calls.append((kind, pk)))
    knowledge_demo.load_knowledge_demo()
    expected = {(item.kind, item.pk) for item in LibraryItem.objects.all()}
    expected |= {("action", pk) for pk in PublishedAction.objects.values_list("pk", flat=True)}
    assert sorted(calls) == sorted(expected)


@pytest.mark.django_db
def test_a_missing_item_is_made_again_with_the_concepts_that_exist_now(demo):
    LibraryItem.objects.filter(slug="peru-addressing-smuggling-of-migrants").delete()
    concept, _created = Concept.objects.get_or_create(code="smuggling_of_migrants")
    knowledge_demo.load_knowledge_demo()
    peru = LibraryItem.objects.get(slug="peru-addressing-smuggling-of-migrants")
    assert concept in peru.concepts.all()
    assert not peru.concepts.filter(code="does_not_exist").exists()
    assert LibraryItem.objects.filter(kind="case_study").count() == 16
