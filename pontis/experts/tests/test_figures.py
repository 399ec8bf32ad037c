"""Aggregate roster figures: on the landing page for everyone, on the home page for donor observers."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_landing_page_and_observer_home_show_roster_figures(client, observer, officer):
    call_command("load_demo", stdout=open("/dev/null", "w"))

    landing = dict((str(label), value) for label, value in client.get("/").context["figures"])
    client.force_login(observer)
    home = client.get("/")
    panel = next(p for p in home.context["panels"] if str(p["title"]) == "The roster in numbers")
    client.force_login(officer)
    staff_titles = [str(p["title"]) for p in client.get("/").context["panels"]]

    assert landing["experts on the roster"] == 675
    assert landing["experts deployed"] == 340
    assert (panel["stats"]["deployed"], panel["eu_government"], panel["eu_states"]) == (340, 176, 22)
    assert "176 from 22 member states" in home.content.decode()
    assert "The roster in numbers" not in staff_titles
