"""The invitation (page and e-mail) says where, when, what for, whom to contact and by when to answer; after
accepting, the expert's own deployment is not counted against them in "which criteria I met"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pontis.actions.models import Activity, FicheVersion
from pontis.core.errors import ValidationFailed
from pontis.core.models import Country, OutboxEmail
from pontis.core.templatetags.dates import day
from pontis.experts import services
from pontis.experts.matching import PARTS, criteria_for_expert
from pontis.experts.models import Deployment, Invitation
from pontis.experts.services import refresh_last_deployed
from pontis.experts.services.deployments import default_respond_by

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def _activity_in_dakar():
    activity = make_activity(topics=("border_management_policy",))
    Activity.objects.filter(pk=activity.pk).update(place="Dakar", country=Country.objects.get(code="SN"),
                                                   expert_profile="Ten years in border police training.")
    FicheVersion.objects.create(action=activity.action, number=1, status="agreed", content={
        "overall_objective": "Safer and more humane border management.",
        "specific_objectives": "A training curriculum for border police officers."})
    return Activity.objects.select_related("action", "country").get(pk=activity.pk)


def _email(invitation) -> OutboxEmail:
    return OutboxEmail.objects.get(key=f"expert-invitation-{invitation.pk}")


def test_the_invitation_email_says_where_when_what_for_whom_to_contact_and_by_when(officer, expert_user):
    officer.given_name, officer.family_name = "Marta", "Oliveira"
    officer.save()
    activity = _activity_in_dakar()
    profile = make_profile(user=expert_user, email=expert_user.email, topics=("border_management_policy",))

    invitation = services.invitation_create(activity=activity, profile=profile, by=officer, message="We need you.")

    email = _email(invitation)
    body = email.body
    assert email.to == [profile.email]
    assert "Senegal" in body and "Dakar" in body
    assert "Safer and more humane border management." in body
    assert "A training curriculum for border police officers." in body
    assert "Ten years in border police training." in body and "We need you." in body
    assert "Marta Oliveira" in body and officer.email in body
    assert day(invitation.respond_by) in body and day(activity.start_date) in body
    assert re.search(r"https?://\S+/experts/invitations/answer/\S+/", body)
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped


def test_the_invitation_email_is_in_the_experts_language_and_reaches_a_profile_without_account(officer, expert_user):
    expert_user.language = "fr"
    expert_user.save()
    activity = _activity_in_dakar()
    with_account = make_profile(user=expert_user, email=expert_user.email)
    without_account = make_profile(email="no-account@example.org")

    french = services.invitation_create(activity=activity, profile=with_account, by=officer)
    english = services.invitation_create(activity=activity, profile=without_account, by=officer)

    with translation.override("fr"):
        role, country = translation.gettext("Role"), translation.gettext("Country")
    assert role != "Role" and f"{role}: " in _email(french).body and f"{country}: " in _email(french).body
    assert "Role: " in _email(english).body and _email(english).to == ["no-account@example.org"]


def test_the_invitation_page_shows_the_same_details(client, officer, expert_user):
    activity = _activity_in_dakar()
    profile = make_profile(user=expert_user, email=expert_user.email)
    invitation = services.invitation_create(activity=activity, profile=profile, by=officer)

    for url, signed_in in ((reverse("experts:invitation", args=[invitation.pk]), True),
                           (reverse("experts:invitation_answer", args=[services.invitation_token(invitation)]), False)):
        if signed_in:
            client.force_login(expert_user)
        else:
            client.logout()
        html = client.get(url).content.decode()
        assert "Senegal" in html and "Dakar" in html
        assert "Safer and more humane border management." in html
        assert officer.email in html and "Answer by" in html


def test_the_date_to_answer_by_is_a_week_and_before_the_activity():
    today = datetime.date(2030, 3, 1)

    assert default_respond_by(datetime.date(2030, 6, 1), today) == datetime.date(2030, 3, 8)
    assert default_respond_by(datetime.date(2030, 3, 4), today) == datetime.date(2030, 3, 3)
    assert default_respond_by(datetime.date(2030, 3, 1), today) == today
    assert default_respond_by(None, today) == datetime.date(2030, 3, 8)


@pytest.mark.parametrize("days, message", [(-1, "past"), (+400, "before the activity")])
def test_a_date_to_answer_by_in_the_past_or_after_the_start_is_refused(officer, days, message):
    activity = make_activity()
    profile = make_profile()

    with pytest.raises(ValidationFailed) as refusal:
        services.invitation_create(activity=activity, profile=profile, by=officer,
                                   respond_by=timezone.localdate() + datetime.timedelta(days=days))

    assert refusal.value.field == "respond_by" and message in str(refusal.value.message)
    assert Invitation.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_the_invite_form_takes_a_date_to_answer_by(client, officer):
    activity = make_activity()
    profile = make_profile()
    client.force_login(officer)
    respond_by = timezone.localdate() + datetime.timedelta(days=3)

    client.post(reverse("experts:invite", args=[activity.pk]),
                {"profile": profile.pk, "role": "expert", "respond_by": respond_by.isoformat()})

    assert Invitation.objects.get().respond_by == respond_by


def _labels(criteria):
    return {str(label): met for label, met in criteria}


def test_after_accepting_the_experts_own_deployment_is_not_counted_against_them(client, officer, expert_user):
    activity = make_activity(topics=("border_management_policy",))
    profile = make_profile(user=expert_user, topics=("border_management_policy",))
    invitation = services.invitation_create(activity=activity, profile=profile, by=officer)
    before = _labels(criteria_for_expert(profile, activity))

    services.invitation_accept(invitation=invitation, by=expert_user)

    profile.refresh_from_db()
    assert profile.last_deployed_on == activity.start_date  # the deployment counts for rotation elsewhere
    after = _labels(criteria_for_expert(profile, activity))
    assert after[str(PARTS["availability"])] is True and after[str(PARTS["rotation"])] is True
    assert after == before
    client.force_login(expert_user)
    html = client.get(reverse("experts:invitation", args=[invitation.pk])).content.decode()
    assert "Not met</span> Available on the activity dates" not in html


def test_other_deployments_still_count_for_availability_and_rotation(officer, expert_user):
    activity = make_activity()
    profile = make_profile(user=expert_user)
    invitation = services.invitation_create(activity=activity, profile=profile, by=officer)
    services.invitation_accept(invitation=invitation, by=expert_user)
    # Another activity on the same dates (an import that only warned) and one a month before.
    clash = make_activity(start=activity.start_date, end=activity.end_date)
    Deployment.objects.create(profile=profile, activity=clash, start_date=activity.start_date, end_date=activity.end_date)
    recent = make_activity(start=activity.start_date - datetime.timedelta(days=30))
    Deployment.objects.create(profile=profile, activity=recent, start_date=recent.start_date, end_date=recent.end_date)
    refresh_last_deployed(profile)
    profile.refresh_from_db()

    criteria = _labels(criteria_for_expert(profile, activity))

    assert criteria[str(PARTS["availability"])] is False and criteria[str(PARTS["rotation"])] is False


def test_rotation_after_accepting_reads_the_latest_other_deployment(officer, expert_user):
    activity = make_activity()
    profile = make_profile(user=expert_user)
    long_ago = make_activity(start=activity.start_date - datetime.timedelta(days=3 * 365))
    Deployment.objects.create(profile=profile, activity=long_ago, start_date=long_ago.start_date,
                              end_date=long_ago.end_date)
    services.invitation_accept(invitation=services.invitation_create(activity=activity, profile=profile, by=officer),
                               by=expert_user)
    profile.refresh_from_db()

    assert _labels(criteria_for_expert(profile, activity))[str(PARTS["rotation"])] is True
