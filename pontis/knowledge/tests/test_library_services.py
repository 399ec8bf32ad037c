"""The library's services: creation, short-name changes, status moves, visibility, files and the one-step case
study from a completed Action."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pontis.actions import services as action_services
from pontis.actions.models import Action, Deliverable
from pontis.actions.tests.factories import make_action, sop, workshop
from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, ThematicArea
from pontis.experts.models import Deployment
from pontis.experts.services import deployment_create
from pontis.experts.tests.factories import make_profile
from pontis.knowledge import services
from pontis.knowledge.models import LibraryFile, LibraryItem, SlugRedirect
from pontis.knowledge.selectors import item_get_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer():
    return user_with_role("officer")


def _rows(item, action):
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(LibraryItem),
                                     object_id=str(item.pk), action=action).count()


def _item(by, **kwargs):
    kwargs.setdefault("kind", "practice")
    kwargs.setdefault("title", {"en": "Referral protocol for victims"})
    return services.item_create(by=by, **kwargs)


def completed_action(officer, *, code=None, expert=None):
    """An Action closed with its report and lessons (its closure is tested in actions), with ``expert`` deployed."""
    action = make_action(officer, countries=("CR", "MX"), themes=("legal",), code=code)
    if expert is not None:
        activity = action_services.activity_create(action=action, by=officer, type=workshop(), title={"en": "Workshop"},
                                                   start_date=datetime.date(2030, 1, 10),
                                                   end_date=datetime.date(2030, 1, 12))
        deployment_create(activity=activity, profile=expert, by=officer)
    Action.objects.filter(pk=action.pk).update(
        status=Action.Status.COMPLETED, closed_on=datetime.date(2023, 6, 30),
        final_report="The protocol was adopted by decree.", lessons_learnt="Involve the prosecutors early.")
    action.refresh_from_db()
    return action


def test_create_makes_a_draft_with_a_short_name_from_the_title_and_an_audit_row(officer):
    item = _item(officer, themes=list(ThematicArea.objects.filter(code="legal")), year=2022)

    assert (item.status, item.visibility, item.slug) == ("draft", "staff", "referral-protocol-for-victims")
    assert [t.code for t in item.themes.all()] == ["legal"]
    assert _rows(item, "create") == 1
    assert _item(officer).slug == "referral-protocol-for-victims-2"


def test_nobody_but_staff_creates_and_nothing_is_written():
    for role in ("committee", "focal_point", "expert", "observer"):
        with pytest.raises(NotAllowed):
            _item(user_with_role(role))
    assert LibraryItem.objects.count() == 0


def test_create_refuses_a_missing_title_and_an_unknown_kind(officer):
    with pytest.raises(ValidationFailed) as missing:
        _item(officer, title={"en": "   "})
    with pytest.raises(ValidationFailed) as kind:
        _item(officer, kind="poster")

    assert missing.value.field == "title" and kind.value.field == "kind"
    assert LibraryItem.objects.count() == 0


def test_a_double_submitted_create_makes_one_item(officer):
    first = _item(officer, idempotency_key="k-1")
    again = _item(officer, idempotency_key="k-1")

    assert first.pk == again.pk
    assert LibraryItem.objects.count() == 1


def test_a_taken_short_name_is_a_conflict(officer):
    _item(officer, slug="protocol")
    with pytest.raises(Conflict):
        _item(officer, slug="protocol")


def test_renaming_keeps_the_old_address_and_renaming_back_drops_the_redirect(officer):
    item = _item(officer, slug="old-name", visibility="public")
    services.item_publish(item=item, by=officer)

    services.item_update(item=item, by=officer, slug="new-name")

    assert SlugRedirect.objects.get(kind="item", old_slug="old-name").target_id == item.pk
    assert item_get_for(None, "old-name").slug == "new-name"

    services.item_update(item=item, by=officer, slug="old-name")

    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["new-name"]
    assert item_get_for(None, "new-name").slug == "old-name"


def test_publish_withdraw_and_publish_again_follow_the_transitions_table(officer):
    item = _item(officer)

    services.item_publish(item=item, by=officer)
    with pytest.raises(IllegalTransition):
        services.item_publish(item=item, by=officer)
    services.item_withdraw(item=item, by=officer)
    with pytest.raises(IllegalTransition):
        services.item_withdraw(item=item, by=officer)
    item = services.item_publish(item=item, by=officer)

    assert item.status == "published" and item.published_at is not None
    assert _rows(item, "transition") == 3


def test_a_focal_point_cannot_publish_and_nothing_changes(officer):
    item = _item(officer)
    with pytest.raises(NotAllowed):
        services.item_publish(item=item, by=user_with_role("focal_point"))
    item.refresh_from_db()
    assert item.status == "draft"


def test_visibility_change_is_audited_and_an_unknown_level_refused(officer):
    item = _item(officer)
    services.item_set_visibility(item=item, by=officer, visibility="members")
    with pytest.raises(ValidationFailed):
        services.item_set_visibility(item=item, by=officer, visibility="everyone")

    item.refresh_from_db()
    assert item.visibility == "members"
    assert _rows(item, "update") == 1


def test_a_file_is_checked_by_its_content_not_its_name(officer):
    item = _item(officer)
    with pytest.raises(ValidationFailed) as refused:
        services.file_add(item=item, by=officer, upload=SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"))
    assert refused.value.field == "file"
    assert LibraryFile.objects.count() == 0

    record = services.file_add(item=item, by=officer, upload=SimpleUploadedFile("../../etc/x.exe", PDF),
                               language="fr", idempotency_key="f-1")
    again = services.file_add(item=item, by=officer, upload=SimpleUploadedFile("x.pdf", PDF), idempotency_key="f-1")

    assert record.pk == again.pk and LibraryFile.objects.count() == 1
    assert record.file.name == f"library/{item.pk}/library-file-{record.pk}.pdf"
    assert (record.content_type, record.language) == ("application/pdf", "fr")
    services.file_remove(file=record, by=officer)
    assert LibraryFile.objects.count() == 0


def test_case_study_from_a_completed_action_in_one_step(officer):
    profile = make_profile()
    action = completed_action(officer, expert=profile)
    deliverable = Deliverable.objects.create(action=action, type=sop(), title={"en": "Protocol SOP"})

    item = services.case_study_from_action(action=action, by=officer, partner_agreed_by="Ana Pérez, Director",
                                           partner_agreed_on=datetime.date(2023, 7, 1), visibility="public",
                                           idempotency_key="cs-1")

    assert (item.kind, item.status, item.visibility) == ("case_study", "published", "public")
    assert item.title == action.title
    assert item.lessons == {"en": "Involve the prosecutors early."}
    assert item.impact == {"en": "The protocol was adopted by decree."}
    assert sorted(c.code for c in item.countries.all()) == ["CR", "MX"]
    assert [t.code for t in item.themes.all()] == ["legal"]
    assert list(item.actions.all()) == [action]
    assert list(item.deliverables.all()) == [deliverable]
    assert list(item.experts.all()) == [profile]
    assert (item.partner_agreed_by, item.partner_agreed_on, item.year) == ("Ana Pérez, Director",
                                                                           datetime.date(2023, 7, 1), 2023)
    again = services.case_study_from_action(action=action, by=officer, partner_agreed_by="Ana Pérez, Director",
                                            partner_agreed_on=datetime.date(2023, 7, 1), idempotency_key="cs-1")
    assert again.pk == item.pk and LibraryItem.objects.count() == 1


def test_case_study_needs_a_completed_action_and_the_partners_agreement(officer):
    ongoing = make_action(officer)
    with pytest.raises(IllegalTransition):
        services.case_study_from_action(action=ongoing, by=officer, partner_agreed_by="X",
                                        partner_agreed_on=datetime.date(2023, 1, 1))
    action = completed_action(officer)
    with pytest.raises(ValidationFailed) as missing:
        services.case_study_from_action(action=action, by=officer, partner_agreed_by=" ", partner_agreed_on=None)
    with pytest.raises(ValidationFailed) as future:
        services.case_study_from_action(action=action, by=officer, partner_agreed_by="X",
                                        partner_agreed_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(NotAllowed):
        services.case_study_from_action(action=action, by=user_with_role("committee"), partner_agreed_by="X",
                                        partner_agreed_on=datetime.date(2023, 1, 1))

    assert set(missing.value.errors) == {"partner_agreed_by", "partner_agreed_on"}
    assert future.value.field == "partner_agreed_on"
    assert LibraryItem.objects.count() == 0
    assert Deployment.objects.count() == 0
    assert Country.objects.filter(code="CR").exists()
