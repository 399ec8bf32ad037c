"""The landing page's public figures count Actions and countries, nothing else."""

import pytest

from pontis.actions.models import Action

from .factories import make_action


@pytest.mark.django_db
def test_landing_page_shows_action_figures(client, officer):
    make_action(officer, countries=("CV",))
    done = make_action(officer, countries=("PE", "CV"))
    Action.objects.filter(pk=done.pk).update(status=Action.Status.COMPLETED)
    cancelled = make_action(officer, countries=("TH",))
    Action.objects.filter(pk=cancelled.pk).update(status=Action.Status.CANCELLED)

    response = client.get("/")

    figures = dict((str(label), value) for label, value in response.context["figures"])
    assert figures["Actions completed"] == 1
    assert figures["Actions under way"] == 1
    assert figures["countries supported"] == 2
    assert done.code not in response.content.decode()
