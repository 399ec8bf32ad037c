"""Test data for the roster: profiles, Actions and activities (created directly; tests are not the product)."""

import datetime
import itertools

from django.utils import timezone

from pontis.actions.models import Action, ActionPartner, Activity
from pontis.core.models import ActivityType, Country, Language, ThematicArea, Topic
from pontis.experts.models import ExpertLanguage, ExpertProfile
from pontis.experts.services import refresh_search_text

_seq = itertools.count(1)


def make_profile(*, status="active", gender="female", background="government", nationality="FR", themes=("irregular_thb",),
                 topics=(), languages=(("en", "C2"),), countries=(), user=None, institution=None, **fields):
    n = next(_seq)
    profile = ExpertProfile.objects.create(
        email=fields.pop("email", f"expert{n}@example.org"), given_name=fields.pop("given_name", f"Given{n}"),
        family_name=fields.pop("family_name", f"Family{n}"), gender=gender, background=background,
        nationality=Country.objects.get(code=nationality) if nationality else None, status=status, user=user,
        institution=institution, **fields)
    profile.themes.set(ThematicArea.objects.filter(code__in=themes))
    profile.topics.set(Topic.objects.filter(code__in=topics))
    profile.countries_experience.set(Country.objects.filter(code__in=countries))
    for code, level in languages:
        ExpertLanguage.objects.create(profile=profile, language=Language.objects.get(code=code), level=level)
    refresh_search_text(profile)
    return profile


def make_activity(*, start=None, end=None, themes=("irregular_thb",), topics=(), languages=("en",), countries=("SN",),
                  partners=(), code=None, type_code="workshop"):
    n = next(_seq)
    start = start or timezone.localdate() + datetime.timedelta(days=60)
    end = end or start + datetime.timedelta(days=2)
    action = Action.objects.create(code=code or f"2099-{n % 100:02d}" if code is None else code, title={"en": f"Action {n}"},
                                   start_date=start)
    action.themes.set(ThematicArea.objects.filter(code__in=themes))
    action.topics.set(Topic.objects.filter(code__in=topics))
    action.countries.set(Country.objects.filter(code__in=countries))
    for institution in partners:
        ActionPartner.objects.create(action=action, institution=institution)
    activity = Activity.objects.create(action=action, type=ActivityType.objects.get(code=type_code),
                                       title={"en": f"Workshop {n}"}, start_date=start, end_date=end)
    activity.languages.set(Language.objects.filter(code__in=languages))
    return activity
