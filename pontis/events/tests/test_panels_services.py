"""Panels: member countries, delegates, work programmes and host offers through the services."""

import datetime

import pytest

from pontis.core import audit
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country
from pontis.events import services
from pontis.events.models import HostOffer, Panel, PanelDelegate, WorkProgramme
from pontis.events.tests.factories import make_meeting
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def c(code):
    return Country.objects.get(code=code)


def make_panel(*, slug="eap-test", access="public", members=("BY", "LT", "PL"), topics=2):
    """A panel with member countries, two delegates with accounts (Belarus, Lithuania) and a draft programme."""
    panel = services.panel_create(by=None, slug=slug, name={"en": f"Panel {slug}"}, access=access)
    for code in members:
        services.panel_member_add(panel=panel, country=c(code), by=None)
    by_user, lt_user = UserFactory(), UserFactory()
    services.delegate_add(panel=panel, by=None, country=c("BY"), name="Belarus Delegate", user=by_user)
    services.delegate_add(panel=panel, by=None, country=c("LT"), name="Lithuania Delegate", user=lt_user)
    programme = services.programme_create(panel=panel, by=None, year=2017,
                                          topics=[{"en": f"Topic {i + 1}"} for i in range(topics)])
    return panel, programme, by_user, lt_user


@pytest.fixture
def world():
    panel, programme, by_user, lt_user = make_panel()
    return {"panel": panel, "programme": programme, "topic": programme.topics.get(order=1), "by": by_user,
            "lt": lt_user, "officer": user_with_role("officer")}


def test_a_delegate_offers_to_host_for_their_own_country(world):
    # when the Belarus delegate offers to host topic 1 for Belarus
    offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"], note="We can host")
    # then the offer is recorded, offered, by them, with an audit row
    assert (offer.status, offer.country_id, offer.offered_by, offer.note) == ("offered", c("BY").pk, world["by"], "We can host")
    assert [e.action for e in audit.history_for(offer)] == ["create"]


def test_another_countrys_delegate_is_refused_and_nothing_changes(world):
    audit_before = AuditEvent.objects.count()
    # when the Lithuania delegate offers for Belarus
    with pytest.raises(NotAllowed):
        services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["lt"])
    # then nothing is written
    assert HostOffer.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_a_signed_in_person_who_is_no_delegate_is_refused(world):
    with pytest.raises(NotAllowed):
        services.host_offer_create(topic=world["topic"], country=c("PL"), by=UserFactory())
    assert HostOffer.objects.count() == 0


def test_an_inactive_delegate_is_refused(world):
    delegate = PanelDelegate.objects.get(user=world["by"])
    services.delegate_remove(delegate=delegate, by=world["officer"])
    with pytest.raises(NotAllowed):
        services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    assert HostOffer.objects.count() == 0


def test_staff_offer_for_any_member_country_but_not_for_a_non_member(world):
    offer = services.host_offer_create(topic=world["topic"], country=c("PL"), by=world["officer"])
    assert offer.country == c("PL")
    with pytest.raises(ValidationFailed):
        services.host_offer_create(topic=world["topic"], country=c("FR"), by=world["officer"])
    assert list(HostOffer.objects.values_list("country__code", flat=True)) == ["PL"]


def test_offering_twice_answers_the_standing_offer(world):
    first = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    second = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    assert first.pk == second.pk
    assert HostOffer.objects.count() == 1


def test_staff_confirm_several_cohosts_and_decline_another(world):
    by_offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    lt_offer = services.host_offer_create(topic=world["topic"], country=c("LT"), by=world["lt"])
    pl_offer = services.host_offer_create(topic=world["topic"], country=c("PL"), by=world["officer"])
    services.host_offer_confirm(offer=by_offer, by=world["officer"])
    services.host_offer_confirm(offer=lt_offer, by=world["officer"])
    services.host_offer_decline(offer=pl_offer, by=world["officer"])
    statuses = dict(HostOffer.objects.values_list("country__code", "status"))
    assert statuses == {"BY": "confirmed", "LT": "confirmed", "PL": "declined"}
    assert HostOffer.objects.get(pk=by_offer.pk).decided_by == world["officer"]
    # a declined offer cannot be confirmed afterwards
    with pytest.raises(IllegalTransition):
        services.host_offer_confirm(offer=pl_offer, by=world["officer"])
    assert HostOffer.objects.get(pk=pl_offer.pk).status == "declined"


def test_a_delegate_cannot_confirm_an_offer(world):
    offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    with pytest.raises(NotAllowed):
        services.host_offer_confirm(offer=offer, by=world["by"])
    assert HostOffer.objects.get(pk=offer.pk).status == "offered"


def test_a_delegate_withdraws_their_own_offer_only(world):
    offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    with pytest.raises(NotAllowed):
        services.host_offer_withdraw(offer=offer, by=world["lt"])
    assert HostOffer.objects.get(pk=offer.pk).status == "offered"
    services.host_offer_withdraw(offer=offer, by=world["by"])
    assert HostOffer.objects.get(pk=offer.pk).status == "withdrawn"


def test_linking_the_topics_meeting_makes_the_confirmed_hosts_its_host_countries(world):
    meeting = make_meeting(kind="panel_meeting", held=False, start=datetime.date(2030, 5, 4), country="GE")
    for code, user in (("BY", world["by"]), ("LT", world["lt"])):
        offer = services.host_offer_create(topic=world["topic"], country=c(code), by=user)
        services.host_offer_confirm(offer=offer, by=world["officer"])
    services.host_offer_create(topic=world["topic"], country=c("PL"), by=world["officer"])  # offered only
    # when staff link the meeting to the topic
    services.topic_link_meeting(topic=world["topic"], meeting=meeting, by=world["officer"])
    meeting.refresh_from_db()
    # then the meeting joins the panel and its hosts are the confirmed countries
    assert meeting.panel == world["panel"]
    assert sorted(meeting.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    assert world["topic"].__class__.objects.get(pk=world["topic"].pk).meeting == meeting
    # and confirming Poland later adds it as a co-host
    services.host_offer_confirm(offer=HostOffer.objects.get(country__code="PL"), by=world["officer"])
    assert sorted(meeting.host_countries.values_list("code", flat=True)) == ["BY", "LT", "PL"]


def test_programme_is_adopted_once_by_staff_only(world):
    programme = world["programme"]
    assert [t.order for t in programme.topics.all()] == [1, 2]
    with pytest.raises(NotAllowed):
        services.programme_adopt(programme=programme, by=world["by"])
    assert WorkProgramme.objects.get(pk=programme.pk).status == "draft"
    services.programme_adopt(programme=programme, by=world["officer"])
    assert WorkProgramme.objects.get(pk=programme.pk).status == "adopted"
    with pytest.raises(IllegalTransition):
        services.programme_adopt(programme=programme, by=world["officer"])


def test_a_second_programme_for_the_same_year_conflicts_and_a_double_submit_makes_one(world):
    from pontis.core.errors import Conflict

    with pytest.raises(Conflict):
        services.programme_create(panel=world["panel"], by=world["officer"], year=2017, topics=[{"en": "X"}])
    first = services.programme_create(panel=world["panel"], by=world["officer"], year=2018, topics=[{"en": "A"}],
                                      key="k-2018")
    again = services.programme_create(panel=world["panel"], by=world["officer"], year=2018, topics=[{"en": "A"}],
                                      key="k-2018")
    assert first.pk == again.pk
    assert WorkProgramme.objects.filter(panel=world["panel"]).count() == 2


def test_delegates_only_for_member_countries_and_removing_a_member_deactivates_its_delegates(world):
    with pytest.raises(ValidationFailed):
        services.delegate_add(panel=world["panel"], by=world["officer"], country=c("FR"), name="Nobody")
    assert PanelDelegate.objects.filter(panel=world["panel"]).count() == 2
    member = world["panel"].members.get(country__code="BY")
    services.panel_member_remove(member=member, by=world["officer"])
    assert sorted(world["panel"].members.values_list("country__code", flat=True)) == ["LT", "PL"]
    assert PanelDelegate.objects.get(user=world["by"]).is_active is False


def test_only_staff_create_panels():
    with pytest.raises(NotAllowed):
        services.panel_create(by=UserFactory(), slug="x", name={"en": "X"})
    assert Panel.objects.count() == 0
