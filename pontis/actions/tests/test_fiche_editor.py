"""The Action Fiche editor and the fiche as people read it: rows added and removed, no template comment, labels in
the reader's language (never ``fact_finding_mission`` or ``es``), in the page, the comparison and the PDF."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import FicheVersion
from pontis.actions.tests.factories import fiche_content, make_action

pytestmark = pytest.mark.django_db


def _draft(officer, focal_point, institution, **row):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    content = fiche_content(n_activities=1)
    content["activities"][0].update({"type": "fact_finding_mission", "language": "es", **row})
    services.fiche_save(version=draft, by=officer, content=content)
    draft.refresh_from_db()
    return action, draft


def _post_rows(rows: list[dict], **extra) -> dict:
    data = {"op": "save", "overall_objective": "Strengthen the ministry.", "row_count": str(len(rows))}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"act-{i}-{key}"] = value
    return data | extra


def test_the_editor_leaks_no_template_comment_and_labels_every_field(client, officer, focal_point, institution):
    # Given a draft with one activity, opened by an officer
    action, _draft_version = _draft(officer, focal_point, institution)
    client.force_login(officer)

    # When the editor is shown
    html = client.get(reverse("actions:fiche", args=[action.code])).content.decode()

    # Then no template comment shows, and every activity field has a visible label
    assert "{#" not in html and "#}" not in html
    assert "Not a fieldset" not in html
    for field in ("type", "title", "start_date", "end_date", "place", "online", "language", "participants", "expert_profile"):
        assert f'<label for="act-0-{field}">' in html
    # and "Add an activity" clones a ready row (no save needed), with a save-and-add fallback without JavaScript
    assert '<template id="fiche-row-template">' in html
    assert 'id="act-__prefix__-type"' in html
    assert 'name="add_row"' in html and "data-fiche-add" in html
    assert 'name="remove" value="0"' in html


def test_a_row_added_in_the_page_is_saved_with_the_next_index(client, officer, focal_point, institution):
    # Given a draft with one activity; the page added a row (index 1) and the person filled it before saving
    action, draft = _draft(officer, focal_point, institution)
    client.force_login(officer)
    rows = [{"type": "fact_finding_mission", "title": "Mission"}, {"type": "workshop", "title": "New workshop", "place": "Praia"}]

    # When the draft is saved once
    response = client.post(reverse("actions:fiche", args=[action.code]) + f"?v={draft.number}", _post_rows(rows))

    # Then both activities are in the draft, numbered in order
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [(r["sequence"], r["type"], r["title"]) for r in draft.activity_rows] == [
        (1, "fact_finding_mission", "Mission"), (2, "workshop", "New workshop")]


def test_add_an_activity_without_javascript_saves_and_shows_one_more_row(client, officer, focal_point, institution):
    action, draft = _draft(officer, focal_point, institution)
    client.force_login(officer)
    url = reverse("actions:fiche", args=[action.code])

    response = client.post(url + f"?v={draft.number}", _post_rows([{"type": "workshop", "title": "Kept"}], add_row="1"))

    assert response.status_code == 302 and "add=1" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert page.count("data-fiche-row>") == 3  # the saved row, the new empty one, and the template's
    draft.refresh_from_db()
    assert [r["title"] for r in draft.activity_rows] == ["Kept"]


def test_remove_without_javascript_saves_the_draft_without_that_row(client, officer, focal_point, institution):
    action, draft = _draft(officer, focal_point, institution)
    client.force_login(officer)
    rows = [{"type": "workshop", "title": "First"}, {"type": "workshop", "title": "Second"}]

    client.post(reverse("actions:fiche", args=[action.code]) + f"?v={draft.number}", _post_rows(rows, remove="0"))

    draft.refresh_from_db()
    assert [(r["sequence"], r["title"]) for r in draft.activity_rows] == [(1, "Second")]


def test_a_refused_save_shows_an_error_summary_linked_to_the_row_and_changes_nothing(client, officer, focal_point, institution):
    action, draft = _draft(officer, focal_point, institution)
    before = dict(draft.content)
    client.force_login(officer)
    rows = [{"type": "workshop", "title": "First"}, {"type": "", "title": "No type"}]

    response = client.post(reverse("actions:fiche", args=[action.code]) + f"?v={draft.number}", _post_rows(rows))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html and 'href="#act-1-type"' in html
    draft.refresh_from_db()
    assert draft.content == before


@pytest.mark.parametrize("lang, type_label, language_label", [("fr", "Mission exploratoire", "espagnol"),
                                                             ("ru", "Миссия по сбору информации", "испанский")])
def test_the_fiche_shows_labels_in_the_reader_language_never_codes(client, officer, focal_point, institution,
                                                                   lang, type_label, language_label):
    # Given a fiche whose activity is a fact-finding mission held in Spanish, read by the partner
    action, _version = _draft(officer, focal_point, institution)
    client.force_login(focal_point)
    client.cookies["django_language"] = lang

    html = client.get(reverse("actions:fiche", args=[action.code])).content.decode()

    assert type_label in html
    assert language_label in html.lower()
    assert "fact_finding_mission" not in html
    assert ">es<" not in html


def test_a_proposal_shows_its_section_label_not_its_code(client, officer, focal_point, institution):
    action, draft = _draft(officer, focal_point, institution)
    services.fiche_propose(version=draft, by=focal_point, section="risks", text="Staff turnover.")
    client.force_login(officer)

    html = client.get(reverse("actions:fiche", args=[action.code])).content.decode()

    assert "<strong>Risks</strong>" in html
    assert "<strong>risks</strong>" not in html


def test_the_comparison_and_the_pdf_show_labels_not_codes(client, officer, focal_point, institution):
    pypdf = pytest.importorskip("pypdf")
    # Given an agreed fiche (a fact-finding mission in Spanish) and its redesign
    action, draft = _draft(officer, focal_point, institution)
    services.fiche_partner_agree(version=draft, by=focal_point)
    services.fiche_agree(version=draft, by=officer)
    services.fiche_redesign(action=action, by=officer, reason="New partner")
    client.force_login(officer)
    client.cookies["django_language"] = "fr"

    diff = client.get(reverse("actions:fiche_diff", args=[action.code])).content.decode()
    pdf = client.get(reverse("actions:fiche_pdf", args=[action.code, 1]))

    assert "fact_finding_mission" not in diff
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content)
                                                                             if pdf.streaming else pdf.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Mission exploratoire" in text
    assert "espagnol" in text.lower()
    assert "fact_finding_mission" not in text
    assert FicheVersion.objects.filter(action=action, status=FicheVersion.Status.AGREED).count() == 1
