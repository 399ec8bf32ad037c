"""One mechanism for stored files (pontis.core.files): a replaced or removed file, or the file of a deleted row, is
deleted once the transaction commits, for every model with a FileField."""

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_delete

from pontis.actions import services as action_services
from pontis.actions.models import DeliverableFile
from pontis.actions.tests.factories import make_action, sop
from pontis.core.files import file_fields
from pontis.intake import services as intake_services
from pontis.intake.models import Request
from pontis.intake.tests.conftest import complete_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _letter():
    return SimpleUploadedFile("carta.pdf", PDF, content_type="application/pdf")


def test_a_replaced_endorsement_letter_is_deleted_on_commit(focal_point, institution,
                                                            django_capture_on_commit_callbacks):
    request = intake_services.request_save_draft(by=focal_point, data=complete_data(institution))
    with django_capture_on_commit_callbacks(execute=True):
        intake_services.request_endorsement_attach(request=request, by=focal_point, upload=_letter())
    first = Request.objects.get(pk=request.pk).endorsement_letter.name

    with django_capture_on_commit_callbacks(execute=True):
        intake_services.request_endorsement_attach(request=request, by=focal_point, upload=_letter())

    second = Request.objects.get(pk=request.pk).endorsement_letter.name
    assert default_storage.exists(second)
    assert not default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        intake_services.request_endorsement_remove(request=request, by=focal_point)
    assert not default_storage.exists(second)


def test_a_deliverable_deleted_with_its_action_part_takes_its_files(officer, focal_point, institution,
                                                                      django_capture_on_commit_callbacks):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = action_services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    item = action_services.deliverable_file_add(deliverable=deliverable, by=focal_point,
                                                upload=SimpleUploadedFile("decree.pdf", PDF))
    name = item.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        deliverable.delete()  # cascades to the file row: no service sees it, the mechanism does

    assert not DeliverableFile.objects.filter(pk=item.pk).exists()
    assert not default_storage.exists(name)


def test_every_model_with_a_file_field_is_covered():
    with_files = [m for m in apps.get_models() if file_fields(m)]

    assert {m._meta.label for m in with_files} >= {"experts.ExpertProfile", "intake.Request",
                                                   "actions.DeliverableFile", "experts.ImportJob"}
    for model in with_files:
        assert post_delete.has_listeners(model), model
