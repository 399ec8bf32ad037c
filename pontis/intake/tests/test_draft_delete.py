"""An untitled draft is named and linked; its author may delete it, after a confirmation page."""

import re

import pytest
from django.urls import reverse

from pontis.core.errors import IllegalTransition, NotAllowed
from pontis.core.models import AuditEvent
from pontis.intake import services
from pontis.intake.models import Request
from tests.factories import user_with_role


def untitled_draft(by):
    return services.request_save_draft(by=by, data={"title": "", "problem": "Half an idea."})


@pytest.mark.django_db
def test_an_untitled_draft_is_named_by_when_it_was_started_and_linked(client, focal_point):
    draft = untitled_draft(focal_point)
    client.force_login(focal_point)
    detail = reverse("intake:detail", args=[draft.pk])
    # The date as the language writes it: "29 November 2026" in English.
    linked = re.compile(rf'<a href="{detail}">Untitled draft, started [^<]*{draft.created_at.year}</a>')

    for url in (reverse("intake:list"), reverse("core:home")):
        assert linked.search(client.get(url).content.decode()), url

    assert "Untitled draft, started" in client.get(detail).content.decode()


@pytest.mark.django_db
def test_the_author_deletes_a_draft_after_confirming(client, focal_point):
    draft = untitled_draft(focal_point)
    client.force_login(focal_point)
    url = reverse("intake:delete_draft", args=[draft.pk])
    assert url in client.get(reverse("intake:detail", args=[draft.pk])).content.decode()

    page = client.post(url)  # from the draft's page: only the confirmation page
    assert page.status_code == 200
    assert "Delete this draft?" in page.content.decode()
    assert Request.objects.filter(pk=draft.pk).exists()

    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("intake:list")
    assert not Request.objects.filter(pk=draft.pk).exists()
    row = AuditEvent.objects.get(object_id=str(draft.pk), action=AuditEvent.Action.DELETE)
    assert row.actor == focal_point and row.changes["problem"] == ["Half an idea.", None]


@pytest.mark.django_db
def test_only_the_author_and_only_a_draft(client, focal_point, institution, make_request):
    draft = untitled_draft(focal_point)
    colleague = user_with_role("focal_point", institution=institution)  # sees the draft (same institution)
    with pytest.raises(NotAllowed):
        services.request_draft_delete(request=draft, by=colleague)
    client.force_login(colleague)
    assert reverse("intake:delete_draft", args=[draft.pk]) not in client.get(
        reverse("intake:detail", args=[draft.pk])).content.decode()
    client.post(reverse("intake:delete_draft", args=[draft.pk]), {"confirmed": "1"})
    assert Request.objects.filter(pk=draft.pk).exists()

    submitted = make_request("submitted")
    with pytest.raises(IllegalTransition):
        services.request_draft_delete(request=submitted, by=focal_point)
    with pytest.raises(NotAllowed):
        services.request_draft_delete(request=submitted, by=user_with_role("officer"))
    assert Request.objects.filter(pk=submitted.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()
