"""History pages show what people know: field labels, names, their language, dates, file names; never a secret,
never a database dump; the same number of queries however many rows and related names the page shows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pontis.core import audit, history
from pontis.core.models import AuditEvent, Country, ThematicArea
from pontis.core.templatetags.pontis import history_url
from pontis.intake import services
from pontis.intake.tests.conftest import complete_data
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def draft(focal_point, institution, **data):
    """A request its focal point submitted (officers see only submitted requests, and their history)."""
    theme = ThematicArea.objects.get(code="irregular_thb")
    request = services.request_save_draft(by=focal_point, data={
        **complete_data(institution), "title": {"en": "Border data", "fr": "Données frontalières"},
        "countries": list(Country.objects.filter(code__in=("PE", "CV"))), "themes": [theme],
        "topics": list(theme.topics.all()[:1]), **data})
    services.request_endorsement_attach(request=request, by=focal_point,
                                        upload=SimpleUploadedFile("Carta del ministro.pdf", PDF, "application/pdf"))
    services.request_submit(request=request, by=focal_point)
    return request


def page(client, obj, **params):
    return client.get(history_url(obj), params).content.decode()


@pytest.mark.django_db
def test_history_shows_labels_names_and_the_readers_language(client, focal_point, institution):
    request = draft(focal_point, institution)
    officer = user_with_role("officer")
    client.force_login(officer)

    html = page(client, request)

    assert "Countries" in html and "Cabo Verde" in html and "Peru" in html
    assert "Irregular Migration and Trafficking in Human Beings" in html
    assert "Border data" in html and "{&#x27;fr&#x27;" not in html and "{'fr'" not in html
    assert "Carta del ministro.pdf" in html and "letter-" not in html  # the uploaded name, not the stored path
    assert f"{focal_point.full_name} created it" in html
    assert not re.search(r"\[\d", html)  # no list of ids
    client.cookies["django_language"] = "fr"
    french = page(client, request)
    assert "Données frontalières" in french and "Pays" in french


@pytest.mark.django_db
def test_choices_dates_and_secrets():
    officer = user_with_role("officer")
    event = AuditEvent(actor=officer, actor_label=officer.email, action=AuditEvent.Action.UPDATE,
                       content_type_id=_content_type_id(officer), object_id=str(officer.pk), object_repr="x",
                       changes={"password": ["old-hash", "new-hash"], "language": ["en", "fr"],
                                "date_joined": ["2026-03-03T10:00:00+00:00", "2026-03-04T09:30:00+00:00"]})
    event.save()
    with translation.override("en"):
        entry, = history.present(AuditEvent.objects.filter(pk=event.pk).select_related("actor", "content_type"))
    shown = {c.label: (c.before, c.after) for c in entry.changes}
    assert "Password" not in shown and "password" not in str(shown) and "hash" not in str(shown)
    assert shown["Preferred language"] == ("English", "Français") or shown["Preferred language"] == ("English", "French")
    assert "2026-03-03" not in str(shown["Joined"]) and "2026" in str(shown["Joined"][0])


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


@pytest.mark.django_db
def test_query_count_is_flat(client, focal_point, institution):
    request = draft(focal_point, institution)
    client.force_login(user_with_role("officer"))
    small, _ = count_queries(lambda: page(client, request))
    peru, chile, brazil = (Country.objects.get(code=c) for c in ("PE", "CL", "BR"))
    officer = user_with_role("officer")
    for i, countries in enumerate(([peru], [chile, brazil], [peru, chile], [brazil])):
        audit.record(request, action=AuditEvent.Action.UPDATE, by=officer,  # rows naming other countries
                     changes={"countries": [[peru.pk], [c.pk for c in countries]], "title": [{"en": "A"}, {"en": f"V{i}"}]})
    large, html = count_queries(lambda: page(client, request))
    assert "Chile" in html and "Brazil" in html
    assert_flat(small, large)
    assert reverse("core:history", args=[_content_type_id(request), request.pk]) in history_url(request)
