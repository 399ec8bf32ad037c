import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pontis.accounts.models import Role
from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, Language
from pontis.experts import selectors, services
from pontis.experts.models import Deployment, Evaluation, ExpertProfile, Invitation, OrganisationFeedback

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _docx_bytes(text="Border management expert with ten years in Dakar"):
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def register(**over):
    data = dict(email="Ana.Silva@example.org", consent=True, consent_purpose="roster",
                fields={"given_name": "Ana", "family_name": "Silvá", "gender": "female", "background": "academia",
                        "nationality": Country.objects.get(code="PT"), "biography": "Asylum procedures"},
                languages=[(Language.objects.get(code="pt"), "native")])
    data.update(over)
    return services.profile_register(**data)


# ---------------------------------------------------------------- registration and confirmation

def test_register_records_consent_and_search_text_and_sends_confirmation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = register()
    assert profile.status == "registered"
    assert profile.email == "ana.silva@example.org"
    assert profile.consent_purpose == "roster" and profile.consent_given_at is not None
    assert "silva" in profile.search_text and "asylum" in profile.search_text
    assert len(mail.outbox) == 1 and "/experts/register/confirm/" in mail.outbox[0].body


def test_register_without_consent_is_refused_and_nothing_saved():
    with pytest.raises(ValidationFailed):
        register(consent=False)
    assert ExpertProfile.objects.count() == 0


def test_register_twice_same_email_conflicts():
    register()
    with pytest.raises(Conflict):
        register(email="ANA.SILVA@example.org")
    assert ExpertProfile.objects.count() == 1


def test_register_extracts_docx_cv_text_in_a_task_after_commit(django_capture_on_commit_callbacks):
    cv = SimpleUploadedFile("whatever.pdf", _docx_bytes(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile = register(cv=cv)
    # The web request only stores the file: the text is not read until the task runs.
    assert (profile.cv_text, profile.cv_text_status) == ("", "pending")
    for callback in callbacks:
        callback()
    profile.refresh_from_db()
    assert "dakar" in profile.cv_text.lower() and profile.cv_text_status == "done"
    assert "dakar" in profile.search_text
    stored = profile.cv.name.rsplit("/", 1)[-1]  # storage may add a suffix if the name is taken
    assert stored.startswith(f"cv-{profile.pk}") and stored.endswith(".docx")
    assert profile.cv_original_name == "whatever.pdf"


def test_register_refuses_cv_that_is_not_pdf_or_docx():
    cv = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf" * 10, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        register(cv=cv)
    assert exc.value.field == "cv"
    assert ExpertProfile.objects.count() == 0


def test_register_refuses_cv_too_large(settings):
    settings.PONTIS_MAX_UPLOAD_BYTES = 100
    cv = SimpleUploadedFile("cv.docx", _docx_bytes())
    with pytest.raises(ValidationFailed):
        register(cv=cv)
    assert ExpertProfile.objects.count() == 0


def test_confirm_creates_account_with_expert_role_once():
    profile = register()
    token = services.confirmation_token(profile)
    confirmed = services.profile_confirm_email(token=token)
    assert confirmed.user.email == "ana.silva@example.org"
    assert confirmed.user.has_role(Role.EXPERT)
    assert not confirmed.user.has_usable_password()
    again = services.profile_confirm_email(token=token)
    assert again.user_id == confirmed.user_id


def test_confirm_with_tampered_token_fails():
    profile = register()
    with pytest.raises(ValidationFailed):
        services.profile_confirm_email(token=services.confirmation_token(profile) + "x")
    profile.refresh_from_db()
    assert profile.user_id is None


# ---------------------------------------------------------------- vetting transitions

@pytest.mark.parametrize("path", [["vetted"], ["vetted", "active"], ["vetted", "active", "inactive"],
                                  ["inactive"], ["vetted", "active", "inactive", "active"]])
def test_every_allowed_transition_is_recorded(officer, path):
    profile = make_profile(status="registered")
    for to in path:
        services.profile_transition(profile=profile, to=to, by=officer, note=f"to {to}")
    profile.refresh_from_db()
    assert profile.status == path[-1]
    assert AuditEvent.objects.for_object(profile).filter(action="transition").count() == len(path)
    assert f"to {path[-1]}" in profile.vetting_notes


@pytest.mark.parametrize("start,to", [("registered", "active"), ("registered", "registered"), ("vetted", "registered"),
                                      ("active", "vetted"), ("active", "registered"), ("inactive", "vetted")])
def test_illegal_transitions_are_refused(officer, start, to):
    profile = make_profile(status=start)
    with pytest.raises(IllegalTransition):
        services.profile_transition(profile=profile, to=to, by=officer)
    profile.refresh_from_db()
    assert profile.status == start


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_only_staff_vet(make_user, role):
    profile = make_profile(status="registered")
    with pytest.raises(NotAllowed):
        services.profile_transition(profile=profile, to="vetted", by=make_user(role))
    profile.refresh_from_db()
    assert profile.status == "registered"


def test_expert_edits_own_profile_and_reconfirms(expert_user):
    profile = make_profile(user=expert_user, reconfirmed_at=None)
    services.profile_update(profile=profile, by=expert_user, fields={"biography": "Labour migration in Moldova"})
    profile.refresh_from_db()
    assert profile.reconfirmed_at is not None
    assert "moldova" in profile.search_text


def test_expert_cannot_edit_another_profile(expert_user):
    other = make_profile(biography="before")
    with pytest.raises(NotAllowed):
        services.profile_update(profile=other, by=expert_user, fields={"biography": "after"})
    other.refresh_from_db()
    assert other.biography == "before"


def test_stale_profiles_get_one_reminder_a_year(expert_user):
    from django.utils import timezone

    make_profile(user=expert_user, reconfirmed_at=timezone.now() - datetime.timedelta(days=400))
    make_profile(reconfirmed_at=timezone.now())
    assert services.profiles_stale().count() == 1
    assert services.profiles_remind_reconfirmation() == 1
    assert services.profiles_remind_reconfirmation() == 0


# ---------------------------------------------------------------- invitations, deployments, double booking

def test_invite_then_accept_creates_confirmed_deployment(officer, expert_user):
    profile = make_profile(user=expert_user)
    activity = make_activity()
    inv = services.invitation_create(activity=activity, profile=profile, by=officer, role="lead")
    assert inv.days == Decimal(3)
    assert expert_user.notifications.count() == 1
    dep = services.invitation_accept(invitation=inv, by=expert_user)
    inv.refresh_from_db()
    assert inv.status == "accepted"
    assert (dep.status, dep.role, dep.start_date) == ("confirmed", "lead", activity.start_date)
    profile.refresh_from_db()
    assert profile.last_deployed_on == activity.start_date


def test_accept_via_signed_token(officer, expert_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    found = services.invitation_from_token(services.invitation_token(inv))
    services.invitation_accept(invitation=found, via_token=True)
    assert Deployment.objects.filter(invitation=inv).count() == 1


def test_bad_invitation_token_is_refused():
    with pytest.raises(ValidationFailed):
        services.invitation_from_token("nonsense")


def test_decline_needs_a_reason(officer, expert_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    with pytest.raises(ValidationFailed):
        services.invitation_decline(invitation=inv, reason=" ", by=expert_user)
    services.invitation_decline(invitation=inv, reason="Teaching that week", by=expert_user)
    inv.refresh_from_db()
    assert (inv.status, inv.reason) == ("declined", "Teaching that week")


def test_answered_invitation_cannot_be_answered_again(officer, expert_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    services.invitation_decline(invitation=inv, reason="busy", by=expert_user)
    with pytest.raises(IllegalTransition):
        services.invitation_accept(invitation=inv, by=expert_user)
    assert Deployment.objects.count() == 0


def test_another_person_cannot_answer(officer, expert_user, make_user):
    inv = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    with pytest.raises(NotAllowed):
        services.invitation_accept(invitation=inv, by=make_user("expert"))
    inv.refresh_from_db()
    assert inv.status == "pending"


def test_only_active_experts_are_invited(officer):
    with pytest.raises(IllegalTransition):
        services.invitation_create(activity=make_activity(), profile=make_profile(status="vetted"), by=officer)
    assert Invitation.objects.count() == 0


def test_non_staff_cannot_invite(make_user):
    with pytest.raises(NotAllowed):
        services.invitation_create(activity=make_activity(), profile=make_profile(), by=make_user("committee"))
    assert Invitation.objects.count() == 0


def test_double_booking_is_refused_with_reason(officer):
    profile = make_profile()
    start = TODAY + datetime.timedelta(days=30)
    first = make_activity(start=start, end=start + datetime.timedelta(days=3))
    second = make_activity(start=start + datetime.timedelta(days=2), end=start + datetime.timedelta(days=5))
    services.deployment_create(activity=first, profile=profile, by=officer)
    with pytest.raises(Conflict) as exc:
        services.deployment_create(activity=second, profile=profile, by=officer)
    assert "already deployed" in str(exc.value.message)
    assert Deployment.objects.filter(profile=profile).count() == 1


def test_adjacent_dates_are_not_a_double_booking(officer):
    profile = make_profile()
    start = TODAY + datetime.timedelta(days=30)
    services.deployment_create(activity=make_activity(start=start, end=start + datetime.timedelta(days=1)), profile=profile, by=officer)
    services.deployment_create(activity=make_activity(start=start + datetime.timedelta(days=2)), profile=profile, by=officer)
    assert Deployment.objects.filter(profile=profile).count() == 2


def test_accept_during_unavailability_is_refused(officer, expert_user):
    profile = make_profile(user=expert_user)
    activity = make_activity()
    services.unavailability_add(profile=profile, by=expert_user, start_date=activity.start_date,
                                end_date=activity.start_date, note="holiday")
    inv = services.invitation_create(activity=activity, profile=profile, by=officer)
    with pytest.raises(Conflict) as exc:
        services.invitation_accept(invitation=inv, by=expert_user)
    assert "unavailable" in str(exc.value.message)
    inv.refresh_from_db()
    assert inv.status == "pending" and Deployment.objects.count() == 0


def test_unavailability_with_reversed_dates_is_refused(expert_user):
    profile = make_profile(user=expert_user)
    with pytest.raises(ValidationFailed):
        services.unavailability_add(profile=profile, by=expert_user, start_date=TODAY, end_date=TODAY - datetime.timedelta(days=1))
    assert profile.unavailabilities.count() == 0


def test_conflict_of_interest_is_flagged(officer, institution):
    profile = make_profile(institution=institution)
    activity = make_activity(partners=[institution])
    inv = services.invitation_create(activity=activity, profile=profile, by=officer)
    dep = services.deployment_create(activity=make_activity(partners=[institution], start=TODAY + datetime.timedelta(days=200)),
                                     profile=profile, by=officer)
    assert inv.conflict_of_interest is True
    assert dep.conflict_of_interest is True and "partner institution" in dep.conflict_note


def test_deployment_transitions(officer):
    dep = services.deployment_create(activity=make_activity(), profile=make_profile(), by=officer)
    services.deployment_transition(deployment=dep, to="cancelled", by=officer)
    with pytest.raises(IllegalTransition):
        services.deployment_transition(deployment=dep, to="completed", by=officer)
    dep.refresh_from_db()
    assert dep.status == "cancelled"


# ---------------------------------------------------------------- evaluations

def _past_deployment(officer, **kw):
    start = TODAY - datetime.timedelta(days=20)
    profile = make_profile(**kw)
    return Deployment.objects.create(profile=profile, activity=make_activity(start=start), start_date=start,
                                     end_date=start + datetime.timedelta(days=2), status="completed")


def test_staff_and_focal_point_each_evaluate_once(officer, focal_point):
    dep = _past_deployment(officer)
    from pontis.actions.models import ActionPartner

    ActionPartner.objects.create(action=dep.activity.action, institution=focal_point.role_assignments[0].institution)
    services.evaluation_submit(deployment=dep, by=officer, expertise=5, communication=4, adaptation=3, comments="good")
    services.evaluation_submit(deployment=dep, by=focal_point, expertise=4, communication=4, adaptation=4)
    assert sorted(Evaluation.objects.values_list("evaluator_kind", flat=True)) == ["focal_point", "staff"]
    with pytest.raises(Conflict):
        services.evaluation_submit(deployment=dep, by=officer, expertise=1, communication=1, adaptation=1)
    assert Evaluation.objects.count() == 2


def test_focal_point_of_another_institution_cannot_evaluate(officer, focal_point):
    dep = _past_deployment(officer)
    with pytest.raises(NotAllowed):
        services.evaluation_submit(deployment=dep, by=focal_point, expertise=4, communication=4, adaptation=4)
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("value", [0, 6, "x", None])
def test_rating_outside_1_to_5_is_refused(officer, value):
    dep = _past_deployment(officer)
    with pytest.raises(ValidationFailed):
        services.evaluation_submit(deployment=dep, by=officer, expertise=value, communication=4, adaptation=4)
    assert Evaluation.objects.count() == 0


def test_future_deployment_cannot_be_evaluated(officer):
    dep = services.deployment_create(activity=make_activity(), profile=make_profile(), by=officer)
    with pytest.raises(IllegalTransition):
        services.evaluation_submit(deployment=dep, by=officer, expertise=4, communication=4, adaptation=4)


def test_expert_rates_the_organisation_once(officer, expert_user):
    dep = _past_deployment(officer, user=expert_user)
    services.organisation_feedback_submit(deployment=dep, by=expert_user, rating=4, comments="well run")
    with pytest.raises(Conflict):
        services.organisation_feedback_submit(deployment=dep, by=expert_user, rating=2)
    assert OrganisationFeedback.objects.get().rating == 4


def test_other_expert_cannot_rate_the_organisation(officer, make_user):
    dep = _past_deployment(officer)
    with pytest.raises(NotAllowed):
        services.organisation_feedback_submit(deployment=dep, by=make_user("expert"), rating=4)
    assert OrganisationFeedback.objects.count() == 0


# ---------------------------------------------------------------- personal data

def test_expert_exports_own_data(officer, expert_user):
    dep = _past_deployment(officer, user=expert_user, biography="My bio")
    data = services.profile_export_data(profile=dep.profile, by=expert_user)
    assert data["profile"]["biography"] == "My bio"
    assert data["profile"]["languages"] == [{"language": "en", "level": "C2"}]
    assert len(data["deployments"]) == 1


def test_nobody_else_exports_an_experts_data(officer, expert_user):
    profile = make_profile(user=expert_user)
    with pytest.raises(NotAllowed):
        services.profile_export_data(profile=profile, by=officer)


def test_erasure_request_then_anonymisation_keeps_statistics(officer, expert_user):
    dep = _past_deployment(officer, user=expert_user, gender="male", nationality="SN", background="academia",
                           biography="secret", references="Dr X")
    Evaluation.objects.create(deployment=dep, evaluator=officer, evaluator_kind="staff", expertise=5, communication=5,
                              adaptation=5, comments="named remarks")
    profile = dep.profile
    services.erasure_request(profile=profile, by=expert_user, reason="leaving")
    assert officer.notifications.filter(event="experts.erasure_requested").count() == 1
    services.profile_anonymise(profile=profile, by=officer)
    profile.refresh_from_db()
    expert_user.refresh_from_db()
    assert (profile.gender, profile.nationality.code, profile.background) == ("male", "SN", "academia")
    assert profile.biography == profile.references == profile.search_text == ""
    assert profile.email == f"anonymised-{profile.pk}@invalid" and profile.user_id is None
    assert profile.languages.count() == 0
    assert expert_user.is_active is False
    assert Deployment.objects.filter(profile=profile).count() == 1
    assert Evaluation.objects.get().comments == ""
    with pytest.raises(IllegalTransition):
        services.profile_anonymise(profile=profile, by=officer)


def test_only_staff_anonymise(expert_user):
    profile = make_profile(user=expert_user, biography="keep")
    with pytest.raises(NotAllowed):
        services.profile_anonymise(profile=profile, by=expert_user)
    profile.refresh_from_db()
    assert profile.biography == "keep" and profile.anonymised_at is None


def test_search_text_migration_drops_the_labels_and_keeps_anonymised_profiles_empty():
    import importlib

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    migration = importlib.import_module("pontis.experts.migrations.0004_search_text_without_labels")
    kept = make_profile(family_name="Ñúñez", biography="Return counselling", references="Dr Roe")
    gone = make_profile(family_name="Gone", anonymised_at=timezone.now())
    ExpertProfile.objects.filter(pk=kept.pk).update(search_text="nunez return counselling migration legale")
    migration.BATCH = 1  # several batches with two profiles
    try:
        migration.rebuild(apps, type("Editor", (), {"connection": connection})())
    finally:
        migration.BATCH = 2000
    kept.refresh_from_db()
    assert kept.search_text == kept.build_search_text()
    assert "nunez" in kept.search_text and "roe" in kept.search_text and "legale" not in kept.search_text
    assert ExpertProfile.objects.get(pk=gone.pk).search_text == ""


def test_taxonomy_text_migration_fills_the_tokens_and_leaves_anonymised_profiles_empty():
    import importlib

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    migration = importlib.import_module("pontis.experts.migrations.0006_profile_taxonomy_text")
    kept = make_profile(family_name="Okafor", themes=("legal", "irregular_thb"), topics=())
    bare = make_profile(family_name="Bare", themes=())
    gone = make_profile(family_name="Gone", anonymised_at=timezone.now())
    ExpertProfile.objects.update(taxonomy_text="")  # as the new column starts
    editor = type("Editor", (), {"connection": connection})()
    migration.BATCH = 1  # several batches
    try:
        migration.fill(apps, editor)
        migration.fill(apps, editor)  # a second run writes the same
    finally:
        migration.BATCH = 2000
    kept.refresh_from_db()
    assert kept.taxonomy_text == kept.build_taxonomy_text() and kept.taxonomy_text.count(" th") == 2
    assert ExpertProfile.objects.get(pk=bare.pk).taxonomy_text == ""
    assert ExpertProfile.objects.get(pk=gone.pk).taxonomy_text == ""


def test_taxonomy_tokens_match_whole_ids_and_typed_text_never_reaches_them():
    from pontis.core.models import ThematicArea

    legal = ThematicArea.objects.get(code="legal")
    one = make_profile(family_name="One", themes=("legal",))
    assert ExpertProfile.objects.get(pk=one.pk).taxonomy_text == f" th{legal.pk} "
    assert not ExpertProfile.objects.filter(taxonomy_text__contains=f" th{legal.pk}0 ").exists()
    assert not selectors.roster_search(ExpertProfile.objects.all(), q=f"th{legal.pk}").exists()
    assert list(selectors.roster_search(ExpertProfile.objects.all(), q="legal")) == [one]


def test_profile_update_rebuilds_both_search_columns(expert_user):
    from pontis.core.models import ThematicArea

    profile = make_profile(user=expert_user, email=expert_user.email, themes=("legal",), biography="Asylum courts")
    mad = ThematicArea.objects.get(code="mad")
    services.profile_update(profile=profile, by=expert_user, fields={"biography": "Labour inspection"},
                            m2m={"themes": [mad]}, languages=None)
    profile.refresh_from_db()
    assert "labour inspection" in profile.search_text and "asylum" not in profile.search_text
    assert profile.taxonomy_text == f" th{mad.pk} "
