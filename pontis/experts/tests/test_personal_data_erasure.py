"""Erasure removes the person everywhere (audit rows, every CV file); replacing or deleting a stored file removes
the previous one once the transaction commits; the roster import writes its audit rows through core's bulk writer."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from pontis.core import audit
from pontis.core.files import replace_file
from pontis.core.models import AuditEvent, OutboxEmail
from pontis.core.notifications import email_queue
from pontis.experts import services
from pontis.experts.models import Evaluation, ExpertProfile, Unavailability
from pontis.experts.services.imports import import_roster, read_rows

from .factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _docx(text="Border management, ten years in Dakar"):
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile("My CV.docx", out.getvalue())


# ---------------------------------------------------------------- replacing and deleting files


def test_replacing_a_cv_deletes_the_previous_file_once_committed(officer, django_capture_on_commit_callbacks):
    profile = make_profile()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(profile=profile, by=officer, fields={}, cv=_docx())
    first = ExpertProfile.objects.get(pk=profile.pk).cv.name
    assert default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(profile=ExpertProfile.objects.get(pk=profile.pk), by=officer, fields={}, cv=_docx())

    second = ExpertProfile.objects.get(pk=profile.pk).cv.name
    assert second != first
    assert default_storage.exists(second)
    assert not default_storage.exists(first)


def test_the_previous_file_is_kept_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    profile = make_profile()
    profile.cv.save("cv-old.pdf", ContentFile(b"%PDF-1.4 old"), save=True)
    old = profile.cv.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                replace_file(profile, "cv", ContentFile(b"%PDF-1.4 new"), name="cv-new.pdf")
                profile.save()
                raise RuntimeError("something later failed")

    assert callbacks == []
    assert default_storage.exists(old)
    assert ExpertProfile.objects.get(pk=profile.pk).cv.name == old


def test_deleting_a_row_deletes_its_file_on_commit(django_capture_on_commit_callbacks):
    profile = make_profile()
    profile.cv.save("cv-gone.pdf", ContentFile(b"%PDF-1.4"), save=True)
    name = profile.cv.name

    with django_capture_on_commit_callbacks(execute=True):
        ExpertProfile.objects.filter(pk=profile.pk).delete()  # a queryset delete, not a service: still cleaned

    assert not default_storage.exists(name)


# ---------------------------------------------------------------- erasure


def test_anonymisation_leaves_no_personal_data_in_the_trail_and_no_file(officer, expert_user,
                                                                        django_capture_on_commit_callbacks):
    # given an expert with an account, a CV replaced once, an unavailability note and an evaluation with comments
    expert_user.given_name, expert_user.family_name = "Zuleika", "Oyelaran"
    expert_user.email = "zuleika.oyelaran@example.org"
    expert_user.save()
    profile = make_profile(user=expert_user, email="zuleika.oyelaran@example.org", given_name="Zuleika",
                           family_name="Oyelaran", biography="Zuleika worked in Lagos", vetting_notes="met Zuleika")
    audit.record_create(profile, by=officer)
    # an earlier CV left on disk by the old code, which never deleted a replaced file
    legacy = default_storage.save("experts/cv/2025/cv.pdf", ContentFile(b"%PDF-1.4 Zuleika Oyelaran"))
    audit.record(profile, action="update", by=expert_user, changes={"cv": ["", legacy]})
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(profile=profile, by=expert_user, fields={"biography": "Zuleika Oyelaran, Abuja"},
                                cv=_docx("Zuleika Oyelaran"))
    current = ExpertProfile.objects.get(pk=profile.pk).cv.name
    services.unavailability_add(profile=profile, by=expert_user, start_date=datetime.date(2027, 1, 1),
                                end_date=datetime.date(2027, 1, 5), note="Zuleika on leave")
    services.erasure_request(profile=profile, by=expert_user, reason="Oyelaran leaves")
    email_queue(key="expert-registration-confirm-test", to=["zuleika.oyelaran@example.org"],
                subject="Confirm", body="Dear Zuleika Oyelaran, open https://pontis.example/confirm/abc")
    assert AuditEvent.objects.filter(changes__icontains="Oyelaran").exists()  # the defect's precondition
    assert default_storage.exists(legacy) and default_storage.exists(current)

    # when an officer anonymises the profile
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_anonymise(profile=ExpertProfile.objects.get(pk=profile.pk), by=officer)

    # then no audit row holds the e-mail or the names, anywhere
    for row in AuditEvent.objects.all():
        text = f"{row.changes} {row.object_repr} {row.actor_label}".lower()
        for personal in ("zuleika", "oyelaran", "lagos", "abuja"):
            assert personal not in text, (row.action, row.note, text)
    # the rows still say who did what: the officer's rows keep the officer, the expert's rows carry the pseudonym
    anonymised = ExpertProfile.objects.get(pk=profile.pk)
    assert AuditEvent.objects.filter(actor=expert_user, actor_label=str(anonymised)).exists()
    assert AuditEvent.objects.filter(actor=officer, actor_label=officer.email).exists()
    # the e-mail outbox forgets the address and the body, and will not send it
    outbox = OutboxEmail.objects.get(key="expert-registration-confirm-test")
    assert (outbox.to, outbox.body) == ([], "") and outbox.sent_at is not None
    # and no file of theirs remains
    assert not default_storage.exists(legacy)
    assert not default_storage.exists(current)
    assert anonymised.cv.name == ""
    assert not Unavailability.objects.filter(profile=anonymised).exists()


def test_erasure_keeps_other_peoples_rows(officer, expert_user):
    other = make_profile(given_name="Ingrid", family_name="Halvorsen", email="ingrid@example.org")
    audit.record_create(other, by=officer)
    profile = make_profile(user=expert_user)
    audit.record_create(profile, by=officer)

    services.profile_anonymise(profile=profile, by=officer)

    [row] = AuditEvent.objects.for_object(other)
    assert row.changes["family_name"] == [None, "Halvorsen"]
    assert row.object_repr == "Ingrid Halvorsen"
    assert Evaluation.objects.count() == 0


def test_erasure_never_deletes_a_file_that_now_belongs_to_someone_else(officer, django_capture_on_commit_callbacks):
    # given an old CV name in the expert's trail that another expert's current CV now uses
    shared = default_storage.save("experts/cv/2024/cv.pdf", ContentFile(b"%PDF-1.4 other"))
    other = make_profile()
    ExpertProfile.objects.filter(pk=other.pk).update(cv=shared)
    profile = make_profile()
    audit.record(profile, action="update", by=officer, changes={"cv": [shared, "experts/cv/2025/cv-9.pdf"]})

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_anonymise(profile=profile, by=officer)

    assert default_storage.exists(shared)


# ---------------------------------------------------------------- the import's audit rows


HEADER = ("email,given_name,family_name,gender,nationality,background,institution,languages,thematic_areas,topics,"
          "countries_of_experience,status,registered_on\n")
ROW = "ana@example.org,Ana,Silva,female,PT,government,SEF,pt:native,legal,,MA,active,2015-03-01\n"


def test_the_roster_import_writes_one_row_per_profile_through_the_bulk_writer(officer, monkeypatch):
    calls = []
    real = audit.record_many
    monkeypatch.setattr(audit, "record_many", lambda objs, **kw: calls.append(kw) or real(objs, **kw))

    import_roster(read_rows(io.BytesIO((HEADER + ROW).encode()), name="r.csv"), by=officer)

    profile = ExpertProfile.objects.get(email="ana@example.org")
    [row] = AuditEvent.objects.for_object(profile)
    assert (row.action, row.actor, row.actor_label, row.note, row.object_repr) == (
        "create", officer, officer.email, "import", "Ana Silva")
    assert [c["action"] for c in calls] == ["create", "update"]  # the update batch is empty: no row written
    assert AuditEvent.objects.filter(note="import").count() == 1
