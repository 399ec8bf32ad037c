"""``manage.py generate_scale_data`` at tiny sizes: it adds exactly what it is asked, twice without a collision,
keeps the invariants the pages read, and refuses the production profile."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max

from pontis.accounts.models import Institution, RoleAssignment, User
from pontis.actions.models import Action, ActionCodeCounter, Activity, FicheVersion
from pontis.actions.services import next_action_code
from pontis.devtools.scale import registered_steps
from pontis.experts.models import Deployment, ExpertProfile
from pontis.experts.selectors import roster_search
from pontis.intake.models import Request
from tests.factories import InstitutionFactory

SIZES = {"institutions": 12, "people": 5, "experts": 40, "requests": 15, "actions": 10, "activities": 30,
         "deployments": 90}
MODELS = {"institutions": Institution, "experts": ExpertProfile, "requests": Request, "actions": Action,
          "activities": Activity, "deployments": Deployment}


def counts():
    return {name: model.objects.count() for name, model in MODELS.items()} | {
        "people": RoleAssignment.objects.filter(user__email__startswith="scale-").count()}


def generate(**extra):
    out = StringIO()
    options = {name: SIZES.get(name, 0) for name in (s.name for s in registered_steps())}
    options.update(extra)
    call_command("generate_scale_data", stdout=out, no_vacuum=True, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_adds_the_requested_counts_twice_without_collision():
    InstitutionFactory()  # what the database already holds stays
    before = counts()
    generate()
    once = counts()
    generate()
    twice = counts()
    for name, size in SIZES.items():
        assert once[name] - before[name] == size, name
        assert twice[name] - once[name] == size, name
    # Unique columns: no two rows share them (the database would have refused, but say what is meant).
    assert Action.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert User.objects.filter(email__startswith="scale-r2-").count() == SIZES["people"]
    assert ExpertProfile.objects.filter(email__startswith="scale-r2-").count() == SIZES["experts"]
    assert all(re.fullmatch(r"\d{4}-\d{2,3}", code) for code in Action.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_keeps_what_the_pages_read():
    generate()
    # The roster's search text is built, so a generated expert is found by name.
    expert = ExpertProfile.objects.filter(email__startswith="scale-r1-").first()
    assert expert.search_text and expert.taxonomy_text
    assert expert in roster_search(ExpertProfile.objects.all(), q=expert.email)
    # The rotation column matches the deployments.
    for profile in ExpertProfile.objects.filter(deployments__isnull=False).distinct():
        last = profile.deployments.exclude(status="cancelled").aggregate(m=Max("start_date"))["m"]
        assert profile.last_deployed_on == last
    # The code counter moved past the generated codes: the next approval gets a fresh code at once.
    year, number = Action.objects.order_by("-code").values_list("code", flat=True)[0].split("-")
    counter = ActionCodeCounter.objects.get(year=int(year))
    assert counter.last >= int(number)
    assert not Action.objects.filter(code=next_action_code(int(year))).exists()
    # Submitted requests have a submission date (check constraint), Actions with an agreed fiche have version 1.
    assert not Request.objects.exclude(status__in=["draft", "withdrawn"]).filter(submitted_at__isnull=True).exists()
    assert FicheVersion.objects.filter(action__fiche_agreed_on__isnull=False).count() == \
        Action.objects.filter(fiche_agreed_on__isnull=False).count()
    # Every Action has a theme and a country, and activities belong to the run's Actions.
    assert not Action.objects.filter(themes__isnull=True).exists()
    assert not Action.objects.filter(countries__isnull=True).exists()


@pytest.mark.django_db
def test_same_seed_same_data():
    generate(seed=7)
    first = list(Action.objects.order_by("code").values_list("code", "status", "title"))
    Deployment.objects.all().delete()
    Activity.objects.all().delete()
    Action.objects.all().delete()
    ActionCodeCounter.objects.all().delete()
    ExpertProfile.objects.all().delete()
    Request.objects.all().delete()
    User.objects.filter(email__startswith="scale-").delete()
    generate(seed=7)
    assert list(Action.objects.order_by("code").values_list("code", "status", "title")) == first


@pytest.mark.django_db
def test_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        generate()
    assert counts()["experts"] == 0 and counts()["actions"] == 0


@pytest.mark.django_db
def test_refuses_negative_sizes():
    with pytest.raises(CommandError, match="negative"):
        generate(experts=-1)
    assert ExpertProfile.objects.count() == 0
