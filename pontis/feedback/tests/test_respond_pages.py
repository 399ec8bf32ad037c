"""The respondents' pages: personal link and QR code, drafts, languages, double posts, closed and answered."""

import secrets

import pytest
from django.core.cache import cache
from django.urls import reverse

from pontis.feedback.models import Draft, Invitation, Questionnaire, Response
from pontis.feedback.services import responses as svc
from pontis.feedback.views_respond import DEVICE_COOKIE

from .test_responses_submit import invite, make_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


FORM = {"q-overall": "4", "q-useful": "yes", "q-topics": ["yes", "no"], "q-comment": "Good <b>day</b>",
        "q-law_pre": "2"}


def _link(invitation):
    return reverse("feedback:respond_link", args=[invitation.token])


def test_the_personal_link_shows_the_form_with_a_client_id_kept_in_the_draft(client):
    invitation = invite(make_questionnaire(), name="Ana <script>")

    page = client.get(_link(invitation))

    assert page.status_code == 200
    body = page.content.decode()
    draft = Draft.objects.get()
    client_id = svc.draft_client_id(draft)
    assert f'name="client_id" value="{client_id}"' in body
    assert "Question overall" in body and "5 – Very good" in body
    assert "Ana &lt;script&gt;" in body and "<script>" not in body.split("<main")[1].split("</main>")[0]
    assert page["X-Robots-Tag"] == "noindex, nofollow" and page["Referrer-Policy"] == "same-origin"
    # A second visit (another tab) uses the same client_id.
    assert f'value="{client_id}"' in client.get(_link(invitation)).content.decode()
    assert Draft.objects.count() == 1


def test_submitting_the_form_stores_the_response_and_thanks(client):
    invitation = invite(make_questionnaire(anonymity="named"))
    client.get(_link(invitation))
    client_id = svc.draft_client_id(Draft.objects.get())

    answer = client.post(_link(invitation), {**FORM, "client_id": client_id, "action": "submit"})

    assert answer.status_code == 302 and answer["Location"] == reverse("feedback:respond_link_done",
                                                                       args=[invitation.token])
    response = Response.objects.get()
    assert str(response.client_id) == client_id and response.channel == "link"
    assert svc.response_answers(response) == {"overall": 4, "useful": "yes", "topics": ["yes", "no"],
                                              "comment": "Good <b>day</b>", "law_pre": 2}
    assert Draft.objects.count() == 0  # the form's scratch pad goes with the submission
    assert "Thank you" in client.get(answer["Location"]).content.decode()


def test_a_double_post_of_the_form_stores_one_response(client):
    invitation = invite(make_questionnaire())
    client.get(_link(invitation))
    data = {**FORM, "client_id": svc.draft_client_id(Draft.objects.get()), "action": "submit"}

    first = client.post(_link(invitation), data)
    second = client.post(_link(invitation), data)

    assert first.status_code == 302
    assert second.status_code == 200 and "We already have your answers" in second.content.decode()
    assert Response.objects.count() == 1


def test_the_page_after_answering_says_so_kindly(client):
    invitation = invite(make_questionnaire())
    svc.response_submit(token=invitation.token, client_id=svc.uuid.uuid4(),
                        answers={"overall": 3, "useful": "no", "law_pre": 1}, channel="link")

    page = client.get(_link(invitation))

    assert page.status_code == 200 and "We already have your answers" in page.content.decode()


def test_an_invalid_submission_shows_the_error_summary_and_keeps_the_answers(client):
    invitation = invite(make_questionnaire())
    client.get(_link(invitation))

    page = client.post(_link(invitation), {"q-overall": "4", "q-comment": "kept text", "action": "submit",
                                           "client_id": svc.draft_client_id(Draft.objects.get())})

    body = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in body
    assert 'href="#question-useful"' in body and 'href="#question-law_pre"' in body
    assert 'href="#question-overall"' not in body
    assert "kept text" in body and 'value="4" checked' in body
    assert Response.objects.count() == 0


def test_save_and_continue_later_keeps_the_draft_for_the_same_link(client):
    invitation = invite(make_questionnaire())
    client.get(_link(invitation))

    saved = client.post(_link(invitation), {"q-overall": "2", "q-comment": "half done", "action": "save"})

    assert saved.status_code == 200 and "Your answers are saved" in saved.content.decode()
    assert svc.draft_answers(Draft.objects.get()) == {"overall": "2", "comment": "half done"}
    resumed = client.get(_link(invitation)).content.decode()
    assert "half done" in resumed and 'value="2" checked' in resumed
    assert Response.objects.count() == 0


def test_htmx_autosave_answers_204_and_keeps_the_draft(client):
    invitation = invite(make_questionnaire())
    client.get(_link(invitation))

    answer = client.post(_link(invitation), {"q-useful": "maybe", "action": "autosave"}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 204
    assert svc.draft_answers(Draft.objects.get()) == {"useful": "maybe"}


def test_the_language_comes_from_the_invitation_and_the_chooser(client):
    questionnaire = make_questionnaire(languages=("en", "fr"))
    invitation = invite(questionnaire, language="fr")

    french = client.get(_link(invitation)).content.decode()
    english = client.get(_link(invitation) + "?lang=en").content.decode()

    assert "Question overall (fr)" in french and 'lang="fr"' in french
    assert "Question overall (fr)" not in english and "Question overall" in english


def test_a_missing_translation_is_marked_as_such(client):
    questionnaire = make_questionnaire([question("overall", text={"en": "Overall?"})], languages=("en", "fr"))
    page = client.get(_link(invite(questionnaire)) + "?lang=fr").content.decode()
    assert "Overall?" in page
    assert '<span class="tag tag--grey">' in page and 'class="respond__fallback-note"' in page


def test_a_closed_questionnaire_says_so_and_stores_nothing(client):
    questionnaire = make_questionnaire()
    invitation = invite(questionnaire)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(status="closed")

    page = client.post(_link(invitation), {**FORM, "action": "submit"})

    assert page.status_code == 200 and "This questionnaire is closed" in page.content.decode()
    assert Response.objects.count() == 0 and Draft.objects.count() == 0


def test_an_unknown_link_is_404_and_guessing_is_rate_limited(client):
    for _ in range(svc.UNKNOWN_LINKS_PER_ADDRESS):
        assert client.get(reverse("feedback:respond_link", args=["guess" + secrets.token_hex(4)])).status_code == 404
    invitation = invite(make_questionnaire())
    assert client.get(_link(invitation)).status_code == 429


# ---------------------------------------------------------------- QR code


def _qr(questionnaire):
    questionnaire.open_key = secrets.token_urlsafe(32)
    questionnaire.save()
    return reverse("feedback:respond_open", args=[questionnaire.open_key])


def test_the_qr_link_sets_a_device_cookie_and_answers_once_per_device(client):
    questionnaire = make_questionnaire()
    invite(questionnaire, name="Secret Name")
    url = _qr(questionnaire)

    page = client.get(url)

    assert page.status_code == 200 and DEVICE_COOKIE in page.cookies
    assert "Secret Name" not in page.content.decode()
    assert Draft.objects.count() == 0  # a first visit stores nothing
    client_id = page.context["client_id"]
    assert client.post(url, {**FORM, "client_id": client_id, "action": "submit"}).status_code == 302
    again = client.get(url)
    assert "We already have your answers" in again.content.decode()
    assert Response.objects.filter(channel="qr").count() == 1
    assert Invitation.objects.get().answered_at is None


def test_another_device_answers_the_same_qr_code(client):
    from django.test import Client

    questionnaire = make_questionnaire()
    url = _qr(questionnaire)
    for device in (client, Client()):
        client_id = device.get(url).context["client_id"]
        device.post(url, {**FORM, "client_id": client_id, "action": "submit"})
    assert Response.objects.filter(channel="qr").count() == 2


def test_a_device_without_cookies_double_tapping_stores_one_response(client):
    questionnaire = make_questionnaire()
    url = _qr(questionnaire)
    client_id = client.get(url).context["client_id"]
    data = {**FORM, "client_id": client_id, "action": "submit"}

    client.cookies.clear()
    first = client.post(url, data)
    client.cookies.clear()
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 200 and "We already have your answers" in second.content.decode()
    assert Response.objects.count() == 1


def test_a_qr_draft_is_resumed_on_the_same_device(client):
    questionnaire = make_questionnaire()
    url = _qr(questionnaire)
    client_id = client.get(url).context["client_id"]
    client.post(url, {"q-comment": "from my phone", "client_id": client_id, "action": "save"})

    again = client.get(url)

    assert "from my phone" in again.content.decode() and again.context["client_id"] == client_id
    assert Draft.objects.count() == 1


def test_a_mobile_page_has_large_controls_and_no_inline_script(client):
    body = client.get(_link(invite(make_questionnaire()))).content.decode()
    assert "feedback-respond.css" in body
    assert 'class="respond__option"' in body
    assert "<script>" not in body
