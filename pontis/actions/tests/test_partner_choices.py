"""Adding a partner offers the institutions of the Action's countries that are not partners yet, and their focal
points: the whole directory (10,000 institutions and their focal points at stress size) made the Action page weigh
more than 1 MB and take seconds to render."""

import pytest
from django.urls import reverse

from pontis.actions.forms import PartnerAddForm
from pontis.core.models import Country
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .factories import make_action

pytestmark = pytest.mark.django_db


def test_only_institutions_of_the_actions_countries_and_their_focal_points(officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)  # Cabo Verde
    here = InstitutionFactory()
    here_person = user_with_role("focal_point", institution=here)
    elsewhere = InstitutionFactory(country=Country.objects.get(code="PE"))
    elsewhere_person = user_with_role("focal_point", institution=elsewhere)
    form = PartnerAddForm(action=action)
    offered = set(form.fields["institution"].queryset)
    assert here in offered and elsewhere not in offered and institution not in offered  # already a partner
    people = set(form.fields["operational_focal_point"].queryset)
    assert here_person in people and elsewhere_person not in people

    # An institution of another country posted anyway is refused by the form, and nothing is added.
    refused = PartnerAddForm({"institution": elsewhere.pk}, action=action)
    assert not refused.is_valid() and "institution" in refused.errors


def test_the_action_page_does_not_grow_with_the_directory(client, officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    url = reverse("actions:detail", args=[action.code])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    size = len(response.content)
    peru = Country.objects.get(code="PE")
    for _i in range(30):
        user_with_role("focal_point", institution=InstitutionFactory(country=peru))
    large, response = count_queries(lambda: client.get(url))
    assert_flat(small, large)
    assert len(response.content) == size
